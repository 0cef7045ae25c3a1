/**
 * Port of access_rw and access_rw_unaligned (iommufd_ioas fixture): CPU
 * reads and writes through an access at byte granularity across a page
 * boundary, on the fast path (user copy) and the slow path (temporary pins
 * through the pfn reader), which must leave no pin and no charge behind.
 * §7.8, §10, §11.2.
 */
import { expect, it } from 'vitest';
import {
  ACCESS_MAX,
  BUFFER_SIZE,
  bytesEqual,
  checkAccessRw,
  describeFixture,
  expectErrno,
  type Fixture,
  IOAS_VARIANTS,
  MOCK_APERTURE_START,
  MOCK_PAGE_SIZE,
  PAGE_SIZE,
} from './fixture';

const P = BigInt(PAGE_SIZE);
const NPAGES = BUFFER_SIZE / PAGE_SIZE;

function expectSteadyPins(f: Fixture): void {
  f.m.checkRefs(f.buffer, BUFFER_SIZE, f.hasDomain ? 1 : 0);
  expect(f.m.process.accounting().userLockedVm).toBe(f.hasDomain ? NPAGES : 0);
}

describeFixture('iommufd_ioas access rw', IOAS_VARIANTS, (fx) => {
  it('access_rw: fast path and slow path', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas);
    const iova = f.ioas.map(f.buffer, BUFFER_SIZE);
    checkAccessRw(f, access, iova);
    expectSteadyPins(f);
    checkAccessRw(f, access, iova, { slowPath: true });
    expectSteadyPins(f);
    f.m.checkInvariants();
    expect(f.ioas.unmap(iova, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));
    access.close();
  });

  it('access_rw_unaligned: an area starting 2 KiB into the IOVA page', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas);
    // Unaligned pages
    const iova = f.baseIova + BigInt(MOCK_PAGE_SIZE);
    expect(f.ioas.map(f.buffer, BUFFER_SIZE, { iova })).toBe(iova);
    checkAccessRw(f, access, iova);
    checkAccessRw(f, access, iova, { slowPath: true });
    expectSteadyPins(f);
    expect(f.ioas.unmap(iova, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));
    access.close();
  });

  it('slow path across pages another access holds in its xarray', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas);
    const pinner = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    const iova = MOCK_APERTURE_START;
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova });
    const item = pinner.pin(iova + 3n * P, 2n * P);
    const data = f.fillRandom(f.buffer, BUFFER_SIZE);
    for (const [off, len] of [
      [2 * PAGE_SIZE + 100, 3 * PAGE_SIZE],
      [0, BUFFER_SIZE],
      [4 * PAGE_SIZE - 1, 2],
      [5 * PAGE_SIZE - 7, PAGE_SIZE + 14],
    ] as const) {
      const got = access.read(iova + BigInt(off), len, { slowPath: true });
      expect(bytesEqual(got, data.subarray(off, off + len))).toBe(true);
      const tmp = f.randomBytes(len);
      access.write(iova + BigInt(off), tmp, { slowPath: true });
      expect(bytesEqual(f.m.process.read(f.buffer + off, len), tmp)).toBe(true);
      data.set(tmp, off);
    }
    const want = Array.from({ length: NPAGES }, (_, i) => (f.hasDomain || i === 3 || i === 4 ? 1 : 0));
    for (let i = 0; i < NPAGES; i++) expect(f.m.pinCount(f.buffer + i * PAGE_SIZE)).toBe(want[i]);
    pinner.unpin(item);
    expectSteadyPins(f);
    pinner.close();
    access.close();
  });

  it('rw errors: unmapped IOVA, a hole, zero and oversized lengths, writes to read-only pages', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas);
    const b = f.baseIova;
    f.ioas.map(f.buffer, 2 * PAGE_SIZE, { iova: b });
    f.ioas.map(f.buffer + 4 * PAGE_SIZE, 2 * PAGE_SIZE, { iova: b + 4n * P, write: false });
    for (const slowPath of [false, true]) {
      const o = { slowPath };
      expectErrno(() => access.read(b + 2n * P, 1, o), 'ENOENT');
      expectErrno(() => access.read(b + P, 2 * PAGE_SIZE, o), 'ENOENT');
      expectErrno(() => access.write(b + 3n * P, new Uint8Array(8), o), 'ENOENT');
      expectErrno(() => access.read(b, 0, o), 'EINVAL');
      expectErrno(() => access.read(b, ACCESS_MAX + 1, o), 'ENOMEM');
      expectErrno(() => access.write(b + 4n * P, new Uint8Array(8), o), 'EPERM');
      expect(access.read(b + 4n * P + 10n, 8, o)).toHaveLength(8);
    }
    f.m.checkRefs(f.buffer, 2 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    f.m.checkRefs(f.buffer + 2 * PAGE_SIZE, 2 * PAGE_SIZE, 0);
    f.m.checkRefs(f.buffer + 4 * PAGE_SIZE, 2 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    f.m.checkInvariants();
    access.close();
  });
});
