/**
 * Port of iova_ranges (iommufd_ioas fixture): the ranges are the complement
 * of the reserved ranges, the alignment is the IOAS alignment, and a
 * capacity below the number of ranges is EMSGSIZE with the count and the
 * first `capacity` ranges as detail. §11.3, SCENARIO-API.md iovaRanges.
 */
import { expect, it } from 'vitest';
import {
  describeFixture,
  expectErrno,
  IOAS_VARIANTS,
  MOCK_APERTURE_LAST,
  MOCK_APERTURE_START,
  MOCK_PAGE_SIZE,
  PAGE_SIZE,
  U64_MAX,
} from './fixture';

const P = BigInt(PAGE_SIZE);

interface RangesDetail {
  numIovas: number | bigint;
  ranges: { start: bigint; last: bigint }[];
}

function detailOf(e: { detail?: unknown }): RangesDetail {
  const d = e.detail as RangesDetail | undefined;
  expect(d, 'EMSGSIZE detail').toBeDefined();
  return d!;
}

describeFixture('iommufd_ioas iova_ranges', IOAS_VARIANTS, (fx) => {
  it('iova_ranges: read, too small, two ranges, too small again', () => {
    const f = fx();
    const aperture = { start: MOCK_APERTURE_START, last: MOCK_APERTURE_LAST };

    // Range can be read
    let r = f.ioas.iovaRanges();
    if (!f.hasDomain) {
      expect(r.ranges).toEqual([{ start: 0n, last: U64_MAX }]);
      expect(r.alignment).toBe(1n);
    } else {
      expect(r.ranges).toEqual([aperture]);
      expect(r.alignment).toBe(BigInt(MOCK_PAGE_SIZE));
    }

    // Buffer too small
    let d = detailOf(expectErrno(() => f.ioas.iovaRanges(0), 'EMSGSIZE'));
    expect(Number(d.numIovas)).toBe(1);
    expect(d.ranges).toEqual([]);

    // 2 ranges
    f.ioas.addReserved(P, P);
    r = f.ioas.iovaRanges();
    if (!f.hasDomain) {
      expect(r.ranges).toEqual([
        { start: 0n, last: P - 1n },
        { start: 2n * P, last: U64_MAX },
      ]);
    } else {
      expect(r.ranges).toEqual([aperture]);
    }

    // Buffer too small
    if (!f.hasDomain) {
      d = detailOf(expectErrno(() => f.ioas.iovaRanges(1), 'EMSGSIZE'));
      expect(Number(d.numIovas)).toBe(2);
      expect(d.ranges).toEqual([{ start: 0n, last: P - 1n }]);
      expect(f.ioas.iovaRanges(2).ranges).toHaveLength(2);
    } else {
      expect(f.ioas.iovaRanges(1).ranges).toEqual([aperture]);
    }
  });

  it('reserved ranges inside the space split it; adjacent and overlapping ones merge', () => {
    const f = fx();
    const b = f.hasDomain ? MOCK_APERTURE_START : 0n;
    f.ioas.addReserved(b + 4n * P, 2n * P);
    f.ioas.addReserved(b + 6n * P, P); // adjacent: merges
    f.ioas.addReserved(b + 5n * P, 4n * P); // overlapping: merges
    f.ioas.addReserved(b + 16n * P, P);
    const lo = f.hasDomain ? MOCK_APERTURE_START : 0n;
    const hi = f.hasDomain ? MOCK_APERTURE_LAST : U64_MAX;
    expect(f.ioas.iovaRanges().ranges).toEqual([
      { start: lo, last: b + 4n * P - 1n },
      { start: b + 9n * P, last: b + 16n * P - 1n },
      { start: b + 17n * P, last: hi },
    ]);
    const d = detailOf(expectErrno(() => f.ioas.iovaRanges(2), 'EMSGSIZE'));
    expect(Number(d.numIovas)).toBe(3);
    expect(d.ranges).toEqual([
      { start: lo, last: b + 4n * P - 1n },
      { start: b + 9n * P, last: b + 16n * P - 1n },
    ]);
  });

  it('the reported alignment follows accesses that pin and the HUGE_PAGES option', () => {
    const f = fx();
    const base = f.hasDomain ? BigInt(MOCK_PAGE_SIZE) : 1n;
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    expect(f.ioas.iovaRanges().alignment).toBe(P);
    access.close();
    expect(f.ioas.iovaRanges().alignment).toBe(base);
    const plain = f.ctx.createAccess(f.ioas);
    expect(f.ioas.iovaRanges().alignment).toBe(base);
    plain.close();
    f.ioas.setOption('HUGE_PAGES', 0);
    expect(f.ioas.iovaRanges().alignment).toBe(P);
    f.ioas.setOption('HUGE_PAGES', 1);
    expect(f.ioas.iovaRanges().alignment).toBe(base);
  });
});
