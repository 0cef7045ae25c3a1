import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { CANCEL, flushBeforeExit, guardClose, QUIT, quitPromptOptions, trackQuitting } from './quit-prompt';

vi.mock('electron', () => ({}));

function setup(dirty: string[], answer: number) {
  const appOn = new Map<string, () => void>();
  const app = { on: (e: string, fn: () => void) => appOn.set(e, fn), quit: vi.fn() };
  const quit = trackQuitting(app as never);
  let onClose: ((e: { preventDefault(): void }) => void) | undefined;
  const win = {
    on: (e: string, fn: typeof onClose) => {
      if (e === 'close') onClose = fn;
    },
    close: vi.fn(() => tryClose()),
    isDestroyed: () => false,
  };
  const dialog = { showMessageBox: vi.fn(async () => ({ response: answer, checkboxChecked: false })) };
  guardClose(win as never, {
    app,
    quit,
    dialog,
    dirty: () => dirty,
    appName: 'PFN Lab',
    parent: win as unknown as BrowserWindow,
  });
  /** One close attempt: true when it went through. */
  const tryClose = (): boolean => {
    let prevented = false;
    onClose?.({ preventDefault: () => (prevented = true) });
    return !prevented;
  };
  return { app, appOn, win, dialog, tryClose };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('quit with unsaved documents', () => {
  it('a clean app closes without a prompt', () => {
    const { tryClose, dialog } = setup([], QUIT);
    expect(tryClose()).toBe(true);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('dirty: asks, listing the documents and saying they are autosaved; Cancel keeps the window', async () => {
    const { tryClose, dialog, win } = setup(['a.ts', 'b.ts'], CANCEL);
    expect(tryClose()).toBe(false);
    await settle();
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    const opts = (dialog.showMessageBox.mock.calls[0] as unknown[])[1] as ReturnType<
      typeof quitPromptOptions
    >;
    expect(opts.buttons).toEqual(['Quit', 'Cancel']);
    expect(opts.cancelId).toBe(CANCEL);
    expect(opts.detail).toContain('a.ts');
    expect(opts.detail).toContain('b.ts');
    expect(opts.detail).toMatch(/autosaved and will be offered again the next time PFN Lab starts/);
    expect(win.close).not.toHaveBeenCalled();
  });

  it('dirty: Quit closes the window (asked once)', async () => {
    const { tryClose, dialog, win, app } = setup(['a.ts'], QUIT);
    expect(tryClose()).toBe(false);
    expect(tryClose()).toBe(false); // a second attempt while the prompt is up
    await settle();
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(win.close).toHaveBeenCalledTimes(1);
    expect(win.close.mock.results[0]?.value).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('a quit in progress is finished after Quit (macOS keeps the app otherwise)', async () => {
    const { tryClose, appOn, app } = setup(['a.ts'], QUIT);
    appOn.get('before-quit')?.();
    expect(tryClose()).toBe(false);
    await settle();
    expect(app.quit).toHaveBeenCalledTimes(1);
  });

  it('the prompt names one document, or counts many', () => {
    expect(quitPromptOptions(['a.ts'], 'PFN Lab').message).toBe('a.ts has unsaved changes.');
    const many = quitPromptOptions(
      Array.from({ length: 12 }, (_, i) => `d${i}.ts`),
      'PFN Lab',
    );
    expect(many.message).toBe('12 documents have unsaved changes.');
    expect(many.detail).toContain('… and 2 more');
  });

  it('the exit waits once for the flush (autosaves), then quits; a failed flush still quits', async () => {
    for (const fails of [false, true]) {
      let willQuit: ((e: { preventDefault(): void }) => void) | undefined;
      const app = { on: (_e: string, fn: typeof willQuit) => (willQuit = fn), quit: vi.fn() };
      let release: () => void = () => {};
      const flush = vi.fn(
        () => new Promise<void>((ok, fail) => (release = () => (fails ? fail(new Error('EIO')) : ok()))),
      );
      flushBeforeExit(app as never, flush);
      const exit = () => {
        let prevented = false;
        willQuit?.({ preventDefault: () => (prevented = true) });
        return !prevented;
      };
      expect(exit()).toBe(false);
      expect(exit()).toBe(false);
      expect(flush).toHaveBeenCalledTimes(1);
      expect(app.quit).not.toHaveBeenCalled();
      release();
      await settle();
      expect(app.quit).toHaveBeenCalledTimes(1);
      expect(exit()).toBe(true);
    }
  });
});
