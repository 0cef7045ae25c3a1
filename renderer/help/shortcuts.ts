/**
 * The shortcuts overlay's content: every command of COMMANDS grouped by
 * menu, with its key on this host and platform (none: menu only), the
 * timeline's step keys and the editor's own keys (Monaco's).
 */
import { COMMANDS, type CommandDef, type MenuName } from '../../electron/shared/commands';
import { formatAccelerator, parseAccelerator, type Platform } from '../commands/accelerator';
import { acceleratorText, type Host } from '../commands/bindings';

export interface ShortcutRow {
  id: string;
  label: string;
  /** The key as shown on this platform, or '' (menu only). */
  keys: string;
}

export interface ShortcutGroup {
  name: MenuName | 'Editor' | 'Timeline';
  rows: ShortcutRow[];
}

const MENUS: readonly MenuName[] = ['File', 'Edit', 'Run', 'View', 'Help'];

/** Monaco's keys worth knowing in a scenario (Electron accelerator syntax). */
const EDITOR_KEYS: readonly { id: string; label: string; accelerator: string }[] = [
  { id: 'editor.suggest', label: 'Complete (lab API)', accelerator: 'Ctrl+Space' },
  { id: 'editor.find', label: 'Find', accelerator: 'CmdOrCtrl+F' },
  { id: 'editor.gotoLine', label: 'Go to Line', accelerator: 'Ctrl+G' },
  { id: 'editor.palette', label: 'Command Palette', accelerator: 'F1' },
];

/** The timeline's own keys (timeline/keys.ts), outside text fields. */
const TIMELINE_KEYS: readonly ShortcutRow[] = [
  { id: 'timeline.step', label: 'Previous / next event', keys: '← →' },
  { id: 'timeline.ends', label: 'First / last event', keys: 'Home End' },
  { id: 'timeline.play', label: 'Play / pause', keys: 'Space' },
];

function show(text: string | null, platform: Platform): string {
  if (text === null) return '';
  const acc = parseAccelerator(text, platform);
  return acc ? formatAccelerator(acc, platform) : '';
}

export function shortcutGroups(host: Host, platform: Platform): ShortcutGroup[] {
  const groups: ShortcutGroup[] = [];
  for (const menu of MENUS) {
    const rows = (COMMANDS as readonly CommandDef[])
      .filter((c) => c.menu === menu)
      .map((c) => ({ id: c.id, label: c.label, keys: show(acceleratorText(c, host), platform) }));
    if (rows.length > 0) groups.push({ name: menu, rows });
  }
  groups.push({ name: 'Timeline', rows: [...TIMELINE_KEYS] });
  groups.push({
    name: 'Editor',
    rows: EDITOR_KEYS.map((k) => ({ id: k.id, label: k.label, keys: show(k.accelerator, platform) })),
  });
  return groups;
}
