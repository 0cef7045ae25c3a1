import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LabApi } from '../shared/lab-api';

const h = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const on = new Map<string, (ev: unknown, ...args: unknown[]) => void>();
  const invoke = vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: 'v' }));
  const send = vi.fn();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke,
      send,
      on: (ch: string, fn: (ev: unknown, ...a: unknown[]) => void) => on.set(ch, fn),
    },
  };
  return { exposed, on, invoke, send, electron };
});

vi.mock('electron', () => ({ ...h.electron, default: h.electron }));

describe('preload', () => {
  let lab: LabApi;
  beforeAll(async () => {
    await import('./index');
    lab = h.exposed.get('lab') as LabApi;
  });

  it('exposes exactly one object, window.lab', () => {
    expect([...h.exposed.keys()]).toEqual(['lab']);
    expect(lab.host).toBe('electron');
    expect(Object.keys(lab).sort()).toEqual(['call', 'cancel', 'host', 'stop']);
  });

  it('invokes lab:call and routes the call’s events', async () => {
    const events: unknown[] = [];
    h.invoke.mockImplementationOnce(async (_ch, callId) => {
      h.on.get('lab:event')?.({}, callId, { type: 'event', event: 'log', data: 1 });
      h.on.get('lab:event')?.({}, 999, { type: 'event', event: 'log', data: 2 });
      return { ok: true, value: 'v' };
    });
    await expect(lab.call('version', {}, (e) => events.push(e))).resolves.toEqual({ ok: true, value: 'v' });
    expect(h.invoke).toHaveBeenCalledWith('lab:call', 1, 'version', {});
    expect(events).toEqual([{ type: 'event', event: 'log', data: 1 }]);
  });

  it('turns a transport failure into an error value', async () => {
    h.invoke.mockRejectedValueOnce(new Error('IPC gone'));
    await expect(lab.call('version', {})).resolves.toEqual({
      ok: false,
      error: { errno: 'EPROTO', message: 'IPC gone' },
    });
  });

  it('cancels the running call of a method', async () => {
    let release: (v: unknown) => void = () => {};
    h.invoke.mockImplementationOnce(() => new Promise((r) => (release = r)));
    const p = lab.call('version', {});
    lab.cancel('version');
    expect(h.send).toHaveBeenCalledWith('lab:cancel', 3);
    release({ ok: true, value: 1 });
    await p;
    lab.cancel('version');
    expect(h.send).toHaveBeenCalledTimes(1);
  });

  it('stop invokes lab:stop and resolves when main answers', async () => {
    let answer: (v: unknown) => void = () => {};
    h.invoke.mockImplementationOnce(() => new Promise((r) => (answer = r)));
    let done = false;
    const p = lab.stop().then(() => (done = true));
    expect(h.invoke).toHaveBeenLastCalledWith('lab:stop');
    await Promise.resolve();
    expect(done).toBe(false);
    answer({ ok: true, value: null });
    await p;
  });

  it('stop never rejects', async () => {
    h.invoke.mockRejectedValueOnce(new Error('IPC gone'));
    await expect(lab.stop()).resolves.toBeUndefined();
  });
});
