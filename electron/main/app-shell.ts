/**
 * The app around its windows: each window's last AppState (menus' enabled
 * states, the title, the quit prompt), the application menu rebuilt when the
 * focused window's state or the recent files change, and host commands sent
 * to the window a menu click came from.
 */
import type { BaseWindow, BrowserWindow, Menu, MenuItemConstructorOptions, WebContents } from 'electron';
import type { AppState, HostCommand, RecentFile } from '../shared/app-host';
import type { HostCommands } from './host-commands';
import { buildMenuTemplate, menuKey } from './menu';

type ShellWindow = Pick<
  BrowserWindow,
  | 'id'
  | 'webContents'
  | 'on'
  | 'setTitle'
  | 'isDestroyed'
  | 'isFocused'
  | 'isMinimized'
  | 'restore'
  | 'show'
  | 'focus'
> & { setDocumentEdited?: (edited: boolean) => void };

export interface AppShellDeps {
  Menu: {
    buildFromTemplate(t: MenuItemConstructorOptions[]): Menu;
    setApplicationMenu(m: Menu | null): void;
  };
  commands: Pick<HostCommands, 'send' | 'forget' | 'drop'>;
  about: (win: BaseWindow | undefined) => void;
  clearRecent: () => void;
  isPackaged: boolean;
  platform: NodeJS.Platform;
  appName: string;
  /** Native UI (title bars, dialogs, menus) follows the app's theme: `nativeTheme.themeSource`. */
  setThemeSource?: (theme: AppState['theme']) => void;
}

export class AppShell {
  private readonly windows: ShellWindow[] = [];
  private readonly states = new Map<number, AppState>();
  private recent: readonly RecentFile[] = [];
  private key: string | null = null;
  /** Commands that came before any window (a file on the command line, macOS open-file at launch). */
  private early: HostCommand[] = [];

  constructor(private readonly d: AppShellDeps) {}

  addWindow(win: ShellWindow): void {
    this.windows.push(win);
    const contents = win.webContents;
    const id = contents.id;
    win.on('focus', () => this.refreshMenu());
    win.on('closed', () => {
      this.windows.splice(this.windows.indexOf(win), 1);
      this.states.delete(id);
      this.d.commands.drop(id);
      this.refreshMenu();
    });
    // Our title (the document's name), not the page's <title>.
    win.on('page-title-updated', (event) => event.preventDefault());
    // A reload or navigation: the new page subscribes again; hold commands until then, forget the old state.
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.d.commands.forget(id);
    });
    for (const cmd of this.early.splice(0)) this.d.commands.send(contents, cmd);
    this.refreshMenu();
  }

  /** The window a command goes to: the one the menu was used in, else the focused one, else the first. */
  target(from?: BaseWindow): ShellWindow | undefined {
    const live = this.windows.filter((w) => !w.isDestroyed());
    return (
      (from ? live.find((w) => w.id === from.id) : undefined) ?? live.find((w) => w.isFocused()) ?? live[0]
    );
  }

  send(cmd: HostCommand, from?: BaseWindow): void {
    const win = this.target(from);
    if (win) this.d.commands.send(win.webContents, cmd);
    else this.early.push(cmd);
  }

  /** Files handed over by the OS: open each in the main window and bring it to the front. */
  openFiles(paths: readonly string[]): void {
    for (const handle of paths) this.send({ id: 'file.openHandle', handle });
  }

  focusMain(): void {
    const win = this.target();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  stateOf(contents: Pick<WebContents, 'id'>): AppState | null {
    return this.states.get(contents.id) ?? null;
  }

  setState(contents: Pick<WebContents, 'id'>, state: AppState): void {
    const previous = this.states.get(contents.id);
    this.states.set(contents.id, state);
    if (previous?.theme !== state.theme) this.d.setThemeSource?.(state.theme);
    const win = this.windows.find((w) => w.webContents.id === contents.id);
    if (win && !win.isDestroyed()) {
      const edited = state.dirtyDocuments.length > 0;
      const active = state.activeDocument;
      const mark = active !== null && state.dirtyDocuments.includes(active) ? ' •' : '';
      win.setTitle(active === null ? this.d.appName : `${active}${mark} — ${this.d.appName}`);
      win.setDocumentEdited?.(edited);
    }
    this.refreshMenu();
  }

  setRecent(recent: readonly RecentFile[]): void {
    this.recent = recent;
    this.refreshMenu();
  }

  /** Rebuild the menu when what it shows changed (not on every state: steps change often). */
  refreshMenu(): void {
    const win = this.target();
    const state = win ? this.stateOf(win.webContents) : null;
    const key = menuKey(state, this.recent);
    if (key === this.key) return;
    this.key = key;
    const template = buildMenuTemplate({
      state,
      recent: this.recent,
      isPackaged: this.d.isPackaged,
      platform: this.d.platform,
      appName: this.d.appName,
      send: (cmd, from) => this.send(cmd, from),
      about: (from) => this.d.about(from),
      clearRecent: () => this.d.clearRecent(),
    });
    this.d.Menu.setApplicationMenu(this.d.Menu.buildFromTemplate(template));
  }
}
