import { describe, expect, it } from 'vitest';
import { expectErrno, fixture, MOCK_START, P, PB, teardown } from './test-fixture';

describe('IOAS_COPY (iopt_get_pages + iopt_map_pages)', () => {
  it('shares the IoptPages: no new pins, domains of either side hold them once', () => {
    const f = fixture();
    const src = f.ioas;
    const dst = f.ctx.ioasAlloc();
    src.attachDomain();
    const iova = src.map(f.buf, 8 * P, { iova: MOCK_START });
    f.m.checkRefs(f.buf, 8 * P, 1);
    const before = f.proc.accounting();
    // automatic IOVA: alignment from the source address buf + 8 KiB
    const d = dst.copyFrom(src, iova + 2n * PB, 4n * PB);
    expect(d).toBe(2n * PB);
    f.m.checkRefs(f.buf, 8 * P, 1);
    expect(f.proc.accounting()).toEqual(before);
    // an area below the mock aperture blocks a mock domain
    expectErrno(() => dst.attachDomain(), 'EADDRINUSE', /reserved range/);
    dst.unmap(d, 4n * PB);
    expect(dst.copyFrom(src, iova + 2n * PB, 4n * PB, { iova: MOCK_START })).toBe(MOCK_START);
    // a domain on the destination reads the PFNs from the source's domain
    const dd = dst.attachDomain();
    dd.checkMap(MOCK_START, 4n * PB, f.buf + 2 * P);
    f.m.checkRefs(f.buf, 8 * P, 1);
    expect(f.m.livePages().length).toBe(1);
    // the source can go; the copy keeps its slice pinned
    src.unmap(iova, 8n * PB);
    f.m.checkRefs(f.buf, 2 * P, 0);
    f.m.checkRefs(f.buf + 2 * P, 4 * P, 1);
    f.m.checkRefs(f.buf + 6 * P, 2 * P, 0);
    f.m.checkInvariants();
    teardown(f);
  });

  it('copies across several contiguous areas into one fixed range', () => {
    const f = fixture();
    const dst = f.ctx.ioasAlloc();
    f.ioas.map(f.buf, 2 * P, { iova: 0x100000n });
    f.ioas.map(f.buf + 4 * P, 2 * P, { iova: 0x102000n });
    expect(dst.copyFrom(f.ioas, 0x101000n, 2n * PB, { iova: 0x200000n })).toBe(0x200000n);
    const a = f.ctx.createAccess(dst, { needsPinPages: true });
    const it = a.pin(0x200000n, 2n * PB);
    f.m.checkRefs(f.buf + P, P, 1);
    f.m.checkRefs(f.buf + 4 * P, P, 1);
    a.unpin(it);
    a.close();
    teardown(f);
  });

  it('ENOENT for gaps, EPERM for write on read-only pages, EINVAL for no permission', () => {
    const f = fixture();
    const dst = f.ctx.ioasAlloc();
    f.ioas.map(f.buf, P, { iova: 0x100000n, write: false });
    f.ioas.map(f.buf, P, { iova: 0x102000n });
    expectErrno(() => dst.copyFrom(f.ioas, 0x100000n, 3n * PB), 'ENOENT', /gap at 0x101000/);
    expectErrno(() => dst.copyFrom(f.ioas, 0x100000n, PB), 'EPERM');
    expect(dst.copyFrom(f.ioas, 0x100000n, PB, { write: false })).toBe(PB);
    expectErrno(() => dst.copyFrom(f.ioas, 0x100000n, PB, { write: false, read: false }), 'EINVAL', /read/);
    expectErrno(() => dst.copyFrom({} as never, 0x100000n, PB), 'EINVAL', /src/);
    const other = f.m.open().ioasAlloc();
    expectErrno(() => dst.copyFrom(other, 0x100000n, PB), 'ENOENT', /another iommufd context/);
    expect(f.m.livePages().length).toBe(2);
    teardown(f);
  });
});
