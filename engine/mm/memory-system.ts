import { fail, type Kernel, PAGE_SIZE } from '../base';
import { UserStruct } from './accounting';
import { memoryViolations } from './invariants';
import { MmStruct } from './mm';
import type { MmHost } from './mm-state';
import { PhysMemory } from './phys';
import { Process, type ProcessHost } from './process';
import type { MachineOptions } from './types';

export const DEFAULT_PHYSICAL_MEMORY = 4 * 2 ** 30;
/** At most 256 GiB (64 M frames, 640 MiB of frame metadata); PTEs could hold 2^29 frames. */
export const MAX_PHYSICAL_MEMORY = 2 ** 38;
export const MIN_PHYSICAL_MEMORY = 16 * 2 ** 20;

export interface EngineMemory {
  frames: number;
  /** Frame metadata (typed arrays), bytes. */
  frameBytes: number;
  bytesPerFrame: number;
  /** Pages present in the page tables of live mms. */
  mappedPages: number;
  pageTableBytes: number;
  bytesPerMappedPage: number;
  /** Frames holding written contents, and their bytes. */
  contentFrames: number;
  contentBytes: number;
}

/** Resolved machine options (defaults applied, validated). */
export function resolveMachineOptions(opts: MachineOptions = {}): Required<MachineOptions> {
  const r = {
    physicalMemory: opts.physicalMemory ?? DEFAULT_PHYSICAL_MEMORY,
    fragmentation: opts.fragmentation ?? 0.5,
    seed: opts.seed ?? 1,
    hugetlbPages2M: opts.hugetlbPages2M ?? 64,
    hugetlbPages1G: opts.hugetlbPages1G ?? 0,
  };
  const m = r.physicalMemory;
  if (!Number.isSafeInteger(m) || m % PAGE_SIZE !== 0 || m < MIN_PHYSICAL_MEMORY || m > MAX_PHYSICAL_MEMORY)
    fail('EINVAL', `physicalMemory ${m} must be a multiple of PAGE_SIZE in [16 MiB, 256 GiB]`);
  if (typeof r.fragmentation !== 'number' || !(r.fragmentation >= 0 && r.fragmentation <= 1))
    fail('EINVAL', `fragmentation ${r.fragmentation} must be in 0..1`);
  if (!Number.isSafeInteger(r.seed)) fail('EINVAL', `seed ${r.seed} must be an integer`);
  for (const k of ['hugetlbPages2M', 'hugetlbPages1G'] as const)
    if (!Number.isSafeInteger(r[k]) || r[k] < 0)
      fail('EINVAL', `${k} ${r[k]} must be a non-negative integer`);
  return r;
}

/**
 * The emulated machine memory: physical frames and the processes using them.
 * One per emulated machine; `kernel` carries the counters.
 */
export class MemorySystem implements MmHost, ProcessHost {
  readonly kernel: Kernel;
  readonly phys: PhysMemory;
  readonly options: Required<MachineOptions>;
  /** True after the first mmap (lab.configure → EBUSY). */
  touched = false;
  private readonly users = new Map<number, UserStruct>();
  private readonly procs: Process[] = [];
  private lastPid = 0;
  private lastMmId = 0;

  constructor(kernel: Kernel, opts?: MachineOptions) {
    this.kernel = kernel;
    this.options = resolveMachineOptions(opts);
    this.phys = new PhysMemory(kernel, {
      nframes: this.options.physicalMemory / PAGE_SIZE,
      fragmentation: this.options.fragmentation,
      seed: this.options.seed,
      hugetlbPages2M: this.options.hugetlbPages2M,
      hugetlbPages1G: this.options.hugetlbPages1G,
    });
  }

  markTouched(): void {
    this.touched = true;
  }

  newMmId(): number {
    return ++this.lastMmId;
  }

  newPid(): number {
    return ++this.lastPid;
  }

  adopt(p: Process): void {
    this.procs.push(p);
  }

  /** The per-uid user_struct. */
  userOf(uid: number): UserStruct {
    let u = this.users.get(uid);
    if (u === undefined) {
      u = new UserStruct(uid);
      this.users.set(uid, u);
    }
    return u;
  }

  /** A new process with an empty address space (uid default 1000; `parent` gives uid and limits). */
  createProcess(opts: { uid?: number; parent?: Process } = {}): Process {
    const parent = opts.parent;
    const uid = opts.uid ?? (parent !== undefined ? parent.user.uid : 1000);
    const p = new Process(this, new MmStruct(this), this.userOf(uid));
    if (parent !== undefined) {
      p.memlockLimit = parent.memlockLimit;
      p.capIpcLock = parent.capIpcLock;
      p.capSysResource = parent.capSysResource;
    }
    this.adopt(p);
    return p;
  }

  /** Every process created so far (alive or not). */
  processes(): readonly Process[] {
    return this.procs;
  }

  /**
   * lab.checkRefs: the pin count of every page of [uptr, uptr+length) must
   * be refs (pages of huge pages too; a page never faulted in counts 0).
   */
  checkRefs(process: Process, uptr: number, length: number, refs: number): void {
    if (!Number.isSafeInteger(uptr) || uptr < 0 || uptr % PAGE_SIZE !== 0)
      fail('EINVAL', `checkRefs uptr ${uptr} must be page aligned`);
    if (!Number.isSafeInteger(length) || length < 0 || length % PAGE_SIZE !== 0)
      fail('EINVAL', `checkRefs length ${length} must be a multiple of PAGE_SIZE`);
    const f = this.phys.frames;
    for (let a = uptr; a < uptr + length; a += PAGE_SIZE) {
      const pfn = process.mm.translate(a);
      const actual = pfn < 0 ? 0 : f.pin[pfn];
      if (actual !== refs)
        fail('EIO', `checkRefs: page at ${a} has pin count ${actual}, expected ${refs}`, {
          uptr: a,
          expected: refs,
          actual,
        });
    }
  }

  /** lab.pinCount: pin count of the page that backs uptr (0 if not present). */
  pinCountAt(process: Process, uptr: number): number {
    if (!Number.isSafeInteger(uptr) || uptr < 0) fail('EINVAL', `pinCount uptr ${uptr}`);
    const pfn = process.translate(uptr);
    return pfn < 0 ? 0 : this.phys.frames.pin[pfn];
  }

  /** Full consistency check of frames, mappings, pins and pools (slow); EINVAL listing violations. */
  checkInvariants(): void {
    const bad = memoryViolations(this);
    if (bad.length > 0) fail('EINVAL', `mm invariants violated: ${bad.join('; ')}`, bad);
  }

  /** The emulator's own memory cost. */
  engineMemory(): EngineMemory {
    let mappedPages = 0;
    let pageTableBytes = 0;
    for (const p of this.procs) {
      if (!p.mm.alive) continue;
      mappedPages += p.mm.pt.present;
      pageTableBytes += p.mm.pt.byteLength;
    }
    const frameBytes = this.phys.metadataBytes;
    return {
      frames: this.phys.nframes,
      frameBytes,
      bytesPerFrame: frameBytes / this.phys.nframes,
      mappedPages,
      pageTableBytes,
      bytesPerMappedPage: mappedPages === 0 ? 0 : pageTableBytes / mappedPages,
      contentFrames: this.phys.contents.count,
      contentBytes: this.phys.contents.bytes,
    };
  }
}
