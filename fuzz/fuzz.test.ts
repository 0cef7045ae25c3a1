import '../engine/scenario/testing/lockdown';
import { describe, expect, it } from 'vitest';
import { createMachine } from '../engine/scenario/machine-factory';
import { runScenario } from '../engine/scenario/runner';
import { Ioas } from '../engine/iommufd';
import type { CallHook } from './engine-driver';
import { fuzz } from './fuzz';
import { generateOp } from './generate';
import { FuzzRng } from './rng';
import { runOps, runSequence } from './run';
import type { Call, Op } from './ops';

/** A planted bug: every bounded unmap longer than a page loses its last page. */
const shortUnmap: CallHook = (c, run) =>
  run(c.k === 'unmap' && c.length > 4096n && c.length < 1n << 60n ? { ...c, length: c.length - 4096n } : c);

/** A planted bug: a successful access pin where a domain maps the IOVA drops one pin of that frame. */
const dropPin: CallHook = (c, run, d) => {
  const out = run(c);
  if (c.k === 'pin' && out.ok) {
    const phys = d.domains.map((x) => x.iovaToPhys(c.iova)).find((x) => x !== null);
    if (phys !== undefined && phys !== null) d.machine.memory.phys.unpinRange(Number(phys / 4096n), 1, false);
  }
  return out;
};

/** The mock domain's entry store (private in the engine; a planted bug writes it directly). */
interface MockStore {
  flagsOf(key: number): number;
  store(key: number, frame: number, flags: number): boolean;
}

/**
 * A planted bug only a full comparison can see: on the first successful map
 * of ≥ 3 pages into an IOAS with a mock domain, the domain's entries for the
 * area's middle page are overwritten to point at the frame of its first page
 * (same entry count, same mappedBytes, first and last page right, no pin
 * changed). Returns the hook and the call it corrupted in each run.
 */
function corruptMiddleEntry(): { hook: CallHook; corrupted: WeakMap<object, Call> } {
  const corrupted = new WeakMap<object, Call>();
  const hook: CallHook = (c, run, d) => {
    const out = run(c);
    if (corrupted.has(d) || c.k !== 'map' || !out.ok || typeof out.value !== 'bigint' || c.length < 3 * 4096)
      return out;
    const iova = out.value;
    const mid = iova + BigInt(Math.floor(c.length / 4096 / 2) * 4096);
    for (const dom of d.domains) {
      if (dom.detached || dom.kind !== 'mock') continue;
      const first = dom.iovaToPhys(iova);
      if (first === null || dom.iovaToPhys(mid) === null) continue;
      const store = (dom.hw as unknown as { store: MockStore }).store;
      for (let h = 0; h < 2; h++) {
        const key = Number(mid / 2048n) + h;
        store.store(key, Number(first / 2048n) + h, store.flagsOf(key));
      }
      corrupted.set(d, c);
      break;
    }
    return out;
  };
  return { hook, corrupted };
}

describe('differential fuzzer against the reference model', () => {
  it('a bounded budget: 3 seeds × 1500 ops, no divergence', () => {
    for (const seed of [1, 2, 3]) {
      const r = fuzz({ seed, ops: 1500 });
      if (r.divergence)
        throw new Error(
          `seed ${seed}: ${JSON.stringify(r.divergence.op)} ${r.divergence.engine} / ${r.divergence.model}\n${r.shrunk?.scenario ?? ''}`,
        );
      expect(r.opsRun).toBe(1500);
    }
  });

  it('catches a planted short unmap, shrinks it to a handful of ops and writes a scenario that fails on the buggy engine only', async () => {
    const r = fuzz({ seed: 2, ops: 400, hook: shortUnmap, shrinkMs: 20_000 });
    expect(r.divergence).not.toBeNull();
    const sh = r.shrunk!;
    expect(sh.ops.length).toBeLessThanOrEqual(6);
    expect(sh.divergence.kind).toBe('result');
    expect(sh.divergence.call?.k).toBe('unmap');
    expect(sh.scenario).toContain(`fuzz op #${sh.divergence.index}`);
    // the scenario runs clean on the real engine …
    const ok = (await runScenario(createMachine, { source: sh.scenario, fileName: 'fuzz.ts', check: true }))
      .result;
    expect(ok.error).toBeUndefined();
    // … and stops at the diverging op, naming it, when the engine has the bug
    const orig = Ioas.prototype.unmap;
    Ioas.prototype.unmap = function (this: Ioas, iova: unknown, length: unknown): bigint {
      const l = typeof length === 'bigint' && length > 4096n && length < 1n << 60n ? length - 4096n : length;
      return orig.call(this, iova, l);
    };
    try {
      const bad = (
        await runScenario(createMachine, { source: sh.scenario, fileName: 'fuzz.ts', check: true })
      ).result;
      expect(bad.ok).toBe(false);
      expect(bad.error?.message).toContain(`fuzz op #${sh.divergence.index}`);
    } finally {
      Ioas.prototype.unmap = orig;
    }
  });

  it('catches a dropped pin (a state divergence) and shrinks it', () => {
    const r = fuzz({ seed: 1, ops: 600, hook: dropPin, shrinkMs: 20_000 });
    expect(r.divergence).not.toBeNull();
    expect(['pins', 'invariants', 'accounting', 'domain', 'teardown']).toContain(r.divergence!.kind);
    expect(r.shrunk!.ops.length).toBeLessThanOrEqual(6);
  });

  it('catches a corrupted domain entry at the next full check and locates it at the op that corrupted it', () => {
    const seed = 4;
    // the generation pass, as fuzz() runs it: full checks every 16 ops
    const g = corruptMiddleEntry();
    const rng = new FuzzRng(seed);
    let drv: object | null = null;
    const spy: CallHook = (c, run, d) => ((drv = d), g.hook(c, run, d));
    const { report, ops } = runOps((s, i) => (i < 600 ? generateOp(s, rng) : null), { seed, hook: spy });
    const bad = drv === null ? undefined : g.corrupted.get(drv);
    expect(bad).toBeDefined();
    const at = report.steps.findIndex((st) => st.call === bad);
    expect(report.divergence).not.toBeNull();
    const seen = report.divergence!.index;
    // not seen by the per-op checks: first at the next scheduled full check (owed to the next op run when it is skipped)
    expect(at % 16).not.toBe(15);
    let due = at - (at % 16) + 15;
    while (report.steps[due].call === null) due++;
    expect(seen).toBe(due);
    // the per-op checks alone never see it (no full check, no invariants) up to there
    const cheap = runSequence(ops.slice(0, seen + 1), {
      seed,
      hook: corruptMiddleEntry().hook,
      fullEvery: 1e9,
      deepEvery: 0,
    });
    // (closing the context at the end unmaps the wrong frame: the teardown check sees that)
    expect(cheap.divergence === null || cheap.divergence.kind === 'teardown').toBe(true);
    // fuzz() locates it exactly (the re-run checks everything after every op) and shrinks it
    const r = fuzz({ seed, ops: 600, hook: corruptMiddleEntry().hook, shrinkMs: 20_000 });
    expect(r.divergence?.index).toBe(at);
    expect(r.divergence?.call?.k).toBe('map');
    expect(['domain', 'pins', 'invariants']).toContain(r.divergence!.kind);
    expect(r.shrunk!.ops.length).toBeLessThanOrEqual(6);
    expect(r.shrunk!.divergence.call?.k).toBe('map');
  });

  it('replays a sequence deterministically and skips ops naming missing objects', () => {
    const ops: Op[] = [
      { k: 'detach', domain: 3 },
      { k: 'ioasAlloc' },
      { k: 'mmap', pages: 4 },
      { k: 'attach', ioas: 0 },
      { k: 'map', ioas: 0, region: 0, off: 0, pages: 4 },
      { k: 'accessCreate', ioas: 0, needsPin: true, onUnmap: 'unpin' },
      { k: 'pin', access: 0, area: 0, off: 1, pages: 2, write: true },
      { k: 'unmap', ioas: 0, how: 'area', a: 0, b: 0 },
      { k: 'pin', access: 7, area: 0, off: 0, pages: 1, write: true },
    ];
    const a = runSequence(ops, { seed: 5, fullEvery: 1 });
    expect(a.divergence).toBeNull();
    expect(a.steps[0].call).toBeNull();
    expect(a.steps[8].call).toBeNull();
    expect(a.steps[7].outcome).toEqual({ ok: true, value: 4n * 4096n });
  });
});
