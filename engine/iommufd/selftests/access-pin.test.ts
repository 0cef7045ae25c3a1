/**
 * Port of access_pin and access_pin_unmap (iommufd_ioas fixture): an
 * in-kernel access pins IOVA ranges (pin once per page however many users,
 * accesses and domains), keeps them across domain attach/detach, and loses
 * them through the unmap notification. §7.6, §7.7, §9.4, §10, §11.2.
 */
import { expect, it } from 'vitest';
import {
  ACCESS_MAX,
  BUFFER_SIZE,
  describeFixture,
  expectErrno,
  type Fixture,
  IOAS_VARIANTS,
  MOCK_APERTURE_START,
  MOCK_PAGE_SIZE,
  PAGE_SIZE,
  pinCounts,
} from './fixture';

const P = BigInt(PAGE_SIZE);
const NPAGES = BUFFER_SIZE / PAGE_SIZE;
const START = MOCK_APERTURE_START;

/** Expected pin count per buffer page: 1 where pinned by the access or held by a domain. */
function expectPins(f: Fixture, accessPages: number, domainHolds: boolean): void {
  const want: number[] = [];
  for (let i = 0; i < NPAGES; i++) want.push(i < accessPages || domainHolds ? 1 : 0);
  expect(pinCounts(f.m, f.buffer, BUFFER_SIZE)).toEqual(want);
  expect(f.m.process.accounting().userLockedVm).toBe(want.reduce((a, b) => a + b, 0));
}

describeFixture('iommufd_ioas access pin', IOAS_VARIANTS, (fx) => {
  it('access_pin: single, double user, and a domain added and removed under a user, 1..15 pages', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    for (let npages = 1; npages < NPAGES; npages++) {
      const length = npages * PAGE_SIZE;

      // Single map/unmap
      expect(f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START })).toBe(START);
      const one = access.pin(START, length, { uptr: f.buffer });
      expect(one.iova).toBe(START);
      expect(one.length).toBe(BigInt(length));
      expect(access.items.map((i) => i.id)).toEqual([one.id]);
      expectPins(f, npages, f.hasDomain);
      access.unpin(one);
      expect(access.items).toEqual([]);
      expectPins(f, 0, f.hasDomain);

      // Double user
      const a = access.pin(START, length, { uptr: f.buffer });
      const b = access.pin(START, length, { uptr: f.buffer });
      expect(a.id).not.toBe(b.id);
      expectPins(f, npages, f.hasDomain);
      access.unpin(b);
      expectPins(f, npages, f.hasDomain);
      access.unpin(a.id);
      expectPins(f, 0, f.hasDomain);

      // Add/remove a domain with a user
      const c = access.pin(START, length, { uptr: f.buffer });
      const d = f.ioas.attachDomain();
      d.checkMap(START, BUFFER_SIZE, f.buffer);
      expectPins(f, npages, true);
      d.detach();
      expectPins(f, npages, f.hasDomain);
      access.unpin(c);
      expectPins(f, 0, f.hasDomain);
      f.m.checkInvariants();

      expect(f.ioas.unmap(START, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));
      expectPins(f, 0, false);
    }
    access.close();
  });

  it('access_pin_unmap: an unmap of pinned IOVA notifies the access, which unpins', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START });
    const item = access.pin(START, BUFFER_SIZE, { uptr: f.buffer });
    expectPins(f, NPAGES, true);

    // Trigger the unmap op
    expect(f.ioas.unmap(START, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));

    // kernel removed the item for us
    expectErrno(() => access.unpin(item), 'ENOENT');
    expect(access.items).toEqual([]);
    expectPins(f, 0, false);
    access.close();
  });

  it('an unmap notifies every access pinning inside it, and only those', () => {
    const f = fx();
    const a1 = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    const a2 = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    f.ioas.map(f.buffer, 8 * PAGE_SIZE, { iova: START });
    f.ioas.map(f.buffer + 8 * PAGE_SIZE, 8 * PAGE_SIZE, { iova: START + 8n * P });
    const i1 = a1.pin(START, 2n * P);
    const i2 = a2.pin(START + P, 2n * P);
    const keep = a2.pin(START + 9n * P, P);
    expect(pinCounts(f.m, f.buffer, 4 * PAGE_SIZE)).toEqual([1, 1, 1, f.hasDomain ? 1 : 0]);
    expect(f.ioas.unmap(START, 8n * P)).toBe(8n * P);
    expectErrno(() => a1.unpin(i1), 'ENOENT');
    expectErrno(() => a2.unpin(i2), 'ENOENT');
    expect(a2.items.map((i) => i.id)).toEqual([keep.id]);
    f.m.checkRefs(f.buffer, 8 * PAGE_SIZE, 0);
    expect(f.m.pinCount(f.buffer + 9 * PAGE_SIZE)).toBe(1);
    a2.close();
    expect(f.m.pinCount(f.buffer + 9 * PAGE_SIZE)).toBe(f.hasDomain ? 1 : 0);
    a1.close();
  });

  it('an access that keeps its pins makes the unmap fail with EDEADLOCK, state kept', () => {
    const f = fx();
    // The kernel WARNs when a driver does not respond to the unmap request.
    f.allowWarnings = true;
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true, onUnmap: 'ignore' });
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START });
    const item = access.pin(START + P, P);
    expectErrno(() => f.ioas.unmap(START, BUFFER_SIZE), 'EDEADLOCK');
    expect(access.items.map((i) => i.id)).toEqual([item.id]);
    const want = Array.from({ length: NPAGES }, (_, i) => (i === 1 || f.hasDomain ? 1 : 0));
    expect(pinCounts(f.m, f.buffer, BUFFER_SIZE)).toEqual(want);
    for (const d of f.domains) d.checkMap(START, BUFFER_SIZE, f.buffer);
    f.m.checkInvariants();
    // the area stays marked prevent_access: no new pins or rw through it (§2.4, §10)
    expectErrno(() => access.pin(START + 2n * P, P), 'EINVAL');
    expectErrno(() => access.read(START, 16), 'EINVAL');
    access.unpin(item);
    expect(f.ioas.unmap(START, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));
    access.close();
  });

  it('pin arguments: zero, too long, holes, partial pages, uptr mismatch, read-only, stale items', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    f.ioas.map(f.buffer, 4 * PAGE_SIZE, { iova: START });
    f.ioas.map(f.buffer + 8 * PAGE_SIZE, 4 * PAGE_SIZE, { iova: START + 8n * P, write: false });
    const before = f.m.process.accounting();

    expectErrno(() => access.pin(START, 0), 'EINVAL');
    expectErrno(() => access.pin(START, ACCESS_MAX + PAGE_SIZE), 'ENOMEM');
    expectErrno(() => access.pin(START + 4n * P, P), 'ENOENT');
    expectErrno(() => access.pin(START + 2n * P, 4n * P), 'ENOENT');
    // a slice that does not start on a page boundary of the area
    expectErrno(() => access.pin(START + BigInt(MOCK_PAGE_SIZE), P), 'EINVAL');
    // the pinned frames must be the frames behind uptr
    expectErrno(() => access.pin(START, 2n * P, { uptr: f.buffer + PAGE_SIZE }), 'EBADE');
    // writing needs a writable mapping
    expectErrno(() => access.pin(START + 8n * P, P, { write: true }), 'EPERM');
    expect(access.items).toEqual([]);
    expect(f.m.process.accounting()).toEqual(before);
    f.m.checkRefs(f.buffer, 4 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    f.m.checkInvariants();

    const ro = access.pin(START + 8n * P, 4n * P, { uptr: f.buffer + 8 * PAGE_SIZE });
    const rw = access.pin(START, 4n * P, { write: true, uptr: f.buffer });
    f.m.checkRefs(f.buffer, 4 * PAGE_SIZE, 1);
    f.m.checkRefs(f.buffer + 8 * PAGE_SIZE, 4 * PAGE_SIZE, 1);
    access.unpin(ro);
    expectErrno(() => access.unpin(ro), 'ENOENT');
    expectErrno(() => access.unpin(12345), 'ENOENT');
    access.unpin(rw);
    f.m.checkRefs(f.buffer, 4 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    f.m.checkRefs(f.buffer + 4 * PAGE_SIZE, 4 * PAGE_SIZE, 0);
    f.m.checkRefs(f.buffer + 8 * PAGE_SIZE, 4 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    access.close();
  });

  it('pins spanning contiguous areas and overlapping pins are each one item, pages pinned once', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    f.ioas.map(f.buffer, 4 * PAGE_SIZE, { iova: START });
    f.ioas.map(f.buffer + 4 * PAGE_SIZE, 4 * PAGE_SIZE, { iova: START + 4n * P });
    const span = access.pin(START + 2n * P, 4n * P, { uptr: f.buffer + 2 * PAGE_SIZE });
    const left = access.pin(START, 3n * P, { uptr: f.buffer });
    const right = access.pin(START + 5n * P, 3n * P, { uptr: f.buffer + 5 * PAGE_SIZE });
    expect(access.items).toHaveLength(3);
    f.m.checkRefs(f.buffer, 8 * PAGE_SIZE, 1);
    expect(f.m.process.accounting().userLockedVm).toBe(8);
    access.unpin(span);
    expect(pinCounts(f.m, f.buffer, 8 * PAGE_SIZE)).toEqual(
      [1, 1, 1, 0, 0, 1, 1, 1].map((x) => (f.hasDomain ? 1 : x)),
    );
    access.unpin(left);
    expect(pinCounts(f.m, f.buffer, 8 * PAGE_SIZE)).toEqual(
      [0, 0, 0, 0, 0, 1, 1, 1].map((x) => (f.hasDomain ? 1 : x)),
    );
    // a domain attached now takes the PFNs from the access's xarray and pins the rest
    const d = f.ioas.attachDomain();
    d.checkMap(START, 8 * PAGE_SIZE, f.buffer);
    f.m.checkRefs(f.buffer, 8 * PAGE_SIZE, 1);
    access.close();
    f.m.checkRefs(f.buffer, 8 * PAGE_SIZE, 1);
    d.detach();
    f.m.checkRefs(f.buffer, 8 * PAGE_SIZE, f.hasDomain ? 1 : 0);
    expect(right.length).toBe(3n * P);
  });

  it('closing an access releases every item it holds', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START });
    for (let i = 0n; i < 8n; i++) access.pin(START + i * 2n * P, P);
    expect(access.items).toHaveLength(8);
    access.close();
    expectPins(f, 0, f.hasDomain);
    expectErrno(() => access.pin(START, P), 'ENOENT');
    expect(f.ioas.unmap(START, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));
  });
});
