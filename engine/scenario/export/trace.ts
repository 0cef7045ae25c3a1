/**
 * A run's timeline in the Chrome trace-event format (JSON object form), which
 * Perfetto (ui.perfetto.dev) and chrome://tracing open: every API call is a
 * complete event ('X', ts/dur in µs) on the "ops" thread, measured spans are
 * 'X' events on the "spans" thread, marks and driver warnings are instant
 * events ('i'), and every counter that moved is a counter track ('C') of its
 * cumulative value. One writer for `pfnlab run --trace`, `pfnlab show --trace`
 * and the app's export.
 */
import { COUNTER_NAMES, type CounterName } from '../../base/counters';
import type { ExportableRun } from './types';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'C' | 'M';
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  cat?: string;
  s?: 'g' | 'p' | 't';
  args?: Record<string, unknown>;
}

export interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, unknown>;
}

const PID = 1;
const OPS = 1;
const SPANS = 2;
const us = (ms: number): number => Math.round(ms * 1000);

export function toTrace(result: ExportableRun, fileName: string): TraceFile {
  const tl = result.timeline;
  const ev: TraceEvent[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid: PID, tid: 0, args: { name: `pfnlab ${fileName}` } },
    { name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid: OPS, args: { name: 'ops' } },
    { name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid: SPANS, args: { name: 'spans (lab.measure)' } },
  ];
  const cumulative = new Map<CounterName, number>(COUNTER_NAMES.map((n) => [n, 0]));
  for (const e of tl.events) {
    const args: Record<string, unknown> = { seq: e.seq, line: e.line, target: e.target, args: e.args };
    if (e.errno !== undefined) {
      args.errno = e.errno;
      args.message = e.message;
    } else if (e.result !== undefined) {
      args.result = e.result;
    }
    if (Object.keys(e.deltas).length > 0) args.deltas = e.deltas;
    ev.push({
      name: e.op,
      cat: e.errno ? 'op,error' : 'op',
      ph: 'X',
      ts: us(e.t),
      dur: us(e.dur),
      pid: PID,
      tid: OPS,
      args,
    });
    for (const w of e.warnings ?? []) {
      ev.push({
        name: 'driver warning',
        cat: 'warning',
        ph: 'i',
        s: 't',
        ts: us(e.t + e.dur),
        pid: PID,
        tid: OPS,
        args: { message: w, seq: e.seq },
      });
    }
    for (const [name, d] of Object.entries(e.deltas) as [CounterName, number][]) {
      const v = name === 'tempMemoryPeakBytes' ? d : (cumulative.get(name) ?? 0) + d;
      cumulative.set(name, v);
      ev.push({ name, cat: 'counter', ph: 'C', ts: us(e.t + e.dur), pid: PID, tid: OPS, args: { value: v } });
    }
  }
  for (const s of tl.spans) {
    ev.push({
      name: s.label,
      cat: 'span',
      ph: 'X',
      ts: us(s.t),
      dur: us(s.dur),
      pid: PID,
      tid: SPANS,
      args: { firstSeq: s.firstSeq, lastSeq: s.lastSeq, line: s.line, deltas: s.deltas },
    });
  }
  for (const m of tl.marks) {
    ev.push({
      name: m.label,
      cat: 'mark',
      ph: 'i',
      s: 'g',
      ts: us(m.t),
      pid: PID,
      tid: OPS,
      args: { seq: m.seq, line: m.line },
    });
  }
  return {
    traceEvents: ev,
    displayTimeUnit: 'ms',
    otherData: {
      file: fileName,
      ok: result.ok,
      ops: result.ops,
      wallMs: result.wallMs,
      error: result.error ?? null,
    },
  };
}
