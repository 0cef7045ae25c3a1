import { describe, expect, it } from 'vitest';
import { Kernel } from '../../base';
import { BATCH_BACKUP_BYTES, BATCH_ELEMENT_SIZE, PfnBatch } from './pfn-batch';

function runs(b: PfnBatch): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < b.end; k++) out.push([b.pfns[k], b.npfns[k]]);
  return out;
}

describe('PfnBatch', () => {
  it('sizes itself from the temporary memory limit at 12 bytes per run', () => {
    const k = new Kernel();
    k.tempMemoryLimit = 32;
    expect(PfnBatch.init(k, 1000).arraySize).toBe(2);
    k.tempMemoryLimit = 65536;
    expect(PfnBatch.init(k, 1000).arraySize).toBe(1000);
    expect(PfnBatch.init(k, 100000).arraySize).toBe(Math.floor(65536 / BATCH_ELEMENT_SIZE));
    // backup paths: small requests get exactly what they asked for from the stack
    expect(PfnBatch.initBackup(k, 5).arraySize).toBe(5);
    expect(5 * BATCH_ELEMENT_SIZE).toBeLessThan(BATCH_BACKUP_BYTES);
  });

  it('fails batch_init through the temp_kmalloc fault site, never the backup', () => {
    const k = new Kernel();
    k.faults.failNth(1);
    expect(() => PfnBatch.init(k, 100)).toThrow(/temporary memory/);
    k.faults.failNth(1);
    expect(PfnBatch.initBackup(k, 100).arraySize).toBe(100);
    expect(k.faults.consumed()).toBe(false);
  });

  it('adds PFNs as runs; a full batch still absorbs a contiguous PFN', () => {
    const k = new Kernel();
    k.tempMemoryLimit = 24;
    const b = PfnBatch.init(k, 100);
    expect(b.arraySize).toBe(2);
    expect(b.addPfn(10)).toBe(true);
    expect(b.addPfn(11)).toBe(true);
    expect(b.addPfn(20)).toBe(true);
    expect(b.addPfn(30)).toBe(false);
    expect(b.addPfn(21)).toBe(true);
    expect(runs(b)).toEqual([
      [10, 2],
      [20, 2],
    ]);
    expect(b.totalPfns).toBe(4);
  });

  it('clearCarry computes the carry PFN before writing its length (fixed bug 1)', () => {
    const b = PfnBatch.initBackup(new Kernel(), 64);
    for (let p = 100; p < 110; p++) b.addPfn(p); // one run in slot 0
    b.clearCarry(3);
    // the buggy order wrote npfns[0] = 3 first and got pfns[0] = 100 + 3 - 3
    expect(runs(b)).toEqual([[107, 3]]);
    expect(b.totalPfns).toBe(3);
  });

  it('clearCarry leaves end = 1 so the next run does not overwrite the carry (fixed bug 2)', () => {
    const b = PfnBatch.initBackup(new Kernel(), 64);
    b.addPfn(5);
    for (let p = 100; p < 110; p++) b.addPfn(p);
    b.clearCarry(4);
    expect(runs(b)).toEqual([[106, 4]]);
    b.addPfn(500); // with end = 0 this overwrote slot 0
    expect(runs(b)).toEqual([
      [106, 4],
      [500, 1],
    ]);
    b.addPfn(501);
    // a second consecutive carry (end was 0 → slot -1 in v6.2)
    b.clearCarry(1);
    expect(runs(b)).toEqual([[501, 1]]);
    b.clearCarry(1);
    expect(runs(b)).toEqual([[501, 1]]);
    b.clearCarry(0);
    expect(b.end).toBe(0);
    expect(b.totalPfns).toBe(0);
  });

  it('skipCarry consumes the carry from the front; an emptied carry frees its slot', () => {
    const k = new Kernel();
    const b = PfnBatch.initBackup(k, 64);
    for (let p = 10; p < 16; p++) b.addPfn(p);
    b.clearCarry(6);
    b.skipCarry(2);
    expect(runs(b)).toEqual([[12, 4]]);
    b.skipCarry(10);
    // the kernel keeps a zero-length run [16, 0] here; see README (deviations)
    expect(b.end).toBe(0);
    expect(b.totalPfns).toBe(0);
    b.skipCarry(1); // nothing left: no-op
    k.tempMemoryLimit = 12;
    const one = PfnBatch.initBackup(k, 1000);
    expect(one.arraySize).toBe(1);
    for (let p = 10; p < 16; p++) one.addPfn(p);
    one.clearCarry(2);
    one.skipCarry(2);
    // a one-run batch must still accept a new, non-contiguous run
    expect(one.addPfn(40)).toBe(true);
    expect(runs(one)).toEqual([[40, 1]]);
    expect(k.counters.warnings).toBe(0);
  });
});

describe('batch_init_backup capacity (§4.1)', () => {
  it('keeps the requested size below the 256-byte backup, else caps at the limit', () => {
    const k = new Kernel();
    k.tempMemoryLimit = 12;
    // 21 * 12 = 252 < 256: the stack backup, sized max_pages (not 21 runs by default)
    expect(PfnBatch.initBackup(k, 21).arraySize).toBe(21);
    expect(PfnBatch.initBackup(k, 3).arraySize).toBe(3);
    // 22 * 12 = 264 >= 256: min(264, 12) → one run
    expect(PfnBatch.initBackup(k, 22).arraySize).toBe(1);
    expect(() => PfnBatch.init(k, 3)).not.toThrow();
    expect(PfnBatch.init(k, 3).arraySize).toBe(1);
    expect(k.counters.warnings).toBe(0);
  });
});
