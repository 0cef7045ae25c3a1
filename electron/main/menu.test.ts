import { describe, expect, it, vi } from 'vitest';
import type { BaseWindow, MenuItemConstructorOptions } from 'electron';
import type { AppState, RecentFile } from '../shared/app-host';
import { COMMANDS } from '../shared/commands';
import { buildMenuTemplate, commandEnabled, menuKey, type MenuContext } from './menu';

vi.mock('electron', () => ({}));

const idle: AppState = {
  dirtyDocuments: [],
  activeDocument: null,
  running: false,
  hasRun: false,
  canStepBack: false,
  canStepForward: false,
  theme: 'system',
};

function ctx(over: Partial<MenuContext> = {}): MenuContext & { sent: unknown[][]; abouts: unknown[] } {
  const sent: unknown[][] = [];
  const abouts: unknown[] = [];
  return {
    state: idle,
    recent: [],
    isPackaged: true,
    platform: 'linux',
    appName: 'PFN Lab',
    send: (cmd, win) => sent.push([cmd, win]),
    about: (win) => abouts.push(win),
    clearRecent: vi.fn(),
    sent,
    abouts,
    ...over,
  };
}

function flat(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);
}

const find = (t: MenuItemConstructorOptions[], id: string) => flat(t).find((i) => i.id === id);
const menuOf = (t: MenuItemConstructorOptions[], label: string) =>
  t.find((m) => m.label === label)?.submenu as MenuItemConstructorOptions[];
const click = (item: MenuItemConstructorOptions | undefined, win?: BaseWindow) =>
  (item?.click as (i: unknown, w: BaseWindow | undefined, e: unknown) => void)({}, win, {});

describe('application menu', () => {
  it('has every COMMANDS item in its menu with its label and accelerator (shown, left to the renderer)', () => {
    const t = buildMenuTemplate(ctx());
    expect(t.map((m) => m.label)).toEqual(['&File', '&Edit', '&Run', '&View', '&Help']);
    for (const c of COMMANDS) {
      const menu = menuOf(t, `&${c.menu}`);
      const item = flat(menu).find((i) => i.id === c.id);
      expect(item, c.id).toBeDefined();
      expect(item?.label).toBe(c.label);
      const acc: string | undefined = 'accelerator' in c ? c.accelerator : undefined;
      expect(item?.accelerator).toBe(acc);
      if (acc) expect(item?.registerAccelerator).toBe(false);
    }
    expect(flat(t).filter((i) => i.id && COMMANDS.some((c) => c.id === i.id))).toHaveLength(COMMANDS.length);
  });

  it('File has Open Recent, Save, Save As, Export and Close Tab in order, then Quit', () => {
    const file = menuOf(buildMenuTemplate(ctx()), '&File');
    const ids = file.map((i) => i.id ?? i.role ?? i.type);
    expect(ids.indexOf('file.open')).toBeLessThan(ids.indexOf('file.openRecent'));
    expect(ids.indexOf('file.openRecent')).toBeLessThan(ids.indexOf('file.save'));
    expect(ids.indexOf('file.saveAs')).toBeLessThan(ids.indexOf('file.exportRun'));
    expect(ids.indexOf('file.exportRun')).toBeLessThan(ids.indexOf('file.closeTab'));
    expect(ids.at(-1)).toBe('quit');
  });

  it('enabled states follow the AppState', () => {
    const at = (s: Partial<AppState>) => {
      const t = buildMenuTemplate(ctx({ state: { ...idle, ...s } }));
      return (id: string) => find(t, id)?.enabled;
    };
    const none = at({});
    expect(none('file.save')).toBe(false);
    expect(none('file.saveAs')).toBe(false);
    expect(none('file.closeTab')).toBe(false);
    expect(none('file.exportRun')).toBe(false);
    expect(none('run.run')).toBe(false);
    expect(none('run.stop')).toBe(false);
    expect(none('run.stepBack')).toBe(false);
    expect(none('file.new')).toBe(true);
    expect(none('file.open')).toBe(true);
    const doc = at({ activeDocument: 'a.ts' });
    expect(doc('file.save')).toBe(true);
    expect(doc('run.run')).toBe(true);
    expect(doc('file.exportRun')).toBe(false);
    const running = at({ activeDocument: 'a.ts', running: true });
    expect(running('run.stop')).toBe(true);
    expect(running('run.run')).toBe(false);
    const ran = at({ activeDocument: 'a.ts', hasRun: true, canStepBack: true });
    expect(ran('file.exportRun')).toBe(true);
    expect(ran('file.exportCsv')).toBe(true);
    expect(ran('run.stepBack')).toBe(true);
    expect(ran('run.stepForward')).toBe(false);
    expect(at({ canStepForward: true })('run.stepForward')).toBe(true);
  });

  it('before the renderer reports a state every item is enabled', () => {
    for (const c of COMMANDS) expect(commandEnabled(c.id, null), c.id).toBe(true);
  });

  it('theme items are radio items, the current theme checked', () => {
    const t = buildMenuTemplate(ctx({ state: { ...idle, theme: 'light' } }));
    expect(['system', 'light', 'dark'].map((k) => find(t, `view.theme.${k}`)?.type)).toEqual([
      'radio',
      'radio',
      'radio',
    ]);
    expect(['system', 'light', 'dark'].map((k) => find(t, `view.theme.${k}`)?.checked)).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('a click sends the command to the window it came from; About shows the about box', () => {
    const c = ctx();
    const t = buildMenuTemplate(c);
    const win = { id: 4 } as BaseWindow;
    click(find(t, 'run.run'), win);
    click(find(t, 'view.theme.dark'), win);
    click(find(t, 'help.docs'), win);
    click(find(t, 'help.about'), win);
    expect(c.sent).toEqual([
      [{ id: 'run.run' }, win],
      [{ id: 'view.theme.dark' }, win],
      [{ id: 'help.docs' }, win],
    ]);
    expect(c.abouts).toEqual([win]);
  });

  it('Open Recent lists the recent files (most recent first) and opens one by handle; Clear Recent', () => {
    const recent: RecentFile[] = [
      { handle: '/d/b.ts', name: 'b.ts', kind: 'scenario', openedAt: 2 },
      { handle: '/d/a.pfnrun.json', name: 'a.pfnrun.json', kind: 'run', openedAt: 1 },
    ];
    const c = ctx({ recent });
    const sub = find(buildMenuTemplate(c), 'file.openRecent')?.submenu as MenuItemConstructorOptions[];
    expect(sub.map((i) => i.label ?? i.type)).toEqual(['b.ts', 'a.pfnrun.json', 'separator', 'Clear Recent']);
    click(sub[1]);
    expect(c.sent).toEqual([[{ id: 'file.openHandle', handle: '/d/a.pfnrun.json' }, undefined]]);
    click(sub[3]);
    expect(c.clearRecent).toHaveBeenCalled();
    const amp = find(
      buildMenuTemplate(ctx({ recent: [{ ...recent[0]!, name: 'a&b.ts' }] })),
      'file.openRecent',
    );
    expect((amp?.submenu as MenuItemConstructorOptions[])[0]?.label).toBe('a&&b.ts');
    const empty = find(buildMenuTemplate(ctx()), 'file.openRecent')?.submenu as MenuItemConstructorOptions[];
    expect(empty.map((i) => [i.label ?? i.type, i.enabled])).toEqual([
      ['No Recent Files', false],
      ['separator', undefined],
      ['Clear Recent', false],
    ]);
  });

  it('Edit has the editing roles, left to the page; View has zoom, and developer tools only in development', () => {
    const t = buildMenuTemplate(ctx());
    const edit = menuOf(t, '&Edit');
    expect(edit.filter((i) => i.role).map((i) => [i.role, i.registerAccelerator])).toEqual([
      ['undo', false],
      ['redo', false],
      ['cut', false],
      ['copy', false],
      ['paste', false],
      ['selectAll', false],
    ]);
    const roles = (m: MenuItemConstructorOptions[]) => m.map((i) => i.role).filter(Boolean);
    expect(roles(menuOf(t, '&View'))).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    const dev = buildMenuTemplate(ctx({ isPackaged: false }));
    expect(roles(menuOf(dev, '&View'))).toContain('toggleDevTools');
  });

  it('macOS: an app menu with About and Quit, a Window menu, no Quit in File', () => {
    const c = ctx({ platform: 'darwin' });
    const t = buildMenuTemplate(c);
    expect(t.map((m) => m.label ?? m.role)).toEqual([
      'PFN Lab',
      'File',
      'Edit',
      'Run',
      'View',
      'windowMenu',
      'Help',
    ]);
    const appMenu = t[0]?.submenu as MenuItemConstructorOptions[];
    expect(appMenu.map((i) => i.role).filter(Boolean)).toContain('quit');
    click(appMenu[0]);
    expect(c.abouts).toHaveLength(1);
    expect(menuOf(t, 'File').some((i) => i.role === 'quit')).toBe(false);
  });

  it('menuKey changes only with what the menu shows', () => {
    const a = menuKey({ ...idle, activeDocument: 'a.ts' }, []);
    expect(menuKey({ ...idle, activeDocument: 'b.ts' }, [])).toBe(a);
    expect(menuKey({ ...idle, activeDocument: 'a.ts', dirtyDocuments: ['a.ts'] }, [])).toBe(a);
    expect(menuKey({ ...idle, activeDocument: 'a.ts', running: true }, [])).not.toBe(a);
    expect(menuKey({ ...idle, activeDocument: 'a.ts', theme: 'dark' }, [])).not.toBe(a);
    expect(
      menuKey({ ...idle, activeDocument: 'a.ts' }, [
        { handle: '/x.ts', name: 'x.ts', kind: 'scenario', openedAt: 0 },
      ]),
    ).not.toBe(a);
  });
});
