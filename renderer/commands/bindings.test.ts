import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandDef } from '../../electron/shared/commands';
import { acceleratorText, keyBindings } from './bindings';

describe('key bindings per host', () => {
  it('takes the web accelerator in the browser and the menu one in the desktop app', () => {
    const fileNew = COMMANDS.find((c) => c.id === 'file.new')!;
    expect(acceleratorText(fileNew, 'web')).toBe('Alt+N');
    expect(acceleratorText(fileNew, 'electron')).toBe('CmdOrCtrl+N');
    expect(acceleratorText({ id: 'x', label: 'x', menu: 'File', accelerator: 'CmdOrCtrl+T', web: null }, 'web')).toBeNull();
    expect(acceleratorText({ id: 'x', label: 'x', menu: 'File' }, 'electron')).toBeNull();
  });

  it('binds every command that has a key, and the browser never gets Ctrl+N/W/T', () => {
    const web = keyBindings('web', 'other');
    const withKey = (COMMANDS as readonly CommandDef[]).filter((c) => (c.web !== undefined ? c.web : c.accelerator) != null);
    expect(web.map((b) => b.id)).toEqual(withKey.map((c) => c.id));
    for (const b of web) expect(b.acc.ctrl && ['N', 'W', 'T'].includes(b.acc.key)).toBe(false);
    const run = web.find((b) => b.id === 'run.run')!;
    expect(run.acc).toMatchObject({ key: 'Enter', ctrl: true });
    expect(keyBindings('web', 'mac').find((b) => b.id === 'run.run')!.acc).toMatchObject({ meta: true, ctrl: false });
  });

  it('no two commands share a key on a host', () => {
    for (const host of ['web', 'electron'] as const) {
      const keys = keyBindings(host, 'other').map((b) => JSON.stringify(b.acc));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
