import { fail, PAGE_SIZE } from '../base';
import type { UserStruct } from './accounting';
import { dupMm } from './fork';
import type { MmStruct } from './mm';
import { doMmap, doMunmap } from './mmap';
import type { AccountingView, MmapOptions } from './types';

/** Largest CPU read a process may ask for at once (its copy is one typed array). */
const MAX_CPU_RW = 2 ** 30;

/** A user address or byte count of a CPU access: EINVAL naming it unless a non-negative safe integer. */
function userArg(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    fail(
      'EINVAL',
      `${op} ${name} must be a non-negative safe integer, got ${typeof v === 'number' ? v : typeof v}`,
    );
}

/** What a process needs from the machine: pids and the registry of live mms. */
export interface ProcessHost {
  newPid(): number;
  adopt(p: Process): void;
}

/**
 * A task (the scenario API's Process): its mm, its user, its rlimit and
 * capabilities. `mm` stays a valid object after exit (like an mmgrab'ed
 * pointer); the address space goes when the last mm user puts it.
 */
export class Process {
  readonly pid: number;
  readonly mm: MmStruct;
  readonly user: UserStruct;
  memlockLimit = Infinity;
  capIpcLock = false;
  capSysResource = true;
  private exited = false;
  private readonly host: ProcessHost;

  constructor(host: ProcessHost, mm: MmStruct, user: UserStruct) {
    this.host = host;
    this.pid = host.newPid();
    this.mm = mm;
    this.user = user;
  }

  get alive(): boolean {
    return !this.exited;
  }

  private live(what: string): void {
    if (this.exited) fail('EINVAL', `${what}: process ${this.pid} has exited`);
  }

  mmap(length: number, opts?: MmapOptions): number {
    this.live('mmap');
    return doMmap(this.mm, length, opts ?? {});
  }

  munmap(uptr: number, length: number): void {
    this.live('munmap');
    doMunmap(this.mm, uptr, length);
  }

  read(uptr: number, length: number): Uint8Array {
    if (this.exited) fail('EFAULT', `read: process ${this.pid} has exited`);
    userArg('read', 'uptr', uptr);
    userArg('read', 'length', length);
    // the copy is allocated before the walk that would say EFAULT: refuse sizes no buffer can hold
    if (length > MAX_CPU_RW) fail('ENOMEM', `read length ${length} is more than ${MAX_CPU_RW} bytes (1 GiB)`);
    const out = new Uint8Array(length);
    this.mm.copyFromUser(uptr, out, 0, length);
    return out;
  }

  write(uptr: number, data: Uint8Array): void {
    if (this.exited) fail('EFAULT', `write: process ${this.pid} has exited`);
    userArg('write', 'uptr', uptr);
    if (!(data instanceof Uint8Array)) fail('EINVAL', `write data must be a Uint8Array, got ${typeof data}`);
    this.mm.copyToUser(uptr, data, 0, data.length);
  }

  fork(): Process {
    this.live('fork');
    const child = new Process(this.host, dupMm(this.mm), this.user);
    child.memlockLimit = this.memlockLimit;
    child.capIpcLock = this.capIpcLock;
    child.capSysResource = this.capSysResource;
    this.host.adopt(child);
    return child;
  }

  exit(): void {
    if (this.exited) return;
    this.exited = true;
    this.mm.put();
  }

  accounting(): AccountingView {
    return { userLockedVm: this.user.lockedVm, mmLockedVm: this.mm.lockedVm, mmPinnedVm: this.mm.pinnedVm };
  }

  /** Frame of the page at uptr, -1 if not present (no fault). */
  translate(uptr: number): number {
    return this.mm.translate(Math.floor(uptr / PAGE_SIZE) * PAGE_SIZE);
  }
}
