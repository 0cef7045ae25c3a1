import { describe, expect, it } from 'vitest';
import { Machine } from '../machine';
import { expectErrno, fixture, MOCK_START, P, teardown } from '../io-pagetable/test-fixture';

describe('iommufd context and objects', () => {
  it('one id space per context: lowest free id, reused after destroy', () => {
    const f = fixture();
    expect(f.ioas.id).toBe(1);
    const b = f.ctx.ioasAlloc();
    expect(b.id).toBe(2);
    const d = b.attachDomain(); // device, idev, hwpt
    expect([d.deviceId, d.idevId, d.id]).toEqual([3, 4, 5]);
    f.ioas.destroy();
    expect(f.ctx.ioasAlloc().id).toBe(1);
    d.detach();
    expect(f.ctx.ioasAlloc().id).toBe(3);
    expect(f.m.open().ioasAlloc().id).toBe(1);
    teardown(f);
  });

  it('IOMMU_DESTROY: EBUSY while a domain or an access refers to the IOAS; ENOENT after', () => {
    const f = fixture();
    const d = f.ioas.attachDomain();
    f.ioas.map(f.buf, P, { iova: MOCK_START });
    expectErrno(() => f.ioas.destroy(), 'EBUSY', /1 domain/);
    d.detach();
    const a = f.ctx.createAccess(f.ioas);
    expectErrno(() => f.ioas.destroy(), 'EBUSY', /1 access/);
    a.close();
    f.ioas.destroy(); // unmaps what is left
    expectErrno(() => f.ioas.destroy(), 'ENOENT');
    expectErrno(() => f.ioas.map(f.buf, P), 'ENOENT', /destroyed/);
    expectErrno(() => f.ctx.createAccess(f.ioas), 'ENOENT', /destroyed/);
    teardown(f);
  });

  it('IOAS_UNMAP looks the IOAS up before its EOVERFLOW checks (ioas.c order)', () => {
    const f = fixture();
    const b = f.ctx.ioasAlloc();
    b.destroy();
    // iommufd_ioas_unmap: iommufd_get_ioas first, then iova/length >= ULONG_MAX
    expectErrno(() => b.unmap(2n ** 64n - 1n, 1n), 'ENOENT', /destroyed/);
    expectErrno(() => b.unmap(1n, 2n ** 64n - 1n), 'ENOENT', /destroyed/);
    expectErrno(() => f.ioas.unmap(2n ** 64n - 1n, 1n), 'EOVERFLOW');
    teardown(f);
  });

  it('RLIMIT_MODE: capability, no objects yet, values, and the per-mm accounting', () => {
    const m = new Machine({ physicalMemory: 64 << 20, hugetlbPages2M: 0 });
    const p = m.process;
    const ctx = m.open();
    expect(ctx.getOption('RLIMIT_MODE')).toBe(0);
    p.capSysResource = false;
    expectErrno(() => ctx.setOption('RLIMIT_MODE', 1), 'EPERM', /CAP_SYS_RESOURCE/);
    p.capSysResource = true;
    expectErrno(() => ctx.setOption('RLIMIT_MODE', 2), 'EINVAL', /RLIMIT_MODE/);
    expectErrno(() => ctx.setOption('RLIMIT_MODE', -1), 'EINVAL', /value/);
    expectErrno(() => ctx.setOption('HUGE_PAGES' as never, 1), 'EINVAL', /RLIMIT_MODE/);
    ctx.setOption('RLIMIT_MODE', 1);
    expect(ctx.getOption('RLIMIT_MODE')).toBe(1);
    const ioas = ctx.ioasAlloc();
    expectErrno(() => ctx.setOption('RLIMIT_MODE', 0), 'EBUSY', /no objects/);
    const buf = p.mmap(8 * P, { populate: true });
    ioas.attachDomain();
    ioas.map(buf, 8 * P, { iova: MOCK_START });
    expect(p.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 8, mmPinnedVm: 8 });
    ioas.unmap(MOCK_START, 8 * P);
    expect(p.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
    m.checkInvariants();
    ctx.close();
    expect(m.teardownCheck()).toEqual([]);
  });

  it('per-mm accounting checks RLIMIT_MEMLOCK even with CAP_IPC_LOCK (bypass_rlim = false, §3.4)', () => {
    const m = new Machine({ physicalMemory: 64 << 20, hugetlbPages2M: 0 });
    const p = m.process;
    p.capSysResource = true;
    const ctx = m.open();
    ctx.setOption('RLIMIT_MODE', 1);
    const ioas = ctx.ioasAlloc();
    const buf = p.mmap(8 * P, { populate: true });
    // without CAP_IPC_LOCK at map time the pages are USER, upgraded to MM
    ioas.map(buf, 8 * P, { iova: MOCK_START });
    p.capIpcLock = true;
    p.memlockLimit = 4 * P;
    const before = m.digest();
    // iommufd's update_mm_locked_vm passes bypass_rlim = false
    expectErrno(() => ioas.attachDomain(), 'ENOMEM');
    expect(m.digest()).toEqual(before);
    expect(p.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
    p.memlockLimit = 8 * P;
    ioas.attachDomain();
    expect(p.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 8, mmPinnedVm: 8 });
    m.checkInvariants();
    ctx.close();
    expect(m.teardownCheck()).toEqual([]);
  });

  it('per-user accounting hits RLIMIT_MEMLOCK with ENOMEM and rolls back', () => {
    const f = fixture();
    f.proc.memlockLimit = 4 * P;
    f.ioas.attachDomain();
    const before = f.m.digest();
    expectErrno(() => f.ioas.map(f.buf, 8 * P, { iova: MOCK_START }), 'ENOMEM');
    expect(f.m.digest()).toEqual(before);
    f.m.checkRefs(f.buf, 8 * P, 0);
    f.ioas.map(f.buf, 4 * P, { iova: MOCK_START });
    expect(f.proc.accounting().userLockedVm).toBe(4);
    teardown(f);
  });

  it('close() releases everything: pins, domains, accesses; later calls fail ENOENT', () => {
    const f = fixture();
    f.ioas.attachDomain();
    f.ioas.map(f.buf, 16 * P, { iova: MOCK_START });
    const b = f.ctx.ioasAlloc();
    const c = b.copyFrom(f.ioas, MOCK_START, 16 * P);
    const a = f.ctx.createAccess(b, { needsPinPages: true });
    a.pin(c + 4096n, 2 * P);
    f.m.checkRefs(f.buf, 16 * P, 1);
    f.ctx.close();
    f.m.checkRefs(f.buf, 16 * P, 0);
    expectErrno(() => f.ctx.ioasAlloc(), 'ENOENT', /closed/);
    expectErrno(() => f.ioas.map(f.buf, P), 'ENOENT', /closed/);
    expectErrno(() => a.pin(P, P), 'ENOENT');
    f.ctx.close(); // idempotent
    expect(f.m.teardownCheck()).toEqual([]);
  });

  it('wrong argument types are EINVAL naming the argument; no state changes', () => {
    const f = fixture();
    const before = f.m.digest();
    expectErrno(() => f.ioas.map(-1, P), 'EINVAL', /uptr/);
    expectErrno(() => f.ioas.map(f.buf, 1.5), 'EINVAL', /length/);
    expectErrno(() => f.ioas.map(f.buf, P, { iova: 'x' as never }), 'EINVAL', /opts\.iova/);
    expectErrno(() => f.ioas.map(f.buf, P, { read: 1 as never }), 'EINVAL', /opts\.read/);
    expectErrno(() => f.ioas.map(f.buf, P, { process: {} as never }), 'EINVAL', /opts\.process/);
    expectErrno(() => f.ioas.map(f.buf, P, { read: false, write: false }), 'EINVAL', /read/);
    expectErrno(() => f.ioas.map(f.buf, P, { iova: 1n << 64n }), 'EINVAL', /opts\.iova/);
    expectErrno(() => f.ioas.map(f.buf, P, 5 as never), 'EINVAL', /opts/);
    expectErrno(() => f.ioas.attachDomain({ kind: 'iommu' as never }), 'EINVAL', /opts\.kind/);
    expectErrno(() => f.ioas.attachDomain({ pageSizes: 4096 as never }), 'EINVAL', /pageSizes/);
    expectErrno(() => f.ctx.createAccess(f.ioas, { onUnmap: 'x' as never }), 'EINVAL', /onUnmap/);
    expectErrno(() => f.ctx.createAccess(5 as never), 'EINVAL', /ioas/);
    expectErrno(() => f.ioas.map(f.buf, 0), 'EINVAL');
    expectErrno(() => f.ioas.map(f.buf, P, { iova: (1n << 64n) - 1n }), 'EOVERFLOW', /opts\.iova/);
    expectErrno(() => f.ioas.map(f.buf, 2 * P, { iova: (1n << 64n) - 4096n }), 'EOVERFLOW');
    expectErrno(() => f.ioas.map(f.buf, (1n << 64n) - 8192n), 'EOVERFLOW');
    f.ioas.setOption('HUGE_PAGES', 0);
    expectErrno(() => f.ioas.map(f.buf, P, { iova: 0x800n }), 'EINVAL', /aligned/);
    f.ioas.setOption('HUGE_PAGES', 1);
    expect(f.m.digest()).toEqual(before);
    teardown(f);
  });
});
