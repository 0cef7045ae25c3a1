/**
 * The comparison: per script line, the engine's expectation against the
 * kernel's result line — ok vs err, errno names, and every value the
 * expectation names (IOVAs, lengths, ids, bytes, ranges, accounting). The
 * first divergence no allow-list rule explains ends the comparison: later
 * lines run on a kernel state the engine never had.
 */
import type { TimelineEvent } from '../../engine/scenario/timeline';
import { allowed } from './allow-list';
import { isFatal, type KernelLine, type KernelOutput } from './results';
import { canonical, shown } from './script-values';
import type { Expectation, ScriptLine, Translation } from './translate';

export interface Divergence {
  /** Timeline seq (0: a line of the translator's own preamble). */
  seq: number;
  op: string;
  line: number;
  column: number;
  /** The script line sent. */
  script: string;
  engine: string;
  kernel: string;
  /** What differs ('errno', 'IOVA', 'ok vs err', 'missing'). */
  what: string;
}

export interface AllowedDifference {
  seq: number;
  op: string;
  rule: string;
  doc: string;
  engine: string;
  kernel: string;
}

export interface Comparison {
  /** Lines compared (with an expectation), allowed differences included. */
  compared: number;
  divergence: Divergence | null;
  allowed: AllowedDifference[];
  /** Where a documented difference left the kernel in another state: nothing after it was compared. */
  parted?: { seq: number; op: string; rule: string };
}

export function describeExpect(e: Expectation | null): string {
  if (e === null) return 'ok (helper line)';
  if (!e.ok) return `err ${e.errno}`;
  const vals = e.values.map((v) => (v === null ? '*' : shown(v.v)));
  const keys = Object.entries(e.keys).map(([k, v]) => `${k}=${v.kind === 'num' ? shown(v.v) : v.v}`);
  return ['ok', ...vals, ...keys].join(' ');
}

function describeKernel(k: KernelLine | undefined): string {
  if (k === undefined) return '(no result line)';
  return k.text.replace(/^\d+ /, '');
}

/** What differs between an expectation and a kernel line, or null when they agree. */
export function differs(e: Expectation, k: KernelLine): string | null {
  if (isFatal(k)) return `driver fatal: ${k.fatal}`;
  if (e.ok !== k.ok) return e.ok ? 'engine ok, kernel err' : 'engine err, kernel ok';
  if (!e.ok && !k.ok) return e.errno === k.errno ? null : 'errno';
  if (e.ok && k.ok) {
    for (let i = 0; i < e.values.length; i++) {
      const ev = e.values[i];
      if (ev === null || ev === undefined) continue;
      const kv = k.values[i];
      if (kv === undefined) return `${ev.what} (missing in the kernel's line)`;
      if (canonical(ev.kind, ev.v) !== canonical(ev.kind, kv)) return ev.what;
    }
    for (const [key, ev] of Object.entries(e.keys)) {
      const kv = k.keys[key];
      if (kv === undefined) return `${key} (missing in the kernel's line)`;
      if (canonical(ev.kind, ev.v) !== canonical(ev.kind, kv)) return ev.what;
    }
  }
  return null;
}

export function compare(tr: Translation, out: KernelOutput, events: readonly TimelineEvent[]): Comparison {
  const pos = new Map<number, TimelineEvent>();
  for (const e of events) pos.set(e.seq, e);
  const res: Comparison = { compared: 0, divergence: null, allowed: [] };
  const diverge = (l: ScriptLine, k: KernelLine | undefined, what: string): Comparison => {
    const ev = pos.get(l.event);
    res.divergence = {
      seq: l.event,
      op: l.op,
      line: ev?.line ?? 0,
      column: ev?.column ?? 0,
      script: l.text,
      engine: describeExpect(l.expect),
      kernel: describeKernel(k),
      what,
    };
    return res;
  };
  for (const l of tr.lines) {
    const k = out.lines.get(l.seq);
    if (k === undefined) {
      const why =
        out.end === null ? 'the driver stopped without `end` (crash or time-out)' : 'no result line';
      return diverge(l, k, why);
    }
    if (l.expect === null) {
      if (isFatal(k) || !k.ok) return diverge(l, k, "the translator's own line failed");
      continue;
    }
    res.compared++;
    const d = differs(l.expect, k);
    if (d === null) continue;
    const rule = isFatal(k) ? null : allowed(l, l.expect, k);
    if (rule === null) return diverge(l, k, d);
    res.allowed.push({
      seq: l.event,
      op: l.op,
      rule: rule.id,
      doc: rule.doc,
      engine: describeExpect(l.expect),
      kernel: describeKernel(k),
    });
    if (rule.parts?.(k) === true) {
      res.parted = { seq: l.event, op: l.op, rule: rule.id };
      break;
    }
  }
  return res;
}
