/**
 * Machine: one emulated machine — the kernel (counters, faults, events), the
 * memory (frames, processes) and the iommufd contexts opened on it. This is
 * what the scenario layer's `lab` wraps (SCENARIO-API.md, interface Lab).
 */
import { fail, isLabError, Kernel, PAGE_SIZE } from '../base';
import type { IommuDomain } from '../iommu';
import { MemorySystem, Process, resolveMachineOptions, TASK_SIZE, type MachineOptions } from '../mm';
import { FRAME_FREE } from '../mm/frames';
import type { InspectAnswer, InspectQuery } from '../base/inspect-types';
import { machineDigest, writeMachineDigest, type MachineDigest } from './digest';
import { MODE_KEYED, MODE_MACHINE, writeJson, type DigestKey } from './digest-writer';
import { inspectState } from './inspect';
import { livePages, machineViolations } from './invariants';
import { describeValue, optsArg, uintArg } from './objects/args';
import { IommufdCtx, type MachineEnv } from './objects/context';
import { createBackend, type StrategyBackend } from './strategy';
import { strategyArg, type StrategyName } from './strategy/names';

const NUMBER_OPTION_NAMES = ['physicalMemory', 'fragmentation', 'seed', 'hugetlbPages2M', 'hugetlbPages1G'];
const MACHINE_OPTION_NAMES = [...NUMBER_OPTION_NAMES, 'strategy'];

/** The machine options plus the storage strategy (engine/iommufd/strategy). */
export type LabMachineOptions = MachineOptions & { strategy?: StrategyName };

/** Live objects of one context, for the UI and failnth. */
export interface ContextSummary {
  serial: number;
  owner: number;
  ioas: {
    id: number;
    areas: number;
    domains: { id: number; deviceId: number; kind: string }[];
    accesses: { id: number; items: number; needsPinPages: boolean }[];
  }[];
}

/**
 * `C` is what open() returns: the iommufd context for the default strategies;
 * a machine configured with strategy 'naive' or 'vfio-type1' hands out other
 * objects with the same Engine* shapes, so type it `Machine<StrategyIommufd>`
 * (strategy/types.ts; the scenario layer's EngineIommufd is the same shape).
 */
export class Machine<C = IommufdCtx> implements MachineEnv {
  readonly kernel: Kernel;
  /** The storage strategy (configure's `strategy`, default 'iommufd'). */
  strategy: StrategyName = 'iommufd';
  /** The naive or vfio-type1 storage; null for the iommufd strategies. */
  private backend: StrategyBackend | null = null;
  memory: MemorySystem;
  /** The initial process (the scenario runs as it). */
  process: Process;
  private readonly open_: IommufdCtx[] = [];
  /** Every domain ever created, for teardownCheck (freed and empty). */
  private readonly createdDomains: IommuDomain[] = [];

  constructor(opts?: LabMachineOptions) {
    this.kernel = new Kernel();
    const o = Machine.validateOptions(opts);
    this.memory = new MemorySystem(this.kernel, o);
    this.process = this.memory.createProcess();
    if (o.strategy !== undefined) this.setStrategy(o.strategy);
  }

  private static validateOptions(opts: unknown): LabMachineOptions {
    const o = optsArg(opts, 'opts');
    for (const k of Object.keys(o))
      if (!MACHINE_OPTION_NAMES.includes(k))
        fail('EINVAL', `${k} is not a machine option (${MACHINE_OPTION_NAMES.join(', ')})`);
    for (const k of NUMBER_OPTION_NAMES)
      if (o[k] !== undefined && typeof o[k] !== 'number')
        fail('EINVAL', `${k} must be a number, got ${describeValue(o[k])}`);
    const { strategy, ...rest } = o;
    const mo = rest as MachineOptions;
    resolveMachineOptions(mo); // EINVAL naming the option
    return strategy === undefined ? mo : { ...mo, strategy: strategyArg(strategy) };
  }

  private setStrategy(s: StrategyName): void {
    this.strategy = s;
    this.backend = createBackend(s, this);
  }

  /** MachineEnv: strategy 'iommufd+batch-api' gives every new domain the batch API. */
  get batchApiAll(): boolean {
    return this.strategy === 'iommufd+batch-api';
  }

  // ------------------------------------------------------------ MachineEnv

  isProcess(p: unknown): p is Process {
    return p instanceof Process && this.memory.processes().includes(p);
  }

  private ctxSerial = 0;

  nextContextSerial(): number {
    return ++this.ctxSerial;
  }

  contextClosed(ctx: IommufdCtx): void {
    const i = this.open_.indexOf(ctx);
    if (i >= 0) this.open_.splice(i, 1);
  }

  /** Called by the objects layer for every new domain (teardown bookkeeping). */
  domainCreated(d: IommuDomain): void {
    this.createdDomains.push(d);
  }

  // ------------------------------------------------------------ Lab API

  /** Machine settings: only before the first mmap (EBUSY after), and with no context open. */
  configure(opts: unknown): void {
    const o = Machine.validateOptions(opts);
    if (this.memory.touched)
      fail('EBUSY', 'configure: memory was already mapped (configure must come before the first mmap)');
    if (this.open_.length !== 0 || (this.backend?.openCount() ?? 0) !== 0)
      fail('EBUSY', 'configure: an iommufd context is open');
    this.memory = new MemorySystem(this.kernel, o);
    this.process = this.memory.createProcess();
    // no strategy given: keep the current one (pfnlab run --strategy sets it before the scenario runs)
    this.setStrategy(o.strategy ?? this.strategy);
  }

  open(opts?: unknown): C {
    const o = optsArg(opts, 'opts');
    let proc = this.process;
    if (o.process !== undefined) {
      if (!this.isProcess(o.process))
        fail('EINVAL', `opts.process must be a Process of this machine, got ${describeValue(o.process)}`);
      proc = o.process;
    }
    if (!proc.alive) fail('EINVAL', `opts.process: process ${proc.pid} has exited`);
    // C is IommufdCtx unless the caller typed the machine for other strategies (class comment)
    if (this.backend !== null) return this.backend.open(proc) as C;
    const ctx = new IommufdCtx(this, proc);
    this.open_.push(ctx);
    return ctx as unknown as C;
  }

  private processOpt(opts: unknown): Process {
    const o = optsArg(opts, 'opts');
    if (o.process === undefined) return this.process;
    if (!this.isProcess(o.process))
      fail('EINVAL', `opts.process must be a Process of this machine, got ${describeValue(o.process)}`);
    return o.process;
  }

  checkRefs(uptr: unknown, length: unknown, refs: unknown, opts?: unknown): void {
    const u = uintArg(uptr, 'uptr');
    const len = uintArg(length, 'length');
    const r = uintArg(refs, 'refs');
    const p = this.processOpt(opts);
    if (u % PAGE_SIZE !== 0) fail('EINVAL', `uptr 0x${u.toString(16)} must be page aligned`);
    if (len % PAGE_SIZE !== 0) fail('EINVAL', `length 0x${len.toString(16)} must be a multiple of PAGE_SIZE`);
    if (u + len > TASK_SIZE)
      fail(
        'EFAULT',
        `[uptr, uptr+length) 0x${u.toString(16)}+0x${len.toString(16)} is past the 47-bit user address space`,
      );
    // page by page, so that a mismatch ends the walk there (not after faulting in an absurd length first)
    for (let a = u; a < u + len; a += PAGE_SIZE) {
      this.faultIn(p, a);
      this.memory.checkRefs(p, a, PAGE_SIZE, r);
    }
  }

  pinCount(uptr: unknown, opts?: unknown): number {
    const u = uintArg(uptr, 'uptr');
    const p = this.processOpt(opts);
    this.faultIn(p, u);
    return this.memory.pinCountAt(p, u);
  }

  /**
   * MD_CHECK_REFS looks pages up with get_user_pages_fast, which faults a
   * page in (e.g. a MAP_SHARED page another process already touched).
   * Unmapped addresses count 0 here instead of EFAULT.
   */
  private faultIn(p: Process, uptr: number): void {
    if (!p.alive || p.translate(uptr) >= 0) return;
    try {
      p.read(uptr - (uptr % PAGE_SIZE), 1);
    } catch (e) {
      if (!isLabError(e) || e.errno !== 'EFAULT') throw e;
    }
  }

  setTempMemoryLimit(bytes: unknown): void {
    const b = uintArg(bytes, 'bytes');
    if (b < 12) fail('EINVAL', `bytes ${b} must be at least 12 (one batch element)`);
    this.kernel.tempMemoryLimit = b;
  }

  /**
   * Throws EINVAL describing every violation. O(live state); `deep` adds the
   * O(frames) sweep of every frame's pin count (the fast check's differential
   * check).
   */
  checkInvariants(opts?: { deep?: boolean }): void {
    const v = this.violations(opts);
    if (v.length !== 0)
      fail('EINVAL', `invariant violations (${v.length}):\n  ${v.slice(0, 40).join('\n  ')}`, {
        violations: v,
      });
  }

  /** Every violation (empty when consistent); `deep` as for checkInvariants. */
  violations(opts?: { deep?: boolean }): string[] {
    if (this.backend !== null) return this.backend.violations(opts?.deep === true);
    return machineViolations(this.kernel, this.memory, this.open_, opts?.deep === true);
  }

  digest(): MachineDigest {
    if (this.backend !== null) return this.backend.digest();
    return machineDigest(this.memory, this.open_);
  }

  /**
   * The digest's identity, as tokens (digest-writer.ts): equal keys exactly
   * when digest() would give equal JSON, without building the object.
   */
  digestKey(key: DigestKey): void {
    if (this.backend !== null) {
      key.reset(MODE_KEYED);
      writeJson(this.backend.digest(), key);
      return;
    }
    key.reset(MODE_MACHINE);
    writeMachineDigest(this.memory, this.open_, key);
  }

  /**
   * The app's views of the state (engine/base/inspect-types): tier summaries
   * of pages objects, the physical memory summary, the domains. O(runs +
   * buckets) per tier summary, O(frames) for the physical one; reads only.
   */
  inspect(queries: readonly InspectQuery[]): InspectAnswer[] {
    if (this.backend !== null) return this.backend.inspect(queries);
    return inspectState(this.memory, this.open_, queries);
  }

  /** Engine bytes this machine holds (frame metadata, page tables, frame contents): what keeping it costs. */
  retainedBytes(): number {
    const e = this.memory.engineMemory();
    return e.frameBytes + e.pageTableBytes + e.contentBytes;
  }

  /** Open contexts, in open order. */
  contexts(): readonly IommufdCtx[] {
    return this.open_;
  }

  liveObjects(): ContextSummary[] {
    return this.open_.map((ctx) => ({
      serial: ctx.serial,
      owner: ctx.owner.pid,
      ioas: ctx.ioases().map((ioas) => ({
        id: ioas.id,
        areas: ioas.iopt.areaItree.size,
        domains: ioas.domains.map((d) => ({ id: d.id, deviceId: d.deviceId, kind: d.kind })),
        accesses: ioas.accesses.map((a) => ({
          id: a.id,
          items: a.items.length,
          needsPinPages: a.needsPinPages,
        })),
      })),
    }));
  }

  /** Live IoptPages reachable from the open contexts. */
  livePages(): ReturnType<typeof livePages> {
    return livePages(this.open_);
  }

  /**
   * Close every context, then report what leaked (a full sweep of the
   * frames, once per run): frames still pinned,
   * accounting counters not back to zero, domains not freed or not empty,
   * kernel warnings. Empty when the teardown was clean.
   */
  teardownCheck(): string[] {
    for (const ctx of [...this.open_]) ctx.close();
    this.backend?.closeAll();
    const leaks: string[] = [];
    const { pin, flags } = this.memory.phys.frames;
    let pinned = 0;
    let first = -1;
    for (let f = 0; f < this.memory.phys.nframes; f++)
      if (pin[f] !== 0 && (flags[f] & FRAME_FREE) === 0) {
        pinned++;
        if (first < 0) first = f;
      }
    if (pinned !== 0)
      leaks.push(`${pinned} frame(s) still pinned (first: frame ${first}, count ${pin[first]})`);
    const { totalPins, pinnedFrames } = this.memory.phys;
    if (pinned === 0 && (totalPins !== 0 || pinnedFrames !== 0))
      leaks.push(
        `no frame is pinned, but the mm's pin totals say ${totalPins} pins on ${pinnedFrames} frames`,
      );
    const users = new Set<object>();
    const mms = new Set<object>();
    for (const p of this.memory.processes()) {
      if (!users.has(p.user)) {
        users.add(p.user);
        if (p.user.lockedVm !== 0) leaks.push(`user ${p.user.uid}: locked_vm ${p.user.lockedVm} pages`);
      }
      if (!mms.has(p.mm)) {
        mms.add(p.mm);
        if (p.mm.lockedVm !== 0) leaks.push(`mm ${p.mm.id} (pid ${p.pid}): locked_vm ${p.mm.lockedVm} pages`);
        if (p.mm.pinnedVm !== 0) leaks.push(`mm ${p.mm.id} (pid ${p.pid}): pinned_vm ${p.mm.pinnedVm} pages`);
      }
    }
    for (const d of this.createdDomains) {
      if (!d.freed) leaks.push(`${d.source} was never freed`);
      if (d.entryCount() !== 0) leaks.push(`${d.source} still has ${d.entryCount()} entries`);
    }
    this.createdDomains.length = 0;
    if (this.kernel.counters.warnings !== 0) {
      const last = this.kernel.events.events.filter((e) => e.kind === 'warning').slice(-3);
      leaks.push(
        `${this.kernel.counters.warnings} kernel warning(s): ${last.map((e) => `${e.source}: ${e.message}`).join('; ')}`,
      );
    }
    return leaks;
  }
}
