/**
 * The iommufd context of a naive or vfio-type1 machine (a /dev/vfio
 * container fd, under type1): one id space per context like objects/
 * context.ts (lowest free id ≥ 1), RLIMIT_MODE with the same checks, and
 * close() destroying accesses, then devices, then IOASes.
 */
import { fail, type Kernel } from '../../base';
import type { Process } from '../../mm';
import { enumArg, boolArg, describeValue, optionNameArg, optionValueArg, optsArg } from '../objects/args';
import { StrategyAccess } from './access';
import type { StrategyIoas } from './ioas';
import type { StrategyName } from './names';
import type {
  BackendEnv,
  CtxForObjects,
  CtxObject,
  CtxView,
  Mapping,
  ObjectKind,
  StrategyIommufd,
} from './types';

export type IoasFactory = (ctx: StrategyCtx, id: number) => StrategyIoas<Mapping>;

export class StrategyCtx implements StrategyIommufd, CtxForObjects, CtxView {
  readonly serial: number;
  readonly kernel: Kernel;
  accountModeMm = false;
  closed = false;
  private readonly objects = new Map<number, { kind: ObjectKind; obj: CtxObject | null }>();

  constructor(
    readonly strategy: StrategyName,
    readonly env: BackendEnv,
    readonly owner: Process,
    private readonly newIoas: IoasFactory,
    private readonly onClose: (c: StrategyCtx) => void,
  ) {
    this.serial = env.nextContextSerial();
    this.kernel = env.kernel;
  }

  reserveId(kind: ObjectKind): number {
    if (this.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', `${kind} object allocation failed`);
    let id = 1;
    while (this.objects.has(id)) id++;
    this.objects.set(id, { kind, obj: null });
    return id;
  }

  setObject(id: number, kind: ObjectKind, obj: CtxObject): void {
    this.objects.set(id, { kind, obj });
  }

  freeId(id: number): void {
    this.objects.delete(id);
  }

  objectList(): { id: number; kind: ObjectKind }[] {
    return [...this.objects.entries()].sort((a, b) => a[0] - b[0]).map(([id, e]) => ({ id, kind: e.kind }));
  }

  checkOpen(what: string): void {
    if (this.closed) fail('ENOENT', `${what}: the iommufd context is closed`);
  }

  processArg(v: unknown, name: string): Process {
    if (v === undefined) return this.owner;
    if (!this.env.isProcess(v))
      fail('EINVAL', `${name} must be a Process of this machine, got ${describeValue(v)}`);
    if (!v.alive) fail('EINVAL', `${name}: process ${v.pid} has exited and cannot make calls`);
    return v;
  }

  private objs(kind: ObjectKind): CtxObject[] {
    const out: CtxObject[] = [];
    for (const [, e] of [...this.objects.entries()].sort((a, b) => a[0] - b[0]))
      if (e.kind === kind && e.obj !== null) out.push(e.obj);
    return out;
  }

  ioases(): StrategyIoas<Mapping>[] {
    return this.objs('ioas') as StrategyIoas<Mapping>[];
  }

  // ---------------------------------------------------------------- API

  ioasAlloc(): StrategyIoas<Mapping> {
    this.checkOpen('ioasAlloc');
    const id = this.reserveId('ioas');
    const ioas = this.newIoas(this, id);
    this.setObject(id, 'ioas', ioas);
    return ioas;
  }

  getOption(name: unknown): number {
    optionNameArg(name, 'RLIMIT_MODE');
    this.checkOpen('getOption');
    return this.accountModeMm ? 1 : 0;
  }

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

  createAccess(ioas: unknown, opts?: unknown): StrategyAccess {
    const o = optsArg(opts, 'opts');
    const needsPinPages = boolArg(o.needsPinPages, 'opts.needsPinPages', false);
    const onUnmap = enumArg(o.onUnmap, 'opts.onUnmap', ['unpin', 'ignore'] as const, 'unpin');
    this.checkOpen('createAccess');
    const target = this.ioases().find((x) => x === ioas);
    if (target === undefined) {
      if (ioas !== null && typeof ioas === 'object' && 'map' in ioas && 'attachDomain' in ioas)
        fail('ENOENT', 'ioas: the IOAS belongs to another iommufd context or was destroyed');
      fail('EINVAL', `ioas must be an Ioas, got ${describeValue(ioas)}`);
    }
    target.lookup('createAccess');
    const id = this.reserveId('access');
    const access = new StrategyAccess(target, id, needsPinPages, onUnmap);
    this.setObject(id, 'access', access);
    target.accs.push(access);
    return access;
  }

  close(): void {
    if (this.closed) return;
    for (const kind of ['access', 'selftest', 'ioas'] as const)
      for (const o of this.objs(kind)) o.destroyForClose();
    this.objects.clear();
    this.closed = true;
    this.onClose(this);
  }
}
