/**
 * Runs a scenario in the engine (the same runScenario the CLI's worker runs)
 * and records every engine call in full. The timeline keeps summaries
 * (bytes as "Uint8Array(n)", ids as per-context labels), which is not enough
 * to replay: the recorder patches each engine object the facade is handed
 * (an own property shadowing the class method), so it sees the exact
 * arguments and results, the object identities (which IOAS of which
 * context) and, for `iovaToPhys`, the user address behind the IOVA at that
 * moment, read from the engine's own area tree.
 *
 * Names are given here, in creation order per kind (ORACLE-SCRIPT.md):
 * p0 = lab.process, then p1…, f0…, a0…, d0…, x0…, i0….
 */
import { isLabError } from '../../engine/base/errno';
import type { EngineMachine, MachineFactory } from '../../engine/scenario/engine-types';
import { runScenario, type RunResult } from '../../engine/scenario/runner';
import { createMachine as realMachine } from '../../engine/scenario/machine-factory';
import type { Timeline } from '../../engine/scenario/timeline';

export type ObjKind = 'machine' | 'process' | 'iommufd' | 'ioas' | 'domain' | 'access';

/** What the recorder knows of one engine object. */
export interface ObjInfo {
  kind: ObjKind;
  name: string;
  /** The context (f-name) the object belongs to; '' for processes and the machine. */
  ctx: string;
  /** The context owner's process name (the caller of the object's ioctls). */
  owner: string;
  /** Engine id (IOAS, domain hwpt, access), pid for processes. */
  id: number;
  /** Domains: the device and iommufd_device ids. */
  deviceId?: number;
  idevId?: number;
  /** Domains: the IOAS name they are attached to. */
  ioas?: string;
  /** Domains: 'mock' | 'pagetable'. */
  domainKind?: string;
  /** Seq of the event that created the object (0: before the run). */
  createdAt: number;
  /** Seq of the event that destroyed it (IOAS destroy, detach, close), when known. */
  destroyedAt?: number;
}

/** The user address an IOVA maps in the engine when `iovaToPhys` answered (relation for check_map). */
export interface IovaSource {
  uptr: number;
  /** Process name of the pages' source mm. */
  process: string;
}

export interface RecordedCall {
  seq: number;
  target: ObjInfo;
  method: string;
  args: unknown[];
  ok: boolean;
  result?: unknown;
  errno?: string;
  /** Objects this call created (fork, open, ioasAlloc, attachDomain, createAccess) or an access item. */
  created?: ObjInfo;
  item?: { name: string; id: number; access: string };
  /** iovaToPhys: the area's user address behind the IOVA. */
  source?: IovaSource | null;
}

export interface Recording {
  result: RunResult;
  calls: Map<number, RecordedCall>;
  /** pid → process info (property sets are known only by the timeline's target label). */
  processes: Map<number, ObjInfo>;
  /** Every object in creation order. */
  objects: ObjInfo[];
  /** (access name, item id) → item name. */
  items: Map<string, string>;
  /** The engine process capabilities at start (the driver's preamble sets them). */
  initial: { capSysResource: boolean; capIpcLock: boolean; memlockLimit: number };
  /** What the recorder knows of an engine object passed as an argument (copyFrom's src). */
  objectOf(o: unknown): ObjInfo | undefined;
}

export interface RecordOptions {
  source: string;
  fileName?: string;
  seed?: number;
  /** Default: the real engine. A test may wrap it (an injected engine bug). */
  createMachine?: MachineFactory;
  /** The mock twin: every `attachDomain({ kind: 'pagetable', … })` attaches a mock domain instead. */
  pagetableAsMock?: boolean;
}

type Fn = (...args: unknown[]) => unknown;

const METHODS: Record<Exclude<ObjKind, 'machine'>, readonly string[]> = {
  process: ['mmap', 'munmap', 'read', 'write', 'fork', 'exit', 'accounting'],
  iommufd: ['ioasAlloc', 'getOption', 'setOption', 'createAccess', 'close'],
  ioas: [
    'map',
    'unmap',
    'copyFrom',
    'iovaRanges',
    'allowIovas',
    'addReserved',
    'getOption',
    'setOption',
    'attachDomain',
    'destroy',
  ],
  domain: ['checkMap', 'iovaToPhys', 'detach', 'stats'],
  access: ['pin', 'unpin', 'read', 'write', 'close'],
};
const MACHINE_METHODS = [
  'configure',
  'open',
  'checkRefs',
  'pinCount',
  'setTempMemoryLimit',
  'checkInvariants',
];

function prop(o: unknown, k: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : -1;
}

/** The engine's area tree lookup (real Machine only): the user address behind `iova` in `domain`'s IOAS. */
function areaSource(domain: object, iova: unknown): { uptr: number; task: object } | null {
  if (typeof iova !== 'bigint' && typeof iova !== 'number') return null;
  const at = BigInt(iova);
  const tree = prop(prop(prop(domain, 'ioas'), 'iopt'), 'areaItree') as
    { iterFirst(s: bigint, l: bigint): { value: unknown } | null } | undefined;
  if (tree === undefined || typeof tree.iterFirst !== 'function') return null;
  const node = tree.iterFirst(at, at);
  if (node === null) return null;
  const area = node.value;
  const pages = prop(area, 'pages');
  const areaIova = prop(area, 'iova');
  const pn = prop(area, 'pagesNode');
  const task = prop(pages, 'sourceTask');
  if (typeof areaIova !== 'bigint' || typeof task !== 'object' || task === null) return null;
  const uptr =
    num(prop(pages, 'uptr')) +
    num(prop(pn, 'start')) * 4096 +
    num(prop(area, 'pageOffset')) +
    Number(at - areaIova);
  return { uptr, task };
}

/** attachDomain options with the pagetable-only fields dropped (batchApi stays: same contents). */
function asMock(args: unknown[]): unknown[] {
  const o = args[0];
  if (typeof o !== 'object' || o === null || prop(o, 'kind') !== 'pagetable') return args;
  const rest: Record<string, unknown> = { ...(o as Record<string, unknown>) };
  delete rest.kind;
  delete rest.format;
  delete rest.pageSizes;
  return [rest, ...args.slice(1)];
}

class Recorder {
  readonly calls = new Map<number, RecordedCall>();
  readonly info = new Map<object, ObjInfo>();
  readonly processes = new Map<number, ObjInfo>();
  readonly objects: ObjInfo[] = [];
  readonly items = new Map<string, string>();
  private readonly counts: Record<string, number> = {};
  private depth = 0;
  timeline: Timeline | null = null;
  /** Domains the twin made mock (their calls are marked, the script still says mock_domain). */
  pagetableAsMock = false;

  private nextName(prefix: string): string {
    const n = this.counts[prefix] ?? 0;
    this.counts[prefix] = n + 1;
    return `${prefix}${n}`;
  }

  private seq(): number {
    return this.timeline?.seq ?? 0;
  }

  adopt(obj: object, kind: ObjKind, ctx: string, owner: string, extra: Partial<ObjInfo> = {}): ObjInfo {
    const known = this.info.get(obj);
    if (known) return known;
    const prefix = { machine: 'm', process: 'p', iommufd: 'f', ioas: 'a', domain: 'd', access: 'x' }[kind];
    const id = kind === 'process' ? num(prop(obj, 'pid')) : num(prop(obj, 'id'));
    const info: ObjInfo = {
      kind,
      name: this.nextName(prefix),
      ctx,
      owner,
      id,
      createdAt: this.seq(),
      ...extra,
    };
    this.info.set(obj, info);
    if (kind !== 'machine') this.objects.push(info);
    if (kind === 'process') this.processes.set(id, info);
    if (kind !== 'machine') this.patch(obj, info, METHODS[kind]);
    return info;
  }

  processName(p: unknown): string | undefined {
    return typeof p === 'object' && p !== null ? this.info.get(p)?.name : undefined;
  }

  patch(obj: object, info: ObjInfo, methods: readonly string[]): void {
    for (const m of methods) {
      const orig = (obj as Record<string, unknown>)[m];
      if (typeof orig !== 'function') continue;
      const f = orig as Fn;
      Object.defineProperty(obj, m, {
        value: (...args: unknown[]): unknown => this.invoke(obj, info, m, f, args),
        configurable: true,
        writable: true,
      });
    }
  }

  private invoke(obj: object, info: ObjInfo, method: string, f: Fn, args: unknown[]): unknown {
    if (this.depth > 0) return f.apply(obj, args);
    if (this.pagetableAsMock && info.kind === 'ioas' && method === 'attachDomain') args = asMock(args);
    const seq = this.seq();
    const call: RecordedCall = { seq, target: info, method, args, ok: false };
    this.calls.set(seq, call);
    this.depth++;
    try {
      const r = f.apply(obj, args);
      call.ok = true;
      call.result = r;
      this.after(call, obj, r);
      return r;
    } catch (e) {
      call.errno = isLabError(e) ? e.errno : 'EINTERNAL';
      throw e;
    } finally {
      this.depth--;
    }
  }

  /** Names what the call created, marks what it destroyed, finds the IOVA's source. */
  private after(call: RecordedCall, obj: object, r: unknown): void {
    const t = call.target;
    const o = typeof r === 'object' && r !== null ? r : null;
    switch (`${t.kind}.${call.method}`) {
      case 'machine.configure': {
        const p = prop(obj, 'process');
        if (typeof p === 'object' && p !== null) this.rebindP0(p);
        break;
      }
      case 'machine.open': {
        const owner = this.processName(prop(call.args[0], 'process')) ?? this.p0Name();
        if (o) call.created = this.adopt(o, 'iommufd', '', owner);
        if (call.created) call.created.ctx = call.created.name;
        break;
      }
      case 'process.fork':
        if (o) call.created = this.adopt(o, 'process', '', '');
        break;
      case 'iommufd.ioasAlloc':
        if (o) call.created = this.adopt(o, 'ioas', t.name, t.owner);
        break;
      case 'iommufd.createAccess':
        if (o) {
          const ioas =
            typeof call.args[0] === 'object' && call.args[0] !== null
              ? this.info.get(call.args[0])
              : undefined;
          call.created = this.adopt(o, 'access', t.name, t.owner, { ioas: ioas?.name });
        }
        break;
      case 'ioas.attachDomain':
        if (o)
          call.created = this.adopt(o, 'domain', t.ctx, t.owner, {
            ioas: t.name,
            deviceId: num(prop(o, 'deviceId')),
            idevId: num(prop(o, 'idevId')),
            domainKind: String(prop(o, 'kind')),
          });
        break;
      case 'access.pin':
        if (o) {
          const id = num(prop(o, 'id'));
          const name = this.nextName('i');
          this.items.set(`${t.name}:${id}`, name);
          call.item = { name, id, access: t.name };
        }
        break;
      case 'domain.iovaToPhys':
        if (r !== null && r !== undefined) {
          const s = areaSource(obj, call.args[0]);
          const pn = s ? this.processName(s.task) : undefined;
          call.source = s && pn !== undefined ? { uptr: s.uptr, process: pn } : null;
        }
        break;
      case 'ioas.destroy':
      case 'process.exit':
      case 'domain.detach':
      case 'access.close':
        t.destroyedAt = call.seq;
        break;
      case 'iommufd.close':
        t.destroyedAt = call.seq;
        for (const x of this.objects)
          if (x.ctx === t.name && x.destroyedAt === undefined) x.destroyedAt = call.seq;
        break;
      default:
        break;
    }
  }

  private p0: object | null = null;
  p0Name(): string {
    return this.p0 ? (this.info.get(this.p0)?.name ?? 'p0') : 'p0';
  }

  /** lab.process (or the process a configure() made): always p0. */
  rebindP0(p: object): void {
    if (p === this.p0) return;
    const old = this.p0 ? this.info.get(this.p0) : undefined;
    this.p0 = p;
    if (old) {
      // the old lab.process is gone with its memory system; the new one takes its name
      this.info.delete(p);
      const info: ObjInfo = { ...old, id: num(prop(p, 'pid')), createdAt: this.seq() };
      this.info.set(p, info);
      this.processes.set(info.id, info);
      this.patch(p, info, METHODS.process);
      return;
    }
    this.adopt(p, 'process', '', '');
  }
}

/** Run the scenario in the engine, recording every engine call. */
export async function recordScenario(opts: RecordOptions): Promise<Recording> {
  const rec = new Recorder();
  rec.pagetableAsMock = opts.pagetableAsMock === true;
  const base = opts.createMachine ?? realMachine;
  let initial = { capSysResource: true, capIpcLock: false, memlockLimit: Infinity };
  const factory: MachineFactory = (o) => {
    const m: EngineMachine = base(o);
    const info = rec.adopt(m, 'machine', '', '');
    rec.patch(m, info, MACHINE_METHODS);
    rec.rebindP0(m.process);
    const p = m.process;
    initial = { capSysResource: p.capSysResource, capIpcLock: p.capIpcLock, memlockLimit: p.memlockLimit };
    return m;
  };
  const { result } = await runScenario(factory, {
    source: opts.source,
    fileName: opts.fileName ?? 'scenario.ts',
    seed: opts.seed,
    digests: false,
    observe: (_m, tl) => {
      rec.timeline = tl;
    },
  });
  return {
    result,
    calls: rec.calls,
    processes: rec.processes,
    objects: rec.objects,
    items: rec.items,
    initial,
    objectOf: (o) => (typeof o === 'object' && o !== null ? rec.info.get(o) : undefined),
  };
}

/** The item name an `access.unpin` argument stands for ('' when none). */
export function itemNameOf(rec: Recording, access: string, arg: unknown): string {
  const id = typeof arg === 'number' ? arg : num(prop(arg, 'id'));
  return rec.items.get(`${access}:${id}`) ?? '';
}
