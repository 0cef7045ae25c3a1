/**
 * The seeded op generator. It looks at the model's state to aim: maps mostly
 * inside live regions, fixed IOVAs next to / over existing areas, unmaps of
 * whole areas with some cuts, pins inside and across areas, small temp memory
 * limits (one-run batches at 12 bytes) and huge (THP, 2 MiB aligned) regions,
 * so that sequences reach many areas, overlapping accesses and shared pages.
 */
import { HPAGE, IOVA_BASE, IOVA_WINDOW_PAGES, PAGE, type Op, type UnmapHow } from './ops';
import { totalHeld, type State } from './model';
import type { FuzzRng } from './rng';

const TEMP_LIMITS = [12, 16, 24, 36, 48, 100, 256, 1000, 4096, 65536, 65536, 11];

function regionPick(s: State, rng: FuzzRng): { region: number; off: number; pages: number } | null {
  if (s.regions.length === 0) return null;
  const region = rng.chance(0.5) ? s.regions.length - 1 : rng.int(s.regions.length);
  const r = s.regions[region];
  const off = rng.chance(0.5) ? 0 : rng.int(r.pages);
  let pages = Math.max(1, rng.chance(0.6) ? r.pages - off : rng.range(1, Math.max(1, r.pages - off)));
  if (rng.chance(0.05)) pages += rng.range(1, 4); // past the region's end
  return { region, off, pages };
}

function fixedIova(s: State, ioas: number, rng: FuzzRng): number | undefined {
  if (rng.chance(0.5)) return undefined;
  const areas = s.ioas[ioas]?.areas ?? [];
  const w = rng.int(10);
  let iova: number;
  if (areas.length > 0 && w < 4) {
    const a = rng.pick(areas);
    iova = Number(a.iova) + (w < 3 ? a.pages * PAGE : rng.int(a.pages) * PAGE);
  } else iova = IOVA_BASE + rng.int(IOVA_WINDOW_PAGES) * PAGE;
  if (rng.chance(0.03)) iova += 2048;
  if (rng.chance(0.02)) iova = rng.int(0x1000) * PAGE; // below the mock aperture
  return iova;
}

const liveChildren = (s: State): number => s.children.filter((c) => c.alive).length;

/** A live child (40 % of the time when there is one), else undefined: the main process. */
function childPick(s: State, rng: FuzzRng): number | undefined {
  const live = s.children.flatMap((c, i) => (c.alive ? [i] : []));
  return live.length > 0 && rng.chance(0.4) ? rng.pick(live) : undefined;
}

function handle(n: number, rng: FuzzRng): number {
  return n === 0 ? 0 : rng.chance(0.6) ? n - 1 : rng.int(n);
}

function baseOp(s: State, rng: FuzzRng, innerOnly = false): Op {
  const nIoas = s.ioas.length;
  const nAcc = s.accesses.length;
  const mapped = s.mem.size;
  const weights = innerOnly
    ? [0, 0, 0, 1, 0, 10, 0, 4, 0, 0, 0, 4, 0, 2, 6, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]
    : [
        s.regions.length < 3 ? 20 : mapped > 6000 ? 1 : 6, // mmap
        mapped > 6000 ? 8 : 2, // munmap
        2, // touch
        nIoas === 0 ? 50 : nIoas < 3 ? 2 : 0.3, // ioasAlloc
        0.4, // ioasDestroy
        16, // map
        9, // unmap
        5, // copy
        0.8, // allow
        1.2, // reserve
        0.4, // hugePages
        4, // attach
        2, // detach
        nAcc < 4 ? 3 : 1, // accessCreate
        9, // pin
        5, // unpin
        0.8, // accessClose
        2, // tempLimit
        1, // memlock
        2, // pread
        6, // rw
        nIoas === 0 ? 10 : 0.3, // rlimitMode
        0.5, // capIpcLock
        1, // ranges
        s.thpEver ? 0 : liveChildren(s) === 0 ? 1.5 : 0.4, // fork
        liveChildren(s) > 0 ? 0.5 : 0, // exit
      ];
  const kind = rng.weighted(weights);
  const io = handle(nIoas, rng);
  switch (kind) {
    case 0: {
      const big = rng.chance(0.05);
      const pages = big ? rng.pick([512, 1024]) : rng.chance(0.6) ? rng.range(1, 16) : rng.range(17, 128);
      return {
        k: 'mmap',
        pages,
        thp: big || undefined,
        populate: rng.chance(0.3) || undefined,
        shared: rng.chance(0.2) || undefined,
      };
    }
    case 1:
    case 2: {
      const p = regionPick(s, rng);
      if (!p) return { k: 'ioasAlloc' };
      if (kind === 1) return { k: 'munmap', ...p };
      const child = childPick(s, rng);
      return { k: 'touch', ...p, v: rng.range(1, 255), ...(child === undefined ? {} : { child }) };
    }
    case 3:
      return { k: 'ioasAlloc' };
    case 4:
      return { k: 'ioasDestroy', ioas: io };
    case 5: {
      const p = regionPick(s, rng);
      if (!p) return { k: 'mmap', pages: rng.range(1, 32) };
      return {
        k: 'map',
        ioas: io,
        ...p,
        iova: fixedIova(s, io, rng),
        readOnly: rng.chance(0.05) || undefined,
      };
    }
    case 6: {
      const how: UnmapHow = rng.pick([
        'area',
        'area',
        'area',
        'area',
        'all',
        'range',
        'partial',
        'span',
        'span',
      ]);
      if (how === 'range') {
        const a = IOVA_BASE + rng.int(IOVA_WINDOW_PAGES) * PAGE;
        return { k: 'unmap', ioas: io, how, a, b: rng.range(1, 256) * PAGE };
      }
      return { k: 'unmap', ioas: io, how, a: rng.int(64), b: rng.int(4) };
    }
    case 7: {
      const src = handle(nIoas, rng);
      const areas = s.ioas[src]?.areas ?? [];
      const a = rng.int(64);
      const ar = areas.length ? areas[a % areas.length] : null;
      const off = ar && rng.chance(0.6) ? 0 : rng.int(ar ? ar.pages : 4);
      const pages = ar
        ? Math.max(1, rng.chance(0.6) ? ar.pages - off : rng.range(1, ar.pages + 8))
        : rng.range(1, 8);
      return { k: 'copy', dst: io, src, area: a, off, pages, iova: fixedIova(s, io, rng) };
    }
    case 8: {
      const n = rng.int(3);
      const ranges: [number, number][] = [];
      for (let i = 0; i < n; i++)
        ranges.push([IOVA_BASE + rng.int(IOVA_WINDOW_PAGES) * PAGE, rng.range(16, 2048)]);
      return { k: 'allow', ioas: io, ranges };
    }
    case 9:
      return {
        k: 'reserve',
        ioas: io,
        start: IOVA_BASE + rng.int(IOVA_WINDOW_PAGES) * PAGE,
        pages: rng.range(1, 64),
      };
    case 10:
      return { k: 'hugePages', ioas: io, value: rng.chance(0.9) ? rng.int(2) : 2 };
    case 11:
      return {
        k: 'attach',
        ioas: io,
        kind: rng.chance(0.35) ? 'pagetable' : undefined,
        format: rng.chance(0.3) ? 'arm64_4k' : undefined,
        batch: rng.chance(0.3) || undefined,
      };
    case 12:
      return { k: 'detach', domain: handle(s.domains.length, rng) };
    case 13:
      return {
        k: 'accessCreate',
        ioas: io,
        needsPin: rng.chance(0.92),
        onUnmap: rng.chance(0.25) ? 'ignore' : 'unpin',
      };
    case 14: {
      const acc = handle(nAcc, rng);
      const ac = s.accesses[acc];
      const areas = ac ? s.ioas[ac.ioas].areas : [];
      const a = rng.int(64);
      const ar = areas.length ? areas[a % areas.length] : null;
      const off = ar ? rng.int(ar.pages) : rng.int(8);
      const pages = ar && rng.chance(0.8) ? rng.range(1, Math.max(1, ar.pages - off)) : rng.range(1, 80);
      return { k: 'pin', access: acc, area: a, off, pages, write: rng.chance(0.7) };
    }
    case 15:
      return { k: 'unpin', access: handle(nAcc, rng), item: rng.int(16) };
    case 16:
      return { k: 'accessClose', access: handle(nAcc, rng) };
    case 17:
      return { k: 'tempLimit', bytes: rng.pick(TEMP_LIMITS) };
    case 19: {
      const p = regionPick(s, rng);
      if (!p) return { k: 'ioasAlloc' };
      const child = childPick(s, rng);
      return {
        k: 'pread',
        ...p,
        byteOff: rng.chance(0.5) ? 0 : rng.int(PAGE),
        ...(child === undefined ? {} : { child }),
      };
    }
    case 20: {
      const acc = handle(nAcc, rng);
      const ac = s.accesses[acc];
      const areas = ac ? s.ioas[ac.ioas].areas : [];
      const a = rng.int(64);
      const ar = areas.length ? areas[a % areas.length] : null;
      const off = ar ? rng.int(ar.pages) : rng.int(8);
      const room = ar ? (ar.pages - off) * PAGE : 8 * PAGE;
      const bytes = rng.chance(0.85) ? rng.range(1, Math.min(room, 3 * PAGE)) : rng.range(1, room + 4 * PAGE);
      const byteOff = rng.chance(0.4) ? 0 : rng.int(PAGE);
      return {
        k: 'rw',
        access: acc,
        area: a,
        off,
        bytes: Math.max(1, Math.min(bytes, room - byteOff > 0 && rng.chance(0.9) ? room - byteOff : bytes)),
        byteOff,
        v: rng.chance(0.5) ? 0 : rng.range(1, 255),
        slow: rng.chance(0.3),
      };
    }
    case 18: {
      if (rng.chance(0.4)) return { k: 'memlock', pages: null };
      return { k: 'memlock', pages: Math.max(0, totalHeld(s) + rng.range(-4, 48)) };
    }
    case 21:
      return { k: 'rlimitMode', value: rng.chance(0.9) ? rng.int(2) : 2 };
    case 22:
      return { k: 'capIpcLock', value: rng.chance(0.4) };
    case 23:
      return { k: 'ranges', ioas: io };
    case 24:
      return { k: 'fork' };
    case 25:
      return { k: 'exit', child: childPick(s, rng) ?? 0 };
    default:
      return { k: 'ioasAlloc' };
  }
}

export interface GenOptions {
  /**
   * Only what the kernel oracle replays: no fault injection (the engine's
   * n-th fallible step is not the kernel's n-th fail-nth site) and mock
   * domains only (the kernel has no pagetable domain).
   */
  kernel?: boolean;
}

/** One op for the current state; ~4 % are wrapped in a fault injection. */
export function generateOp(s: State, rng: FuzzRng, g: GenOptions = {}): Op {
  if (!g.kernel && s.ioas.length > 0 && rng.chance(0.04))
    return { k: 'inject', n: rng.range(1, 40), op: baseOp(s, rng, true) };
  const op = baseOp(s, rng);
  return g.kernel ? forKernel(s, op) : op;
}

/**
 * Kernel-runnable ops: mock domains only, and one live domain per IOAS (6.12's
 * selftest device joins the IOAS's domain instead of getting its own: an
 * attach there becomes the detach of that domain); accesses unpin on unmap
 * (the selftest's access driver has no onUnmap 'ignore').
 */
function forKernel(s: State, op: Op): Op {
  if (op.k === 'accessCreate' && op.onUnmap === 'ignore') return { ...op, onUnmap: 'unpin' };
  if (op.k !== 'attach') return op;
  const io = s.ioas[op.ioas];
  const live = io ? io.domains.find((d) => s.domains[d]?.alive) : undefined;
  if (live !== undefined) return { k: 'detach', domain: live };
  return op.batch ? { k: 'attach', ioas: op.ioas, batch: true } : { k: 'attach', ioas: op.ioas };
}

export { HPAGE };
