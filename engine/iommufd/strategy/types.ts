/**
 * What the strategy objects (context, IOAS, domain, access) use of one
 * another and of the machine, declared once at the bottom of strategy/ so
 * that no file imports another in a loop. The shapes the scenario layer
 * sees (StrategyIommufd, StrategyIoas, …) are those of
 * engine/scenario/engine-types.ts (EngineIommufd, EngineIoas, …), repeated
 * here because iommufd may not import the scenario layer.
 */
import type { Kernel } from '../../base';
import type { InspectAnswer, InspectQuery } from '../../base/inspect-types';
import type { IommuDomain } from '../../iommu';
import type { MemorySystem, Process } from '../../mm';
import type { ItNode } from '../ds';
import type { MachineDigest } from '../digest';
import type { StrategyName } from './names';

/** What a strategy backend needs of its machine (Machine implements it). */
export interface BackendEnv {
  readonly kernel: Kernel;
  readonly memory: MemorySystem;
  isProcess(p: unknown): p is Process;
  /** Teardown bookkeeping: teardownCheck checks every domain is freed and empty. */
  domainCreated(d: IommuDomain): void;
  nextContextSerial(): number;
}

export interface StrategyAccessItem {
  readonly id: number;
  readonly iova: bigint;
  readonly length: bigint;
}

/** EngineAccess */
export interface StrategyAccessShape {
  readonly id: number;
  pin(iova: unknown, length: unknown, opts?: unknown): StrategyAccessItem;
  unpin(item: unknown): void;
  readonly items: readonly StrategyAccessItem[];
  read(iova: unknown, length: unknown, opts?: unknown): Uint8Array;
  write(iova: unknown, data: unknown, opts?: unknown): void;
  close(): void;
}

/** EngineDomain */
export interface StrategyDomainShape {
  readonly id: number;
  readonly kind: 'mock' | 'pagetable';
  checkMap(iova: unknown, length: unknown, uptr: unknown, opts?: unknown): void;
  iovaToPhys(iova: unknown): bigint | null;
  detach(): void;
  stats(): Record<string, number>;
}

/** EngineIoas */
export interface StrategyIoasShape {
  readonly id: number;
  map(uptr: unknown, length: unknown, opts?: unknown): bigint;
  unmap(iova: unknown, length: unknown): bigint;
  copyFrom(src: unknown, srcIova: unknown, length: unknown, opts?: unknown): bigint;
  iovaRanges(capacity?: unknown): { ranges: { start: bigint; last: bigint }[]; alignment: bigint };
  allowIovas(ranges: unknown): void;
  addReserved(start: unknown, length: unknown): void;
  getOption(name: unknown): number;
  setOption(name: unknown, value: unknown): void;
  attachDomain(opts?: unknown): StrategyDomainShape;
  destroy(): void;
}

/** EngineIommufd */
export interface StrategyIommufd {
  ioasAlloc(): StrategyIoasShape;
  getOption(name: unknown): number;
  setOption(name: unknown, value: unknown): void;
  createAccess(ioas: unknown, opts?: unknown): StrategyAccessShape;
  close(): void;
}

export type ObjectKind = 'ioas' | 'selftest' | 'device' | 'hw_pagetable' | 'access';

/** An object of a context, destroyed when the context closes. */
export interface CtxObject {
  destroyForClose(): void;
}

/** What the IOAS, domain and access objects use of their context. */
export interface CtxForObjects {
  readonly strategy: StrategyName;
  readonly kernel: Kernel;
  readonly env: BackendEnv;
  readonly owner: Process;
  readonly accountModeMm: boolean;
  reserveId(kind: ObjectKind): number;
  setObject(id: number, kind: ObjectKind, obj: CtxObject): void;
  freeId(id: number): void;
  checkOpen(what: string): void;
  processArg(v: unknown, name: string): Process;
}

/**
 * One IOAS mapping: an iommufd area, a vfio_dma. Strategy data hangs off
 * the subclasses (naive.ts, vfio-type1.ts).
 */
export class Mapping {
  node: ItNode<bigint, Mapping> | null = null;
  /** The IOVA as a number (exact below 2^53, where every domain aperture is). */
  private readonly iovaNum: number;
  constructor(
    readonly iova: bigint,
    readonly length: bigint,
    readonly uptr: number,
    readonly prot: number,
    /** The process that mapped it: whose memory it pins and who is charged. */
    readonly task: Process,
  ) {
    this.iovaNum = Number(iova);
  }
  get last(): bigint {
    return this.iova + this.length - 1n;
  }
  get npages(): number {
    return Number(this.length / 4096n);
  }
  /** IOVA of page i, as a number (every domain aperture is below 2^53). */
  iovaOf(i: number): number {
    return this.iovaNum + i * 4096;
  }
}

/** The held-frame view of one mapping, for digests, invariants and inspection. */
export interface MappingView {
  /** Pages charged to the mapping's account (npinned/lastNpinned of the digest). */
  accounted: number;
  /** What the strategy's rules say `accounted` must be (the invariant). */
  expectedAccounted: number;
  /**
   * Where the charge goes: 'user' (user locked_vm + mm pinned_vm), 'mm' (mm
   * locked_vm + pinned_vm), 'none' (pinned_vm only) — iommufd's modes, used
   * by naive — or 'locked_vm' (mm locked_vm only: vfio_lock_acct).
   */
  accountMode: string;
  /** The domain PFNs are read back from (vfio's first domain), or null. */
  storageDomain: IommuDomain | null;
  /** Page-index spans pinned on behalf of domains (the 'domain' tier). */
  domainSpans: [number, number][];
  /** Page-index spans pinned on behalf of accesses, with how many holders (the 'xarray' tier). */
  accessIntervals: [number, number, number][];
  /** Number of access pins inside the mapping (area.num_accesses). */
  numAccesses: number;
  /** Every long-term pin the mapping holds: fn(pfn, pins) per held page, in page order. */
  forEachPin(fn: (pfn: number, pins: number) => void): void;
  /** Expected PFN behind page i in domain hw (−1: not mapped there). */
  expectedPfn(hw: IommuDomain, i: number): number;
  /** Engine-side bytes the kernel would keep for this mapping (struct estimates). */
  engineBytes: number;
}

/** What the digest, invariants and inspection read of a strategy IOAS. */
export interface IoasView {
  readonly id: number;
  readonly alignment: number;
  mappings(): Mapping[];
  view(m: Mapping): MappingView;
  domains(): { id: number; deviceId: number; kind: string; hw: IommuDomain }[];
  accesses(): { id: number; needsPinPages: boolean; items: readonly StrategyAccessItem[] }[];
  reserved(): [bigint, bigint, string][];
  /** Whether page i of m is mapped in the domains (false before a domain exists). */
  mappedInDomains(m: Mapping): boolean;
}

/** What the digest reads of a strategy context. */
export interface CtxView {
  readonly serial: number;
  readonly owner: Process;
  readonly accountModeMm: boolean;
  objectList(): { id: number; kind: ObjectKind }[];
  ioases(): IoasView[];
}

/** A naive or vfio-type1 machine's storage: what Machine delegates to. */
export interface StrategyBackend {
  readonly name: StrategyName;
  open(owner: Process): StrategyIommufd;
  openCount(): number;
  closeAll(): void;
  digest(): MachineDigest;
  violations(deep: boolean): string[];
  inspect(queries: readonly InspectQuery[]): InspectAnswer[];
}
