/**
 * What the scenario layer needs of the engine: the shapes of
 * engine/iommufd/machine.ts's `Machine` and of the objects it hands out.
 * Parameters are `unknown` on purpose: the facade passes scenario arguments
 * through (copied, facades unwrapped) and the engine objects validate them,
 * so that every EINVAL names the argument exactly as the kernel layer does.
 */
import type { InspectAnswer, InspectQuery } from '../base/inspect-types';
import type { Kernel } from '../base/kernel';
import type { DigestKey } from '../iommufd/digest-writer';

export interface EngineProcess {
  readonly pid: number;
  mmap(length: unknown, opts?: unknown): number;
  munmap(uptr: unknown, length: unknown): void;
  read(uptr: unknown, length: unknown): Uint8Array;
  write(uptr: unknown, data: unknown): void;
  fork(): EngineProcess;
  exit(): void;
  readonly alive: boolean;
  memlockLimit: number;
  capIpcLock: boolean;
  capSysResource: boolean;
  accounting(): { userLockedVm: number; mmLockedVm: number; mmPinnedVm: number };
}

export interface EngineAccessItem {
  readonly id: number;
  readonly iova: bigint;
  readonly length: bigint;
}

export interface EngineAccess {
  readonly id: number;
  pin(iova: unknown, length: unknown, opts?: unknown): EngineAccessItem;
  unpin(item: unknown): void;
  readonly items: readonly EngineAccessItem[];
  read(iova: unknown, length: unknown, opts?: unknown): Uint8Array;
  write(iova: unknown, data: unknown, opts?: unknown): void;
  close(): void;
}

export interface EngineDomain {
  readonly id: number;
  readonly kind: 'mock' | 'pagetable';
  checkMap(iova: unknown, length: unknown, uptr: unknown, opts?: unknown): void;
  iovaToPhys(iova: unknown): bigint | null;
  detach(): void;
  stats(): Record<string, number>;
}

export interface EngineIoas {
  readonly id: number;
  map(uptr: unknown, length: unknown, opts?: unknown): bigint;
  unmap(iova: unknown, length: unknown): bigint;
  copyFrom(src: unknown, srcIova: unknown, length: unknown, opts?: unknown): bigint;
  iovaRanges(capacity?: unknown): { ranges: { start: bigint; last: bigint }[]; alignment: bigint };
  allowIovas(ranges: unknown): void;
  addReserved(start: unknown, length: unknown): void;
  getOption(name: unknown): number;
  setOption(name: unknown, value: unknown): void;
  attachDomain(opts?: unknown): EngineDomain;
  destroy(): void;
}

export interface EngineIommufd {
  ioasAlloc(): EngineIoas;
  getOption(name: unknown): number;
  setOption(name: unknown, value: unknown): void;
  createAccess(ioas: unknown, opts?: unknown): EngineAccess;
  close(): void;
}

export interface EngineMachine {
  readonly kernel: Kernel;
  readonly process: EngineProcess;
  configure(opts: unknown): void;
  open(opts?: unknown): EngineIommufd;
  checkRefs(uptr: unknown, length: unknown, refs: unknown, opts?: unknown): void;
  pinCount(uptr: unknown, opts?: unknown): number;
  setTempMemoryLimit(bytes: unknown): void;
  checkInvariants(): void;
  /** A JSON-able summary of the whole state (tiers, areas, domains, accounting). */
  digest(): unknown;
  /** The digest's identity as tokens, without the object (digest-store.ts); absent in fakes. */
  digestKey?(key: DigestKey): void;
  /** Close everything; returns what leaked (pins, accounting, domain entries). */
  teardownCheck(): string[];
  /** The views' summaries of the state (inspect requests, live frames); absent in fakes. */
  inspect?(queries: readonly InspectQuery[]): InspectAnswer[];
  /** Bytes it costs to keep this machine (the worker's session budget); absent in fakes. */
  retainedBytes?(): number;
}

export interface MachineFactory {
  (opts: { seed: number }): EngineMachine;
}
