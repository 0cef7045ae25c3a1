import '../scenario/testing/lockdown';
import { afterAll, describe, expect, it } from 'vitest';
import type { InspectQuery, PhysAnswer, TierAnswer } from '../base/inspect-types';
import type { EngineMachine } from '../scenario/engine-types';
import { makeHandlers } from './handlers';
import type { EngineError, EventMessage, LiveFrame, RunParams, RunResult } from './protocol';
import type { RequestContext } from './server';
import { SessionStore } from './sessions';
import { spawnNodeEngine } from './spawn-node';

/** Maps, pins through an access, unmaps: every tier is reached at some step. */
const SRC = `
  lab.configure({ physicalMemory: 256 * 1024 * 1024, hugetlbPages2M: 4, fragmentation: 0.6 });
  const PAGE = lab.PAGE_SIZE;
  const fd = lab.open();
  const ioas = fd.ioasAlloc();
  const acc = fd.createAccess(ioas, { needsPinPages: true });
  const buf = lab.process.mmap(512 * PAGE, { populate: true });
  const iova = ioas.map(buf, 512 * PAGE, { iova: 1n << 24n });
  const a = acc.pin(iova, 64 * PAGE);
  ioas.attachDomain();
  const b = acc.pin(iova + BigInt(300 * PAGE), 100 * PAGE);
  acc.unpin(a);
  for (let i = 0; i < 10; i++) {
    const x = ioas.map(buf, (1 + i) * 16 * PAGE);
    if (i % 3 === 0) ioas.unmap(x, (1 + i) * 16 * PAGE);
  }
  acc.unpin(b);
`;

function ctx(events: { event: string; data: unknown }[] = []): RequestContext {
  return { id: 1, emit: (event, data) => events.push({ event, data }), isCancelled: () => false };
}

const QUERIES: InspectQuery[] = [
  { kind: 'tiers', buckets: 16 },
  { kind: 'tiers', pages: 1, start: 290, end: 310, buckets: 32 },
  { kind: 'phys', buckets: 64, highlight: { key: '' } },
  { kind: 'domains' },
];

describe('inspect: sessions, past steps, ESTALE', () => {
  it('answers at every step what a fresh run stopped at that step answers at its end', async () => {
    const h = makeHandlers(new SessionStore());
    const run = (p: Partial<RunParams>): Promise<RunResult> =>
      Promise.resolve(h.run({ source: SRC, seed: 5, ...p }, ctx()));
    const full = await run({});
    expect(full.error).toBeUndefined();
    expect(full.runId).toBeGreaterThan(0);
    const runId = full.runId as number;
    let tiersFromDigest = 0;
    for (let step = 0; step <= full.ops; step++) {
      const fresh = await run({ stopAfter: step });
      expect(fresh.stoppedAfter ?? fresh.ops).toBe(step);
      const key = (
        await h.inspect(
          { runId: fresh.runId as number, step, queries: [{ kind: 'tiers', buckets: 4 }] },
          ctx(),
        )
      ).answers[0] as TierAnswer | undefined;
      const queries = QUERIES.map((q) =>
        q.kind === 'phys' && key ? { ...q, highlight: { key: key.key } } : q,
      ).filter((q) => q.kind !== 'tiers' || q.pages === undefined || key !== undefined);
      const past = await h.inspect({ runId, step, queries }, ctx());
      const ref = await h.inspect({ runId: fresh.runId as number, step, queries }, ctx());
      expect(ref.replayed).toBe(false); // the final machine of the fresh run
      expect(past.answers).toEqual(ref.answers);
      if (step > 0 && step < full.ops) expect(past.replayed, `step ${step}`).toBe(true);
      // tiers alone at a past step come from the digest, equal to the machine's
      const tiersOnly = await h.inspect({ runId, step, queries: [{ kind: 'tiers', buckets: 8 }] }, ctx());
      const tiersRef = await h.inspect(
        { runId: fresh.runId as number, step, queries: [{ kind: 'tiers', buckets: 8 }] },
        ctx(),
      );
      expect(tiersOnly.answers).toEqual(tiersRef.answers);
      if (!tiersOnly.replayed && step < full.ops) tiersFromDigest++;
      const phys = past.answers.find((a): a is PhysAnswer => a.kind === 'phys');
      if (key && phys) expect(phys.highlightFrames).toBeGreaterThan(0);
    }
    expect(tiersFromDigest).toBe(full.ops);
  });

  it('a run made with RunParams.strategy replays under it at a past step', async () => {
    // two domains: naive pins the pages once per domain, iommufd once
    const src = `
      const PAGE = lab.PAGE_SIZE;
      const fd = lab.open();
      const ioas = fd.ioasAlloc();
      ioas.attachDomain();
      ioas.attachDomain();
      const buf = lab.process.mmap(64 * PAGE, { populate: true });
      const a = ioas.map(buf, 32 * PAGE);
      const b = ioas.map(buf, 64 * PAGE);
      ioas.unmap(a, 32 * PAGE);
      ioas.unmap(b, 64 * PAGE);
    `;
    const h = makeHandlers(new SessionStore());
    const run = (p: Partial<RunParams>): Promise<RunResult> =>
      Promise.resolve(h.run({ source: src, seed: 3, ...p }, ctx()));
    const queries: InspectQuery[] = [{ kind: 'phys', buckets: 32 }, { kind: 'domains' }];
    const full = await run({ strategy: 'naive' });
    expect(full.error).toBeUndefined();
    const step = full.ops - 2; // both maps done, nothing unmapped yet
    const past = await h.inspect({ runId: full.runId as number, step, queries }, ctx());
    expect(past.replayed).toBe(true);
    const fresh = await run({ strategy: 'naive', stopAfter: step });
    const ref = await h.inspect({ runId: fresh.runId as number, step, queries }, ctx());
    expect(ref.replayed).toBe(false);
    expect(past.answers).toEqual(ref.answers);
    // and the state differs under the default strategy (the test can tell them apart)
    const dflt = await run({ stopAfter: step });
    const other = await h.inspect({ runId: dflt.runId as number, step, queries }, ctx());
    expect(other.answers).not.toEqual(ref.answers);
  });

  it('unknown and evicted runIds are ESTALE; bad params EINVAL', async () => {
    const store = new SessionStore(2);
    const h = makeHandlers(store);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.run({ source: 'lab.open();' }, ctx())).runId as number);
    const errno = (p: Promise<unknown> | unknown): Promise<string> =>
      Promise.resolve(p).then(
        () => 'ok',
        (e: unknown) => (e as EngineError).errno,
      );
    expect(await errno(h.inspect({ runId: ids[0] as number, step: 0, queries: [] }, ctx()))).toBe('ESTALE');
    expect(await errno(h.inspect({ runId: 999, step: 0, queries: [] }, ctx()))).toBe('ESTALE');
    expect(await errno(h.inspect({ runId: ids[2] as number, step: 1, queries: [] }, ctx()))).toBe('ok');
    expect(await errno(h.inspect({ runId: ids[2] as number, step: 2, queries: [] }, ctx()))).toBe('EINVAL');
    expect(
      await errno(
        h.inspect({ runId: ids[2] as number, step: 1, queries: [{ kind: 'nope' } as never] }, ctx()),
      ),
    ).toBe('EINVAL');
    expect(await errno(h.run({ source: '', stopAfter: -1 }, ctx()))).toBe('EINVAL');
  });
});

describe('SessionStore', () => {
  it('keeps 2 replays (LRU), drops the oldest final machines beyond the byte budget', () => {
    const fake = (n: number): EngineMachine => ({ retainedBytes: () => n }) as unknown as EngineMachine;
    const store = new SessionStore(4, 2, 100);
    const s = { spec: { source: '' }, lastSeq: 3, digests: [], eventDigest: new Int32Array(3) };
    const a = store.add({ ...s, machine: fake(60) });
    const b = store.add({ ...s, machine: fake(60) });
    expect(a.machine).toBeNull();
    expect(b.machine).not.toBeNull();
    for (const step of [0, 1, 2]) store.keepReplay(b.runId, step, fake(10));
    expect(store.replayed(b.runId, 0)).toBeUndefined();
    expect(store.replayed(b.runId, 1)).toBeDefined();
    expect(store.replayed(b.runId, 2)).toBeDefined();
    store.keepReplay(b.runId, 0, fake(50)); // over budget: older replays go first, the newest stays
    expect(store.replayed(b.runId, 0)).toBeDefined();
    expect(store.replayed(b.runId, 1)).toBeUndefined();
    expect(store.replayed(b.runId, 2)).toBeUndefined();
  });
});

describe('live frames from a real worker thread', () => {
  const engine = spawnNodeEngine({ resourceLimits: { maxOldGenerationSizeMb: 512 } });
  afterAll(() => engine.terminate());

  it('frames arrive while the run goes, carry every event and digest once, and the CLI events still flow', async () => {
    await engine.ready;
    const frames: LiveFrame[] = [];
    const other: string[] = [];
    const src = `
      const PAGE = lab.PAGE_SIZE;
      const fd = lab.open();
      const ioas = fd.ioasAlloc();
      ioas.attachDomain();
      const buf = lab.process.mmap(256 * PAGE);
      for (let i = 0; i < 3000; i++) ioas.unmap(ioas.map(buf, (1 + (i % 200)) * PAGE), (1 + (i % 200)) * PAGE);
    `;
    const res = await engine.client.request(
      'run',
      { source: src, stream: true, live: { fps: 30, buckets: 64, physBuckets: 32 } },
      {
        onEvent: (e: EventMessage) => {
          if (e.event === 'frame') frames.push(e.data as LiveFrame);
          else other.push(e.event);
        },
      },
    );
    expect(res.ok).toBe(true);
    expect(frames.length).toBeGreaterThan(1);
    expect(frames[0]?.seq).toBeLessThan(res.ops); // before the run ended
    expect(frames.at(-1)?.seq).toBe(res.ops); // and a last one at its end
    expect(frames.flatMap((f) => f.events.map((e) => e.seq))).toEqual(res.timeline.events.map((e) => e.seq));
    let base = 0;
    for (const f of frames) {
      expect(f.digestBase).toBe(base);
      base += f.digests.length;
      // records-only frames carry no summaries; the others carry the tiers, and phys when its budget allows
      if (f.partial === true) expect(f.tiers).toEqual([]);
      if (f.phys !== undefined) expect(f.phys.counts).toBeInstanceOf(Uint32Array);
    }
    expect(base).toBe(res.timeline.digests.length);
    expect(frames.at(-1)?.phys?.counts).toBeInstanceOf(Uint32Array);
    expect(frames.some((f) => f.tiers.length === 1 && f.tiers[0]?.counts instanceof Uint32Array)).toBe(true);
    expect(other).toContain('timeline');
    expect(other).toContain('progress');
    const again = await engine.client.request('inspect', {
      runId: res.runId as number,
      step: 10,
      queries: [{ kind: 'phys', buckets: 8 }],
    });
    expect(again.replayed).toBe(true);
    const stale = await engine.client
      .request('inspect', { runId: 12345, step: 0, queries: [] })
      .catch((e: unknown) => (e as EngineError).errno);
    expect(stale).toBe('ESTALE');
  });
});
