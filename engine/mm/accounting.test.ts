import { describe, expect, it } from 'vitest';
import { Kernel, PAGE_SIZE } from '../base';
import { accountLockedVm, decUserLockedVm, incUserLockedVm, memlockLimitPages } from './accounting';
import { MemorySystem } from './memory-system';

const errno = (e: string): unknown => expect.objectContaining({ errno: e });

function machine(): MemorySystem {
  return new MemorySystem(new Kernel(), { physicalMemory: 64 * 2 ** 20, hugetlbPages2M: 0 });
}

describe('accountLockedVm (__account_locked_vm)', () => {
  it('charges mm locked_vm up to RLIMIT_MEMLOCK, then ENOMEM without changing it', () => {
    const sys = machine();
    const p = sys.createProcess();
    p.memlockLimit = 10 * PAGE_SIZE + 100;
    expect(memlockLimitPages(p)).toBe(10);
    accountLockedVm(p.mm, p, 8, true);
    expect(() => accountLockedVm(p.mm, p, 3, true)).toThrow(errno('ENOMEM'));
    expect(p.accounting().mmLockedVm).toBe(8);
    accountLockedVm(p.mm, p, 2, true);
    accountLockedVm(p.mm, p, 10, false);
    expect(p.mm.lockedVm).toBe(0);
  });

  it('CAP_IPC_LOCK bypasses the limit; an unlimited rlimit never fails', () => {
    const sys = machine();
    const p = sys.createProcess();
    p.memlockLimit = 0;
    p.capIpcLock = true;
    accountLockedVm(p.mm, p, 1000, true);
    expect(p.mm.lockedVm).toBe(1000);
    const q = sys.createProcess();
    accountLockedVm(q.mm, q, 2 ** 40, true);
    expect(q.accounting().mmLockedVm).toBe(2 ** 40);
  });

  it('an underflowing decrement WARNs', () => {
    const sys = machine();
    const p = sys.createProcess();
    accountLockedVm(p.mm, p, 2, true);
    accountLockedVm(p.mm, p, 5, false);
    expect(sys.kernel.counters.warnings).toBe(1);
    expect(p.mm.lockedVm).toBe(0);
  });

  it('the child of a fork starts with zero mm counters', () => {
    const sys = machine();
    const p = sys.createProcess();
    accountLockedVm(p.mm, p, 5, true);
    p.mm.pinnedVm = 5;
    expect(p.fork().accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
  });
});

describe('user locked_vm (iommufd USER mode)', () => {
  it('is shared by a process and its children', () => {
    const sys = machine();
    const p = sys.createProcess();
    const c = p.fork();
    incUserLockedVm(c.user, 4, 10);
    expect(p.accounting().userLockedVm).toBe(4);
    expect(() => incUserLockedVm(p.user, 7, 10)).toThrow(errno('ENOMEM'));
    expect(p.user.lockedVm).toBe(4);
    incUserLockedVm(p.user, 6, 10);
    expect(decUserLockedVm(p.user, 11)).toBe(false);
    expect(p.user.lockedVm).toBe(10);
    expect(decUserLockedVm(p.user, 10)).toBe(true);
    expect(c.accounting().userLockedVm).toBe(0);
  });
});
