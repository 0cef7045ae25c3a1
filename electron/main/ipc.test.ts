import { describe, expect, it, vi } from 'vitest';
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC } from '../shared/ipc';
import type { EngineSupervisor } from './engine-supervisor';
import { isPlainParams, registerIpc, trustedSenderCheck } from './ipc';

vi.mock('electron', () => ({}));

type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;
type OnHandler = (event: IpcMainEvent, ...args: unknown[]) => void;

function setup(trusted = true) {
  const handles = new Map<string, InvokeHandler>();
  const ons = new Map<string, OnHandler>();
  const ipcMain = {
    handle: (ch: string, fn: InvokeHandler) => handles.set(ch, fn),
    on: (ch: string, fn: OnHandler) => ons.set(ch, fn),
  } as unknown as IpcMain;
  const engine = {
    call: vi.fn<EngineSupervisor['call']>(async (_m, _p, opts) => {
      opts?.onSent?.(41);
      opts?.onEvent?.({ type: 'event', id: 41, event: 'log', data: { level: 'info', message: 'hi' } });
      return { ok: true, value: 'done' };
    }),
    cancel: vi.fn(),
    stop: vi.fn<EngineSupervisor['stop']>(async () => {}),
  };
  registerIpc(ipcMain, engine, () => trusted);
  const sent: unknown[][] = [];
  const sender = { id: 7, isDestroyed: () => false, send: (...a: unknown[]) => sent.push(a) };
  const event = { sender, senderFrame: { url: 'app://lab/index.html' } } as unknown as IpcMainInvokeEvent;
  const invoke = (...args: unknown[]) => handles.get(IPC.call)!(event, ...args);
  const stop = (...args: unknown[]) => handles.get(IPC.stop)!(event, ...args);
  return { engine, invoke, stop, sent, ons, event };
}

describe('IPC validation', () => {
  it('forwards a valid call and its events to the sender', async () => {
    const { engine, invoke, sent } = setup();
    await expect(invoke(1, 'version', {})).resolves.toEqual({ ok: true, value: 'done' });
    expect(engine.call).toHaveBeenCalledWith('version', {}, expect.any(Object));
    expect(sent).toEqual([
      [IPC.event, 1, { type: 'event', id: 41, event: 'log', data: { level: 'info', message: 'hi' } }],
    ]);
  });

  it.each([
    ['a bad call id', [0, 'version', {}]],
    ['a fractional call id', [1.5, 'version', {}]],
    ['an unknown method', [1, 'eval', {}]],
    ['a prototype method name', [1, 'toString', {}]],
    ['array params', [1, 'version', []]],
    ['null params', [1, 'version', null]],
    ['class instance params', [1, 'version', new Date()]],
  ])('rejects %s with EINVAL before reaching the engine', async (_name, args) => {
    const { engine, invoke } = setup();
    await expect(invoke(...args)).resolves.toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('rejects untrusted senders', async () => {
    const { engine, invoke } = setup(false);
    await expect(invoke(1, 'version', {})).resolves.toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('bounds params size', () => {
    expect(isPlainParams({ source: 'x'.repeat(100) })).toBe(true);
    expect(isPlainParams({ source: 'x'.repeat(5 * 1024 * 1024) })).toBe(false);
    expect(isPlainParams({ n: 1n })).toBe(true);
  });

  it('maps cancel of a running call to the engine request id', async () => {
    const { engine, ons, event, invoke } = setup();
    let release: () => void = () => {};
    engine.call.mockImplementationOnce(async (_m, _p, opts) => {
      opts?.onSent?.(99);
      await new Promise<void>((r) => (release = r));
      return { ok: true, value: 1 };
    });
    const running = invoke(5, 'version', {});
    await Promise.resolve();
    const cancel = ons.get(IPC.cancel)!;
    cancel(event as unknown as IpcMainEvent, 6);
    expect(engine.cancel).not.toHaveBeenCalled();
    cancel(event as unknown as IpcMainEvent, 5);
    expect(engine.cancel).toHaveBeenCalledWith(99);
    release();
    await running;
    cancel(event as unknown as IpcMainEvent, 5);
    expect(engine.cancel).toHaveBeenCalledTimes(1);
  });

  it('stops the engine for a trusted sender and answers once it is back', async () => {
    const { engine, stop } = setup();
    let back: () => void = () => {};
    engine.stop.mockImplementationOnce(() => new Promise<void>((r) => (back = r)));
    let answered = false;
    const p = stop().then((r) => {
      answered = true;
      return r;
    });
    await Promise.resolve();
    expect(engine.stop).toHaveBeenCalledTimes(1);
    expect(answered).toBe(false);
    back();
    await expect(p).resolves.toEqual({ ok: true, value: null });
  });

  it('refuses stop from an untrusted sender or with arguments', async () => {
    const untrusted = setup(false);
    await expect(untrusted.stop()).resolves.toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    const { engine, stop } = setup();
    await expect(stop(1)).resolves.toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    expect(engine.stop).not.toHaveBeenCalled();
    expect(untrusted.engine.stop).not.toHaveBeenCalled();
  });

  it('turns a failing stop into an error value', async () => {
    const { engine, stop } = setup();
    engine.stop.mockRejectedValueOnce(new Error('spawn failed'));
    await expect(stop()).resolves.toEqual({
      ok: false,
      error: { errno: 'EINTERNAL', message: 'spawn failed' },
    });
  });

  it('trusts only our windows showing our origin', () => {
    const ours = { id: 1 } as WebContents;
    const check = trustedSenderCheck((c) => c === ours, 'app://lab');
    const ev = (sender: WebContents, url: string | null) =>
      ({ sender, senderFrame: url === null ? null : { url } }) as unknown as IpcMainInvokeEvent;
    expect(check(ev(ours, 'app://lab/index.html'))).toBe(true);
    expect(check(ev(ours, 'https://evil.example/'))).toBe(false);
    expect(check(ev({ id: 2 } as WebContents, 'app://lab/index.html'))).toBe(false);
    expect(check(ev(ours, null))).toBe(false);
  });
});
