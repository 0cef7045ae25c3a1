/**
 * parseStudyFile(text): a study result (format.ts), or a LabError EINVAL
 * whose message names the field at fault ("cells[12].counters.pteWrites:
 * expected an integer, got string"), says the text is not JSON (truncated?),
 * not a study file, or made by a newer PFN Lab. Every field is checked and
 * the result is rebuilt from checked values only (unknown fields dropped).
 */
import { LabError } from '../../base/errno';
import { Reader, type Obj } from '../run-file/reader';
import {
  STUDY_CELL_STATUSES,
  STUDY_FILE_FORMAT,
  STUDY_FILE_VERSION,
  STUDY_OPERATIONS,
  STUDY_STRATEGIES,
  STUDY_SYNTHETIC_BACKINGS,
  type StudyBacking,
  type StudyCell,
  type StudyCellCounters,
  type StudyFile,
  type StudyMachineOptions,
} from './format';

/** Bounds on untrusted input (a full sweep is ~1 500 cells, ~1 MiB). */
export const STUDY_FILE_LIMITS = { textChars: 64 * 2 ** 20, cells: 100_000, items: 1_000, string: 4_000 };
const L = STUDY_FILE_LIMITS;

const einval = (message: string): LabError => new LabError('EINVAL', message);

const COUNTERS = [
  'iommuMapCalls',
  'iommuUnmapCalls',
  'iovaToPhysCalls',
  'pteWrites',
  'pinCalls',
  'pagesPinned',
  'pagesUnpinned',
  'readPfnsCalls',
  'mapPfnListCalls',
] as const;
const OPTIONAL_COUNTERS = ['ioPagesMapped', 'ioPagesUnmapped'] as const;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (text.trim() === '') throw einval('not JSON (the file is empty)');
    const at = /position (\d+)/.exec(msg);
    const pos = at ? Number(at[1]) : null;
    if (/end of JSON input/.test(msg) || (pos !== null && pos >= text.trimEnd().length))
      throw einval(`not JSON (truncated at character ${text.length}?)`);
    throw einval(`not JSON (${msg.slice(0, 120)})`);
  }
}

/** Whether the text starts like a study file (format first, as the writer puts it). */
export function looksLikeStudyFile(text: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"pfnlab-study"/.test(text.slice(0, 200));
}

function readBacking(r: Reader, v: unknown, key?: string | number): StudyBacking {
  const s = r.strValue(v, key, 200);
  if ((STUDY_SYNTHETIC_BACKINGS as readonly string[]).includes(s)) return s as StudyBacking;
  if (/^layout:.+/.test(s)) return s as StudyBacking;
  return r.fail(
    `expected one of ${STUDY_SYNTHETIC_BACKINGS.join(', ')} or layout:NAME, got ${JSON.stringify(s.slice(0, 40))}`,
    key,
  );
}

function readCounters(r: Reader, v: unknown): StudyCellCounters {
  const o = r.obj(v);
  const c = {} as StudyCellCounters;
  for (const k of COUNTERS) c[k] = r.int(o, k);
  for (const k of OPTIONAL_COUNTERS) if (r.field(o, k) !== undefined) c[k] = r.int(o, k);
  return c;
}

function readMachineOptions(r: Reader, v: unknown): StudyMachineOptions {
  const o = r.obj(v);
  const fragmentation = r.num(o, 'fragmentation', 0);
  if (fragmentation > 1) r.fail(`expected a number in 0..1, got ${fragmentation}`, 'fragmentation');
  return {
    physicalMemory: r.int(o, 'physicalMemory', 1),
    fragmentation,
    hugetlbPages2M: r.int(o, 'hugetlbPages2M'),
    hugetlbPages1G: r.int(o, 'hugetlbPages1G'),
  };
}

function readCell(r: Reader, v: unknown): StudyCell {
  const o = r.obj(v);
  const cell: StudyCell = {
    strategy: r.oneOf(o, 'strategy', STUDY_STRATEGIES),
    domains: r.int(o, 'domains', 0, 1024),
    backing: readBacking(r, r.field(o, 'backing'), 'backing'),
    size: r.int(o, 'size', 1),
    operation: r.oneOf(o, 'operation', STUDY_OPERATIONS),
    status: r.oneOf(o, 'status', STUDY_CELL_STATUSES),
    wallMs: r.num(o, 'wallMs', 0),
    floorMs: r.num(o, 'floorMs', 0),
    repeats: r.int(o, 'repeats'),
    counters: r.in('counters', () => readCounters(r, r.field(o, 'counters'))),
    tempMemoryPeakBytes: r.int(o, 'tempMemoryPeakBytes'),
    engineBytes: r.int(o, 'engineBytes'),
  };
  if (r.field(o, 'reason') !== undefined) cell.reason = r.str(o, 'reason', L.string);
  else if (cell.status !== 'ok') r.fail(`a cell that is '${cell.status}' needs a reason`, 'reason');
  if (cell.status === 'ok' && cell.repeats < 1) r.fail('an ok cell ran at least once', 'repeats');
  if (r.field(o, 'pages') !== undefined) cell.pages = r.int(o, 'pages');
  if (r.field(o, 'physRuns') !== undefined) cell.physRuns = r.int(o, 'physRuns');
  if (r.field(o, 'samplesMs') !== undefined)
    cell.samplesMs = r.arr(o, 'samplesMs', L.items, (x) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
        r.fail(`expected a time ≥ 0, got ${typeof x === 'number' ? x : typeof x}`);
      return x;
    });
  if (r.field(o, 'warnings') !== undefined)
    cell.warnings = r.arr(o, 'warnings', L.items, (x) => r.strValue(x, undefined, L.string));
  if (r.field(o, 'machineOptions') !== undefined)
    cell.machineOptions = r.in('machineOptions', () => readMachineOptions(r, r.field(o, 'machineOptions')));
  return cell;
}

function readAxes(r: Reader, v: unknown): StudyFile['axes'] {
  const o = r.obj(v);
  return {
    strategies: r.arr(o, 'strategies', L.items, (x) => {
      const s = r.strValue(x, undefined, 40);
      if (!(STUDY_STRATEGIES as readonly string[]).includes(s))
        r.fail(`expected one of ${STUDY_STRATEGIES.join(', ')}, got ${JSON.stringify(s)}`);
      return s as StudyFile['axes']['strategies'][number];
    }),
    domains: r.arr(o, 'domains', L.items, (x) => r.intValue(x)),
    backings: r.arr(o, 'backings', L.items, (x) => readBacking(r, x)),
    sizes: r.arr(o, 'sizes', L.items, (x) => r.intValue(x, undefined, 1)),
    operations: r.arr(o, 'operations', L.items, (x) => {
      const s = r.strValue(x, undefined, 40);
      if (!(STUDY_OPERATIONS as readonly string[]).includes(s))
        r.fail(`expected one of ${STUDY_OPERATIONS.join(', ')}, got ${JSON.stringify(s)}`);
      return s as StudyFile['axes']['operations'][number];
    }),
  };
}

export function parseStudyFile(text: string): StudyFile {
  if (typeof text !== 'string') throw einval('not a PFN Lab study file (not text)');
  if (text.length > L.textChars) throw einval(`the file is larger than ${L.textChars / 2 ** 20} MiB`);
  const top = parseJson(text);
  if (
    typeof top !== 'object' ||
    top === null ||
    Array.isArray(top) ||
    (top as Obj).format !== STUDY_FILE_FORMAT
  )
    throw einval(`not a PFN Lab study file (no "format": "${STUDY_FILE_FORMAT}")`);
  const o = top as Obj;
  const r = new Reader();
  const version: unknown = o.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    return r.fail(
      `expected a format version (a positive integer), got ${JSON.stringify(version) ?? 'nothing'}`,
      'version',
    );
  if (version > STUDY_FILE_VERSION)
    throw einval(`made by a newer PFN Lab (study format ${version}; this one reads ${STUDY_FILE_VERSION})`);
  const createdAt = r.str(o, 'createdAt', 64);
  if (!Number.isFinite(Date.parse(createdAt)))
    r.fail(`expected an ISO date, got ${JSON.stringify(createdAt)}`, 'createdAt');
  const machine = r.in('machine', () => {
    const m = r.obj(r.field(o, 'machine'));
    return {
      cpus: r.int(m, 'cpus'),
      cpuModel: r.str(m, 'cpuModel', 400),
      node: r.str(m, 'node', 100),
      platform: r.str(m, 'platform', 100),
      workers: r.int(m, 'workers'),
    };
  });
  const file: StudyFile = {
    format: STUDY_FILE_FORMAT,
    version: STUDY_FILE_VERSION,
    createdAt,
    engineVersion: r.str(o, 'engineVersion', 64),
    mode: r.oneOf(o, 'mode', ['quick', 'full', 'custom'] as const),
    machine,
    axes: r.in('axes', () => readAxes(r, r.field(o, 'axes'))),
    cells: r.arr(o, 'cells', L.cells, (c) => readCell(r, c)),
    wallMs: r.num(o, 'wallMs', 0),
  };
  if (r.field(o, 'timeLimitMs') !== undefined) file.timeLimitMs = r.num(o, 'timeLimitMs', 0);
  if (r.field(o, 'notes') !== undefined)
    file.notes = r.arr(o, 'notes', L.items, (x) => r.strValue(x, undefined, L.string));
  return file;
}
