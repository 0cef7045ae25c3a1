/**
 * Port of the iommufd_ioas area tests: ioas_auto_destroy, ioas_destroy,
 * ioas_area_destroy, ioas_area_auto_destroy, area (fixed maps, holes, unmap
 * semantics), unmap_fully_contained_areas; and the iommufd_mock_domain
 * `basic` and `ro_unshare` tests. §9.2, §9.4, §11.3.
 */
import { describe, expect, it } from 'vitest';
import {
  BUFFER_SIZE,
  describeFixture,
  expectErrno,
  Fixture,
  IOAS_VARIANTS,
  MOCK_DOMAIN_VARIANTS,
  PAGE_SIZE,
  U64_MAX,
} from './fixture';

const P = BigInt(PAGE_SIZE);

describeFixture('iommufd_ioas area', IOAS_VARIANTS, (fx) => {
  it('ioas_auto_destroy: closing the context frees the IOAS', () => {
    expect(fx().ioas.id).toBeGreaterThan(0);
  });

  it('ioas_destroy: EBUSY while a device domain uses the IOAS, otherwise destroyed', () => {
    const f = fx();
    if (f.hasDomain) {
      expectErrno(() => f.ioas.destroy(), 'EBUSY');
      // still usable
      expect(f.ioas.map(f.buffer, PAGE_SIZE, { iova: f.baseIova })).toBe(f.baseIova);
    } else {
      f.ioas.destroy();
      expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE), 'ENOENT');
      expectErrno(() => f.ioas.destroy(), 'ENOENT');
    }
  });

  it('ioas_area_destroy: an area does not change the ability to destroy', () => {
    const f = fx();
    expect(f.ioas.map(f.buffer, PAGE_SIZE, { iova: f.baseIova })).toBe(f.baseIova);
    if (f.hasDomain) {
      expectErrno(() => f.ioas.destroy(), 'EBUSY');
      f.m.checkRefs(f.buffer, PAGE_SIZE, 1);
    } else {
      f.ioas.destroy();
    }
    f.m.checkInvariants();
  });

  it('ioas_area_auto_destroy: many areas are freed by close', () => {
    const f = fx();
    for (let i = 0n; i < 10n; i++) {
      expect(f.ioas.map(f.buffer, PAGE_SIZE, { iova: f.baseIova + i * P })).toBe(f.baseIova + i * P);
    }
    // Ten areas share one page: pinned once per iopt_pages, i.e. 10 times, with a domain.
    f.m.checkRefs(f.buffer, PAGE_SIZE, f.hasDomain ? 10 : 0);
    f.m.checkRefs(f.buffer + PAGE_SIZE, BUFFER_SIZE - PAGE_SIZE, 0);
  });

  it('area: unmap of nothing, fixed maps, no split, no over-map, unmap all', () => {
    const f = fx();
    const base = f.baseIova;
    // Unmap fails if nothing is mapped
    for (let i = 0n; i < 10n; i++) expectErrno(() => f.ioas.unmap(i * P, P), 'ENOENT');

    // Unmap works
    for (let i = 0n; i < 10n; i++) f.ioas.map(f.buffer, PAGE_SIZE, { iova: base + i * P });
    for (let i = 0n; i < 10n; i++) expect(f.ioas.unmap(base + i * P, P)).toBe(P);
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);

    // Split fails
    expect(f.ioas.map(f.buffer, PAGE_SIZE * 2, { iova: base + 16n * P })).toBe(base + 16n * P);
    expectErrno(() => f.ioas.unmap(base + 16n * P, P), 'ENOENT');
    expectErrno(() => f.ioas.unmap(base + 17n * P, P), 'ENOENT');
    for (const d of f.domains) d.checkMap(base + 16n * P, 2 * PAGE_SIZE, f.buffer);
    f.m.checkRefs(f.buffer, 2 * PAGE_SIZE, f.hasDomain ? 1 : 0);

    // Over map fails
    expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE * 2, { iova: base + 16n * P }), 'EEXIST');
    expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE, { iova: base + 16n * P }), 'EEXIST');
    expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE, { iova: base + 17n * P }), 'EEXIST');
    expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE * 2, { iova: base + 15n * P }), 'EEXIST');
    expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE * 3, { iova: base + 15n * P }), 'EEXIST');
    // a failed map leaves nothing behind
    f.m.checkRefs(f.buffer, 2 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    f.m.checkInvariants();

    // unmap all works
    expect(f.ioas.unmap(0, U64_MAX)).toBe(2n * P);
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);

    // Unmap all succeeds on an empty IOAS
    expect(f.ioas.unmap(0, U64_MAX)).toBe(0n);
    expect(f.ioas.unmap(0n, U64_MAX)).toBe(0n);
  });

  it('area: argument errors (zero length, overflow)', () => {
    const f = fx();
    expectErrno(() => f.ioas.map(f.buffer, 0, { iova: f.baseIova }), 'EINVAL');
    expectErrno(() => f.ioas.map(f.buffer, 0), 'EINVAL');
    f.ioas.map(f.buffer, PAGE_SIZE, { iova: f.baseIova });
    expectErrno(() => f.ioas.unmap(f.baseIova, 0), 'EINVAL');
    expectErrno(() => f.ioas.unmap(U64_MAX - P + 1n, 2n * P), 'EOVERFLOW');
    expectErrno(
      () => f.ioas.map(f.buffer, PAGE_SIZE, { iova: U64_MAX - P + 2n }),
      f.hasDomain ? 'EINVAL' : 'EOVERFLOW',
    );
    expect(f.ioas.unmap(f.baseIova, P)).toBe(P);
  });

  it('unmap_fully_contained_areas: only whole areas go, and the length is reported', () => {
    const f = fx();
    // Give no_domain some space to rewind base_iova
    const base = f.baseIova + 4n * P;
    for (let i = 0n; i < 4n; i++) f.ioas.map(f.buffer, 8 * PAGE_SIZE, { iova: base + i * 16n * P });
    f.m.checkRefs(f.buffer, 8 * PAGE_SIZE, f.hasDomain ? 4 : 0);

    // Unmap not fully contained area doesn't work
    expectErrno(() => f.ioas.unmap(base - 4n * P, 8n * P), 'ENOENT');
    expectErrno(() => f.ioas.unmap(base + 3n * 16n * P + 8n * P - 4n * P, 8n * P), 'ENOENT');
    f.m.checkRefs(f.buffer, 8 * PAGE_SIZE, f.hasDomain ? 4 : 0);

    // Unmap fully contained areas works
    expect(f.ioas.unmap(base - 4n * P, 3n * 16n * P + 8n * P + 4n * P)).toBe(32n * P);
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
    expect(f.ioas.unmap(0, U64_MAX)).toBe(0n);
  });

  it('unmap is not atomic: whole areas before a cut area are gone when ENOENT comes', () => {
    const f = fx();
    const base = f.baseIova + 4n * P;
    for (let i = 0n; i < 4n; i++) f.ioas.map(f.buffer, 8 * PAGE_SIZE, { iova: base + i * 16n * P });
    // Covers areas 0..2 entirely and cuts area 3.
    expectErrno(() => f.ioas.unmap(base, 3n * 16n * P + 4n * P), 'ENOENT');
    for (let i = 0n; i < 3n; i++) expectErrno(() => f.ioas.unmap(base + i * 16n * P, 8n * P), 'ENOENT');
    f.m.checkRefs(f.buffer, 8 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    for (const d of f.domains) {
      d.checkMap(base + 48n * P, 8 * PAGE_SIZE, f.buffer);
      expect(d.iovaToPhys(base)).toBeNull();
    }
    f.m.checkInvariants();
    expect(f.ioas.unmap(base + 48n * P, 8n * P)).toBe(8n * P);
  });
});

describeFixture('iommufd_mock_domain', MOCK_DOMAIN_VARIANTS, (fx) => {
  it('basic: one page map, then EFAULT half way through and on the first page', () => {
    const f = fx();
    const iova = f.ioas.map(f.buffer, PAGE_SIZE);
    f.checkMockIova(f.buffer, iova, PAGE_SIZE);
    f.m.checkRefs(f.buffer, PAGE_SIZE, 1);

    const size = f.mmapBufSize;
    const buf = f.mmap(size, f.mmapOpts);
    const before = f.m.process.accounting();

    // EFAULT half way through mapping
    f.munmap(buf + size / 2, size / 2);
    expectErrno(() => f.ioas.map(buf, size), 'EFAULT');
    f.m.checkRefs(buf, size / 2, 0);
    expect(f.m.process.accounting()).toEqual(before);
    f.m.checkInvariants();

    // EFAULT on first page
    f.munmap(buf, size / 2);
    expectErrno(() => f.ioas.map(buf, size), 'EFAULT');
    expect(f.m.process.accounting()).toEqual(before);
    f.m.checkInvariants();
    expect(f.ioas.unmap(iova, P)).toBe(P);
  });

  it('ro_unshare: a read-only pin of a private file page is not changed by a later write', () => {
    const f = fx();
    const buf = f.mmap(PAGE_SIZE, { file: true });
    const iova = f.ioas.map(buf, PAGE_SIZE, { read: true, write: false });
    f.checkMockIova(buf, iova, PAGE_SIZE);
    f.m.process.write(buf, new Uint8Array(PAGE_SIZE).fill(1));
    f.checkMockIova(buf, iova, PAGE_SIZE);
    f.m.checkRefs(buf, PAGE_SIZE, 1);
    expect(f.ioas.unmap(iova, PAGE_SIZE)).toBe(P);
    f.munmap(buf, PAGE_SIZE);
  });
});

describe('fixture teardown', () => {
  it('catches pins a test leaves behind in a context it did not close', () => {
    const f = new Fixture(IOAS_VARIANTS[1]!);
    const stray = f.m.open();
    const ioas = stray.ioasAlloc();
    ioas.attachDomain();
    ioas.map(f.buffer, PAGE_SIZE);
    expectErrno(() => f.teardown(), 'EIO');
    stray.close();
    expect(f.m.teardownCheck()).toEqual([]);
  });

  it('catches a wrong errno', () => {
    const f = new Fixture(IOAS_VARIANTS[0]!);
    expect(() => expectErrno(() => f.ioas.unmap(0, PAGE_SIZE), 'EINVAL')).toThrow();
    expect(() => expectErrno(() => f.ioas.unmap(0, U64_MAX), 'ENOENT')).toThrow(/succeeded/);
    f.teardown();
  });
});
