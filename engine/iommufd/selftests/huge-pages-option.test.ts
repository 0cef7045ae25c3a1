/**
 * Port of ioas_option_huge_pages and ioas_align_change (iommufd_ioas
 * fixture), the VFIO-compat huge_map test in its type1v2 form (IOAS unmap
 * never cuts an area, huge page backed or not), and the other alignment
 * changes: accesses that pin raise the IOAS alignment to PAGE_SIZE.
 * §9.6, §9.8, §10, §11.3.
 */
import { expect, it } from 'vitest';
import {
  describeFixture,
  expectErrno,
  HPAGE_SIZE,
  IOAS_VARIANTS,
  MOCK_APERTURE_START,
  MOCK_PAGE_SIZE,
  PAGE_SIZE,
} from './fixture';

const P = BigInt(PAGE_SIZE);
const START = MOCK_APERTURE_START;

describeFixture('iommufd_ioas huge pages option', IOAS_VARIANTS, (fx) => {
  it('ioas_option_huge_pages: get 1, set 0, get 0, set 2 is EINVAL, set 1', () => {
    const f = fx();
    expect(f.ioas.getOption('HUGE_PAGES')).toBe(1);
    f.ioas.setOption('HUGE_PAGES', 0);
    expect(f.ioas.getOption('HUGE_PAGES')).toBe(0);
    expectErrno(() => f.ioas.setOption('HUGE_PAGES', 2), 'EINVAL');
    expect(f.ioas.getOption('HUGE_PAGES')).toBe(0);
    f.ioas.setOption('HUGE_PAGES', 1);
    expect(f.ioas.getOption('HUGE_PAGES')).toBe(1);
  });

  it('ioas_align_change: PAGE_SIZE alignment from HUGE_PAGES=0, refused over misaligned areas', () => {
    const f = fx();
    const opt = (v: number): void => f.ioas.setOption('HUGE_PAGES', v);
    if (f.hasDomain) {
      // We cannot upgrade the alignment using OPTION_HUGE_PAGES when a domain and map are present.
      f.ioas.map(f.buffer, PAGE_SIZE, { iova: START });
      expectErrno(() => opt(0), 'EINVAL');
      expect(f.ioas.getOption('HUGE_PAGES')).toBe(1);
      expect(f.ioas.unmap(START, P)).toBe(P);
      // with a domain but no area it is allowed
      opt(0);
      expect(f.ioas.iovaRanges().alignment).toBe(P);
      expectErrno(
        () => f.ioas.map(f.buffer + MOCK_PAGE_SIZE, PAGE_SIZE, { iova: START + BigInt(MOCK_PAGE_SIZE) }),
        'EINVAL',
      );
      opt(1);
      expect(f.ioas.iovaRanges().alignment).toBe(BigInt(MOCK_PAGE_SIZE));
      return;
    }

    // We can upgrade to PAGE_SIZE alignment when things are aligned right
    f.ioas.map(f.buffer, PAGE_SIZE, { iova: START });
    opt(0);
    expect(f.ioas.iovaRanges().alignment).toBe(P);

    // Misalignment is rejected at map time
    expectErrno(() => f.ioas.map(f.buffer + MOCK_PAGE_SIZE, PAGE_SIZE, { iova: START + P }), 'EINVAL');
    opt(0);

    // Reduce alignment
    opt(1);
    expect(f.ioas.iovaRanges().alignment).toBe(1n);

    // Confirm misalignment is rejected during alignment upgrade
    f.ioas.map(f.buffer + MOCK_PAGE_SIZE, PAGE_SIZE, { iova: START + P });
    expectErrno(() => opt(0), 'EADDRINUSE');
    expect(f.ioas.getOption('HUGE_PAGES')).toBe(1);
    expect(f.ioas.iovaRanges().alignment).toBe(1n);

    expect(f.ioas.unmap(START + P, P)).toBe(P);
    expect(f.ioas.unmap(START, P)).toBe(P);
  });

  it('huge_map (type1v2): a huge page backed area is never cut by unmap', () => {
    const f = fx();
    const size = 2 * HPAGE_SIZE;
    const buf = f.mmap(size, { shared: true, hugetlb: '2M', populate: true });
    expect(f.ioas.map(buf, size, { iova: START })).toBe(START);
    f.checkMockIova(buf, START, size);
    const chunk = BigInt(size / 16);
    const order = [5, 0, 15, 7, 3, 12, 9, 1, 14, 2, 11, 6, 13, 4, 10, 8];
    for (const i of order) expectErrno(() => f.ioas.unmap(START + BigInt(i) * chunk, chunk), 'ENOENT');
    f.m.checkRefs(buf, size, f.hasDomain ? 1 : 0);
    expect(f.ioas.unmap(START, size)).toBe(BigInt(size));
    f.m.checkRefs(buf, size, 0);
    f.munmap(buf, size);
  });

  it('HUGE_PAGES=0 maps PAGE_SIZE at a time; 1 maps whole contiguous runs', () => {
    const f = fx();
    const size = 2 * HPAGE_SIZE;
    const buf = f.mmap(size, { shared: true, hugetlb: '2M', populate: true });
    const extra = f.hasDomain ? null : f.ioas.attachDomain();
    const domains = extra ? [extra] : f.domains;
    for (const huge of [1, 0, 1]) {
      f.ioas.setOption('HUGE_PAGES', huge);
      const before = domains.map((d) => d.stats().mapCalls);
      f.ioas.map(buf, size, { iova: START });
      for (const [i, d] of domains.entries()) {
        const calls = d.stats().mapCalls - before[i]!;
        if (huge) expect(calls).toBeLessThanOrEqual(2);
        else expect(calls).toBe(size / PAGE_SIZE);
        expect(d.stats().mappedBytes).toBe(size);
        d.checkMap(START, size, buf);
      }
      f.m.checkRefs(buf, size, 1);
      expect(f.ioas.unmap(START, size)).toBe(BigInt(size));
      for (const d of domains) expect(d.stats().mappedBytes).toBe(0);
      f.m.checkRefs(buf, size, 0);
    }
    extra?.detach();
  });

  it('an access that pins raises the alignment to PAGE_SIZE: refused over a misaligned area', () => {
    const f = fx();
    const iova = START + BigInt(MOCK_PAGE_SIZE);
    f.ioas.map(f.buffer + MOCK_PAGE_SIZE, PAGE_SIZE, { iova });
    expectErrno(() => f.ctx.createAccess(f.ioas, { needsPinPages: true }), 'EADDRINUSE');
    const plain = f.ctx.createAccess(f.ioas);
    expect(f.ioas.iovaRanges().alignment).toBe(f.hasDomain ? BigInt(MOCK_PAGE_SIZE) : 1n);
    expect(f.ioas.unmap(iova, P)).toBe(P);

    const pinner = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    expect(f.ioas.iovaRanges().alignment).toBe(P);
    expectErrno(() => f.ioas.map(f.buffer + MOCK_PAGE_SIZE, PAGE_SIZE, { iova }), 'EINVAL');
    expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE, { iova }), 'EINVAL');
    expectErrno(() => f.ioas.map(f.buffer, MOCK_PAGE_SIZE, { iova: START }), 'EINVAL');
    expect(f.ioas.map(f.buffer, PAGE_SIZE, { iova: START })).toBe(START);
    pinner.close();
    expect(f.ioas.map(f.buffer + MOCK_PAGE_SIZE, PAGE_SIZE, { iova: iova + P })).toBe(iova + P);
    plain.close();
    expect(f.ioas.unmap(START, 3n * P)).toBe(2n * P);
  });
});
