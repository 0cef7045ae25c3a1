/**
 * A tiny stand-in for engine/iommufd's Machine, for tests of the runtime
 * alone: processes with a bump allocator, IOASes whose map/unmap keep a list
 * of areas, one fallible step per map. Enough to exercise the facade, the
 * timeline, digests and failnth without the real algorithms.
 */
import { fail } from '../../base/errno';
import { Kernel } from '../../base/kernel';
import type { EngineIoas, EngineIommufd, EngineMachine, EngineProcess } from '../engine-types';

function num(v: unknown, name: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    fail('EINVAL', `${name} must be a non-negative integer`);
  return v;
}

export class FakeMachine implements EngineMachine {
  kernel = new Kernel();
  process: EngineProcess;
  private nextId = 1;
  private readonly ioases: Array<{ id: number; areas: Map<number, number> }> = [];
  pinned = 0;

  constructor() {
    this.process = this.makeProcess(100);
  }

  private makeProcess(pid: number): EngineProcess {
    let brk = 0x10000000;
    const fork = (): EngineProcess => this.makeProcess(pid + 1);
    return {
      pid,
      alive: true,
      memlockLimit: Infinity,
      capIpcLock: false,
      capSysResource: true,
      mmap(length: unknown): number {
        const l = num(length, 'length');
        if (l === 0 || l % 4096 !== 0) fail('EINVAL', 'length must be a non-zero multiple of PAGE_SIZE');
        const at = brk;
        brk += l;
        return at;
      },
      munmap(): void {},
      read(_u: unknown, length: unknown): Uint8Array {
        return new Uint8Array(num(length, 'length'));
      },
      write(): void {},
      fork,
      exit(): void {},
      accounting() {
        return { userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 };
      },
    };
  }

  configure(): void {}

  open(): EngineIommufd {
    const alloc = (): EngineIoas => {
      const io = { id: this.nextId++, areas: new Map<number, number>() };
      this.ioases.push(io);
      let nextIova = 0x1000000;
      const k = this.kernel;
      const ioas: EngineIoas = {
        id: io.id,
        map(uptr: unknown, length: unknown, opts?: unknown): bigint {
          num(uptr, 'uptr');
          const l = num(length, 'length');
          if (l === 0) fail('EINVAL', 'length must not be 0');
          const fixed = (opts as { iova?: unknown } | undefined)?.iova;
          const iova = fixed === undefined ? nextIova : num(fixed, 'iova');
          if (io.areas.has(iova)) fail('EEXIST', 'iova overlaps an area');
          if (k.faults.shouldFail('kzalloc')) fail('ENOMEM', 'injected: kzalloc');
          k.counters.iommuMapCalls++;
          io.areas.set(iova, l);
          nextIova = Math.max(nextIova, iova + l);
          return BigInt(iova);
        },
        unmap(iova: unknown, length: unknown): bigint {
          const i = num(iova, 'iova');
          const l = num(length, 'length');
          if (io.areas.get(i) !== l) fail('ENOENT', 'no area at iova');
          io.areas.delete(i);
          k.counters.iommuUnmapCalls++;
          return BigInt(l);
        },
        copyFrom(): bigint {
          return fail('EINVAL', 'not in the fake');
        },
        iovaRanges() {
          return { ranges: [{ start: 0n, last: (1n << 64n) - 1n }], alignment: 1n };
        },
        allowIovas(): void {},
        addReserved(): void {},
        getOption(): number {
          return 1;
        },
        setOption(): void {},
        attachDomain() {
          return fail('EINVAL', 'not in the fake');
        },
        destroy(): void {},
      };
      return ioas;
    };
    return {
      ioasAlloc: alloc,
      getOption: () => 0,
      setOption: () => undefined,
      createAccess: () => fail('EINVAL', 'not in the fake'),
      close: () => {
        for (const io of this.ioases) io.areas.clear();
      },
    };
  }

  checkRefs(): void {}
  pinCount(): number {
    return 0;
  }
  setTempMemoryLimit(): void {}
  checkInvariants(): void {}
  digest(): unknown {
    return { ioas: this.ioases.map((io) => ({ id: io.id, areas: [...io.areas].map(([a, l]) => [a, l]) })) };
  }
  teardownCheck(): string[] {
    return [];
  }
}

export const fakeMachineFactory = (): EngineMachine => new FakeMachine();
