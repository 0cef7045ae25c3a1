/**
 * PFN layout files: the physical frames behind a range of a real process's
 * memory, as `pfnlab capture` writes them (format in docs/LAYOUT-FORMAT.md).
 * `parseLayout` validates a file (its JSON text or the parsed object) into
 * run arrays; nothing here is per page. Pure: no I/O.
 */
import { fail, PAGE_SIZE } from '../base';

export const LAYOUT_FORMAT = 'pfnlab-layout';
export const LAYOUT_VERSION = 1;
/** Run flags. Every run lists present pages only, so LAYOUT_PRESENT is always set. */
export const LAYOUT_PRESENT = 1;
/** The pages are part of a transparent huge page (kpageflags THP). */
export const LAYOUT_THP = 2;
/** The pages are part of a hugetlb page (kpageflags HUGE). */
export const LAYOUT_HUGETLB = 4;
const KNOWN_FLAGS = LAYOUT_PRESENT | LAYOUT_THP | LAYOUT_HUGETLB;
/** pagemap's PFN field is 55 bits. */
const MAX_PFN = 2 ** 55;
/** The largest alignment rebasing keeps (a 1 GiB page), in pages. */
export const LAYOUT_MAX_ALIGN = 2 ** 18;

/** The JSON shape of a layout file, version 1. */
export interface LayoutFile {
  format: typeof LAYOUT_FORMAT;
  version: number;
  pageSize: number;
  /** Virtual address of page 0, hex ("0x7f12a4000000"). */
  start: string;
  /** Pages covered, present or not. */
  pages: number;
  /** [first virtual page offset, first PFN, count, flags], sorted by offset, disjoint. */
  runs: [number, number, number, number][];
  /** Free-form provenance (pid, command, host, capturedAt, note). */
  source?: Record<string, unknown>;
}

/** A validated layout: runs in virtual order, maximal (neighbours never merge). */
export interface PfnLayout {
  readonly pages: number;
  /** Virtual page number of page 0 modulo LAYOUT_MAX_ALIGN (huge-page phase). */
  readonly startPhase: number;
  readonly nruns: number;
  readonly vpage: Float64Array;
  readonly pfn: Float64Array;
  readonly count: Float64Array;
  readonly flags: Uint8Array;
  /** Present pages (sum of counts). */
  readonly frames: number;
}

function bad(path: string, what: string): never {
  fail('EINVAL', `layout: ${path}: ${what}`);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    bad(path, `expected an integer, got ${typeof v === 'number' ? v : typeName(v)}`);
  if (v < min || v > max) bad(path, `${v} outside [${min}, ${max}]`);
  return v;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const at = m ? Number(m[1]) : -1;
    const truncated = at >= text.trimEnd().length - 1 || /end of (JSON )?input/i.test(msg);
    fail(
      'EINVAL',
      truncated
        ? `layout: not JSON (truncated at byte ${text.length}?)`
        : `layout: not JSON (${at >= 0 ? `at byte ${at}` : msg})`,
    );
  }
}

/** The start address's page number modulo LAYOUT_MAX_ALIGN. */
function startPhaseOf(start: unknown): number {
  if (typeof start !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(start))
    bad('start', `expected a hex address string like "0x7f0000000000", got ${typeName(start)}`);
  const addr = BigInt(start);
  if (addr % BigInt(PAGE_SIZE) !== 0n) bad('start', `${start} is not page aligned`);
  return Number((addr / BigInt(PAGE_SIZE)) % BigInt(LAYOUT_MAX_ALIGN));
}

/** Validate a layout file (JSON text or parsed) into runs; EINVAL naming the field at fault. */
export function parseLayout(input: unknown): PfnLayout {
  const o = typeof input === 'string' ? parseJson(input) : input;
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    bad('(top)', `expected an object, got ${typeName(o)}`);
  const r = o as Record<string, unknown>;
  if (r.format !== LAYOUT_FORMAT)
    bad('format', `expected "${LAYOUT_FORMAT}", got ${JSON.stringify(r.format) ?? 'nothing'}`);
  const version = int(r.version, 'version', 1, Number.MAX_SAFE_INTEGER);
  if (version > LAYOUT_VERSION)
    bad('version', `made by a newer PFN Lab (layout version ${version}; this one reads ${LAYOUT_VERSION})`);
  if (r.pageSize !== PAGE_SIZE)
    bad('pageSize', `expected ${PAGE_SIZE}, got ${JSON.stringify(r.pageSize) ?? 'nothing'}`);
  const startPhase = startPhaseOf(r.start);
  const pages = int(r.pages, 'pages', 1, 2 ** 40);
  if (!Array.isArray(r.runs)) bad('runs', `expected an array, got ${typeName(r.runs)}`);
  const src = r.runs as unknown[];
  const n = src.length;
  const vpage = new Float64Array(n);
  const pfn = new Float64Array(n);
  const count = new Float64Array(n);
  const flags = new Uint8Array(n);
  let k = 0;
  let frames = 0;
  let nonZero = false;
  for (let i = 0; i < n; i++) {
    const e = src[i];
    const p = `runs[${i}]`;
    if (!Array.isArray(e) || e.length !== 4)
      bad(p, `expected [offset, pfn, count, flags], got ${typeName(e)}`);
    const v = int(e[0], `${p}[0]`, 0, pages - 1);
    const f = int(e[1], `${p}[1]`, 0, MAX_PFN - 1);
    const c = int(e[2], `${p}[2]`, 1, pages - v);
    const fl = int(e[3], `${p}[3]`, 0, 255);
    if ((fl & LAYOUT_PRESENT) === 0)
      bad(`${p}[3]`, 'a run lists present pages: flag 1 (present) must be set');
    if ((fl & ~KNOWN_FLAGS) !== 0) bad(`${p}[3]`, `unknown flag bits ${fl & ~KNOWN_FLAGS}`);
    if (f + c > MAX_PFN) bad(`${p}[2]`, 'run passes the 55-bit PFN limit');
    if (k > 0) {
      const end = vpage[k - 1] + count[k - 1];
      if (v < end) bad(`${p}[0]`, `offset ${v} overlaps or precedes the previous run (which ends at ${end})`);
      // normalise: a run continuing the previous one virtually and physically joins it
      if (v === end && f === pfn[k - 1] + count[k - 1] && fl === flags[k - 1]) {
        count[k - 1] += c;
        frames += c;
        continue;
      }
    }
    if (f !== 0) nonZero = true;
    vpage[k] = v;
    pfn[k] = f;
    count[k] = c;
    flags[k] = fl;
    frames += c;
    k++;
  }
  if (k > 0 && !nonZero)
    bad('runs', 'every PFN is 0: the capture ran without CAP_SYS_ADMIN (/proc/PID/pagemap hides PFNs)');
  checkDisjointFrames(pfn, count, k);
  return {
    pages,
    startPhase,
    nruns: k,
    vpage: vpage.slice(0, k),
    pfn: pfn.slice(0, k),
    count: count.slice(0, k),
    flags: flags.slice(0, k),
    frames,
  };
}

/** Run indexes in ascending PFN order. */
export function byPfn(layout: Pick<PfnLayout, 'pfn' | 'nruns'>): Uint32Array {
  const order = new Uint32Array(layout.nruns);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const pfn = layout.pfn;
  order.sort((a, b) => pfn[a] - pfn[b]);
  return order;
}

function checkDisjointFrames(pfn: Float64Array, count: Float64Array, n: number): void {
  const order = byPfn({ pfn, nruns: n });
  for (let j = 1; j < n; j++) {
    const a = order[j - 1];
    const b = order[j];
    if (pfn[b] < pfn[a] + count[a])
      bad(`runs[${b}]`, `frames ${pfn[b]}… also back another run (one frame mapped twice is not supported)`);
  }
}
