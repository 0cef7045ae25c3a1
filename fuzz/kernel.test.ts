import '../engine/scenario/testing/lockdown';
import { describe, expect, it } from 'vitest';
import { oracleReplay } from '../oracle/replay/replay';
import { clip, kernelRun, kernelSequence, kernelShrink, opAtLine, type KernelReport, type Replay } from './kernel';
import { runSequence } from './run';
import type { Op } from './ops';

/** The engine answers for the kernel: the whole path (generate, write, record, translate, compare) without a guest. */
const dry: Replay = (items) => oracleReplay(items, { dryRun: true });

/** A fake kernel that disagrees at the first attachDomain of each scenario (an errno the engine did not give). */
const attachDiffers: Replay = async (items) =>
  items.map((it): KernelReport => {
    const line = it.source.split('\n').findIndex((l) => l.includes('.attachDomain(')) + 1;
    return line === 0
      ? { name: it.name, status: 'identical', compared: 1, allowed: [], notes: [] }
      : {
          name: it.name,
          status: 'differs',
          compared: 1,
          allowed: [],
          notes: [],
          divergence: {
            seq: 1,
            op: 'ioas.attachDomain',
            line,
            script: '',
            engine: 'ok',
            kernel: 'ENOSPC',
            what: 'ok vs err',
          },
        };
  });

describe('fuzz --against kernel', () => {
  it('generated sequences replay identical through the oracle (dry run), most ops compared', async () => {
    const r = await kernelRun({ seed: 1, count: 2, ops: 150, perBoot: 2, replay: dry });
    expect(r.divergences).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.notRunnable).toEqual([]);
    expect(r.identical).toBe(2);
    expect(r.compared).toBeGreaterThan(150);
  }, 120_000);

  it('kernel sequences hold no fault injection, no pagetable domain, no onUnmap ignore, one live domain per IOAS', () => {
    const q = kernelSequence(5, 400);
    if (!('ops' in q)) throw new Error(q.modelDivergence);
    const flat = JSON.stringify(q.ops);
    expect(flat).not.toContain('"inject"');
    expect(flat).not.toContain('pagetable');
    expect(flat).not.toContain('"ignore"');
    expect(q.source).not.toContain('failNth');
  });

  it('a kernel divergence is named by its fuzz op and shrunk, one replay batch per round', async () => {
    const r = await kernelRun({ seed: 3, count: 1, ops: 200, perBoot: 1, replay: attachDiffers });
    const d = r.divergences[0];
    expect(d.op?.k).toBe('attach');
    const q = kernelSequence(3, 200);
    if (!('ops' in q)) throw new Error(q.modelDivergence);
    expect(opAtLine(q.source, d.report.divergence?.line ?? 0)).toBe(d.index);
    const sh = await kernelShrink(d, q.ops, attachDiffers, { maxBoots: 30 });
    // the smallest sequence that still attaches: an IOAS and the attach
    expect(sh.ops.length).toBeLessThanOrEqual(3);
    expect(sh.ops[sh.ops.length - 1].k).toBe('attach');
    expect(sh.source).toContain('.attachDomain(');
  }, 120_000);
});

describe('fuzzer harness regressions', () => {
  it('clips a read result of many KiB of hex in a log line, saying how long it was', () => {
    expect(clip('ok 00ff')).toBe('ok 00ff');
    const long = 'ok ' + '51'.repeat(24576);
    expect(clip(long)).toBe(`${long.slice(0, 160)}… (${long.length} characters)`);
  });

  it('an area at IOVA 0 in a pagetable domain: the "page before the area" check does not ask for IOVA -4096', () => {
    const ops: Op[] = [
      { k: 'mmap', pages: 2 },
      { k: 'ioasAlloc' },
      { k: 'attach', ioas: 0, kind: 'pagetable' },
      { k: 'map', ioas: 0, region: 0, off: 0, pages: 2, iova: 0 },
    ];
    const r = runSequence(ops, { seed: 1, fullEvery: 1 });
    expect(r.divergence).toBeNull();
    expect(r.steps[3].outcome).toEqual({ ok: true, value: 0n });
  });
});

describe('fork / exit / MAP_SHARED in the model', () => {
  const base: Op[] = [
    { k: 'mmap', pages: 4 },
    { k: 'mmap', pages: 4, shared: true },
    { k: 'touch', region: 0, off: 0, pages: 4, v: 7 },
    { k: 'touch', region: 1, off: 0, pages: 4, v: 9 },
    { k: 'ioasAlloc' },
    { k: 'attach', ioas: 0 },
    { k: 'map', ioas: 0, region: 0, off: 0, pages: 2 },
    { k: 'fork' },
    // child writes: a pinned page (copied at fork), an unpinned COW page, a shared page
    { k: 'touch', region: 0, off: 0, pages: 4, v: 1, child: 0 },
    { k: 'touch', region: 1, off: 0, pages: 1, v: 2, child: 0 },
    { k: 'pread', region: 0, off: 0, pages: 4, byteOff: 0 },
    { k: 'pread', region: 1, off: 0, pages: 4, byteOff: 0 },
    { k: 'map', ioas: 0, region: 0, off: 2, pages: 2 },
    { k: 'touch', region: 0, off: 2, pages: 2, v: 3 },
    { k: 'pread', region: 0, off: 0, pages: 4, byteOff: 0, child: 0 },
    { k: 'exit', child: 0 },
    { k: 'touch', region: 0, off: 0, pages: 4, v: 4 },
  ];
  it('the engine agrees with the model op by op, and the sequence runs every op', () => {
    const r = runSequence(base, { seed: 1, fullEvery: 1 });
    expect(r.divergence).toBeNull();
    expect(r.steps.every((s) => s.outcome?.ok === true)).toBe(true);
  });
  it('a planted bug (a child write that lands in the parent) is caught', () => {
    const r = runSequence(base, {
      seed: 1,
      fullEvery: 1,
      hook: (c, run) => run(c.k === 'touch' && c.child !== null && c.v === 1 ? { ...c, child: null } : c),
    });
    // shows at the main process's next read of those pages (op #10), as the wrong bytes
    expect(r.divergence?.index).toBe(10);
    expect(r.divergence?.call?.k).toBe('pread');
  });
});
