/**
 * The parameter names and option keys of every recorded lab call, as
 * api/lab.d.ts declares them (tests/bad-input/signatures.test.ts keeps the
 * two equal, so a method or option added to lab.d.ts fails that test until
 * it is listed here). The recorder uses them to name the argument at fault
 * ("ioas.map: opts.iovaa: unknown option (did you mean 'iova'?)") and to
 * refuse what the engine would otherwise ignore: an options argument that
 * is not an object, an unknown or misspelled option key, a non-boolean
 * boolean option. Everything else is validated by the engine objects.
 */
import { LabError } from '../../base/errno';

/** 'boolean': must be a boolean when present; 'value': checked by the engine. */
export type OptionKind = 'boolean' | 'value';

export interface Signature {
  params: readonly string[];
  /** Options arguments by parameter index: their keys. */
  options?: Readonly<Record<number, Readonly<Record<string, OptionKind>>>>;
  /** Arguments that are arrays of records (allowIovas' ranges), by parameter index: the records' keys. */
  records?: Readonly<Record<number, Readonly<Record<string, OptionKind>>>>;
}

const PROCESS_OPT = { process: 'value' } as const;
const MAP_OPTS = { iova: 'value', read: 'boolean', write: 'boolean', process: 'value' } as const;
const SLOW_PATH = { slowPath: 'boolean' } as const;

export const SIGNATURES: Readonly<Record<string, Signature>> = {
  'lab.configure': {
    params: ['opts'],
    options: {
      0: {
        physicalMemory: 'value',
        fragmentation: 'value',
        seed: 'value',
        hugetlbPages2M: 'value',
        hugetlbPages1G: 'value',
        strategy: 'value',
      },
    },
  },
  'lab.layout': { params: ['source'] },
  'lab.open': { params: ['opts'], options: { 0: PROCESS_OPT } },
  'lab.checkRefs': { params: ['uptr', 'length', 'refs', 'opts'], options: { 3: PROCESS_OPT } },
  'lab.pinCount': { params: ['uptr', 'opts'], options: { 1: PROCESS_OPT } },
  'lab.setTempMemoryLimit': { params: ['bytes'] },
  'lab.failNth': { params: ['n'] },
  'lab.faultConsumed': { params: [] },
  'lab.checkInvariants': { params: [] },
  'process.mmap': {
    params: ['length', 'opts'],
    options: {
      1: {
        shared: 'boolean',
        hugetlb: 'value',
        thp: 'boolean',
        populate: 'boolean',
        file: 'boolean',
        readOnly: 'boolean',
        align: 'value',
        layout: 'value',
        layoutBase: 'value',
      },
    },
  },
  'process.munmap': { params: ['uptr', 'length'] },
  'process.read': { params: ['uptr', 'length'] },
  'process.write': { params: ['uptr', 'data'] },
  'process.fork': { params: [] },
  'process.exit': { params: [] },
  'process.memlockLimit': { params: ['memlockLimit'] },
  'process.capIpcLock': { params: ['capIpcLock'] },
  'process.capSysResource': { params: ['capSysResource'] },
  'process.accounting': { params: [] },
  'iommufd.ioasAlloc': { params: [] },
  'iommufd.getOption': { params: ['name'] },
  'iommufd.setOption': { params: ['name', 'value'] },
  'iommufd.createAccess': {
    params: ['ioas', 'opts'],
    options: { 1: { needsPinPages: 'boolean', onUnmap: 'value' } },
  },
  'iommufd.close': { params: [] },
  'ioas.map': { params: ['uptr', 'length', 'opts'], options: { 2: MAP_OPTS } },
  'ioas.unmap': { params: ['iova', 'length'] },
  'ioas.copyFrom': { params: ['src', 'srcIova', 'length', 'opts'], options: { 3: MAP_OPTS } },
  'ioas.iovaRanges': { params: ['capacity'] },
  'ioas.allowIovas': { params: ['ranges'], records: { 0: { start: 'value', last: 'value' } } },
  'ioas.addReserved': { params: ['start', 'length'] },
  'ioas.getOption': { params: ['name'] },
  'ioas.setOption': { params: ['name', 'value'] },
  'ioas.attachDomain': {
    params: ['opts'],
    options: { 0: { kind: 'value', format: 'value', pageSizes: 'value', batchApi: 'boolean' } },
  },
  'ioas.destroy': { params: [] },
  'domain.checkMap': { params: ['iova', 'length', 'uptr', 'opts'], options: { 3: PROCESS_OPT } },
  'domain.iovaToPhys': { params: ['iova'] },
  'domain.detach': { params: [] },
  'domain.stats': { params: [] },
  'access.pin': { params: ['iova', 'length', 'opts'], options: { 2: { write: 'boolean', uptr: 'value' } } },
  'access.unpin': { params: ['item'] },
  'access.read': { params: ['iova', 'length', 'opts'], options: { 2: SLOW_PATH } },
  'access.write': { params: ['iova', 'data', 'opts'], options: { 2: SLOW_PATH } },
  'access.close': { params: [] },
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object' || typeof v === 'function') return `a ${typeof v}`;
  return String(v);
}

/** Edit distance, for "did you mean" (keys are short). */
function distance(a: string, b: string): number {
  const prev: number[] = [];
  for (let j = 0; j <= b.length; j++) prev.push(j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] as number;
}

function suggestion(key: string, keys: string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const k of keys) {
    const d = distance(key, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

/** The name of argument i of op, for messages. */
export function paramName(op: string, i: number): string {
  return SIGNATURES[op]?.params[i] ?? `argument ${i + 1}`;
}

/**
 * Check an options argument (already copied in: plain data and engine
 * objects): undefined and null mean none; anything else must be a plain
 * object of known keys, boolean options booleans. An array of records
 * (`records`): each element's keys likewise (the engine checks the rest).
 */
export function checkOptions(op: string, i: number, v: unknown): void {
  const sig = SIGNATURES[op];
  const records = sig?.records?.[i];
  if (records !== undefined && Array.isArray(v)) {
    v.forEach((x, j) => {
      if (typeof x === 'object' && x !== null && !Array.isArray(x))
        checkKeys(op, `${paramName(op, i)}[${j}]`, x, records);
    });
  }
  const keys = sig?.options?.[i];
  if (keys === undefined || v === undefined || v === null) return;
  const name = paramName(op, i);
  const proto: unknown = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (typeof v !== 'object' || Array.isArray(v) || (proto !== Object.prototype && proto !== null)) {
    throw new LabError('EINVAL', `${op}: ${name} must be an options object, got ${describe(v)}`);
  }
  checkKeys(op, name, v, keys);
}

function checkKeys(op: string, name: string, v: object, keys: Readonly<Record<string, OptionKind>>): void {
  const known = Object.keys(keys);
  for (const k of Object.keys(v)) {
    const kind = keys[k];
    if (kind === undefined) {
      throw new LabError(
        'EINVAL',
        `${op}: ${name}.${k}: unknown key${suggestion(k, known)}; known: ${known.join(', ')}`,
      );
    }
    const x = (v as Record<string, unknown>)[k];
    if (kind === 'boolean' && x !== undefined && typeof x !== 'boolean') {
      throw new LabError('EINVAL', `${op}: ${name}.${k} must be a boolean, got ${describe(x)}`);
    }
  }
}
