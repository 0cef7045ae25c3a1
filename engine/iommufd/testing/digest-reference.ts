/**
 * Tests only: the MachineDigest object builder of earlier versions (object
 * literals, one per value), the reference for the stream walk of digest.ts
 * (writeMachineDigest into an ObjectWriter) — digest-writer.test.ts checks
 * their JSON texts are equal after random operation sequences.
 */
import type { MemorySystem } from '../../mm';
import { engineBytesOf } from '../engine-bytes';
import { pinRuns } from '../digest-pins';
import type {
  AccountingDigest,
  AreaDigest,
  ContextDigest,
  DomainDigest,
  IoasDigest,
  MachineDigest,
  PagesDigest,
} from '../digest';
import type { IommufdCtx } from '../objects/context';
import type { Domain } from '../objects/device';
import type { IoptPages } from '../pages';

function ownerTag(owner: object | null): string {
  if (owner === null) return 'test';
  const o = owner as { id?: unknown; deviceId?: unknown };
  if (typeof o.id === 'number') return `domain ${o.id}`;
  if (typeof o.deviceId === 'number') return `device ${o.deviceId}`;
  return 'device';
}

/** Merged coverage spans of domains_itree (O(nodes)). */
function domainSpans(p: IoptPages): [number, number][] {
  const out: [number, number][] = [];
  for (const n of p.domainsItree) {
    const last = out[out.length - 1];
    if (last !== undefined && n.start <= last[1] + 1) {
      if (n.last > last[1]) last[1] = n.last;
    } else out.push([n.start, n.last]);
  }
  return out;
}

interface MappedCache {
  mapped: number;
  unmapped: number;
  writes: number;
  ranges: [string, string, number][];
}

/** Mapped-range runs per domain, kept while no entry was installed, cleared or rewritten. */
const mappedCache = new WeakMap<object, MappedCache>(); // its own: the builder under test keeps another

function domainDigest(d: Domain): DomainDigest {
  const st = d.hw.stats();
  let c = mappedCache.get(d.hw);
  if (
    c === undefined ||
    c.mapped !== st.ioPagesMapped ||
    c.unmapped !== st.ioPagesUnmapped ||
    c.writes !== st.pteWrites
  ) {
    c = {
      mapped: st.ioPagesMapped,
      unmapped: st.ioPagesUnmapped,
      writes: st.pteWrites,
      ranges: d.hw
        .mappedRanges()
        .map((m) => [String(m.iova), String(m.length), m.pageSize] as [string, string, number]),
    };
    mappedCache.set(d.hw, c);
  }
  return {
    id: d.id,
    deviceId: d.deviceId,
    kind: d.kind,
    // a copy: a digest is the caller's to keep or change
    mapped: c.ranges.map((r) => [r[0], r[1], r[2]] as [string, string, number]),
    entries: st.entries,
    stats: { mappedBytes: st.mappedBytes, tableBytes: st.tableBytes },
  };
}

export function machineDigestReference(memory: MemorySystem, contexts: readonly IommufdCtx[]): MachineDigest {
  const pagesIds = new Map<IoptPages, number>();
  const pagesOrder: IoptPages[] = [];
  const pid = (p: IoptPages): number => {
    let n = pagesIds.get(p);
    if (n === undefined) {
      n = pagesOrder.length + 1;
      pagesIds.set(p, n);
      pagesOrder.push(p);
    }
    return n;
  };
  const ctxs: ContextDigest[] = [];
  for (const ctx of contexts) {
    const ioasList: IoasDigest[] = [];
    for (const ioas of ctx.ioases()) {
      const iopt = ioas.iopt;
      const domainId = new Map<object, number>();
      for (const d of ioas.domains) domainId.set(d.hw, d.id);
      const areas: AreaDigest[] = [];
      for (const a of iopt.areas())
        areas.push({
          iova: a.iova.toString(),
          length: a.length.toString(),
          pages: a.pages === null ? 0 : pid(a.pages),
          index: a.index,
          lastIndex: a.lastIndex,
          pageOffset: a.pageOffset,
          prot: a.iommuProt,
          storageDomain: a.storageDomain === null ? null : (domainId.get(a.storageDomain) ?? -1),
          numAccesses: a.numAccesses,
          preventAccess: a.preventAccess,
        });
      ioasList.push({
        id: ioas.id,
        iovaAlignment: iopt.iovaAlignment,
        disableLargePages: iopt.disableLargePages,
        areas,
        reserved: [...iopt.reservedItree].map((n) => [
          n.start.toString(),
          n.last.toString(),
          ownerTag(n.value.owner),
        ]),
        allowed: [...iopt.allowedItree].map((n) => [n.start.toString(), n.last.toString()]),
        domains: ioas.domains.map(domainDigest),
        accesses: ioas.accesses.map((acc) => ({
          id: acc.id,
          needsPinPages: acc.needsPinPages,
          items: acc.items.map(
            (it) => [it.id, it.iova.toString(), it.length.toString()] as [number, string, string],
          ),
        })),
      });
    }
    ctxs.push({
      serial: ctx.serial,
      owner: ctx.owner.pid,
      accountModeMm: ctx.accountModeMm,
      objects: ctx.objectList().map((o) => [o.id, o.kind] as [number, string]),
      ioas: ioasList,
    });
  }

  const pages: PagesDigest[] = pagesOrder.map((p) => ({
    id: pagesIds.get(p) as number,
    pid: p.sourceTask.pid,
    uptr: p.uptr,
    npages: p.npages,
    npinned: p.npinned,
    lastNpinned: p.lastNpinned,
    accountMode: p.accountMode,
    writable: p.writable,
    tiers: p.tierRuns().map((r) => [r.start, r.last, r.tier] as [number, number, string]),
    accessNodes: p.accessItree.size,
    xarrayEntries: p.pinnedPfns.size,
    accessIntervals: [...p.accessItree].map(
      (n) => [n.start, n.last, n.value.users] as [number, number, number],
    ),
    domainSpans: domainSpans(p),
  }));

  const accounting: AccountingDigest[] = memory.processes().map((proc) => {
    const a = proc.accounting();
    return { pid: proc.pid, uid: proc.user.uid, alive: proc.alive, ...a };
  });

  const { runs, hash } = pinRuns(memory, pagesOrder);
  return {
    engineBytes: engineBytesOf(contexts, pagesOrder),
    contexts: ctxs,
    pages,
    accounting,
    pins: {
      pinnedFrames: memory.phys.pinnedFrames,
      totalPins: memory.phys.totalPins,
      runs,
      hash,
    },
  };
}
