import { describe, expect, it } from 'vitest';
import { expectErrno, fixture, MOCK_START, P, PB, teardown } from './test-fixture';

describe('iopt_cut_iova / iopt_area_split', () => {
  it('splits so that the IOVA ends the left area; both halves share the pages', () => {
    const f = fixture();
    const iopt = f.ioas.iopt;
    const iova = f.ioas.map(f.buf, 4 * P, { iova: 0x100000n });
    iopt.cutIova([iova + PB - 1n, iova, iova + 4n * PB - 1n, 0x900000n]);
    const areas = [...iopt.areas()];
    expect(areas.map((a) => [a.iova, a.length])).toEqual([
      [iova, PB],
      [iova + PB, 3n * PB],
    ]);
    expect(areas[0].pages).toBe(areas[1].pages);
    // the halves unmap independently now
    expect(f.ioas.unmap(iova, PB)).toBe(PB);
    f.m.checkInvariants();
    teardown(f);
  });

  it('refused with large pages in a domain; allowed with HUGE_PAGES 0, domains_itree updated', () => {
    const f = fixture();
    f.ioas.attachDomain();
    const iova = f.ioas.map(f.buf, 4 * P, { iova: MOCK_START });
    expectErrno(() => f.ioas.iopt.cutIova([iova + PB - 1n]), 'EINVAL', /large pages/);
    f.ioas.unmap(iova, 4n * PB);
    const f2 = fixture();
    f2.ioas.setOption('HUGE_PAGES', 0);
    const d = f2.ioas.attachDomain();
    const i2 = f2.ioas.map(f2.buf, 4 * P, { iova: MOCK_START });
    // misaligned cut (alignment is PAGE_SIZE now)
    expectErrno(() => f2.ioas.iopt.cutIova([i2 + 0x7ffn]), 'EINVAL', /aligned/);
    f2.ioas.iopt.cutIova([i2 + 2n * PB - 1n]);
    f2.m.checkInvariants();
    expect(f2.ioas.unmap(i2 + 2n * PB, 2n * PB)).toBe(2n * PB);
    f2.m.checkRefs(f2.buf, 2 * P, 1);
    f2.m.checkRefs(f2.buf + 2 * P, 2 * P, 0);
    d.checkMap(i2, 2n * PB, f2.buf);
    f2.m.checkInvariants();
    teardown(f2);
    teardown(f);
  });

  it('refused while an access holds pins (EINVAL)', () => {
    const f = fixture();
    const a = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    const iova = f.ioas.map(f.buf, 4 * P, { iova: 0x100000n });
    a.pin(iova, PB);
    expectErrno(() => f.ioas.iopt.cutIova([iova + 2n * PB - 1n]), 'EINVAL', /access/);
    a.close();
    teardown(f);
  });
});
