/**
 * Drives the real engine: a fresh engine/iommufd `Machine` (the object the
 * scenario facade wraps: same methods, same argument checks, same errnos a
 * scenario sees) and one iommufd context, with the objects created so far
 * kept by handle. `exec` runs one Call and reports its Outcome; a non-LabError
 * is an engine bug (errno 'EINTERNAL').
 */
import { isLabError } from '../engine/base';
import { Machine } from '../engine/iommufd';
import type { Access, Domain, Ioas, IommufdCtx } from '../engine/iommufd';
import { digest, HPAGE, rangesDigest, type Call, type Outcome } from './ops';

export const FUZZ_MACHINE = { physicalMemory: 256 * 1024 * 1024, hugetlbPages2M: 4 };

/** A test's hook around each call: e.g. to plant a bug and see the fuzzer catch it. */
export type CallHook = (call: Call, run: (c: Call) => Outcome, drv: EngineDriver) => Outcome;

export class EngineDriver {
  readonly machine: Machine;
  readonly ctx: IommufdCtx;
  readonly ioas: Ioas[] = [];
  readonly domains: Domain[] = [];
  readonly accesses: Access[] = [];
  readonly children: ReturnType<Machine['process']['fork']>[] = [];

  constructor(seed: number) {
    this.machine = new Machine({ ...FUZZ_MACHINE, seed });
    this.ctx = this.machine.open();
  }

  get process() {
    return this.machine.process;
  }

  exec(c: Call): Outcome {
    try {
      const v = this.run(c);
      return v === undefined ? { ok: true } : { ok: true, value: v };
    } catch (e) {
      if (isLabError(e)) return { ok: false, errno: e.errno, message: e.message };
      return {
        ok: false,
        errno: 'EINTERNAL',
        message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e),
      };
    }
  }

  private run(c: Call): number | bigint | undefined {
    const p = this.machine.process;
    switch (c.k) {
      case 'mmap':
        return p.mmap(
          c.length,
          c.thp
            ? { thp: true, align: HPAGE, populate: c.populate, shared: c.shared }
            : { populate: c.populate, shared: c.shared },
        );
      case 'fork':
        this.children.push(p.fork());
        return undefined;
      case 'exit':
        this.children[c.child].exit();
        return undefined;
      case 'munmap':
        p.munmap(c.uptr, c.length);
        return undefined;
      case 'touch':
        (c.child === null ? p : this.children[c.child]).write(c.uptr, new Uint8Array(c.length).fill(c.v));
        return undefined;
      case 'pread':
        return digest((c.child === null ? p : this.children[c.child]).read(c.uptr, c.length));
      case 'rw': {
        const a = this.accesses[c.access];
        if (c.v === 0) return digest(a.read(c.iova, c.length, { slowPath: c.slow }));
        a.write(c.iova, new Uint8Array(c.length).fill(c.v), { slowPath: c.slow });
        return undefined;
      }
      case 'ioasAlloc':
        this.ioas.push(this.ctx.ioasAlloc());
        return undefined;
      case 'ioasDestroy':
        this.ioas[c.ioas].destroy();
        return undefined;
      case 'map': {
        const o: Record<string, unknown> = c.write ? {} : { write: false };
        if (c.iova !== null) o.iova = BigInt(c.iova);
        return this.ioas[c.ioas].map(c.uptr, BigInt(c.length), o);
      }
      case 'unmap':
        return this.ioas[c.ioas].unmap(c.iova, c.length);
      case 'copy':
        return this.ioas[c.dst].copyFrom(
          this.ioas[c.src],
          c.srcIova,
          BigInt(c.length),
          c.iova === null ? {} : { iova: BigInt(c.iova) },
        );
      case 'allow':
        this.ioas[c.ioas].allowIovas(c.ranges);
        return undefined;
      case 'reserve':
        this.ioas[c.ioas].addReserved(c.start, c.length);
        return undefined;
      case 'hugePages':
        this.ioas[c.ioas].setOption('HUGE_PAGES', c.value);
        return undefined;
      case 'attach':
        this.domains.push(
          this.ioas[c.ioas].attachDomain(
            c.kind === 'mock'
              ? { batchApi: c.batch }
              : { kind: 'pagetable', format: c.format, batchApi: c.batch },
          ),
        );
        return undefined;
      case 'detach':
        this.domains[c.domain].detach();
        return undefined;
      case 'accessCreate':
        this.accesses.push(
          this.ctx.createAccess(this.ioas[c.ioas], { needsPinPages: c.needsPin, onUnmap: c.onUnmap }),
        );
        return undefined;
      case 'pin':
        return this.accesses[c.access].pin(c.iova, BigInt(c.length), { write: c.write }).id;
      case 'unpin':
        this.accesses[c.access].unpin(c.itemId);
        return undefined;
      case 'accessClose':
        this.accesses[c.access].close();
        return undefined;
      case 'tempLimit':
        this.machine.setTempMemoryLimit(c.bytes);
        return undefined;
      case 'rlimitMode':
        this.ctx.setOption('RLIMIT_MODE', c.value);
        return undefined;
      case 'capIpcLock':
        p.capIpcLock = c.value;
        return undefined;
      case 'ranges': {
        const r = this.ioas[c.ioas].iovaRanges();
        return rangesDigest(r.ranges, r.alignment);
      }
      case 'memlock':
        p.memlockLimit = c.bytes;
        return undefined;
    }
  }
}
