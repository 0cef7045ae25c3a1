/**
 * Reading the real PFNs behind a process's memory: /proc/PID/maps for the
 * VMAs, /proc/PID/pagemap (8 bytes per virtual page: bit 63 present, bits
 * 0–54 the PFN) for the frames, /proc/kpageflags (8 bytes per PFN) for THP
 * (bit 22), hugetlb (bit 17) and the zero page (bit 24, left out: it backs
 * nothing). The result is a layout file (engine/mm/layout.ts), runs only;
 * pages are read in chunks into one reused buffer.
 *
 * Without CAP_SYS_ADMIN the kernel reports PFNs as 0 and kpageflags cannot be
 * opened: CaptureError says so. `procRoot` points the reader at another
 * tree (tests simulate /proc with it).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { LAYOUT_HUGETLB, LAYOUT_PRESENT, LAYOUT_THP, type LayoutFile } from '../../engine/mm/layout';

const PAGE = 4096;
const KPF_HUGE = 17;
const KPF_THP = 22;
const KPF_ZERO_PAGE = 24;
/** Pagemap entries read per syscall. */
const CHUNK = 65536;
const HUGE_2M = 512;

export class CaptureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureError';
  }
}

export const NO_PFN_HINT =
  'PFNs read as 0: /proc/PID/pagemap shows PFNs only to CAP_SYS_ADMIN (run the capture as root, e.g. sudo pfnlab capture …)';

export interface Vma {
  start: number;
  end: number;
  perms: string;
  path: string;
}

export interface CaptureOptions {
  pid: number;
  /** [start, end) bytes; default every VMA, laid end to end (`packed`). */
  range?: { start: number; end: number };
  procRoot?: string;
  /** Recorded in source.command. */
  command?: string;
  /** Extra provenance merged into source. */
  source?: Record<string, unknown>;
}

export interface CaptureResult {
  layout: LayoutFile;
  warnings: string[];
}

/** VMAs the pagemap can describe ([vsyscall] lies above the user range; [vvar] maps no struct pages). */
const SKIP = new Set(['[vsyscall]', '[vvar]', '[vvar_vclock]']);

export function readMaps(procRoot: string, pid: number): Vma[] {
  const text = readProc(join(procRoot, String(pid), 'maps'), pid);
  const out: Vma[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(line);
    if (!m) continue;
    const start = parseInt(m[1], 16);
    const end = parseInt(m[2], 16);
    if (!Number.isSafeInteger(end) || SKIP.has(m[4])) continue;
    out.push({ start, end, perms: m[3], path: m[4] });
  }
  return out;
}

function readProc(path: string, pid: number): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CaptureError(`cannot read ${path}: ${errCode(e)}${hint(e, pid)}`);
  }
}

function errCode(e: unknown): string {
  return (e as { code?: string }).code ?? String(e);
}

function hint(e: unknown, pid: number): string {
  const code = errCode(e);
  if (code === 'ENOENT') return ` (no process ${pid}?)`;
  if (code === 'EACCES' || code === 'EPERM')
    return " (reading another user's pagemap needs ptrace access; its PFNs need CAP_SYS_ADMIN: run as root)";
  return '';
}

function openProc(path: string, pid: number): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw new CaptureError(`cannot open ${path}: ${errCode(e)}${hint(e, pid)}`);
  }
}

/** Runs under construction, virtual order: [offset, pfn, count, flags] flattened. */
class RunList {
  readonly runs: [number, number, number, number][] = [];
  push(off: number, pfn: number, flags: number): void {
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last[0] + last[2] === off && last[1] + last[2] === pfn && last[3] === flags)
      last[2]++;
    else this.runs.push([off, pfn, 1, flags]);
  }
}

export function captureLayout(opts: CaptureOptions): CaptureResult {
  const root = opts.procRoot ?? '/proc';
  const pid = opts.pid;
  const vmas = readMaps(root, pid);
  const warnings: string[] = [];
  // the pieces to read: [vstart, vend) at layout page offset `off`
  const pieces: { start: number; end: number; off: number; vma: Vma }[] = [];
  let start: number;
  let pages: number;
  if (opts.range !== undefined) {
    start = Math.floor(opts.range.start / PAGE) * PAGE;
    const end = Math.ceil(opts.range.end / PAGE) * PAGE;
    if (end <= start) throw new CaptureError(`empty range ${hex(opts.range.start)}-${hex(opts.range.end)}`);
    pages = (end - start) / PAGE;
    for (const v of vmas) {
      const s = Math.max(v.start, start);
      const e = Math.min(v.end, end);
      if (s < e) pieces.push({ start: s, end: e, off: (s - start) / PAGE, vma: v });
    }
    if (pieces.length === 0)
      throw new CaptureError(`no mapping of process ${pid} in ${hex(start)}-${hex(end)}`);
  } else {
    // whole process: VMAs end to end, each at an offset with its 2 MiB phase
    if (vmas.length === 0) throw new CaptureError(`process ${pid} has no mappings`);
    start = Math.floor(vmas[0].start / (HUGE_2M * PAGE)) * HUGE_2M * PAGE;
    let off = 0;
    for (const v of vmas) {
      const phase = (v.start / PAGE - start / PAGE) % HUGE_2M;
      off += (phase - (off % HUGE_2M) + HUGE_2M) % HUGE_2M;
      pieces.push({ start: v.start, end: v.end, off, vma: v });
      off += (v.end - v.start) / PAGE;
    }
    pages = off;
  }

  const pagemapPath = join(root, String(pid), 'pagemap');
  const fd = openProc(pagemapPath, pid);
  const list = new RunList();
  const buf = Buffer.alloc(CHUNK * 8);
  let present = 0;
  let zeroPfn = 0;
  try {
    for (const p of pieces) {
      const first = p.start / PAGE;
      const n = (p.end - p.start) / PAGE;
      for (let done = 0; done < n;) {
        const want = Math.min(CHUNK, n - done);
        let got: number;
        try {
          got = readSync(fd, buf, 0, want * 8, (first + done) * 8);
        } catch (e) {
          throw new CaptureError(
            `cannot read ${pagemapPath} at page ${hex((first + done) * PAGE)}: ${errCode(e)}`,
          );
        }
        const entries = Math.floor(got / 8);
        if (entries === 0) break;
        for (let i = 0; i < entries; i++) {
          const hi = buf.readUInt32LE(i * 8 + 4);
          if ((hi & 0x80000000) === 0) continue;
          present++;
          const pfn = (hi & 0x7fffff) * 2 ** 32 + buf.readUInt32LE(i * 8);
          if (pfn === 0) {
            zeroPfn++;
            continue;
          }
          list.push(p.off + done + i, pfn, LAYOUT_PRESENT);
        }
        done += entries;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (present > 0 && zeroPfn === present) throw new CaptureError(`${present} present pages, ${NO_PFN_HINT}`);
  if (zeroPfn > 0) warnings.push(`${zeroPfn} present pages read PFN 0 and are left out`);

  const runs = splitByPageFlags(list.runs, root, pid, warnings);
  const kept = dropDoubles(runs, warnings);
  const source: Record<string, unknown> = {
    pid,
    ...(opts.command !== undefined ? { command: opts.command } : {}),
    capturedAt: new Date().toISOString(),
    mode: opts.range !== undefined ? 'range' : 'packed',
    vmas: pieces.map((p) => [hex(p.start), hex(p.end), p.off, p.vma.perms, p.vma.path]),
    presentPages: present,
    ...opts.source,
  };
  return {
    layout: {
      format: 'pfnlab-layout',
      version: 1,
      pageSize: PAGE,
      start: hex(start),
      pages,
      runs: kept,
      source,
    },
    warnings,
  };
}

/** Split runs where kpageflags' THP / hugetlb class changes; zero pages out. */
function splitByPageFlags(
  runs: [number, number, number, number][],
  root: string,
  pid: number,
  warnings: string[],
): [number, number, number, number][] {
  if (runs.length === 0) return runs;
  const path = join(root, 'kpageflags');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new CaptureError(`cannot open ${path}: ${errCode(e)}${hint(e, pid)}`);
  }
  const out = new RunList();
  const buf = Buffer.alloc(CHUNK * 8);
  let zero = 0;
  try {
    for (const [off, pfn, count] of runs) {
      for (let done = 0; done < count;) {
        const want = Math.min(CHUNK, count - done);
        const got = Math.floor(readSync(fd, buf, 0, want * 8, (pfn + done) * 8) / 8);
        if (got === 0) throw new CaptureError(`${path}: no flags for PFN ${pfn + done}`);
        for (let i = 0; i < got; i++) {
          const hi = buf.readUInt32LE(i * 8 + 4);
          const lo = buf.readUInt32LE(i * 8);
          const bit = (b: number): boolean => ((b < 32 ? lo >>> b : hi >>> (b - 32)) & 1) === 1;
          if (bit(KPF_ZERO_PAGE)) {
            zero++;
            continue;
          }
          const flags =
            LAYOUT_PRESENT | (bit(KPF_THP) ? LAYOUT_THP : 0) | (bit(KPF_HUGE) ? LAYOUT_HUGETLB : 0);
          out.push(off + done + i, pfn + done + i, flags);
        }
        done += got;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (zero > 0)
    warnings.push(
      `${zero} pages map the shared zero page and are left out (never written: no frame of their own)`,
    );
  return out.runs;
}

/** A frame mapped at two addresses (a file or shared memory mapped twice): keep its first run only. */
function dropDoubles(
  runs: [number, number, number, number][],
  warnings: string[],
): [number, number, number, number][] {
  const order = runs.map((_, i) => i).sort((a, b) => runs[a][1] - runs[b][1] || a - b);
  const drop = new Uint8Array(runs.length);
  let maxEnd = -1;
  let dropped = 0;
  for (const i of order) {
    const [, pfn, count] = runs[i];
    if (pfn < maxEnd) {
      drop[i] = 1;
      dropped += count;
      continue;
    }
    maxEnd = pfn + count;
  }
  if (dropped > 0)
    warnings.push(`${dropped} pages are left out: their frames also back an earlier run (mapped twice)`);
  return runs.filter((_, i) => drop[i] === 0);
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** "ADDR-ADDR", hex with or without 0x (as /proc/PID/maps prints them). */
export function parseRange(s: string): { start: number; end: number } | null {
  const m = /^(?:0x)?([0-9a-fA-F]+)-(?:0x)?([0-9a-fA-F]+)$/.exec(s);
  if (!m) return null;
  const start = parseInt(m[1], 16);
  const end = parseInt(m[2], 16);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end <= start) return null;
  return { start, end };
}
