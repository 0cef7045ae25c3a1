import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LabApi } from '../shared/lab-api';

const h = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const on = new Map<string, (ev: unknown, ...args: unknown[]) => void>();
  const invoke = vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: 'v' }));
  const send = vi.fn();
  const getPathForFile = vi.fn((_f: unknown) => '');
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke,
      send,
      on: (ch: string, fn: (ev: unknown, ...a: unknown[]) => void) => on.set(ch, fn),
    },
    webUtils: { getPathForFile },
  };
  return { exposed, on, invoke, send, getPathForFile, electron };
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
    expect(Object.keys(lab).sort()).toEqual(['app', 'call', 'cancel', 'host', 'stop']);
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

  it('app: each AppHost call invokes its channel with its arguments', async () => {
    const doc = { id: 'd1', name: 'a.ts', text: 'x', handle: null, savedText: null, order: 0, updatedAt: 1 };
    const cases: [() => Promise<unknown>, unknown[]][] = [
      [() => lab.app.openFile('scenario'), ['lab:app:openFile', 'scenario']],
      [() => lab.app.readFile('/a.ts'), ['lab:app:readFile', '/a.ts']],
      [() => lab.app.saveFile('/a.ts', 'x'), ['lab:app:saveFile', '/a.ts', 'x']],
      [() => lab.app.saveFileAs('a.ts', 'x', 'scenario'), ['lab:app:saveFileAs', 'a.ts', 'x', 'scenario']],
      [() => lab.app.recentFiles(), ['lab:app:recentFiles']],
      [() => lab.app.clearRecentFiles(), ['lab:app:clearRecentFiles']],
      [() => lab.app.autosaveList(), ['lab:app:autosaveList']],
      [() => lab.app.autosavePut(doc), ['lab:app:autosavePut', doc]],
      [() => lab.app.autosaveRemove('d1'), ['lab:app:autosaveRemove', 'd1']],
    ];
    for (const [call, args] of cases) {
      await expect(call()).resolves.toEqual({ ok: true, value: 'v' });
      expect(h.invoke).toHaveBeenLastCalledWith(...args);
    }
  });

  it('app: a transport failure is an EIO value', async () => {
    h.invoke.mockRejectedValueOnce(new Error('IPC gone'));
    await expect(lab.app.readFile('/a.ts')).resolves.toMatchObject({ ok: false, error: { errno: 'EIO' } });
  });

  it('app: setState sends the state; onCommand says it listens once and routes commands', () => {
    const state = {
      dirtyDocuments: [],
      activeDocument: null,
      running: false,
      hasRun: false,
      canStepBack: false,
      canStepForward: false,
      theme: 'dark' as const,
    };
    lab.app.setState(state);
    expect(h.send).toHaveBeenLastCalledWith('lab:app:setState', state);
    const got: unknown[] = [];
    const off = lab.app.onCommand((c) => got.push(c));
    const off2 = lab.app.onCommand(() => {});
    expect(h.send.mock.calls.filter((c) => c[0] === 'lab:app:listening')).toHaveLength(1);
    h.on.get('lab:app:command')?.({}, { id: 'run.run' });
    off();
    h.on.get('lab:app:command')?.({}, { id: 'run.stop' });
    expect(got).toEqual([{ id: 'run.run' }]);
    off2();
  });

  it('app: handleForFile tells main the dropped path, and null for a file without one', () => {
    const file = {} as File;
    h.getPathForFile.mockReturnValueOnce('/home/u/dropped.ts');
    expect(lab.app.handleForFile?.(file)).toBe('/home/u/dropped.ts');
    expect(h.send).toHaveBeenLastCalledWith('lab:app:dropped', '/home/u/dropped.ts');
    h.send.mockClear();
    expect(lab.app.handleForFile?.(file)).toBeNull();
    expect(h.send).not.toHaveBeenCalled();
  });
});
