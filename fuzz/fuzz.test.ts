import '../engine/scenario/testing/lockdown';
import { describe, expect, it } from 'vitest';
import { createMachine } from '../engine/scenario/machine-factory';
import { runScenario } from '../engine/scenario/runner';
import { Ioas } from '../engine/iommufd';
import type { CallHook } from './engine-driver';
import { fuzz } from './fuzz';
import { runSequence } from './run';
import type { Op } from './ops';

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
