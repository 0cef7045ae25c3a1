/**
 * Port of copy_area and copy_sweep (iommufd_ioas fixture) and user_copy
 * (iommufd_mock_domain fixture): IOAS_COPY shares the source's iopt_pages,
 * so nothing is pinned twice, and the copied bytes are the source's bytes at
 * any sub-range. §9.5, §11.3.
 */
import { expect, it } from 'vitest';
import {
  BUFFER_SIZE,
  bytesEqual,
  describeFixture,
  expectErrno,
  type Fixture,
  IOAS_VARIANTS,
  type Ioas,
  MOCK_APERTURE_START,
  MOCK_DOMAIN_VARIANTS,
  MOCK_PAGE_SIZE,
  PAGE_SIZE,
  U64_MAX,
} from './fixture';

const P = BigInt(PAGE_SIZE);
const NPAGES = BUFFER_SIZE / PAGE_SIZE;

function expectLocked(f: Fixture, pages: number): void {
  // per-user accounting (RLIMIT_MODE 0), no CAP_IPC_LOCK
  expect(f.m.process.accounting().userLockedVm).toBe(pages);
}

describeFixture('iommufd_ioas copy', IOAS_VARIANTS, (fx) => {
  it('copy_area: inside one IOAS and between IOASes', () => {
    const f = fx();
    f.ioas.map(f.buffer, PAGE_SIZE, { iova: f.baseIova });

    // Copy inside a single IOAS
    expect(f.ioas.copyFrom(f.ioas, f.baseIova, PAGE_SIZE, { iova: f.baseIova + P })).toBe(f.baseIova + P);
    for (const d of f.domains) d.checkMap(f.baseIova + P, PAGE_SIZE, f.buffer);
    // one iopt_pages: pinned once, accounted once
    f.m.checkRefs(f.buffer, PAGE_SIZE, f.hasDomain ? 1 : 0);
    expectLocked(f, f.hasDomain ? 1 : 0);

    // Copy between IOAS's
    const dst = f.ctx.ioasAlloc();
    expect(dst.copyFrom(f.ioas, f.baseIova, PAGE_SIZE, { iova: 0 })).toBe(0n);
    f.m.checkRefs(f.buffer, PAGE_SIZE, f.hasDomain ? 1 : 0);

    // the copies outlive the source area
    expect(f.ioas.unmap(f.baseIova, P)).toBe(P);
    f.m.checkRefs(f.buffer, PAGE_SIZE, f.hasDomain ? 1 : 0);
    for (const d of f.domains) d.checkMap(f.baseIova + P, PAGE_SIZE, f.buffer);
    expect(f.ioas.unmap(f.baseIova + P, P)).toBe(P);
    f.m.checkRefs(f.buffer, PAGE_SIZE, 0);
    expectLocked(f, 0);
  });

  it('copy_sweep: every 511th byte as the source start, to a new IOAS, with the bytes checked', () => {
    const f = fx();
    const dst = f.ctx.ioasAlloc();
    const reader = f.ctx.createAccess(dst);
    const start = MOCK_APERTURE_START;
    const lastIova = f.hasDomain ? start + BigInt(BUFFER_SIZE) - 1n : start + BigInt(BUFFER_SIZE) - 2n;
    const length = BigInt(MOCK_PAGE_SIZE);
    const data = f.fillRandom(f.buffer, BUFFER_SIZE);
    f.ioas.map(f.buffer, lastIova - start + 1n, { iova: start });

    const sweep = (iova: bigint): void => {
      if (iova < start || iova + length - 1n > lastIova) {
        expectErrno(() => dst.copyFrom(f.ioas, iova, length, { iova: start }), 'ENOENT');
        return;
      }
      expect(dst.copyFrom(f.ioas, iova, length, { iova: start })).toBe(start);
      const off = Number(iova - start);
      const got = reader.read(start, MOCK_PAGE_SIZE);
      if (!bytesEqual(got, data.subarray(off, off + MOCK_PAGE_SIZE)))
        expect({ iova, ok: false }).toEqual({ iova, ok: true });
      expect(dst.unmap(start, length)).toBe(length);
    };
    for (let iova = start - P; iova <= lastIova; iova += 511n) sweep(iova);
    // byte by byte around both ends of the source area
    for (let iova = start - 3n; iova <= start + 3n; iova++) sweep(iova);
    for (let iova = lastIova - length - 2n; iova <= lastIova - length + 4n; iova++) sweep(iova);

    f.m.checkRefs(f.buffer, BUFFER_SIZE, f.hasDomain ? 1 : 0);
    reader.close();
    dst.destroy();
  });

  it('copy sweep into a domain: only 2 KiB-congruent sources fit, pins are shared', () => {
    const f = fx();
    const dst = f.ctx.ioasAlloc();
    const dd = dst.attachDomain();
    const start = MOCK_APERTURE_START;
    const lastIova = start + BigInt(BUFFER_SIZE) - 1n;
    const length = BigInt(MOCK_PAGE_SIZE);
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: start });
    for (let iova = start - P; iova <= lastIova; iova += 512n) {
      const off = iova - start;
      if (iova < start || iova + length - 1n > lastIova) {
        expectErrno(() => dst.copyFrom(f.ioas, iova, length, { iova: start }), 'ENOENT');
      } else if (off % BigInt(MOCK_PAGE_SIZE)) {
        // the new area's page offset must meet the destination's 2 KiB alignment
        expectErrno(() => dst.copyFrom(f.ioas, iova, length, { iova: start }), 'EINVAL');
      } else {
        expect(dst.copyFrom(f.ioas, iova, length, { iova: start })).toBe(start);
        dd.checkMap(start, MOCK_PAGE_SIZE, f.buffer + Number(off));
        expect(f.m.pinCount(f.buffer + Number(off))).toBe(1);
        expectLocked(f, f.hasDomain ? NPAGES : 1);
        expect(dst.unmap(start, length)).toBe(length);
      }
      f.m.checkRefs(f.buffer, BUFFER_SIZE, f.hasDomain ? 1 : 0);
    }
    dd.detach();
    dst.destroy();
  });

  it('copy inside the same IOAS, every 2 KiB step', () => {
    const f = fx();
    const start = MOCK_APERTURE_START;
    const to = start + 0x100000n;
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: start });
    for (let off = 0n; off + 2n * P <= BigInt(BUFFER_SIZE); off += BigInt(MOCK_PAGE_SIZE)) {
      expect(f.ioas.copyFrom(f.ioas, start + off, 2n * P, { iova: to })).toBe(to);
      for (const d of f.domains) d.checkMap(to, 2 * PAGE_SIZE, f.buffer + Number(off));
      expect(f.ioas.unmap(to, 2n * P)).toBe(2n * P);
    }
    f.m.checkRefs(f.buffer, BUFFER_SIZE, f.hasDomain ? 1 : 0);
    expectLocked(f, f.hasDomain ? NPAGES : 0);
  });

  it('copy to an IOAS with a domain pins once, charges once, and survives the source unmap', () => {
    const f = fx();
    const dst = f.ctx.ioasAlloc();
    const dd = dst.attachDomain();
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: f.baseIova });
    expect(dst.copyFrom(f.ioas, f.baseIova, BUFFER_SIZE, { iova: MOCK_APERTURE_START })).toBe(
      MOCK_APERTURE_START,
    );
    dd.checkMap(MOCK_APERTURE_START, BUFFER_SIZE, f.buffer);
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
    expectLocked(f, NPAGES);
    expect(f.ioas.unmap(0, U64_MAX)).toBe(BigInt(BUFFER_SIZE));
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
    expectLocked(f, NPAGES);
    dd.checkMap(MOCK_APERTURE_START, BUFFER_SIZE, f.buffer);
    // an automatic IOVA copy lands in the destination's aperture
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: f.baseIova });
    const auto = dst.copyFrom(f.ioas, f.baseIova, BUFFER_SIZE);
    expect(auto >= MOCK_APERTURE_START).toBe(true);
    expect(auto % BigInt(BUFFER_SIZE)).toBe(0n);
    // two iopt_pages (the first and the second source map), each pinned once
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 2);
    expect(dst.unmap(0, U64_MAX)).toBe(2n * BigInt(BUFFER_SIZE));
    f.m.checkRefs(f.buffer, BUFFER_SIZE, f.hasDomain ? 1 : 0);
    expect(f.ioas.unmap(0, U64_MAX)).toBe(BigInt(BUFFER_SIZE));
    expectLocked(f, 0);
    dd.detach();
  });

  it('copy errors: holes, zero length, write on read-only pages; copies span contiguous areas', () => {
    const f = fx();
    const dst = f.ctx.ioasAlloc();
    const b = f.baseIova;
    f.ioas.map(f.buffer, 4 * PAGE_SIZE, { iova: b });
    f.ioas.map(f.buffer + 4 * PAGE_SIZE, 4 * PAGE_SIZE, { iova: b + 4n * P, write: false });
    f.ioas.map(f.buffer + 8 * PAGE_SIZE, 4 * PAGE_SIZE, { iova: b + 12n * P });

    expectErrno(() => dst.copyFrom(f.ioas, b, 0, { iova: 0 }), 'EINVAL');
    // a hole between the second and third area
    expectErrno(() => dst.copyFrom(f.ioas, b, 16n * P, { iova: 0 }), 'ENOENT');
    expectErrno(() => dst.copyFrom(f.ioas, b + 8n * P, P, { iova: 0 }), 'ENOENT');
    // write (the default) needs writable pages
    expectErrno(() => dst.copyFrom(f.ioas, b, 8n * P, { iova: 0 }), 'EPERM');
    expectErrno(() => dst.copyFrom(f.ioas, b + 4n * P, P, { iova: 0, write: true }), 'EPERM');
    // an unknown source
    const gone: Ioas = f.ctx.ioasAlloc();
    gone.destroy();
    expectErrno(() => dst.copyFrom(gone, 0, P, { iova: 0 }), 'ENOENT');

    // a read-only copy across two contiguous areas makes two areas in dst
    expect(dst.copyFrom(f.ioas, b + 2n * P, 4n * P, { iova: P, write: false })).toBe(P);
    expectErrno(() => dst.unmap(2n * P, 2n * P), 'ENOENT');
    expect(dst.unmap(P, 2n * P)).toBe(2n * P);
    expect(dst.unmap(3n * P, 2n * P)).toBe(2n * P);
    f.m.checkRefs(f.buffer, 12 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    expect(f.ioas.unmap(0, U64_MAX)).toBe(12n * P);
    dst.destroy();
  });
});

describeFixture('iommufd_mock_domain copy', MOCK_DOMAIN_VARIANTS, (fx) => {
  it('user_copy: pages pinned by an access in a domain-less IOAS copied into the domains', () => {
    const f = fx();
    for (let round = 0; round < 2; round++) {
      // Pin the pages in an IOAS with no domains then copy to an IOAS with domains
      const src = f.ctx.ioasAlloc();
      const srcIova = src.map(f.buffer, BUFFER_SIZE);
      const access = f.ctx.createAccess(src, { needsPinPages: true });
      const item = access.pin(srcIova, BUFFER_SIZE, { uptr: f.buffer });
      f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
      expect(f.ioas.copyFrom(src, srcIova, BUFFER_SIZE, { iova: MOCK_APERTURE_START })).toBe(
        MOCK_APERTURE_START,
      );
      f.checkMockIova(f.buffer, MOCK_APERTURE_START, BUFFER_SIZE);
      // the domains got their PFNs from the access's xarray: no second pin
      f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
      expectLocked(f, NPAGES);

      expectErrno(() => src.destroy(), 'EBUSY');
      access.unpin(item);
      f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
      access.close();
      expect(f.ioas.unmap(MOCK_APERTURE_START, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));
      f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
      src.destroy();
      expectLocked(f, 0);
    }
  });
});
