import { afterAll, describe, expect, it } from 'vitest';
import { LabError } from '../base/errno';
import { ENGINE_VERSION, SCENARIO_API_VERSION } from '../version';
import { EngineClient, type Endpoint } from './client';
import { EngineError, type EventMessage, type HostToWorker, type WorkerToHost } from './protocol';
import { createServer, type Handlers } from './server';
import { spawnNodeEngine } from './spawn-node';

/** The protocol tests exercise `version`; the other requests answer ENOSYS-like errors. */
type VersionOnly = Pick<Handlers, 'version'>;
function withStubs(h: VersionOnly): Handlers {
  const stub = (): never => {
    throw new Error('not part of this test');
  };
  return { run: stub, failnth: stub, inspect: stub, ...h };
}

/** An in-process client/server pair (no worker, no lockdown) for protocol tests. */
function pair(partial: VersionOnly): { client: EngineClient; sent: WorkerToHost[] } {
  const handlers = withStubs(partial);
  const sent: WorkerToHost[] = [];
  let toClient: (d: unknown) => void = () => {};
  const server = createServer(handlers, (msg) => {
    sent.push(msg);
    // Structured clone, like a real port.
    toClient(structuredClone(msg));
  });
  const endpoint: Endpoint = {
    post: (msg: HostToWorker) => void server.handle(structuredClone(msg)),
    onMessage: (fn) => {
      toClient = fn;
    },
  };
  return { client: new EngineClient(endpoint), sent };
}

const info = { engine: 'x', scenarioApi: 1, hardened: false };

describe('worker protocol (in process)', () => {
  it('answers a request by id', async () => {
    const { client } = pair({ version: () => info });
    await expect(client.request('version', {})).resolves.toEqual(info);
    expect(client.inFlight).toBe(0);
  });

  it('carries a LabError as errno, message and detail', async () => {
    const { client } = pair({
      version: () => {
        throw new LabError('EBUSY', 'busy now', { n: 3n });
      },
    });
    const err = await client.request('version', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ errno: 'EBUSY', message: 'busy now', detail: { n: 3n } });
  });

  it('reports an engine bug as EINTERNAL with a stack', async () => {
    const { client } = pair({
      version: () => {
        throw new TypeError('oops');
      },
    });
    const err = (await client.request('version', {}).catch((e: unknown) => e)) as EngineError;
    expect(err.errno).toBe('EINTERNAL');
    expect(err.message).toBe('oops');
    expect(err.stack).toContain('TypeError');
  });

  it('routes events to the request that emitted them', async () => {
    const { client } = pair({
      version: (_p, ctx) => {
        ctx.emit('log', { level: 'info', message: 'hello' });
        return info;
      },
    });
    const events: EventMessage[] = [];
    const all: EventMessage[] = [];
    client.onEvent((e) => all.push(e));
    await client.request('version', {}, { onEvent: (e) => events.push(e) });
    expect(events).toEqual([
      { type: 'event', id: 1, event: 'log', data: { level: 'info', message: 'hello' } },
    ]);
    expect(all).toHaveLength(1);
  });

  it('rejects unknown methods with ENOSYS and malformed messages with EPROTO', async () => {
    const sent: WorkerToHost[] = [];
    const server = createServer(withStubs({ version: () => info }), (m) => sent.push(m));
    await server.handle({ type: 'request', id: 7, method: 'nope', params: {} });
    await server.handle({ type: 'request', id: 8, method: 'toString', params: {} });
    await server.handle({ type: 'request', id: -1, method: 'version' });
    await server.handle('junk');
    expect(sent.map((m) => (m.type === 'response' && !m.ok ? [m.id, m.error.errno] : m))).toEqual([
      [7, 'ENOSYS'],
      [8, 'ENOSYS'],
      [-1, 'EPROTO'],
      [-1, 'EPROTO'],
    ]);
  });

  it('answers ECANCELED when the host cancels a running request', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const { client } = pair({
      version: async () => {
        await gate;
        return info;
      },
    });
    const p = client.request('version', {});
    client.cancel(1);
    release();
    await expect(p).rejects.toMatchObject({ errno: 'ECANCELED' });
  });

  it('answers EINTERNAL when a result cannot be cloned', async () => {
    const sent: WorkerToHost[] = [];
    const server = createServer(
      withStubs({ version: () => ({ ...info, engine: (() => 1) as unknown as string }) }),
      (m) => {
        structuredClone(m);
        sent.push(m);
      },
    );
    await server.handle({ type: 'request', id: 1, method: 'version', params: {} });
    expect(sent).toMatchObject([{ type: 'response', id: 1, ok: false, error: { errno: 'EINTERNAL' } }]);
  });
});

describe('engine worker in a real worker thread under SES lockdown', () => {
  const engine = spawnNodeEngine({ resourceLimits: { maxOldGenerationSizeMb: 256 } });
  afterAll(() => engine.terminate());

  it('announces ready and answers version, hardened', async () => {
    const events: EventMessage[] = [];
    engine.client.onEvent((e) => events.push(e));
    await engine.ready;
    const expected = { engine: ENGINE_VERSION, scenarioApi: SCENARIO_API_VERSION, hardened: true };
    expect(events).toEqual([{ type: 'event', event: 'ready', data: expected }]);
    await expect(engine.client.request('version', {})).resolves.toEqual(expected);
    const errno = await engine.client
      .request('nope' as 'version', {})
      .catch((e: unknown) => (e as EngineError).errno);
    expect(errno).toBe('ENOSYS');
  });
});
