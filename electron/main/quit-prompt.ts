/**
 * Closing a window (or quitting) with unsaved documents asks first: the
 * prompt lists them and says they are autosaved and offered again next time.
 * Cancel keeps the window (and ends a quit in progress); Quit closes it.
 */
import type { App, BrowserWindow, Dialog } from 'electron';

export const QUIT = 0;
export const CANCEL = 1;

export function quitPromptOptions(dirty: readonly string[], appName: string) {
  const shown = dirty.slice(0, 10);
  const more = dirty.length > shown.length ? [`… and ${dirty.length - shown.length} more`] : [];
  const one = dirty.length === 1;
  return {
    type: 'warning' as const,
    title: appName,
    message: one ? `${dirty[0]} has unsaved changes.` : `${dirty.length} documents have unsaved changes.`,
    detail: [
      ...shown.map((d) => `• ${d}`),
      ...more,
      '',
      `${one ? 'It is' : 'They are'} autosaved and will be offered again the next time ${appName} starts.`,
    ].join('\n'),
    buttons: ['Quit', 'Cancel'],
    defaultId: CANCEL,
    cancelId: CANCEL,
    noLink: true,
  };
}

/** Whether a quit is in progress (set by before-quit, cleared when a window's close is prevented). */
export interface QuitState {
  quitting: boolean;
}

export function trackQuitting(app: Pick<App, 'on'>): QuitState {
  const state: QuitState = { quitting: false };
  app.on('before-quit', () => (state.quitting = true));
  return state;
}

type GuardedWindow = Pick<BrowserWindow, 'on' | 'close' | 'isDestroyed'>;

/**
 * Guard one window's close. `dirty()` gives the names the renderer reported
 * last. While the prompt is up further close attempts are ignored.
 */
export function guardClose(
  win: GuardedWindow,
  deps: {
    app: Pick<App, 'quit'>;
    quit: QuitState;
    dialog: Pick<Dialog, 'showMessageBox'>;
    dirty: () => readonly string[];
    appName: string;
    /** The window to parent the message box (the real BrowserWindow; tests pass their fake). */
    parent: BrowserWindow;
  },
): void {
  let confirmed = false;
  let asking = false;
  /** A quit asked for while this window's close was prevented: finish it after "Quit". */
  let quitAfter = false;
  win.on('close', (event) => {
    const dirty = deps.dirty();
    if (confirmed || dirty.length === 0) return;
    event.preventDefault();
    // A prevented close ends a quit in progress; remember it to finish it after "Quit".
    quitAfter ||= deps.quit.quitting;
    deps.quit.quitting = false;
    if (asking) return;
    asking = true;
    void deps.dialog
      .showMessageBox(deps.parent, quitPromptOptions(dirty, deps.appName))
      .then(({ response }) => {
        asking = false;
        const quit = quitAfter;
        quitAfter = false;
        if (response !== QUIT || win.isDestroyed()) return;
        confirmed = true;
        if (quit) deps.app.quit();
        else win.close();
      })
      .catch(() => {
        asking = false;
        quitAfter = false;
      });
  });
}

/**
 * Hold the app's exit once until `flush()` settles: the pending autosaves,
 * and the closing page's last flush (sent on pagehide, it may arrive just
 * after the window is gone). A failing flush still exits.
 */
export function flushBeforeExit(app: Pick<App, 'on' | 'quit'>, flush: () => Promise<void>): void {
  let done = false;
  let flushing = false;
  app.on('will-quit', (event) => {
    if (done) return;
    event.preventDefault();
    if (flushing) return;
    flushing = true;
    void flush()
      .catch(() => {})
      .finally(() => {
        done = true;
        app.quit();
      });
  });
}
