/**
 * The application menu, built from COMMANDS (labels, accelerators) and the
 * renderer's AppState (enabled and checked states). A click sends the
 * command to the window it was made in.
 *
 * Accelerators are shown but not registered (`registerAccelerator: false`):
 * the renderer answers every COMMANDS shortcut itself (renderer/commands), and
 * a registered one would fire twice on Linux and Windows, or swallow keys the
 * editor needs ("?" is Shift+/). The Edit roles are likewise left to the page
 * (Monaco has its own undo and select-all); zoom, full screen and developer
 * tools have no renderer shortcut and keep theirs.
 */
import type { BaseWindow, MenuItemConstructorOptions } from 'electron';
import type { AppState, HostCommand, RecentFile } from '../shared/app-host';
import { COMMANDS, type CommandDef, type CommandId, type MenuName } from '../shared/commands';

export interface MenuContext {
  /** The focused window's state; null until its renderer reported one (then every item is enabled). */
  state: AppState | null;
  recent: readonly RecentFile[];
  isPackaged: boolean;
  platform: NodeJS.Platform;
  appName: string;
  send: (cmd: HostCommand, win: BaseWindow | undefined) => void;
  about: (win: BaseWindow | undefined) => void;
  clearRecent: () => void;
}

/** Where each command goes; `-` a separator, `recent` the Open Recent submenu. A command not placed here is appended to its menu. */
const LAYOUT: Record<MenuName, readonly (CommandId | '-' | 'recent')[]> = {
  File: [
    'file.new',
    'file.gallery',
    'file.open',
    'file.openRun',
    'file.openStudy',
    'recent',
    '-',
    'file.save',
    'file.saveAs',
    '-',
    'file.exportRun',
    'file.exportCsv',
    'file.exportTrace',
    'file.exportPng',
    'file.share',
    '-',
    'file.closeTab',
  ],
  Edit: [],
  Run: ['run.run', 'run.stop', '-', 'run.stepBack', 'run.stepForward', '-', 'run.pin', 'run.compare'],
  View: [
    'view.panel.physical',
    'view.panel.ioas',
    'view.panel.domains',
    'view.panel.counters',
    'view.panel.charts',
    'view.panel.compare',
    'view.panel.output',
    '-',
    'view.theme.system',
    'view.theme.light',
    'view.theme.dark',
  ],
  Help: ['help.shortcuts', 'help.emulated', 'help.docs', '-', 'help.about'],
};

/** Whether a command can act in this state (null: unknown yet, so yes). */
export function commandEnabled(id: CommandId, s: AppState | null): boolean {
  if (s === null) return true;
  const doc = s.activeDocument !== null;
  switch (id) {
    case 'file.save':
    case 'file.saveAs':
    case 'file.share':
    case 'file.closeTab':
      return doc;
    case 'file.exportRun':
    case 'file.exportCsv':
    case 'file.exportTrace':
    case 'file.exportPng':
    case 'run.pin':
      return s.hasRun;
    case 'run.run':
      return doc && !s.running;
    case 'run.stop':
      return s.running;
    case 'run.stepBack':
      return s.canStepBack;
    case 'run.stepForward':
      return s.canStepForward;
    default:
      return true;
  }
}

function themeOf(id: CommandId): AppState['theme'] | null {
  return id === 'view.theme.system'
    ? 'system'
    : id === 'view.theme.light'
      ? 'light'
      : id === 'view.theme.dark'
        ? 'dark'
        : null;
}

function commandItem(c: CommandDef & { id: CommandId }, ctx: MenuContext): MenuItemConstructorOptions {
  const theme = themeOf(c.id);
  const item: MenuItemConstructorOptions = {
    id: c.id,
    label: c.label,
    enabled: commandEnabled(c.id, ctx.state),
    click: (_item, win) => (c.id === 'help.about' ? ctx.about(win) : ctx.send({ id: c.id }, win)),
  };
  if (c.accelerator !== undefined) {
    item.accelerator = c.accelerator;
    item.registerAccelerator = false;
  }
  if (theme !== null) {
    item.type = 'radio';
    item.checked = (ctx.state?.theme ?? 'system') === theme;
  }
  return item;
}

function recentMenu(ctx: MenuContext): MenuItemConstructorOptions {
  const items: MenuItemConstructorOptions[] = ctx.recent.map((f) => ({
    // '&' starts a mnemonic on Linux and Windows: a file named "a&b.ts" must show as such.
    label: ctx.platform === 'darwin' ? f.name : f.name.replace(/&/g, '&&'),
    toolTip: f.handle,
    click: (_item: unknown, win: BaseWindow | undefined) =>
      ctx.send({ id: 'file.openHandle', handle: f.handle }, win),
  }));
  if (items.length === 0) items.push({ label: 'No Recent Files', enabled: false });
  items.push(
    { type: 'separator' },
    { label: 'Clear Recent', enabled: ctx.recent.length > 0, click: () => ctx.clearRecent() },
  );
  return { id: 'file.openRecent', label: 'Open Recent', submenu: items };
}

const byId = new Map<string, CommandDef & { id: CommandId }>(COMMANDS.map((c) => [c.id, c]));

function menuItems(menu: MenuName, ctx: MenuContext): MenuItemConstructorOptions[] {
  const layout = LAYOUT[menu];
  const placed = new Set<string>(layout);
  const extra = COMMANDS.filter((c) => c.menu === menu && !placed.has(c.id)).map((c) => c.id);
  const items: MenuItemConstructorOptions[] = [];
  for (const entry of [...layout, ...(extra.length > 0 ? ['-' as const] : []), ...extra]) {
    if (entry === '-') items.push({ type: 'separator' });
    else if (entry === 'recent') items.push(recentMenu(ctx));
    else {
      const c = byId.get(entry);
      if (c && c.menu === menu) items.push(commandItem(c, ctx));
    }
  }
  return items;
}

const pageRole = (role: MenuItemConstructorOptions['role']): MenuItemConstructorOptions => ({
  role,
  registerAccelerator: false,
});

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const file = menuItems('File', ctx);
  if (!mac) file.push({ type: 'separator' }, { role: 'quit' });
  const edit: MenuItemConstructorOptions[] = [
    pageRole('undo'),
    pageRole('redo'),
    { type: 'separator' },
    pageRole('cut'),
    pageRole('copy'),
    pageRole('paste'),
    pageRole('selectAll'),
    ...menuItems('Edit', ctx),
  ];
  const view = menuItems('View', ctx);
  view.push(
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  );
  if (!ctx.isPackaged) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  // Alt mnemonics (&File) on Linux and Windows; macOS has none.
  const top = (name: MenuName): string => (mac ? name : `&${name}`);
  const template: MenuItemConstructorOptions[] = [
    { label: top('File'), submenu: file },
    { label: top('Edit'), submenu: edit },
    { label: top('Run'), submenu: menuItems('Run', ctx) },
    { label: top('View'), submenu: view },
    { label: top('Help'), role: 'help', submenu: menuItems('Help', ctx) },
  ];
  if (mac) {
    template.unshift({
      label: ctx.appName,
      submenu: [
        { label: `About ${ctx.appName}`, click: (_i, win) => ctx.about(win) },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
    template.splice(template.length - 1, 0, { role: 'windowMenu' });
  }
  return template;
}

/** The part of an AppState the menu shows: rebuild only when it changes. */
export function menuKey(state: AppState | null, recent: readonly RecentFile[]): string {
  const enabled = COMMANDS.map((c) => (commandEnabled(c.id, state) ? '1' : '0')).join('');
  return `${enabled}|${state?.theme ?? '-'}|${recent.map((f) => f.handle).join('\n')}`;
}
