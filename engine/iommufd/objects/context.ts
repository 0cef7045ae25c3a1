/**
 * The iommufd context (iommufd_ctx, main.c): one file descriptor on
 * /dev/iommu. Objects live in one id space per context, like the kernel's
 * xarray of objects: ids start at 1 and the lowest free id is reused.
 *
 * Method names, argument shapes and errnos are those of SCENARIO-API.md
 * (interface Iommufd). Every argument is validated before any state change.
 */
import { fail, toArray, type Kernel } from '../../base';
import type { IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import { type Access, createAccessObject } from './access';
import { describeValue, enumArg, boolArg, optionNameArg, optionValueArg, optsArg } from './args';
import type { Domain } from './device';
import { Ioas } from './ioas';
import type { IommufdObject, IommufdObjectKind, ObjectContext } from './types';

export type { IommufdObjectKind } from './types';

/** What a context needs from its machine. */
export interface MachineEnv {
  readonly kernel: Kernel;
  /** Whether `p` is a live-or-dead process of this machine. */
  isProcess(p: unknown): p is Process;
  /** Called when a context closes, so the machine forgets it. */
  contextClosed(ctx: IommufdCtx): void;
  /** A serial number for a new context, per machine (stable across identical runs). */
  nextContextSerial(): number;
  /** Called for every domain created (teardown bookkeeping). */
  domainCreated(d: IommuDomain): void;
}

export interface IommufdObjectEntry {
  readonly kind: IommufdObjectKind;
  readonly obj: IommufdObject;
}

export class IommufdCtx implements ObjectContext {
  /** A serial number for the UI (not a kernel id). */
  readonly serial: number;
  readonly kernel: Kernel;
  /** The process that opened the context: the caller of its ioctls. */
  readonly owner: Process;
  /** IOMMU_OPTION_RLIMIT_MODE: false = per-user (USER), true = per-mm (MM). */
  accountModeMm = false;
  closed = false;
  private readonly objects = new Map<number, IommufdObjectEntry>();
  /** objects by id, ascending (byId), rebuilt after a change: the digest reads it after every op. */
  private sorted: { id: number; entry: IommufdObjectEntry }[] | null = null;

  constructor(
    readonly env: MachineEnv,
    owner: Process,
  ) {
    this.serial = env.nextContextSerial();
    this.kernel = env.kernel;
    this.owner = owner;
  }

  // ---------------------------------------------------------------- ids

  /** xa_alloc: the lowest free id >= 1. */
  allocId(kind: IommufdObjectKind, obj: IommufdObject): number {
    if (this.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', `${kind} object allocation failed`);
    let id = 1;
    while (this.objects.has(id)) id++;
    this.objects.set(id, { kind, obj });
    this.sorted = null;
    return id;
  }

  /** Reserve an id for an object not constructed yet (filled by setObject). */
  reserveId(kind: IommufdObjectKind): number {
    if (this.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', `${kind} object allocation failed`);
    let id = 1;
    while (this.objects.has(id)) id++;
    this.objects.set(id, { kind, obj: null as unknown as IommufdObject });
    this.sorted = null;
    return id;
  }

  setObject(id: number, kind: IommufdObjectKind, obj: IommufdObject): void {
    this.objects.set(id, { kind, obj });
    this.sorted = null;
  }

  freeId(id: number): void {
    this.objects.delete(id);
    this.sorted = null;
  }

  /** Live objects (reserved ids too: obj null) by id, ascending; read-only, kept until the next change. */
  byId(): readonly { readonly id: number; readonly entry: IommufdObjectEntry }[] {
    if (this.sorted === null)
      this.sorted = toArray(this.objects.entries())
        .sort((a, b) => a[0] - b[0])
        .map(([id, entry]) => ({ id, entry }));
    return this.sorted;
  }

  /** Number of live objects (xa_empty check of RLIMIT_MODE). */
  get objectCount(): number {
    return this.objects.size;
  }

  /** Live objects by id, ascending. */
  objectList(): { id: number; kind: IommufdObjectKind }[] {
    return toArray(this.objects.entries())
      .sort((a, b) => a[0] - b[0])
      .map(([id, e]) => ({ id, kind: e.kind }));
  }

  /** The context must be open (every ioctl on a closed fd fails). */
  checkOpen(what: string): void {
    if (this.closed) fail('ENOENT', `${what}: the iommufd context is closed`);
  }

  /** iommufd_get_object's fault injection point (the test build fails it with ENOENT). */
  getObjectFault(what: string): void {
    if (this.kernel.faults.shouldFail('get_object'))
      fail('ENOENT', `${what}: object lookup failed (injected)`);
  }

  /** An Ioas argument of this context (ENOENT when destroyed or foreign). */
  ioasArg(v: unknown, name: string): Ioas {
    if (!(v instanceof Ioas)) fail('EINVAL', `${name} must be an Ioas, got ${describeValue(v)}`);
    if (v.ctx !== this) fail('ENOENT', `${name}: IOAS ${v.id} belongs to another iommufd context`);
    if (v.destroyed) fail('ENOENT', `${name}: IOAS ${v.id} was destroyed`);
    return v;
  }

  /** A process argument (default: the owner). */
  processArg(v: unknown, name: string): Process {
    if (v === undefined) return this.owner;
    if (!this.env.isProcess(v))
      fail('EINVAL', `${name} must be a Process of this machine, got ${describeValue(v)}`);
    if (!v.alive) fail('EINVAL', `${name}: process ${v.pid} has exited and cannot make calls`);
    return v;
  }

  // ---------------------------------------------------------------- API

  ioasAlloc(): Ioas {
    this.checkOpen('ioasAlloc');
    return Ioas.alloc(this);
  }

  getOption(name: unknown): number {
    optionNameArg(name, 'RLIMIT_MODE');
    this.checkOpen('getOption');
    return this.accountModeMm ? 1 : 0;
  }

  /** iommufd_option_rlimit_mode: EPERM without CAP_SYS_RESOURCE, EBUSY once objects exist, EINVAL for other values. */
  setOption(name: unknown, value: unknown): void {
    optionNameArg(name, 'RLIMIT_MODE');
    const val = optionValueArg(value, 'value');
    this.checkOpen('setOption');
    if (!this.owner.capSysResource)
      fail('EPERM', `RLIMIT_MODE: process ${this.owner.pid} lacks CAP_SYS_RESOURCE (capSysResource)`);
    if (this.objects.size !== 0)
      fail(
        'EBUSY',
        `RLIMIT_MODE can only change while the context has no objects (${this.objects.size} exist)`,
      );
    if (val !== 0 && val !== 1)
      fail('EINVAL', `RLIMIT_MODE value must be 0 (per-user) or 1 (per-mm), got ${val}`);
    this.accountModeMm = val === 1;
  }

  createAccess(ioas: unknown, opts?: unknown): Access {
    const o = optsArg(opts, 'opts');
    const needsPinPages = boolArg(o.needsPinPages, 'opts.needsPinPages', false);
    const onUnmap = enumArg(o.onUnmap, 'opts.onUnmap', ['unpin', 'ignore'] as const, 'unpin');
    this.checkOpen('createAccess');
    const target = this.ioasArg(ioas, 'ioas');
    return createAccessObject(this, target, needsPinPages, onUnmap);
  }

  /** Destroy every object and release every pin (iommufd_fops_release). */
  close(): void {
    if (this.closed) return;
    for (const e of toArray(this.objects.values())) if (e.kind === 'access') e.obj.destroyForClose();
    for (const e of toArray(this.objects.values())) if (e.kind === 'selftest') e.obj.destroyForClose();
    for (const e of toArray(this.objects.values())) if (e.kind === 'ioas') e.obj.destroyForClose();
    this.objects.clear();
    this.sorted = null;
    this.closed = true;
    this.env.contextClosed(this);
  }

  // ---------------------------------------------------------- introspection

  ioases(): Ioas[] {
    return this.objs('ioas') as Ioas[];
  }

  domains(): Domain[] {
    return this.objs('selftest') as Domain[];
  }

  accesses(): Access[] {
    return this.objs('access') as Access[];
  }

  private objs(kind: IommufdObjectKind): IommufdObject[] {
    return toArray(this.objects.entries())
      .filter(([, e]) => e.kind === kind && e.obj !== null)
      .sort((a, b) => a[0] - b[0])
      .map(([, e]) => e.obj);
  }
}
