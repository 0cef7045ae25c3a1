/**
 * Malformed worker messages fed to the real server and handlers (in process,
 * under lockdown): wrong types, unknown kinds and methods, prototype names,
 * bad params of every request, huge payloads, ids of runs the worker does
 * not hold. Each gets one response with a protocol or engine errno naming
 * what is wrong; the server keeps answering and a valid run still works.
 */
import '../../engine/scenario/testing/lockdown';
import { describe, expect, it } from 'vitest';
import { makeHandlers } from '../../engine/worker/handlers';
import type { WorkerToHost } from '../../engine/worker/protocol';
import { EngineClient } from '../../engine/worker/client';
import { createServer } from '../../engine/worker/server';
import { SessionStore } from '../../engine/worker/sessions';

function server() {
  const out: WorkerToHost[] = [];
  const s = createServer(makeHandlers(new SessionStore()), (m) => {
    out.push(structuredClone(m));
  });
  /** Feed one raw message; its response (events dropped). */
  const send = async (raw: unknown): Promise<WorkerToHost & { type: 'response' }> => {
    const n = out.length;
    await s.handle(raw);
    const res = out.slice(n).filter((m) => m.type === 'response');
    expect(res).toHaveLength(1);
    return res[0] as WorkerToHost & { type: 'response' };
  };
  return { send, out };
}

const errOf = (r: WorkerToHost & { type: 'response' }): { errno: string; message: string } =>
  r.ok ? { errno: 'ok', message: '' } : r.error;

const OK_RUN = { type: 'request', id: 9000, method: 'run', params: { source: 'lab.log(1 + 1)' } };

/** [message, errno, words the message must contain] */
const MALFORMED: [unknown, string, string][] = [
  [null, 'EPROTO', 'not an object'],
  [42, 'EPROTO', 'not an object'],
  ['{"type":"request"}', 'EPROTO', 'not an object'],
  [{}, 'EPROTO', 'type'],
  [{ type: 'reqest', id: 1, method: 'version' }, 'EPROTO', 'reqest'],
  [{ type: 'request', method: 'version' }, 'EPROTO', 'id'],
  [{ type: 'request', id: -1, method: 'version' }, 'EPROTO', 'id'],
  [{ type: 'request', id: 1.5, method: 'version' }, 'EPROTO', 'id'],
  [{ type: 'request', id: '1', method: 'version' }, 'EPROTO', 'id'],
  [{ type: 'request', id: 2 ** 60, method: 'version' }, 'EPROTO', 'id'],
  [{ type: 'request', id: 1, method: 42 }, 'EPROTO', 'method'],
  [{ type: 'request', id: 1 }, 'EPROTO', 'method'],
  [{ type: 'request', id: 1, method: 'nope' }, 'ENOSYS', 'nope'],
  [{ type: 'request', id: 1, method: '__proto__' }, 'ENOSYS', '__proto__'],
  [{ type: 'request', id: 1, method: 'constructor' }, 'ENOSYS', 'constructor'],
  [{ type: 'request', id: 1, method: 'hasOwnProperty' }, 'ENOSYS', 'hasOwnProperty'],
  [{ type: 'request', id: 1, method: 'run', params: 'x' }, 'EPROTO', 'params'],
  [{ type: 'request', id: 1, method: 'run', params: null }, 'EPROTO', 'params'],
  [{ type: 'request', id: 1, method: 'run', params: {} }, 'EINVAL', 'source'],
  [{ type: 'request', id: 1, method: 'run', params: [] }, 'EINVAL', 'source'],
  [{ type: 'request', id: 1, method: 'run', params: { source: 42 } }, 'EINVAL', 'source'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', stopAfter: -1 } }, 'EINVAL', 'stopAfter'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', stopAfter: 'x' } }, 'EINVAL', 'stopAfter'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', seed: 'abc' } }, 'EINVAL', 'seed'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', seed: NaN } }, 'EINVAL', 'seed'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', seed: 1.5 } }, 'EINVAL', 'seed'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', seed: 10n } }, 'EINVAL', 'seed'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', fileName: 42 } }, 'EINVAL', 'fileName'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', check: 'yes' } }, 'EINVAL', 'check'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', digests: 0 } }, 'EINVAL', 'digests'],
  [
    { type: 'request', id: 1, method: 'run', params: { source: '1', keepEvents: 'no' } },
    'EINVAL',
    'keepEvents',
  ],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', stream: 1 } }, 'EINVAL', 'stream'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', live: 'x' } }, 'EINVAL', 'live'],
  [{ type: 'request', id: 1, method: 'run', params: { source: '1', live: { fps: 'x' } } }, 'EINVAL', 'fps'],
  [{ type: 'request', id: 1, method: 'failnth', params: { source: 7 } }, 'EINVAL', 'source'],
  [
    { type: 'request', id: 1, method: 'failnth', params: { source: '1', maxPoints: -3 } },
    'EINVAL',
    'maxPoints',
  ],
  [{ type: 'request', id: 1, method: 'failnth', params: { source: '1', seed: 'x' } }, 'EINVAL', 'seed'],
  [{ type: 'request', id: 1, method: 'inspect', params: {} }, 'EINVAL', 'runId'],
  [
    { type: 'request', id: 1, method: 'inspect', params: { runId: 'a', step: 0, queries: [] } },
    'EINVAL',
    'runId',
  ],
  [
    { type: 'request', id: 1, method: 'inspect', params: { runId: 1.5, step: 0, queries: [] } },
    'EINVAL',
    'runId',
  ],
  [
    { type: 'request', id: 1, method: 'inspect', params: { runId: 999, step: 0, queries: [] } },
    'ESTALE',
    '999',
  ],
  [
    { type: 'request', id: 1, method: 'inspect', params: { runId: -1, step: 0, queries: [] } },
    'ESTALE',
    '-1',
  ],
  [{ type: 'cancel' }, 'EPROTO', 'type'],
  [{ type: 'cancel', id: 'x' }, 'EPROTO', 'type'],
];

describe('malformed worker messages', () => {
  it(`${MALFORMED.length} malformed messages: one error response each, naming what is wrong`, async () => {
    const { send } = server();
    const problems: string[] = [];
    for (const [raw, errno, words] of MALFORMED) {
      const e = errOf(await send(raw));
      if (e.errno !== errno || !e.message.includes(words))
        problems.push(
          `${JSON.stringify(raw, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}: ${e.errno}: ${e.message}`,
        );
    }
    expect(problems).toEqual([]);
    const ok = await send(OK_RUN);
    expect(ok.ok && ok.result).toMatchObject({ ok: true });
  });

  it('a response carries the id of the request it answers, -1 when the id was unreadable', async () => {
    const { send } = server();
    expect((await send({ type: 'request', id: 77, method: 'nope' })).id).toBe(77);
    expect((await send({ type: 'request', id: 'x', method: 'version' })).id).toBe(-1);
  });

  it('a cancel for an id that is not running is ignored, and the next request is answered', async () => {
    const { out } = server();
    const s = createServer(makeHandlers(new SessionStore()), (m) => out.push(m));
    await s.handle({ type: 'cancel', id: 12345 });
    expect(out).toEqual([]);
    await s.handle({ type: 'request', id: 12345, method: 'version' });
    expect(out.at(-1)).toMatchObject({ type: 'response', id: 12345, ok: true });
  });

  it('inspect of a step past the run, of a run evicted or of one from another worker: EINVAL or ESTALE', async () => {
    const { send } = server();
    const r = await send({
      type: 'request',
      id: 1,
      method: 'run',
      params: { source: 'lab.open().ioasAlloc()' },
    });
    const runId = r.ok ? (r.result as { runId: number }).runId : -1;
    const past = errOf(
      await send({ type: 'request', id: 2, method: 'inspect', params: { runId, step: 99, queries: [] } }),
    );
    expect(past.errno).toBe('EINVAL');
    expect(past.message).toMatch(/step 99/);
    const bad = errOf(
      await send({
        type: 'request',
        id: 3,
        method: 'inspect',
        params: { runId, step: 1, queries: [{ kind: 'bogus' }] },
      }),
    );
    expect(bad).toMatchObject({ errno: 'EINVAL' });
    expect(bad.message).toMatch(/queries\[0\].*bogus/);
    // the store keeps the last 4 runs: the first is gone after 4 more
    for (let i = 0; i < 4; i++)
      await send({ type: 'request', id: 10 + i, method: 'run', params: { source: '1' } });
    expect(
      errOf(
        await send({ type: 'request', id: 20, method: 'inspect', params: { runId, step: 1, queries: [] } }),
      ).errno,
    ).toBe('ESTALE');
    // a second worker (another store) does not know this one's runs
    const other = server();
    expect(
      errOf(
        await other.send({
          type: 'request',
          id: 1,
          method: 'inspect',
          params: { runId: runId + 4, step: 0, queries: [] },
        }),
      ).errno,
    ).toBe('ESTALE');
  });

  it('a huge payload (a 3 MiB source, a 100 000-query inspect) is answered, not a crash', async () => {
    const { send } = server();
    const big = `${'// padding\n'.repeat(1 << 18)}lab.log('end')`;
    const r = await send({ type: 'request', id: 1, method: 'run', params: { source: big } });
    expect(r.ok && r.result).toMatchObject({ ok: true });
    const q = Array.from({ length: 100_000 }, () => ({ kind: 'domains' }));
    const runId = r.ok ? (r.result as { runId: number }).runId : -1;
    const e = errOf(
      await send({ type: 'request', id: 2, method: 'inspect', params: { runId, step: 0, queries: q } }),
    );
    expect(e.errno).toBe('EINVAL');
    expect(e.message).toMatch(/at most 64/);
    expect((await send(OK_RUN)).ok).toBe(true);
  });
});

describe('malformed worker → host messages (EngineClient)', () => {
  it('junk is ignored, a malformed error response still settles its request with EPROTO', async () => {
    let deliver: (d: unknown) => void = () => {};
    const posted: { id: number }[] = [];
    const client = new EngineClient({
      post: (m) => void posted.push(m as { id: number }),
      onMessage: (fn) => {
        deliver = fn;
      },
    });
    const events: string[] = [];
    client.onEvent((e) => events.push(e.event));
    const a = client.request('version', {});
    const b = client.request('version', {});
    const c = client.request('version', {});
    const [ida, idb, idc] = posted.map((m) => m.id) as [number, number, number];
    for (const junk of [
      null,
      42,
      'response',
      {},
      { type: 'response' },
      { type: 'response', id: ida, ok: 'yes' },
      { type: 'response', id: -1, ok: true },
      { type: 'response', id: 99999, ok: true, result: 1 },
      { type: 'event' },
      { type: 'event', id: 'x', event: 'log' },
      { type: 'nope', id: ida },
    ])
      deliver(junk);
    expect(client.inFlight).toBe(3);
    deliver({ type: 'event', event: 'log', data: { level: 'info', message: 'hi' } });
    expect(events).toEqual(['log']);
    deliver({ type: 'response', id: ida, ok: false, error: null });
    deliver({ type: 'response', id: idb, ok: false, error: { errno: 7 } });
    deliver({ type: 'response', id: idc, ok: true, result: { engine: 'x' } });
    await expect(a).rejects.toMatchObject({
      errno: 'EPROTO',
      message: expect.stringMatching(/malformed error response.*null/),
    });
    await expect(b).rejects.toMatchObject({ errno: 'EPROTO', message: expect.stringMatching(/"errno":7/) });
    await expect(c).resolves.toEqual({ engine: 'x' });
    expect(client.inFlight).toBe(0);
  });
});
