/**
 * Recognise and read a study result file (engine/scenario/study-file/format.ts).
 * `isStudyText` is a cheap sniff (the documents and runs stores hand such a
 * text over to the study store); `readStudy` checks the shape the view relies
 * on and throws a StudyReadError naming what is wrong (first problem only).
 *
 * Until engine/scenario/study-file/parse.ts (the validating reader, S2) lands,
 * this is the view's own reader; it checks only what the view reads.
 */
import type { StudyCell, StudyFile } from '../../engine/scenario/study-file/format';

export class StudyReadError extends Error {}

/** Whether a text looks like a study result (its `format` field), without parsing it all when the head says so. */
export function isStudyText(text: string): boolean {
  const t = text.trimStart();
  if (!t.startsWith('{')) return false;
  if (/"format"\s*:\s*"pfnlab-study"/.test(t.slice(0, 4096))) return true;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === 'pfnlab-study';
  } catch {
    return false;
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(msg: string): never {
  throw new StudyReadError(msg);
}

function num(o: Obj, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where ? `${where}.` : ''}${key} is not a number`);
  return v;
}

function str(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${where ? `${where}.` : ''}${key} is not a string`);
  return v;
}

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
const STATUSES = ['ok', 'skipped', 'error'];

function checkCell(c: unknown, i: number): StudyCell {
  const w = `cells[${i}]`;
  if (!isObj(c)) fail(`${w} is not an object`);
  str(c, 'strategy', w);
  str(c, 'backing', w);
  str(c, 'operation', w);
  num(c, 'domains', w);
  num(c, 'size', w);
  const status = str(c, 'status', w);
  if (!STATUSES.includes(status)) fail(`${w}.status is "${status}" (ok, skipped or error)`);
  if (c['reason'] !== undefined && typeof c['reason'] !== 'string') fail(`${w}.reason is not a string`);
  // a skipped cell may carry zeros; the numbers must still be numbers
  for (const k of ['wallMs', 'floorMs', 'repeats', 'tempMemoryPeakBytes', 'engineBytes']) num(c, k, w);
  const counters = c['counters'];
  if (!isObj(counters)) fail(`${w}.counters is not an object`);
  for (const k of COUNTERS) num(counters, k, `${w}.counters`);
  return c as unknown as StudyCell;
}

/** Parse and check a study file; throws StudyReadError naming the first problem. */
export function readStudy(text: string): StudyFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    fail(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObj(v)) fail('not a JSON object');
  if (v['format'] !== 'pfnlab-study') fail(`format is ${JSON.stringify(v['format'])}, not "pfnlab-study"`);
  if (v['version'] !== 1)
    fail(`version ${JSON.stringify(v['version'])} is not supported (this app reads version 1)`);
  str(v, 'createdAt', '');
  str(v, 'engineVersion', '');
  str(v, 'mode', '');
  num(v, 'wallMs', '');
  const m = v['machine'];
  if (!isObj(m)) fail('machine is not an object');
  num(m, 'cpus', 'machine');
  str(m, 'cpuModel', 'machine');
  const axes = v['axes'];
  if (!isObj(axes)) fail('axes is not an object');
  for (const k of ['strategies', 'domains', 'backings', 'sizes', 'operations'])
    if (!Array.isArray(axes[k])) fail(`axes.${k} is not a list`);
  const cells = v['cells'];
  if (!Array.isArray(cells)) fail('cells is not a list');
  cells.forEach(checkCell);
  return v as unknown as StudyFile;
}
