/**
 * `pfnlab capture` against processes the test starts: a node child that
 * writes a 16 MiB buffer (runs, PFNs, the whole-process mode), a python
 * child with MADV_HUGEPAGE (THP runs against the kernel's own AnonHugePages),
 * the same capture as `nobody` (PFNs hidden: the error says why), and a
 * simulated /proc for the reader's error paths.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LAYOUT_THP, parseLayout } from '../engine/mm/layout';
import { captureLayout, CaptureError, readMaps } from './capture/pagemap';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin/pfnlab.mjs');
const MiB = 2 ** 20;
const isRoot = process.getuid?.() === 0;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));
const NOBODY = ['--reuid', '65534', '--regid', '65534', '--clear-groups'];

const CHILD_JS = `
const buf = Buffer.alloc(${16 * MiB});
for (let i = 0; i < buf.length; i += 4096) buf[i] = 1;
process.stdout.write('ready\\n');
setInterval(() => { buf[0]++; }, 1000);
`;

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Start `cmd args`, resolve with its pid and first stdout line. */
function start(cmd: string, args: string[]): Promise<{ pid: number; line: string }> {
  return new Promise((done, failed) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) done({ pid: c.pid!, line: out.slice(0, nl).trim() });
    });
    c.on('error', failed);
    c.on('exit', (code) => failed(new Error(`${cmd} exited ${code} before it was ready`)));
  });
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: ROOT, timeout: 60_000, maxBuffer: 64 * MiB }, (err, stdout, stderr) => {
      done({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

function nodeChild(asNobody: boolean): Promise<{ pid: number; line: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pfnlab-capture-'));
  chmodSync(dir, 0o755); // nobody runs it too
  const file = join(dir, 'child.js');
  writeFileSync(file, CHILD_JS, { mode: 0o644 });
  return asNobody ? start(SETPRIV!, [...NOBODY, process.execPath, file]) : start(process.execPath, [file]);
}

/** The child's anonymous rw mapping of at least 16 MiB (the buffer). */
function bufferVma(pid: number): { start: number; end: number } {
  const v = readMaps('/proc', pid).find(
    (m) => m.perms === 'rw-p' && m.path === '' && m.end - m.start >= 16 * MiB,
  );
  if (v === undefined) throw new Error(`no 16 MiB mapping in /proc/${pid}/maps`);
  return v;
}

describe.skipIf(!isRoot)('capture of a real process (root)', () => {
  it('a written 16 MiB buffer: every page present, real PFNs, runs disjoint and in order', async () => {
    const { pid } = await nodeChild(false);
    const vma = bufferVma(pid);
    const { layout } = captureLayout({ pid, range: vma });
    const l = parseLayout(layout); // disjoint, sorted, PFNs not all 0
    const pages = (vma.end - vma.start) / 4096;
    expect(l.pages).toBe(pages);
    // the buffer's pages were all written; the header page before it too (malloc's)
    expect(l.frames).toBeGreaterThanOrEqual((16 * MiB) / 4096);
    expect(l.nruns).toBeGreaterThan(0);
    expect(l.nruns).toBeLessThanOrEqual(l.frames);
    for (let r = 0; r < l.nruns; r++) expect(l.pfn[r]).toBeGreaterThan(0);
    // a second capture of an unchanged buffer reads the same frames
    const again = parseLayout(captureLayout({ pid, range: vma }).layout);
    expect([...again.pfn]).toEqual([...l.pfn]);
    expect(layout.source?.mode).toBe('range');
  });

  it('whole process: every mapping end to end, each at its 2 MiB phase', async () => {
    const { pid } = await nodeChild(false);
    const { layout } = captureLayout({ pid });
    const l = parseLayout(layout);
    expect(l.frames).toBeGreaterThanOrEqual((16 * MiB) / 4096);
    expect(l.pages).toBeGreaterThanOrEqual(l.frames);
    const vmas = layout.source?.vmas as [string, string, number, string, string][];
    expect(vmas.length).toBeGreaterThan(5);
    for (let i = 1; i < vmas.length; i++) {
      const [start, , off] = vmas[i];
      expect(off).toBeGreaterThanOrEqual(vmas[i - 1][2]);
      expect((Number(BigInt(start) / 4096n) - Number(BigInt(layout.start) / 4096n) - off) % 512).toBe(0);
    }
  });

  it.skipIf(PYTHON === undefined)(
    'MADV_HUGEPAGE memory: THP runs, as many as the kernel counts',
    async () => {
      const { pid, line } = await start(PYTHON!, [
        join(ROOT, 'scenarios/layouts/thp-child.py'),
        String(8 * MiB),
      ]);
      const [a, b] = line.split('-').map((x) => parseInt(x, 16));
      const { layout } = captureLayout({ pid, range: { start: a, end: b } });
      const l = parseLayout(layout);
      let thpFrames = 0;
      for (let r = 0; r < l.nruns; r++) {
        if ((l.flags[r] & LAYOUT_THP) === 0) continue;
        thpFrames += l.count[r];
        expect(l.pfn[r] % 512).toBe(0);
        expect(l.count[r] % 512).toBe(0);
      }
      const smaps = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const anonHugeKb = Number(/AnonHugePages:\s+(\d+) kB/.exec(smaps)![1]);
      expect(thpFrames * 4).toBe(anonHugeKb);
      expect(l.frames).toBe((8 * MiB) / 4096);
    },
  );

  it.skipIf(SETPRIV === undefined)(
    'as nobody: PFNs read as 0, and the error says it needs CAP_SYS_ADMIN',
    async () => {
      const readable = await run(SETPRIV!, [...NOBODY, 'test', '-r', CLI]);
      expect(readable.code, `${CLI} must be readable by nobody: this test runs the CLI as nobody`).toBe(0);
      const { pid } = await nodeChild(true);
      const r = await run(SETPRIV!, [
        ...NOBODY,
        'env',
        'HOME=/tmp',
        process.execPath,
        CLI,
        'capture',
        '--pid',
        String(pid),
      ]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/PFNs read as 0: .*CAP_SYS_ADMIN/);
      expect(r.stdout).toBe('');
    },
    60_000,
  );

  it('the CLI writes a file the engine reads; usage errors exit 2', async () => {
    const { pid } = await nodeChild(false);
    const vma = bufferVma(pid);
    const out = join(mkdtempSync(join(tmpdir(), 'pfnlab-capture-')), 'buf.layout.json');
    const range = `${vma.start.toString(16)}-${vma.end.toString(16)}`;
    const r = await run(process.execPath, [
      CLI,
      'capture',
      '--pid',
      String(pid),
      '--range',
      range,
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`pid ${pid}: \\d+ pages, \\d+ present, \\d+ runs`));
    const l = parseLayout(readFileSync(out, 'utf8'));
    expect(l.frames).toBeGreaterThanOrEqual(4096);
    const bad = await run(process.execPath, [CLI, 'capture', '--pid', String(pid), '--range', 'x-y']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--range must be ADDR-ADDR/);
    const none = await run(process.execPath, [CLI, 'capture']);
    expect(none.code).toBe(2);
  }, 60_000);
});

describe('the reader on a simulated /proc', () => {
  function fakeProc(entries: bigint[], kpageflags?: bigint[]): string {
    const root = mkdtempSync(join(tmpdir(), 'pfnlab-proc-'));
    mkdirSync(join(root, '42'));
    const base = 0x7f0000000000;
    writeFileSync(
      join(root, '42/maps'),
      `${base.toString(16)}-${(base + entries.length * 4096).toString(16)} rw-p 00000000 00:00 0 \n`,
    );
    // pagemap is indexed by virtual page: a sparse file, entries at base/4096
    const pm = Buffer.alloc(entries.length * 8);
    entries.forEach((e, i) => pm.writeBigUInt64LE(e, i * 8));
    const fd = join(root, '42/pagemap');
    writeFileSync(fd, '');
    const h = openSync(fd, 'r+');
    writeSync(h, pm, 0, pm.length, (base / 4096) * 8);
    closeSync(h);
    if (kpageflags !== undefined) {
      const kf = Buffer.alloc(kpageflags.length * 8);
      kpageflags.forEach((e, i) => kf.writeBigUInt64LE(e, i * 8));
      writeFileSync(join(root, 'kpageflags'), kf);
    }
    return root;
  }
  const P = 1n << 63n;

  function err(f: () => unknown): string {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CaptureError);
      return (e as Error).message;
    }
    return 'no error';
  }

  it('present pages with PFN 0 (no CAP_SYS_ADMIN): a clear error', () => {
    const root = fakeProc([P, P, 0n, P]);
    expect(err(() => captureLayout({ pid: 42, procRoot: root }))).toMatch(
      /3 present pages, PFNs read as 0: .*CAP_SYS_ADMIN/,
    );
  });

  it('runs split at THP boundaries, zero pages left out, no such process', () => {
    // pages → PFNs 8, 9, 10, 11 (10 and 11 THP), 3 (the zero page)
    const pfns = [8n, 9n, 10n, 11n, 3n];
    const flags = new Array<bigint>(16).fill(0n);
    flags[10] = 1n << 22n;
    flags[11] = 1n << 22n;
    flags[3] = 1n << 24n;
    const root = fakeProc(
      pfns.map((p) => P | p),
      flags,
    );
    const { layout, warnings } = captureLayout({ pid: 42, procRoot: root });
    expect(layout.runs).toEqual([
      [0, 8, 2, 1],
      [2, 10, 2, 3],
    ]);
    expect(warnings.join()).toMatch(/1 pages map the shared zero page/);
    expect(err(() => captureLayout({ pid: 43, procRoot: root }))).toMatch(/ENOENT \(no process 43\?\)/);
  });

  it('no kpageflags: the error names it and the privilege', () => {
    const root = fakeProc([P | 5n]);
    expect(err(() => captureLayout({ pid: 42, procRoot: root }))).toMatch(/kpageflags: ENOENT/);
  });
});
