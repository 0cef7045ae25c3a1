/**
 * Compact text of a timeline row: arguments and results (bigints and big
 * numbers as hex — they are IOVAs, addresses and sizes), durations and the
 * counters an event moved (`pins +256 map +1`).
 */
import type { TimelineEvent } from '../../electron/shared/lab-api';
import type { CounterName } from '../../engine/base/counters';
import type { Json } from '../../engine/scenario/facade/values';

/** Integers from here up are shown in hex. */
const HEX_FROM = 0x10000;

function hex(n: bigint | number): string {
  return `0x${n.toString(16)}`;
}

/** One JSON value of an argument or result, compactly. */
export function formatValue(v: Json, depth = 0): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && Math.abs(v) >= HEX_FROM ? (v < 0 ? `-${hex(-v)}` : hex(v)) : String(v);
    case 'boolean':
      return String(v);
    case 'string': {
      // The timeline writes bigints as "123n".
      if (/^-?\d+n$/.test(v)) {
        const b = BigInt(v.slice(0, -1));
        return b >= BigInt(HEX_FROM) ? hex(b) : b <= -BigInt(HEX_FROM) ? `-${hex(-b)}` : b.toString();
      }
      // Object labels ('ioas 1') read as names; other strings are quoted.
      return /^[a-z]+ \d+$/.test(v) ? v : JSON.stringify(v);
    }
    default:
      break;
  }
  if (depth >= 2) return Array.isArray(v) ? '[…]' : '{…}';
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, depth + 1)).join(', ')}]`;
  const parts = Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x, depth + 1)}`);
  return `{${parts.join(', ')}}`;
}

/** The arguments of a call, cut to `max` characters. */
export function formatArgs(args: readonly Json[], max = 120): string {
  const s = args.map((a) => formatValue(a)).join(', ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The result column: the errno of a failed call, else the result ('' for none). */
export function formatResult(e: Pick<TimelineEvent, 'errno' | 'result'>): string {
  if (e.errno !== undefined) return e.errno;
  if (e.result === undefined) return '';
  const s = formatValue(e.result);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatBytes(n: number): string {
  const a = Math.abs(n);
  if (a < 1024) return `${n} B`;
  if (a < 1024 ** 2) return `${+(n / 1024).toFixed(1)} KiB`;
  if (a < 1024 ** 3) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${+(n / 1024 ** 3).toFixed(1)} GiB`;
}

/** Short names of the counters, in the order a row lists them (most telling first). */
export const DELTA_ORDER: readonly [CounterName, string][] = [
  ['pagesPinned', 'pins'],
  ['pagesUnpinned', 'unpins'],
  ['iommuMapCalls', 'map'],
  ['iommuUnmapCalls', 'unmap'],
  ['iovaToPhysCalls', 'iova2phys'],
  ['ioPagesMapped', 'ioMapped'],
  ['ioPagesUnmapped', 'ioUnmapped'],
  ['xarrayStores', 'xaStore'],
  ['xarrayErases', 'xaErase'],
  ['pinCalls', 'pinCalls'],
  ['batchRuns', 'batchRuns'],
  ['batchPfns', 'batchPfns'],
  ['readPfnsCalls', 'readPfns'],
  ['mapPfnListCalls', 'mapPfnList'],
  ['pteWrites', 'pte'],
  ['iotlbFlushes', 'flush'],
  ['pageFaults', 'faults'],
  ['cowBreaks', 'cow'],
  ['framesAllocated', 'alloc'],
  ['framesFreed', 'freed'],
  ['rwBytes', 'rw'],
  ['tempMemoryPeakBytes', 'tmpPeak'],
  ['faultsInjected', 'injected'],
  ['warnings', 'warn'],
];

function deltaText(name: CounterName, short: string, v: number): string {
  if (name === 'tempMemoryPeakBytes') return `${short} ${formatBytes(v)}`;
  if (name === 'rwBytes') return `${short} ${v > 0 ? '+' : ''}${formatBytes(v)}`;
  return `${short} ${v > 0 ? '+' : ''}${v}`;
}

/** `pins +256 map +1`: up to `max` moved counters, with `…` when there are more. */
export function formatDeltas(deltas: TimelineEvent['deltas'], max = 4): string {
  const parts: string[] = [];
  let more = false;
  for (const [name, short] of DELTA_ORDER) {
    const v = deltas[name];
    if (v === undefined || v === 0) continue;
    if (parts.length >= max) {
      more = true;
      break;
    }
    parts.push(deltaText(name, short, v));
  }
  return more ? `${parts.join(' ')} …` : parts.join(' ');
}

/** Every moved counter with its full name, one per line (the row's tooltip). */
export function describeDeltas(deltas: TimelineEvent['deltas']): string {
  const lines: string[] = [];
  for (const [name] of DELTA_ORDER) {
    const v = deltas[name];
    if (v !== undefined && v !== 0)
      lines.push(`${name} ${v > 0 && name !== 'tempMemoryPeakBytes' ? '+' : ''}${v}`);
  }
  return lines.join('\n');
}

/** `1 234 567`: a count with its thousands spaced. */
export function formatCount(n: number): string {
  const s = String(Math.trunc(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/**
 * The target column: `#13` when the op already names the object's type
 * (`domain.stats` on `domain 13`), else the target as recorded.
 */
export function formatTarget(op: string, target: string): string {
  const sp = target.lastIndexOf(' ');
  if (sp < 0) return target;
  const type = target.slice(0, sp);
  return op.startsWith(`${type}.`) ? `#${target.slice(sp + 1)}` : target;
}
