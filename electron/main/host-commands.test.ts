import { describe, expect, it, vi } from 'vitest';
import { HostCommands } from './host-commands';

vi.mock('electron', () => ({}));

const target = (id = 1) => ({ id, send: vi.fn(), isDestroyed: vi.fn(() => false) });

describe('host commands', () => {
  it('holds commands until the renderer listens, then delivers them in order', () => {
    const c = new HostCommands();
    const t = target();
    c.send(t, { id: 'file.openHandle', handle: '/a.ts' });
    c.send(t, { id: 'run.run' });
    expect(t.send).not.toHaveBeenCalled();
    c.markListening(t);
    expect(t.send.mock.calls).toEqual([
      ['lab:app:command', { id: 'file.openHandle', handle: '/a.ts' }],
      ['lab:app:command', { id: 'run.run' }],
    ]);
    c.send(t, { id: 'run.stop' });
    expect(t.send).toHaveBeenLastCalledWith('lab:app:command', { id: 'run.stop' });
  });

  it('holds again after a reload until the new page listens; drops all of a closed window', () => {
    const c = new HostCommands();
    const t = target();
    c.markListening(t);
    c.forget(t.id);
    c.send(t, { id: 'run.run' });
    expect(t.send).not.toHaveBeenCalled();
    c.markListening(t);
    expect(t.send).toHaveBeenCalledTimes(1);
    c.forget(t.id);
    c.send(t, { id: 'run.stop' });
    c.drop(t.id);
    c.markListening(t);
    expect(t.send).toHaveBeenCalledTimes(1);
    t.isDestroyed.mockReturnValue(true);
    c.send(t, { id: 'run.run' });
    expect(t.send).toHaveBeenCalledTimes(1);
  });
});
