/**
 * Port of all_aligns and all_aligns_copy (iommufd_mock_domain fixture): map
 * every start/end combination at MOCK_PAGE_SIZE granularity inside a
 * buffer, check the mock domains hold exactly the user frames, that every
 * touched page is pinned once and everything else not at all, unmap, and
 * find every pin gone. all_aligns_copy also adds and removes a domain while
 * the area exists (domain-to-domain PFN copy). §4.4, §7.1–§7.4, §11.1.
 *
 * The kernel's hugepage variants start every HUGEPAGE_SIZE*2/16 bytes but,
 * as written upstream, their inner loop never runs (end starts at the buffer
 * size); here they map a set of ends around the huge page boundaries instead.
 */
import { expect, it } from 'vitest';
import {
  describeFixture,
  type Fixture,
  HPAGE_SIZE,
  MOCK_DOMAIN_VARIANTS,
  MOCK_PAGE_SIZE,
  PAGE_SIZE,
  pageDown,
  pageUp,
  pinCounts,
} from './fixture';

/** (start, end) byte offsets to map, in the kernel's order. */
function combinations(f: Fixture): [number, number][] {
  const size = f.mmapBufSize;
  const out: [number, number][] = [];
  if (!f.variant.hugepages) {
    for (let start = 0; start < size; start += MOCK_PAGE_SIZE)
      for (let end = start + MOCK_PAGE_SIZE; end < size; end += MOCK_PAGE_SIZE) out.push([start, end]);
    return out;
  }
  const step = size / 16;
  for (let start = 0; start < size; start += step) {
    const ends = new Set<number>();
    for (const e of [
      start + MOCK_PAGE_SIZE,
      start + PAGE_SIZE + MOCK_PAGE_SIZE,
      HPAGE_SIZE - MOCK_PAGE_SIZE,
      HPAGE_SIZE + MOCK_PAGE_SIZE,
      HPAGE_SIZE + step,
      size - MOCK_PAGE_SIZE,
    ])
      if (e > start && e < size) ends.add(e);
    for (const end of [...ends].sort((a, b) => a - b)) out.push([start, end]);
  }
  return out;
}

/** Pin counts the buffer must show while [start, end) is mapped once. */
function expectedPins(size: number, start: number, end: number): number[] {
  const want: number[] = [];
  for (let a = 0; a < size; a += PAGE_SIZE) want.push(a >= pageDown(start) && a < pageUp(end) ? 1 : 0);
  return want;
}

describeFixture('iommufd_mock_domain', MOCK_DOMAIN_VARIANTS, (fx) => {
  it('all_aligns: every start and end at 2 KiB granularity', () => {
    const f = fx();
    const size = f.mmapBufSize;
    const buf = f.mmap(size, f.mmapOpts);
    f.m.checkRefs(buf, size, 0);

    for (const [start, end] of combinations(f)) {
      const length = end - start;
      const iova = f.ioas.map(buf + start, length);
      expect(iova % BigInt(PAGE_SIZE)).toBe(BigInt(start % PAGE_SIZE));
      f.checkMockIova(buf + start, iova, length);
      // the kernel's CHECK_REFS = 1 over the whole pages inside, stricter: every touched page
      // is 1 and every other page 0
      const got = pinCounts(f.m, buf, size);
      const want = expectedPins(size, start, end);
      if (got.join() !== want.join()) expect({ start, end, pins: got }).toEqual({ start, end, pins: want });
      expect(f.ioas.unmap(iova, length)).toBe(BigInt(length));
      for (const d of f.domains) expect(d.iovaToPhys(iova)).toBeNull();
    }
    f.m.checkRefs(buf, size, 0);
    expect(f.m.process.accounting().userLockedVm).toBe(0);
    f.m.checkInvariants();
    f.munmap(buf, size);
  });

  it('all_aligns_copy: the same, adding and destroying a domain while the area exists', () => {
    const f = fx();
    const size = f.mmapBufSize;
    const buf = f.mmap(size, f.mmapOpts);
    f.m.checkRefs(buf, size, 0);

    for (const [start, end] of combinations(f)) {
      const length = end - start;
      const iova = f.ioas.map(buf + start, length);

      // Add and destroy a domain while the area exists
      const pinnedBefore = f.m.kernel.counters.pagesPinned;
      const extra = f.ioas.attachDomain();
      expect(f.m.kernel.counters.pagesPinned).toBe(pinnedBefore);
      f.checkMockIova(buf + start, iova, length);
      extra.checkMap(iova, length, buf + start);
      const got = pinCounts(f.m, buf, size);
      const want = expectedPins(size, start, end);
      if (got.join() !== want.join()) expect({ start, end, pins: got }).toEqual({ start, end, pins: want });

      extra.detach();
      f.checkMockIova(buf + start, iova, length);
      expect(pinCounts(f.m, buf, size).join()).toBe(want.join());

      expect(f.ioas.unmap(iova, length)).toBe(BigInt(length));
    }
    f.m.checkRefs(buf, size, 0);
    expect(f.m.process.accounting().userLockedVm).toBe(0);
    f.m.checkInvariants();
    f.munmap(buf, size);
  });
});
