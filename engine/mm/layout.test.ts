import { describe, expect, it } from 'vitest';
import { Kernel, PAGE_SIZE } from '../base';
import { LAYOUT_PRESENT, LAYOUT_THP, parseLayout, type LayoutFile } from './layout';
import { rebaseLayout } from './layout-rebase';
import { MemorySystem } from './memory-system';

const MiB = 2 ** 20;

function file(runs: LayoutFile['runs'], pages = 64, start = '0x7f0000000000'): LayoutFile {
  return { format: 'pfnlab-layout', version: 1, pageSize: 4096, start, pages, runs };
}

function msg(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return 'no error';
}

/** Contiguous runs of the frames behind [a, a + pages pages): the 4 KiB map calls they need. */
function physRuns(p: ReturnType<MemorySystem['createProcess']>, a: number, pages: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < pages; i++) {
    const pfn = p.translate(a + i * PAGE_SIZE);
    const last = out[out.length - 1];
    if (last !== undefined && pfn >= 0 && last[1] + last[2] === pfn && last[0] + last[2] === i) last[2]++;
    else if (pfn >= 0) out.push([i, pfn, 1]);
  }
  return out;
}

describe('parseLayout', () => {
  it('accepts a file, as text or object, and joins runs that continue each other', () => {
    const f = file([
      [0, 1000, 4, 1],
      [4, 1004, 2, 1],
      [8, 50, 3, 1],
    ]);
    for (const input of [f, JSON.stringify(f)]) {
      const l = parseLayout(input);
      expect(l.nruns).toBe(2);
      expect([...l.count]).toEqual([6, 3]);
      expect(l.frames).toBe(9);
      expect(l.pages).toBe(64);
    }
  });

  it('names the field at fault', () => {
    expect(msg(() => parseLayout('{"format": "pfnlab-layout", "vers'))).toMatch(
      /not JSON \(truncated at byte 33\?\)/,
    );
    expect(msg(() => parseLayout('[1]'))).toMatch(/\(top\): expected an object, got array/);
    expect(msg(() => parseLayout({ ...file([]), format: 'x' }))).toMatch(/format: expected "pfnlab-layout"/);
    expect(msg(() => parseLayout({ ...file([]), version: 2 }))).toMatch(
      /version: made by a newer PFN Lab \(layout version 2; this one reads 1\)/,
    );
    expect(msg(() => parseLayout({ ...file([]), pageSize: 65536 }))).toMatch(/pageSize: expected 4096/);
    expect(msg(() => parseLayout(file([], 8, '0x1001')))).toMatch(/start: 0x1001 is not page aligned/);
    expect(
      msg(() =>
        parseLayout(
          file([
            [0, 1, 2, 1],
            [1, 9, 1, 1],
          ]),
        ),
      ),
    ).toMatch(/runs\[1\]\[0\]: offset 1 overlaps/);
    expect(msg(() => parseLayout(file([[60, 1, 5, 1]])))).toMatch(/runs\[0\]\[2\]: 5 outside \[1, 4\]/);
    expect(msg(() => parseLayout(file([[0, 1, 1, 0]])))).toMatch(/flag 1 \(present\) must be set/);
    expect(msg(() => parseLayout(file([[0, 1, 1, 9]])))).toMatch(/unknown flag bits 8/);
    expect(msg(() => parseLayout(file([[0, '7' as unknown as number, 1, 1]])))).toMatch(
      /runs\[0\]\[1\]: expected an integer, got string/,
    );
    expect(
      msg(() =>
        parseLayout(
          file([
            [0, 0, 1, 1],
            [2, 0, 1, 1],
          ]),
        ),
      ),
    ).toMatch(/every PFN is 0.*CAP_SYS_ADMIN/);
    expect(
      msg(() =>
        parseLayout(
          file([
            [0, 10, 4, 1],
            [8, 12, 1, 1],
          ]),
        ),
      ),
    ).toMatch(/also back another run/);
  });
});

describe('rebaseLayout', () => {
  it('keeps physical neighbours adjacent, separates the others, keeps 2 MiB phases', () => {
    // runs: B follows A physically (not virtually); C is far away; D is a 2 MiB THP
    const l = parseLayout(
      file(
        [
          [0, 5000, 3, 1],
          [10, 4000, 2, 1],
          [12, 4002, 1, 1],
          [20, 9_000_000, 4, 1],
          [512, 1024 * 700, 512, LAYOUT_PRESENT | LAYOUT_THP],
        ],
        1024,
        '0x7f0000000000',
      ),
    );
    const { offset, span, align } = rebaseLayout(l);
    // runs 1 and 2 merged (they continue each other): 4 runs left
    expect(l.nruns).toBe(4);
    expect(align).toBe(512);
    const at = (r: number): number => offset[r];
    expect(at(1)).toBe(0); // PFN 4000 is the lowest
    expect(at(0)).toBeGreaterThan(at(1) + 3); // not adjacent to 4000..4002
    expect(at(3) % 512).toBe(0); // the THP keeps its phase (start is 2 MiB aligned)
    expect(span).toBeLessThan(4 * 512);
  });
});

describe('mmap with a layout', () => {
  const layout = file(
    [
      [0, 70_000, 5, 1],
      [5, 20_000, 3, 1],
      [9, 20_003, 7, 1], // physically after the previous run, virtually not
      [512, 1024 * 900, 512, LAYOUT_PRESENT | LAYOUT_THP],
    ],
    1100,
  );

  it('maps present pages at frames with the captured run structure, THPs where they were', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB, fragmentation: 1 });
    const p = sys.createProcess();
    p.mmap(8 * MiB); // something in use first
    const a = p.mmap(1100 * PAGE_SIZE, { layout });
    expect(a % (2 * MiB)).toBe(0);
    const runs = physRuns(p, a, 1100);
    expect(runs.map((r) => [r[0], r[2]])).toEqual([
      [0, 5],
      [5, 3],
      [9, 7],
      [512, 512],
    ]);
    expect(runs[2][1]).toBe(runs[1][1] + 3);
    expect(runs[3][1] % 512).toBe(0);
    expect(p.translate(a + 8 * PAGE_SIZE)).toBe(-1); // a hole of the capture: not present
    expect(sys.phys.frames.order[runs[3][1]]).toBe(9); // a compound page
    expect(sys.kernel.counters.pageFaults).toBe(0);
    sys.checkInvariants();
    // touching a hole faults normally; unmapping frees everything
    p.write(a + 8 * PAGE_SIZE, new Uint8Array([7]));
    const before = sys.phys.buddy.freeFrames;
    p.munmap(a, 1100 * PAGE_SIZE);
    expect(sys.phys.buddy.freeFrames).toBe(before + 5 + 3 + 7 + 512 + 1);
    sys.checkInvariants();
    // and the same place can be taken again
    const b = p.mmap(1100 * PAGE_SIZE, { layout });
    expect(physRuns(p, b, 1100).length).toBe(4);
    sys.checkInvariants();
  });

  it('errors: shorter than len, shared, in-use frames at layoutBase, no room', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 16 * MiB, hugetlbPages2M: 0 });
    const p = sys.createProcess();
    expect(msg(() => p.mmap(2000 * PAGE_SIZE, { layout }))).toMatch(
      /covers 4505600 bytes, shorter than the 8192000/,
    );
    expect(msg(() => p.mmap(PAGE_SIZE, { layout, shared: true }))).toMatch(/private anonymous/);
    expect(msg(() => p.mmap(PAGE_SIZE, { layoutBase: 0 }))).toMatch(/layoutBase without a layout/);
    const a = p.mmap(1100 * PAGE_SIZE, { layout, layoutBase: 0 });
    expect(p.translate(a)).toBeGreaterThanOrEqual(0);
    expect(msg(() => p.mmap(1100 * PAGE_SIZE, { layout, layoutBase: 0 }))).toMatch(/EBUSY|already in use/);
    expect(msg(() => p.mmap(1100 * PAGE_SIZE, { layout, layoutBase: 7 }))).toMatch(/multiple of 512/);
    // fill memory: no place left
    p.mmap(12 * MiB, { populate: true });
    expect(msg(() => p.mmap(1100 * PAGE_SIZE, { layout }))).toMatch(/no free place for the layout/);
    sys.checkInvariants();
  });

  it('a longer layout is cut at len', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB });
    const p = sys.createProcess();
    const a = p.mmap(12 * PAGE_SIZE, { layout });
    expect(physRuns(p, a, 12).map((r) => r[2])).toEqual([5, 3, 3]);
    sys.checkInvariants();
  });
});

describe('BuddyAllocator.claimRange', () => {
  it('claimed frames (from lists and both lazy queues) are never handed out again; the rest all are', () => {
    for (const fragmentation of [0, 0.5, 1]) {
      const sys = new MemorySystem(new Kernel(), {
        physicalMemory: 32 * MiB,
        hugetlbPages2M: 0,
        fragmentation,
      });
      const buddy = sys.phys.buddy;
      const total = buddy.freeFrames;
      const taken = buddy.alloc(0); // some frames in the lists first
      const claims = (
        [
          [3, 700],
          [1024 * 2 + 5, 1],
          [1024 * 4 - 7, 1030],
          [8000, 64],
        ] as [number, number][]
      ).filter(([p, n]) => taken < p || taken >= p + n);
      expect(claims.length).toBeGreaterThanOrEqual(3);
      for (const [p, n] of claims) {
        expect(buddy.rangeFree(p, n)).toBe(true);
        buddy.claimRange(p, n);
        expect(buddy.rangeFree(p, n)).toBe(false);
      }
      expect(buddy.rangeFree(taken, 1)).toBe(false);
      const claimed = claims.reduce((s, [, n]) => s + n, 0);
      expect(buddy.freeFrames).toBe(total - 1 - claimed);
      const seen = new Uint8Array(buddy.end);
      let got = 0;
      for (let pfn = buddy.alloc(0); pfn >= 0; pfn = buddy.alloc(0)) {
        expect(seen[pfn]).toBe(0);
        seen[pfn] = 1;
        got++;
      }
      for (const [p, n] of claims) for (let i = 0; i < n; i++) expect(seen[p + i]).toBe(0);
      expect(got).toBe(total - 1 - claimed);
      expect(buddy.freeFrames).toBe(0);
    }
  });
});
