/**
 * Delta debugging over an op list: keep a divergence of the same kind (and,
 * for a wrong result, at an op of the same kind) while removing chunks, then
 * single ops, then simplifying arguments (drop a fault injection, smaller
 * page counts and offsets, no optional flags). Every candidate is re-run
 * from a fresh machine with the full comparison after every op, so the
 * divergence index stays exact.
 */
import type { Op } from './ops';
import { runSequence, type Divergence, type RunOptions } from './run';

export interface ShrinkResult {
  ops: Op[];
  divergence: Divergence;
  runs: number;
}

function sameBug(a: Divergence, b: Divergence): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'result') return a.call?.k === b.call?.k;
  return true;
}

type HandleKind = 'region' | 'ioas' | 'domain' | 'access' | 'child';

/** The handle kind an op creates (when it succeeds). */
function creates(op: Op): HandleKind | null {
  const o = op.k === 'inject' ? op.op : op;
  return o.k === 'mmap'
    ? 'region'
    : o.k === 'ioasAlloc'
      ? 'ioas'
      : o.k === 'attach'
        ? 'domain'
        : o.k === 'accessCreate'
          ? 'access'
          : o.k === 'fork'
            ? 'child'
            : null;
}

const FIELDS: Record<HandleKind, string[]> = {
  region: ['region'],
  ioas: ['ioas', 'src', 'dst'],
  domain: ['domain'],
  access: ['access'],
  child: ['child'],
};

/** op with references to handle h of kind k and above moved down by one (h itself: left as is). */
function renumber(op: Op, kind: HandleKind, h: number): Op {
  if (op.k === 'inject') return { ...op, op: renumber(op.op, kind, h) };
  const rec = { ...(op as unknown as Record<string, unknown>) };
  for (const f of FIELDS[kind]) {
    const v = rec[f];
    if (typeof v === 'number' && v > h) rec[f] = v - 1;
  }
  return rec as unknown as Op;
}

/**
 * ops without [i, i+n), later references to the handles the removed ops
 * created shifted down so they still name the same objects (a creator that
 * failed in the run made no handle: then the shift is wrong, and the plain
 * removal is tried too).
 */
export function removeRenumbered(ops: readonly Op[], i: number, n: number): Op[] {
  let rest = ops.slice(i + n);
  for (let j = Math.min(i + n, ops.length) - 1; j >= i; j--) {
    const kind = creates(ops[j]);
    if (kind === null) continue;
    let h = 0;
    for (let x = 0; x < j; x++) if (creates(ops[x]) === kind) h++;
    rest = rest.map((o) => renumber(o, kind, h));
  }
  return ops.slice(0, i).concat(rest);
}

/** Simpler variants of one op, simplest first. */
export function simpler(op: Op): Op[] {
  const out: Op[] = [];
  if (op.k === 'inject') {
    out.push(op.op);
    for (const n of [1, Math.floor(op.n / 2)]) if (n >= 1 && n < op.n) out.push({ ...op, n });
    for (const inner of simpler(op.op)) out.push({ ...op, op: inner });
    return out;
  }
  const rec = op as unknown as Record<string, unknown>;
  for (const key of ['pages', 'off', 'a', 'b', 'item', 'area', 'start', 'bytes', 'byteOff']) {
    const v = rec[key];
    if (typeof v !== 'number' || v <= 0) continue;
    const min = key === 'pages' || key === 'bytes' ? 1 : 0;
    for (const x of [min, Math.floor(v / 2), v - 1])
      if (x >= min && x < v) out.push({ ...op, [key]: x } as Op);
  }
  for (const key of ['thp', 'populate', 'shared', 'child', 'readOnly', 'iova', 'kind', 'format', 'batch'])
    if (rec[key] !== undefined) {
      const c = { ...rec };
      delete c[key];
      out.push(c as unknown as Op);
    }
  if (op.k === 'allow' && op.ranges.length > 0) out.push({ ...op, ranges: op.ranges.slice(1) });
  return out;
}

export function shrink(
  ops0: readonly Op[],
  first: Divergence,
  opts: RunOptions,
  budget: { maxRuns?: number; maxMs?: number } = {},
): ShrinkResult {
  const maxRuns = budget.maxRuns ?? 3000;
  const deadline = Date.now() + (budget.maxMs ?? 60_000);
  let runs = 0;
  let best = ops0.slice(0, first.index + 1);
  let bestDiv = first;
  const tryOps = (cand: Op[]): boolean => {
    if (runs >= maxRuns || Date.now() > deadline) return false;
    runs++;
    // long candidates: the full comparison every 4 ops (the final run pins the index down)
    const d = runSequence(cand, { ...opts, fullEvery: cand.length > 200 ? 4 : 1 }).divergence;
    if (d === null || !sameBug(d, first)) return false;
    best = cand.slice(0, d.index + 1);
    bestDiv = d;
    return true;
  };
  // chunks, halving down to single ops
  let chunk = Math.max(1, Math.ceil(best.length / 2));
  for (;;) {
    let progressed = false;
    for (let i = 0; i < best.length;) {
      const plain = best.slice(0, i).concat(best.slice(i + chunk));
      const moved = removeRenumbered(best, i, chunk);
      const same = JSON.stringify(moved) === JSON.stringify(plain);
      if (plain.length > 0 && ((!same && tryOps(moved)) || tryOps(plain))) progressed = true;
      else i += chunk;
    }
    if (!progressed) {
      if (chunk === 1) break;
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
    if (runs >= maxRuns || Date.now() > deadline) break;
  }
  // arguments
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < best.length; i++)
      for (const v of simpler(best[i])) {
        const cand = best.slice();
        cand[i] = v;
        if (tryOps(cand)) {
          changed = true;
          break;
        }
      }
    if (runs >= maxRuns || Date.now() > deadline) break;
  }
  return { ops: best, divergence: bestDiv, runs };
}
