import { describe, expect, it, vi } from 'vitest';
import { aboutDetail, showAbout } from './about';

vi.mock('electron', () => ({}));

const versions = {
  app: '0.1.0',
  engine: { engine: '0.3.0', scenarioApi: 2, hardened: true },
  electron: '45.4.1',
  chromium: '142.0.0.0',
  node: '22.20.0',
};

describe('about', () => {
  it('names the app, engine, Electron, Chromium and Node versions', () => {
    const d = aboutDetail(versions);
    for (const line of [
      'Version 0.1.0',
      'Engine 0.3.0 (scenario API 2, hardened)',
      'Electron 45.4.1',
      'Chromium 142.0.0.0',
      'Node 22.20.0',
    ]) {
      expect(d).toContain(line);
    }
    expect(aboutDetail({ ...versions, engine: 'ECRASHED' })).toContain('Engine unknown (ECRASHED)');
  });

  it('shows a message box on the window', async () => {
    const dialog = { showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })) };
    const win = { id: 1 } as never;
    await showAbout(dialog, win, 'PFN Lab', async () => versions);
    expect(dialog.showMessageBox).toHaveBeenCalledWith(
      win,
      expect.objectContaining({ title: 'About PFN Lab', detail: expect.stringContaining('Electron 45.4.1') }),
    );
  });
});
