/**
 * A random-operation driver over one IoptPages and a TestIopt, for the
 * property and fault-injection tests. Each op is a small record of integers
 * (fast-check generates them); `run` applies it and returns an observation
 * string that must not depend on the temporary memory limit.
 */
import { PAGE_SIZE, isLabError } from '../../../base';
import type { IommuDomain } from '../../../iommu';
import type { Process } from '../../../mm';
import type { IoptArea, IoptPages } from '../../area-pages';
import { addAccess, removeAccess } from '../access';
import { rwAccess } from '../rw-access';
import { Fixture } from './fixture';

export const NPAGES = 40;
const IOVA_BASE = 1 << 24;
const IOVA_STRIDE = 64 * PAGE_SIZE;

export interface Op {
  kind: number;
  a: number;
  b: number;
  c: number;
}

interface HeldAccess {
  area: IoptArea;
  start: number;
  last: number;
}

export class Sequence {
  readonly f: Fixture;
  readonly pages: IoptPages;
  readonly uptr: number;
  readonly other: Process;
  private nextSlot = 0;
  readonly held: HeldAccess[] = [];

  constructor(tempLimit: number, seed = 1) {
    this.f = new Fixture({ seed, fragmentation: 0.7 });
    this.f.kernel.tempMemoryLimit = tempLimit;
    this.uptr = this.f.proc.mmap(NPAGES * PAGE_SIZE, { populate: true });
    const init = new Uint8Array(NPAGES * PAGE_SIZE);
    for (let i = 0; i < init.length; i += 512) init[i] = (i / 512) & 0xff;
    this.f.proc.write(this.uptr, init);
    this.pages = this.f.pages(this.uptr, NPAGES * PAGE_SIZE);
    this.other = this.f.mem.createProcess();
  }

  get areas(): IoptArea[] {
    return this.f.iopt.areas;
  }

  /** Apply one op; returns what it observed. Errors are part of the observation. */
  run(op: Op): string {
    try {
      return this.apply(op);
    } catch (e) {
      if (isLabError(e)) return `err ${e.errno}`;
      throw e;
    }
  }

  attach(kindSel: number): IommuDomain {
    const opts =
      kindSel % 4 === 0
        ? { kind: 'mock' as const }
        : kindSel % 4 === 1
          ? { kind: 'mock' as const, batchApi: true }
          : kindSel % 4 === 2
            ? { kind: 'pagetable' as const }
            : { kind: 'pagetable' as const, batchApi: true };
    return this.f.attachDomain(opts);
  }

  /** A new area over pages [first, first + n) (+ optional 2 KiB trims) at a fresh IOVA. */
  map(first: number, n: number, trim: number): IoptArea {
    const pagetable = this.f.iopt.domains.some((d) => d.kind === 'pagetable');
    const head = !pagetable && trim % 2 === 1 ? 2048 : 0;
    const tail = !pagetable && trim % 4 >= 2 && n > 1 ? 2048 : 0;
    const startByte = first * PAGE_SIZE + head;
    const length = n * PAGE_SIZE - head - tail;
    const iova = IOVA_BASE + this.nextSlot++ * IOVA_STRIDE + head;
    return this.f.mapArea(this.pages, iova, length, startByte);
  }

  private apply(op: Op): string {
    const areas = this.areas;
    switch (op.kind % 7) {
      case 0: {
        if (this.f.iopt.domains.length >= 3) return 'skip';
        // pagetable domains need 4 KiB aligned areas
        const kindSel = areas.some((a) => a.pageOffset !== 0 || (Number(a.lastIova) + 1) % PAGE_SIZE !== 0)
          ? op.a % 2
          : op.a;
        const d = this.attach(kindSel);
        return `attach ${d.kind}`;
      }
      case 1: {
        const ds = this.f.iopt.domains;
        if (ds.length === 0) return 'skip';
        this.f.detachDomain(ds[op.a % ds.length]);
        return 'detach';
      }
      case 2: {
        if (areas.length >= 4) return 'skip';
        const first = op.a % NPAGES;
        const n = 1 + (op.b % Math.min(16, NPAGES - first));
        const area = this.map(first, n, op.c);
        return `map [${area.index}, ${area.lastIndex}]`;
      }
      case 3: {
        const free = areas.filter((a) => a.numAccesses === 0);
        if (free.length === 0) return 'skip';
        this.f.unmapArea(free[op.a % free.length]);
        return 'unmap';
      }
      case 4: {
        if (areas.length === 0) return 'skip';
        const area = areas[op.a % areas.length];
        const span = area.lastIndex - area.index + 1;
        const start = area.index + (op.b % span);
        const last = start + (op.c % (area.lastIndex - start + 1));
        const out = new Uint32Array(last - start + 1);
        addAccess(area, start, last, out, op.c % 2 === 0, this.f.proc);
        this.held.push({ area, start, last });
        return `access [${start}, ${last}] ${out.join(',')}`;
      }
      case 5: {
        if (this.held.length === 0) return 'skip';
        const [h] = this.held.splice(op.a % this.held.length, 1);
        removeAccess(h.area, h.start, h.last);
        return 'unaccess';
      }
      default: {
        const startByte = (op.a * 977) % (NPAGES * PAGE_SIZE - 1);
        const length = 1 + ((op.b * 131) % Math.min(6 * PAGE_SIZE, NPAGES * PAGE_SIZE - startByte));
        const data = new Uint8Array(length);
        const write = op.c % 3 === 0;
        if (write) for (let i = 0; i < length; i++) data[i] = (op.b + i) & 0xff;
        const current = op.c % 5 === 1 ? this.other : this.f.proc;
        rwAccess(
          this.pages,
          startByte,
          data,
          0,
          length,
          { write, slowPath: op.c % 2 === 0, kthread: op.c % 7 === 3 },
          current,
        );
        let h = 0;
        for (let i = 0; i < length; i++) h = (Math.imul(h, 31) + data[i]) | 0;
        return `rw ${write ? 'w' : 'r'} ${startByte}+${length} ${h}`;
      }
    }
  }

  /** Domain contents and pin counts: the observable state. */
  observe(): string {
    return `${this.f.domainContents()} | pins ${this.f.pinCounts(this.uptr, NPAGES).join(',')}`;
  }

  /** Remove everything; afterwards nothing may be pinned or accounted. */
  teardown(): void {
    while (this.held.length > 0) {
      const h = this.held.pop() as HeldAccess;
      removeAccess(h.area, h.start, h.last);
    }
    while (this.areas.length > 0) this.f.unmapArea(this.areas[this.areas.length - 1]);
    while (this.f.iopt.domains.length > 0) this.f.detachDomain(this.f.iopt.domains[0]);
    this.pages.put();
  }
}
