/**
 * The pin-count runs of a MachineDigest: (pfn, length, count) runs over the
 * frames the live IoptPages hold, count = how many of them hold the frame,
 * and an FNV-1a hash of them. Built from each object's held PFN runs
 * (pages/held-runs.ts, kept until the object pins or unpins) by an overlay
 * of the runs — O(live runs), never one step per page or per frame — and
 * kept whole while no object changed. When the invariants hold (a held
 * frame's pin count is its number of holders, checkInvariants checks it)
 * the result is what `pinRunsFromFrames` reads from the frames' pin counts,
 * the digest of earlier versions; the differential test compares the two.
 */
import type { MemorySystem } from '../mm';
import { unfrozen } from '../base/typed';
import { FRAME_FREE } from '../mm/frames';
import { forEachHeldSegment } from './invariants';
import { heldRuns, type IoptPages } from './pages';

export interface PinRuns {
  runs: number;
  /** FNV-1a of the (pfn, length, count) runs, hex. */
  hash: string;
}

export function fnv(h: number, x: number): number {
  // mix a 53-bit integer as two 32-bit halves
  const lo = x >>> 0;
  const hi = Math.floor(x / 4294967296) >>> 0;
  h = Math.imul(h ^ lo, 16777619) >>> 0;
  h = Math.imul(h ^ hi, 16777619) >>> 0;
  return h;
}

/** Run builder: segments in ascending PFN order in, merged runs and their hash out. */
class RunHash {
  runs = 0;
  hash = 2166136261;
  private start = -1;
  private len = 0;
  private count = 0;

  add(from: number, n: number, count: number): void {
    if (this.len > 0 && from === this.start + this.len && count === this.count) {
      this.len += n;
      return;
    }
    this.flush();
    this.start = from;
    this.len = count === 0 ? 0 : n;
    this.count = count;
  }

  flush(): void {
    if (this.len > 0) {
      this.runs++;
      this.hash = fnv(fnv(fnv(this.hash, this.start), this.len), this.count);
    }
    this.len = 0;
  }

  reset(): void {
    this.runs = 0;
    this.hash = 2166136261;
    this.start = -1;
    this.len = 0;
    this.count = 0;
  }

  result(): PinRuns {
    this.flush();
    return { runs: this.runs, hash: this.hash.toString(16) };
  }
}

/** The pins part as the digest walk reads it: the FNV-1a hash as a number. */
export interface KeptPins {
  runs: number;
  hashValue: number;
}

/** The last answer of one machine and what it was computed from (objects and their pinGen), updated in place. */
interface LastPins {
  /** pages[0..n) and their pinGen (arrays only grow: setting an array's length costs ~100 ns). */
  pages: (IoptPages | null)[];
  gens: number[];
  n: number;
  result: KeptPins;
}

// per machine (keyed by its MemorySystem), so a finished machine is not kept alive
const last = new WeakMap<object, LastPins>();
// Overlay scratch: sort keys 2·pos + 1 for a run start, 2·pos for a run end.
let keys = unfrozen(new Float64Array(64));

function unchanged(l: LastPins, pagesOrder: readonly IoptPages[], n: number): boolean {
  if (n !== l.n) return false;
  for (let i = 0; i < n; i++) if (pagesOrder[i] !== l.pages[i] || pagesOrder[i].pinGen !== l.gens[i]) return false;
  return true;
}

/**
 * The pin-count runs of the frames held by `pagesOrder` (the digest's
 * pins.runs / pins.hash); `machine` keys the kept answer (the MemorySystem).
 */
export function pinRuns(machine: object, pagesOrder: readonly IoptPages[]): PinRuns {
  const k = pinRunsKept(machine, pagesOrder, pagesOrder.length);
  return { runs: k.runs, hash: k.hashValue.toString(16) };
}

// scratch of pinRunsKept: the held runs being overlaid (held[0..nheld)), the run builder
const held: (ReturnType<typeof heldRuns> | null)[] = [];
let nheld = 0;
const out = new RunHash();

/**
 * pinRuns of pagesOrder[0..n) for the digest walk: the kept answer itself
 * (read-only, valid until the next call for this machine), no allocation
 * while unchanged.
 */
export function pinRunsKept(machine: object, pagesOrder: readonly IoptPages[], n: number): Readonly<KeptPins> {
  let l = last.get(machine);
  if (l !== undefined && unchanged(l, pagesOrder, n)) return l.result;
  nheld = 0;
  for (let i = 0; i < n; i++) held[nheld++] = heldRuns(pagesOrder[i]);
  let total = 0;
  let ascending = true; // all runs, in order, ascending and disjoint: each frame has one holder
  let prevEnd = -Infinity;
  for (let i = 0; i < nheld; i++) {
    const h = held[i] as ReturnType<typeof heldRuns>;
    total += h.count;
    for (let k = 0; k < h.count && ascending; k++) {
      if (h.runs[2 * k] < prevEnd) ascending = false;
      prevEnd = h.runs[2 * k] + h.runs[2 * k + 1];
    }
  }
  out.reset();
  if (ascending) {
    for (let i = 0; i < nheld; i++) {
      const h = held[i] as ReturnType<typeof heldRuns>;
      for (let k = 0; k < h.count; k++) out.add(h.runs[2 * k], h.runs[2 * k + 1], 1);
    }
  } else {
    if (keys.length < 2 * total) keys = unfrozen(new Float64Array(4 * total));
    let nk = 0;
    for (let i = 0; i < nheld; i++) {
      const h = held[i] as ReturnType<typeof heldRuns>;
      for (let k = 0; k < h.count; k++) {
        const pfn = h.runs[2 * k];
        keys[nk++] = 2 * pfn + 1;
        keys[nk++] = 2 * (pfn + h.runs[2 * k + 1]);
      }
    }
    const sorted = keys.subarray(0, nk).sort();
    let level = 0;
    let pos = 0;
    for (let i = 0; i < nk; i++) {
      const key = sorted[i];
      const at = Math.floor(key / 2);
      if (at > pos && level > 0) out.add(pos, at - pos, level);
      if (at > pos) pos = at;
      level += key - 2 * at === 1 ? 1 : -1;
    }
  }
  out.flush();
  // drop the references to the objects overlaid (the kept pages below hold what is needed)
  for (let i = 0; i < nheld; i++) held[i] = null;
  nheld = 0;
  if (l === undefined) {
    l = { pages: [], gens: [], n: 0, result: { runs: 0, hashValue: 0 } };
    last.set(machine, l);
  }
  for (let i = 0; i < n; i++) {
    l.pages[i] = pagesOrder[i];
    l.gens[i] = pagesOrder[i].pinGen;
  }
  for (let i = n; i < l.n; i++) l.pages[i] = null; // a dead object is not kept alive
  l.n = n;
  l.result.runs = out.runs;
  l.result.hashValue = out.hash;
  return l.result;
}

/**
 * The reference: the same runs read from the frames' pin counts over the
 * held frames (O(held pages)); the digest of earlier versions. Tests only.
 */
export function pinRunsFromFrames(memory: MemorySystem, pagesOrder: readonly IoptPages[]): PinRuns {
  const phys = memory.phys;
  const { pin, flags } = phys.frames;
  const nframes = phys.nframes;
  const out = new RunHash();
  forEachHeldSegment(pagesOrder, (from, n) => {
    for (let f = Math.max(from, 0); f < from + n && f < nframes; f++)
      out.add(f, 1, (flags[f] & FRAME_FREE) !== 0 ? 0 : pin[f]);
  });
  return out.result();
}
