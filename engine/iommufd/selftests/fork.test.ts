/**
 * Port of fork_gone and fork_present (iommufd_ioas fixture): a mapping made
 * by another process (another mm) is pinned through that mm; when the mm is
 * gone only PFNs already held (a domain) can be used, otherwise EFAULT.
 * §3.4, §5, §7.8, §11.3.
 */
import { expect, it } from 'vitest';
import {
  BUFFER_SIZE,
  bytesEqual,
  checkAccessRw,
  describeFixture,
  expectErrno,
  IOAS_VARIANTS,
  MOCK_APERTURE_START,
  PAGE_SIZE,
} from './fixture';

const P = BigInt(PAGE_SIZE);
const START = MOCK_APERTURE_START;

describeFixture('iommufd_ioas fork', IOAS_VARIANTS, (fx) => {
  it('fork_gone: the mapping process exited; a domain has the pages, otherwise EFAULT', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas);

    // Create a mapping with a different mm
    const child = f.fork();
    expect(f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START, process: child })).toBe(START);
    child.exit();
    expect(child.alive).toBe(false);

    if (f.hasDomain) {
      // If a domain already existed then everything was pinned within the
      // fork, so this copies from one domain to another.
      const d = f.ioas.attachDomain();
      d.checkMap(START, BUFFER_SIZE, f.buffer);
      checkAccessRw(f, access, START);
      f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
    } else {
      // Otherwise we need to actually pin pages which can't happen since the fork is gone.
      expectErrno(() => f.ioas.attachDomain(), 'EFAULT');
      f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
      expect(f.ioas.iovaRanges().alignment).toBe(1n);
    }
    f.m.checkInvariants();
    access.close();
  });

  it('fork_gone, through an access pin: served by the domain, else EFAULT', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    const child = f.fork();
    f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START, process: child });
    child.exit();
    if (f.hasDomain) {
      const item = access.pin(START + P, 2n * P, { uptr: f.buffer + PAGE_SIZE });
      f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
      access.unpin(item);
    } else {
      expectErrno(() => access.pin(START + P, 2n * P), 'EFAULT');
      f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
      // the slow path cannot pin either, and reports it
      expectErrno(() => access.read(START, 2 * PAGE_SIZE, { slowPath: true }), 'EFAULT');
    }
    expect(f.ioas.unmap(START, BUFFER_SIZE)).toBe(BigInt(BUFFER_SIZE));
    access.close();
  });

  it('fork_present: pages read from the remote process', () => {
    const f = fx();
    const access = f.ctx.createAccess(f.ioas);
    const child = f.fork();
    expect(f.ioas.map(f.buffer, BUFFER_SIZE, { iova: START, process: child })).toBe(START);

    // Read pages from the remote process
    const d = f.ioas.attachDomain();
    d.checkMap(START, BUFFER_SIZE, f.buffer);
    d.checkMap(START, BUFFER_SIZE, f.buffer, { process: child });
    checkAccessRw(f, access, START);
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 1);
    // the pins are charged to the mapping's mm (the child's), the user is shared
    expect(child.accounting().mmPinnedVm).toBe(BUFFER_SIZE / PAGE_SIZE);
    expect(f.m.process.accounting().mmPinnedVm).toBe(0);
    expect(f.m.process.accounting().userLockedVm).toBe(BUFFER_SIZE / PAGE_SIZE);

    child.exit();
    d.detach();
    access.close();
  });

  it('a private buffer: the mapping sees the child copy, not the parent one', () => {
    const f = fx();
    const len = 4 * PAGE_SIZE;
    const buf = f.mmap(len, { populate: true });
    const a = f.fillRandom(buf, len);
    const child = f.fork();
    f.ioas.map(buf, len, { iova: START, process: child });
    const b = f.fillRandom(buf, len);
    expect(bytesEqual(child.read(buf, len), a)).toBe(true);

    const access = f.ctx.createAccess(f.ioas);
    expect(bytesEqual(access.read(START, len), a)).toBe(true);
    expect(bytesEqual(access.read(START, len, { slowPath: true }), a)).toBe(true);
    for (const d of f.domains) {
      d.checkMap(START, len, buf, { process: child });
      expectErrno(() => d.checkMap(START, len, buf), 'EINVAL');
    }
    f.m.checkRefs(buf, len, f.hasDomain ? 1 : 0, { process: child });
    f.m.checkRefs(buf, len, 0);

    const c = f.randomBytes(len);
    access.write(START + 1n, c.subarray(1));
    expect(bytesEqual(child.read(buf + 1, len - 1), c.subarray(1))).toBe(true);
    expect(bytesEqual(f.m.process.read(buf, len), b)).toBe(true);

    child.exit();
    expect(f.ioas.unmap(START, len)).toBe(BigInt(len));
    access.close();
  });
});
