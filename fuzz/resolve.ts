/**
 * Op → Call: make an op concrete against the model's state (handles to
 * indexes, region offsets to user addresses, area selectors to IOVAs). Null
 * when the op names a handle that does not exist or is gone: skipped on both
 * sides. The model and the engine agree on the state up to here (else the
 * run already diverged), so resolving against the model is resolving against
 * both.
 */
import type { Call, Op } from './ops';
import { PAGE } from './ops';
import { ULONG_MAX, type State } from './model';

const P = BigInt(PAGE);

function liveIoas(s: State, i: number): boolean {
  return i >= 0 && i < s.ioas.length && s.ioas[i].alive;
}

function areaAt(s: State, ioas: number, sel: number) {
  const areas = s.ioas[ioas].areas;
  return areas.length === 0 ? null : areas[((sel % areas.length) + areas.length) % areas.length];
}

export function resolve(s: State, op: Op): Call | null {
  switch (op.k) {
    case 'mmap':
      return {
        k: 'mmap',
        length: op.pages * PAGE,
        thp: op.thp === true,
        populate: op.populate === true,
        shared: op.shared === true,
      };
    case 'fork':
      // THP folios split on a partial copy-on-write: left out of the model, so no fork once one exists
      return s.thpEver || s.children.filter((c) => c.alive).length >= 3 ? null : { k: 'fork' };
    case 'exit':
      return s.children[op.child]?.alive ? { k: 'exit', child: op.child } : null;
    case 'munmap':
    case 'touch':
    case 'pread': {
      const r = s.regions[op.region];
      if (!r) return null;
      const uptr = r.base + op.off * PAGE;
      if (op.k === 'munmap') return { k: op.k, uptr, length: op.pages * PAGE };
      const child = op.child ?? null;
      if (child !== null && !s.children[child]?.alive) return null;
      if (op.k === 'touch') return { k: op.k, uptr, length: op.pages * PAGE, v: op.v ?? 0xa5, child };
      return { k: op.k, uptr: uptr + op.byteOff, length: Math.max(1, op.pages * PAGE - op.byteOff), child };
    }
    case 'rw': {
      const ac = s.accesses[op.access];
      if (!ac || !ac.alive) return null;
      const a = areaAt(s, ac.ioas, op.area);
      const iova = (a ? a.iova + BigInt(op.off) * P : BigInt(0x1000000 + op.off * PAGE)) + BigInt(op.byteOff);
      return { k: 'rw', access: op.access, iova, length: op.bytes, v: op.v, slow: op.slow };
    }
    case 'ioasAlloc':
      return { k: 'ioasAlloc' };
    case 'ioasDestroy':
      return liveIoas(s, op.ioas) ? { k: 'ioasDestroy', ioas: op.ioas } : null;
    case 'map': {
      const r = s.regions[op.region];
      if (!r || !liveIoas(s, op.ioas)) return null;
      return {
        k: 'map',
        ioas: op.ioas,
        uptr: r.base + op.off * PAGE,
        length: op.pages * PAGE,
        iova: op.iova ?? null,
        write: op.readOnly !== true,
      };
    }
    case 'unmap': {
      if (!liveIoas(s, op.ioas)) return null;
      const base = { k: 'unmap' as const, ioas: op.ioas };
      if (op.how === 'all') return { ...base, iova: 0n, length: ULONG_MAX };
      if (op.how === 'range') return { ...base, iova: BigInt(op.a), length: BigInt(op.b) };
      const a = areaAt(s, op.ioas, op.a);
      if (!a)
        return { ...base, iova: BigInt(0x1000000 + op.a * PAGE), length: BigInt(Math.max(1, op.b) * PAGE) };
      if (op.how === 'area') return { ...base, iova: a.iova, length: BigInt(a.pages) * P };
      if (op.how === 'partial') {
        // cut the area: start inside it or end inside it
        if (a.pages === 1) return { ...base, iova: a.iova, length: P / 2n };
        return op.b % 2 === 0
          ? { ...base, iova: a.iova + P, length: BigInt(a.pages - 1) * P }
          : { ...base, iova: a.iova, length: BigInt(a.pages - 1) * P };
      }
      // span: from this area's start over b more areas (holes included)
      const areas = s.ioas[op.ioas].areas;
      const i = areas.indexOf(a);
      const e = areas[Math.min(areas.length - 1, i + op.b)];
      return { ...base, iova: a.iova, length: e.iova + BigInt(e.pages) * P - a.iova };
    }
    case 'copy': {
      if (!liveIoas(s, op.src) || !liveIoas(s, op.dst)) return null;
      const a = areaAt(s, op.src, op.area);
      const srcIova = a ? a.iova + BigInt(op.off) * P : BigInt(0x1000000 + op.off * PAGE);
      return { k: 'copy', dst: op.dst, src: op.src, srcIova, length: op.pages * PAGE, iova: op.iova ?? null };
    }
    case 'allow':
      if (!liveIoas(s, op.ioas)) return null;
      return {
        k: 'allow',
        ioas: op.ioas,
        ranges: op.ranges.map(([st, n]) => ({ start: BigInt(st), last: BigInt(st) + BigInt(n) * P - 1n })),
      };
    case 'reserve':
      if (!liveIoas(s, op.ioas)) return null;
      return { k: 'reserve', ioas: op.ioas, start: BigInt(op.start), length: BigInt(op.pages) * P };
    case 'hugePages':
      return liveIoas(s, op.ioas) ? { k: 'hugePages', ioas: op.ioas, value: op.value } : null;
    case 'attach':
      return liveIoas(s, op.ioas)
        ? {
            k: 'attach',
            ioas: op.ioas,
            kind: op.kind ?? 'mock',
            format: op.format ?? 'x86_64',
            batch: op.batch === true,
          }
        : null;
    case 'detach': {
      const d = s.domains[op.domain];
      return d && d.alive ? { k: 'detach', domain: op.domain } : null;
    }
    case 'accessCreate':
      return liveIoas(s, op.ioas)
        ? { k: 'accessCreate', ioas: op.ioas, needsPin: op.needsPin, onUnmap: op.onUnmap }
        : null;
    case 'pin': {
      const ac = s.accesses[op.access];
      if (!ac || !ac.alive) return null;
      const a = areaAt(s, ac.ioas, op.area);
      const iova = a ? a.iova + BigInt(op.off) * P : BigInt(0x1000000 + op.off * PAGE);
      return { k: 'pin', access: op.access, iova, length: op.pages * PAGE, write: op.write };
    }
    case 'unpin': {
      const ac = s.accesses[op.access];
      if (!ac || !ac.alive) return null;
      const items = ac.items;
      const itemId = items.length === 0 ? 9999 : items[op.item % items.length].id;
      return { k: 'unpin', access: op.access, itemId };
    }
    case 'accessClose': {
      const ac = s.accesses[op.access];
      return ac && ac.alive ? { k: 'accessClose', access: op.access } : null;
    }
    case 'tempLimit':
      return { k: 'tempLimit', bytes: op.bytes };
    case 'memlock':
      return { k: 'memlock', bytes: op.pages === null ? Infinity : op.pages * PAGE };
    case 'rlimitMode':
    case 'capIpcLock':
      return op;
    case 'ranges':
      return liveIoas(s, op.ioas) ? op : null;
    case 'inject':
      return resolve(s, op.op);
  }
}
