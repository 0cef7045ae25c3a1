import { describe, expect, it, vi } from 'vitest';
import type { BaseWindow, MenuItemConstructorOptions } from 'electron';
import type { AppState } from '../shared/app-host';
import { AppShell } from './app-shell';
import { HostCommands } from './host-commands';

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

function fakeWindow(id: number, focused = false) {
  const on = new Map<string, (...a: unknown[]) => void>();
  const contentsOn = new Map<string, (...a: unknown[]) => void>();
  const win = {
    id,
    focused,
    webContents: {
      id: id * 10,
      send: vi.fn(),
      isDestroyed: () => false,
      on: (e: string, fn: (...a: unknown[]) => void) => contentsOn.set(e, fn),
    },
    on: (e: string, fn: (...a: unknown[]) => void) => on.set(e, fn),
    setTitle: vi.fn(),
    setDocumentEdited: vi.fn(),
    isDestroyed: () => false,
    isFocused: () => win.focused,
    isMinimized: () => true,
    restore: vi.fn(),
    show: vi.fn(),
    focus: vi.fn(),
  };
  return { win, on, contentsOn };
}

function setup(setThemeSource?: (t: AppState['theme']) => void) {
  const menus: MenuItemConstructorOptions[][] = [];
  const commands = new HostCommands();
  const shell = new AppShell({
    Menu: {
      buildFromTemplate: (t) => {
        menus.push(t);
        return t as never;
      },
      setApplicationMenu: vi.fn(),
    },
    commands,
    about: vi.fn(),
    clearRecent: vi.fn(),
    isPackaged: true,
    platform: 'linux',
    appName: 'PFN Lab',
    ...(setThemeSource ? { setThemeSource } : {}),
  });
  return { shell, menus, commands };
}

const item = (
  t: MenuItemConstructorOptions[] | undefined,
  id: string,
): MenuItemConstructorOptions | undefined =>
  t
    ?.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []))
    .flatMap((i) => [i, ...(Array.isArray(i.submenu) ? i.submenu : [])])
    .find((i) => i.id === id);

describe('app shell', () => {
  it('rebuilds the menu when the focused window’s state changes what it shows, not on every state', () => {
    const { shell, menus } = setup();
    const { win } = fakeWindow(1, true);
    shell.addWindow(win as never);
    expect(menus).toHaveLength(1);
    shell.setState(win.webContents, { ...idle, activeDocument: 'a.ts' });
    expect(menus).toHaveLength(2);
    expect(item(menus.at(-1), 'file.save')?.enabled).toBe(true);
    shell.setState(win.webContents, { ...idle, activeDocument: 'b.ts' });
    expect(menus).toHaveLength(2);
    shell.setState(win.webContents, { ...idle, activeDocument: 'b.ts', running: true });
    expect(menus).toHaveLength(3);
    expect(item(menus.at(-1), 'run.stop')?.enabled).toBe(true);
    shell.setRecent([{ handle: '/d/x.ts', name: 'x.ts', kind: 'scenario', openedAt: 1 }]);
    expect(menus).toHaveLength(4);
    expect((item(menus.at(-1), 'file.openRecent')?.submenu as MenuItemConstructorOptions[])[0]?.label).toBe(
      'x.ts',
    );
  });

  it('native UI follows the app theme, set when it changes', () => {
    const themes: string[] = [];
    const { shell } = setup((t) => themes.push(t));
    const { win } = fakeWindow(1, true);
    shell.addWindow(win as never);
    shell.setState(win.webContents, idle);
    shell.setState(win.webContents, { ...idle, activeDocument: 'a.ts' });
    shell.setState(win.webContents, { ...idle, theme: 'dark' });
    expect(themes).toEqual(['system', 'dark']);
  });

  it('titles the window with the active document and marks unsaved changes', () => {
    const { shell } = setup();
    const { win } = fakeWindow(1, true);
    shell.addWindow(win as never);
    shell.setState(win.webContents, { ...idle, activeDocument: 'a.ts', dirtyDocuments: ['a.ts'] });
    expect(win.setTitle).toHaveBeenLastCalledWith('a.ts • — PFN Lab');
    expect(win.setDocumentEdited).toHaveBeenLastCalledWith(true);
    shell.setState(win.webContents, idle);
    expect(win.setTitle).toHaveBeenLastCalledWith('PFN Lab');
  });

  it('a menu click goes to the window it was made in, else the focused one', () => {
    const { shell, commands } = setup();
    const a = fakeWindow(1, false);
    const b = fakeWindow(2, true);
    shell.addWindow(a.win as never);
    shell.addWindow(b.win as never);
    commands.markListening(a.win.webContents);
    commands.markListening(b.win.webContents);
    shell.send({ id: 'run.run' }, a.win as unknown as BaseWindow);
    expect(a.win.webContents.send).toHaveBeenCalledWith('lab:app:command', { id: 'run.run' });
    shell.send({ id: 'run.stop' });
    expect(b.win.webContents.send).toHaveBeenCalledWith('lab:app:command', { id: 'run.stop' });
  });

  it('files handed over before any window are opened in the first window once it listens', () => {
    const { shell, commands } = setup();
    shell.openFiles(['/home/u/a.ts', '/home/u/b.ts']);
    const { win } = fakeWindow(1, true);
    shell.addWindow(win as never);
    expect(win.webContents.send).not.toHaveBeenCalled();
    commands.markListening(win.webContents);
    expect(win.webContents.send.mock.calls).toEqual([
      ['lab:app:command', { id: 'file.openHandle', handle: '/home/u/a.ts' }],
      ['lab:app:command', { id: 'file.openHandle', handle: '/home/u/b.ts' }],
    ]);
  });

  it('a second instance brings the (minimized) window to the front', () => {
    const { shell } = setup();
    const { win } = fakeWindow(1);
    shell.addWindow(win as never);
    shell.focusMain();
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });

  it('keeps its own title over the page’s, and forgets a closed window', () => {
    const { shell } = setup();
    const { win, on } = fakeWindow(1, true);
    shell.addWindow(win as never);
    const ev = { preventDefault: vi.fn() };
    on.get('page-title-updated')?.(ev, 'page title');
    expect(ev.preventDefault).toHaveBeenCalled();
    shell.setState(win.webContents, idle);
    on.get('closed')?.();
    expect(shell.stateOf(win.webContents)).toBeNull();
    expect(shell.target()).toBeUndefined();
  });
});
