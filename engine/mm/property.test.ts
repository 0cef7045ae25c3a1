import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLabError, Kernel, PAGE_SIZE } from '../base';
import { decUserLockedVm, incUserLockedVm } from './accounting';
import { MemorySystem } from './memory-system';
import type { Process } from './process';
import type { MmapOptions } from './types';

const HP = 512; // pages per 2 MiB
const POOL = 2;

interface Mapping {
  addr: number;
  pages: number;
  opts: MmapOptions;
  /** Shared mappings: the object's contents model, keyed by page index; private: per-process. */
  shared: Map<number, number> | null;
  /** Page index in the shared object of the mapping's first page. */
  base: number;
}

interface Proc {
  p: Process;
  maps: Mapping[];
  /** Private contents model: first byte of each page, by address. */
  bytes: Map<number, number>;
}

interface Pin {
  pfns: Uint32Array;
  count: number;
  uid: number;
  /** Who pinned, and where: while the page stays mapped, the process must keep the pinned frame. */
  proc: Proc;
  addr: number;
  /** Pages unmapped since (index → true). */
  gone: Set<number>;
}

const KINDS: MmapOptions[] = [
  {},
  { populate: true },
  { shared: true },
  { file: true },
  { thp: true },
  { hugetlb: '2M' },
  { readOnly: true },
  { shared: true, populate: true },
  { thp: true, populate: true },
];

type Op = [number, number, number, number, boolean];

function run(seed: number, fragmentation: number, ops: Op[]): void {
  const sys = new MemorySystem(new Kernel(), {
    physicalMemory: 16 * 2 ** 20,
    fragmentation,
    seed,
    hugetlbPages2M: POOL,
  });
  const procs: Proc[] = [{ p: sys.createProcess(), maps: [], bytes: new Map() }];
  const pins: Pin[] = [];
  const charged = new Map<number, number>();
  const expectErr = (e: unknown, ...errnos: string[]): void => {
    if (!isLabError(e) || !errnos.includes(e.errno)) throw e;
  };
  const pageOf = (m: Mapping, k: number): number => m.addr + (k % m.pages) * PAGE_SIZE;
  const modelRead = (pr: Proc, m: Mapping, addr: number): number =>
    m.shared !== null ? (m.shared.get(m.base + (addr - m.addr) / PAGE_SIZE) ?? 0) : (pr.bytes.get(addr) ?? 0);

  for (const [code, a, b, c, flag] of ops) {
    const live = procs.filter((x) => x.p.alive);
    if (live.length === 0) procs.push({ p: sys.createProcess(), maps: [], bytes: new Map() });
    const alive = procs.filter((x) => x.p.alive);
    const pr = alive[a % alive.length];
    const m = pr.maps.length > 0 ? pr.maps[b % pr.maps.length] : null;
    switch (code % 9) {
      case 0: {
        const opts = KINDS[(c >> 6) % KINDS.length];
        const pages = opts.hugetlb !== undefined ? HP : opts.thp ? HP + (c % 40) : 1 + (c % 40);
        try {
          const addr = pr.p.mmap(pages * PAGE_SIZE, opts);
          pr.maps.push({ addr, pages, opts, shared: opts.shared ? new Map() : null, base: 0 });
        } catch (e) {
          expectErr(e, 'ENOMEM');
        }
        break;
      }
      case 1: {
        if (m === null) break;
        const huge = m.opts.hugetlb !== undefined;
        const off = huge ? 0 : c % m.pages;
        const len = huge ? m.pages : 1 + ((c >> 3) % (m.pages - off));
        pr.p.munmap(m.addr + off * PAGE_SIZE, len * PAGE_SIZE);
        pr.maps.splice(pr.maps.indexOf(m), 1);
        for (const [lo, hi] of [
          [0, off],
          [off + len, m.pages],
        ]) {
          if (hi <= lo) continue;
          const part: Mapping = {
            addr: m.addr + lo * PAGE_SIZE,
            pages: hi - lo,
            opts: m.opts,
            shared: m.shared,
            base: m.base + lo,
          };
          pr.maps.push(part);
        }
        for (let k = off; k < off + len; k++) pr.bytes.delete(m.addr + k * PAGE_SIZE);
        const lo = m.addr + off * PAGE_SIZE;
        const hi = lo + len * PAGE_SIZE;
        for (const pin of pins) {
          if (pin.proc !== pr) continue;
          for (let i = 0; i < pin.count; i++) {
            const x = pin.addr + i * PAGE_SIZE;
            if (x >= lo && x < hi) pin.gone.add(i);
          }
        }
        break;
      }
      case 2: {
        try {
          const child = pr.p.fork();
          procs.push({ p: child, maps: pr.maps.map((x) => ({ ...x })), bytes: new Map(pr.bytes) });
        } catch (e) {
          expectErr(e, 'ENOMEM');
        }
        break;
      }
      case 3:
        if (c % 4 === 0) pr.p.exit();
        break;
      case 4:
      case 5: {
        if (m === null) break;
        const addr = pageOf(m, c);
        const v = 1 + (c % 250);
        try {
          pr.p.write(addr, new Uint8Array([v]));
          if (m.shared !== null) m.shared.set(m.base + (addr - m.addr) / PAGE_SIZE, v);
          else pr.bytes.set(addr, v);
        } catch (e) {
          expectErr(e, 'EFAULT');
          expect(m.opts.readOnly === true || m.opts.hugetlb !== undefined).toBe(true);
        }
        break;
      }
      case 6: {
        if (m === null) break;
        const addr = pageOf(m, c);
        try {
          expect(pr.p.read(addr, 1)[0]).toBe(modelRead(pr, m, addr));
        } catch (e) {
          expectErr(e, 'EFAULT');
        }
        break;
      }
      case 7: {
        if (m === null) break;
        const k = c % m.pages;
        const n = 1 + ((c >> 4) % 64);
        const out = new Uint32Array(n);
        const mm = pr.p.mm;
        if (!mm.tryGet()) break;
        try {
          const got = mm.pinUserPages(m.addr + k * PAGE_SIZE, n, flag, out, 0);
          expect(got).toBeGreaterThanOrEqual(1);
          expect(got).toBeLessThanOrEqual(n);
          for (let i = 0; i < got; i++)
            if (pr.p.translate(m.addr + (k + i) * PAGE_SIZE) !== out[i])
              expect.fail(`pin ${i}: frame not mapped`);
          incUserLockedVm(pr.p.user, got, Infinity);
          mm.pinnedVm += got;
          charged.set(pr.p.user.uid, (charged.get(pr.p.user.uid) ?? 0) + got);
          pins.push({
            pfns: out,
            count: got,
            uid: pr.p.user.uid,
            proc: pr,
            addr: m.addr + k * PAGE_SIZE,
            gone: new Set(),
          });
        } catch (e) {
          expectErr(e, 'EFAULT', 'ENOMEM');
        } finally {
          mm.put();
        }
        break;
      }
      case 8: {
        if (pins.length === 0) break;
        const pin = pins.splice(c % pins.length, 1)[0];
        sys.phys.unpinPages(pin.pfns, 0, pin.count, flag);
        expect(decUserLockedVm(pr.p.user.uid === pin.uid ? pr.p.user : sys.userOf(pin.uid), pin.count)).toBe(
          true,
        );
        charged.set(pin.uid, (charged.get(pin.uid) ?? 0) - pin.count);
        break;
      }
    }
    // after every step: refs = mappings + caches + pins, free ⇔ unheld, pins and accounting match
    expect(sys.kernel.counters.warnings).toBe(0);
    const bad = (() => {
      try {
        sys.checkInvariants();
        return [];
      } catch (e) {
        return (e as { detail: string[] }).detail;
      }
    })();
    expect(bad).toEqual([]);
    const pinsOf = new Map<number, number>();
    let pinnedPages = 0;
    for (const pin of pins) {
      pinnedPages += pin.count;
      for (let i = 0; i < pin.count; i++) pinsOf.set(pin.pfns[i], (pinsOf.get(pin.pfns[i]) ?? 0) + 1);
    }
    const wrong: string[] = [];
    for (const [pfn, n] of pinsOf)
      if (sys.phys.pinCount(pfn) !== n)
        wrong.push(`frame ${pfn}: pin count ${sys.phys.pinCount(pfn)}, ${n} pins held`);
    let pinned = 0;
    for (let pfn = 0; pfn < sys.phys.nframes; pfn++)
      pinned += sys.phys.frames.pin[pfn] * ((sys.phys.frames.flags[pfn] & 1) ^ 1);
    if (pinned !== pinnedPages) wrong.push(`${pinned} pins on frames, ${pinnedPages} held`);
    for (const [uid, n] of charged)
      if (sys.userOf(uid).lockedVm !== n)
        wrong.push(`uid ${uid}: locked_vm ${sys.userOf(uid).lockedVm}, charged ${n}`);
    // pins stay coherent: copy-on-write never moves a process away from a frame it pinned
    for (const pin of pins) {
      if (!pin.proc.p.alive) continue;
      for (let i = 0; i < pin.count; i++) {
        const now = pin.proc.p.translate(pin.addr + i * PAGE_SIZE);
        if (!pin.gone.has(i) && now !== pin.pfns[i])
          wrong.push(
            `pid ${pin.proc.p.pid} page ${pin.addr + i * PAGE_SIZE}: maps ${now}, pinned ${pin.pfns[i]}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  }
  // tear everything down: all memory comes back
  for (const pin of pins) sys.phys.unpinPages(pin.pfns, 0, pin.count, false);
  for (const x of procs) x.p.exit();
  sys.checkInvariants();
  expect(sys.phys.hugetlb2M.free).toBe(POOL);
  expect(sys.phys.hugetlb2M.reserved).toBe(0);
  expect(sys.phys.buddy.freeFrames).toBe(sys.phys.nframes - POOL * HP);
  expect(sys.kernel.counters.framesAllocated).toBe(sys.kernel.counters.framesFreed);
}

describe('random sequences of mmap/munmap/fork/exit/write/read/pin/unpin', () => {
  it('keep references, free frames, pins, contents and accounting consistent', () => {
    const op = fc.tuple(fc.nat(8), fc.nat(1), fc.nat(3), fc.nat(1 << 10), fc.boolean());
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.constantFrom(0, 0.5, 1),
        fc.array(op, { minLength: 5, maxLength: 40, size: 'max' }),
        (seed, frag, ops) => run(seed, frag, ops),
      ),
      { numRuns: 100, seed: 20261123 },
    );
  });
});
