/**
 * The study end to end on a small custom sweep (every strategy, 1 and 2
 * domains, 64 MiB of each backing, every operation, one repeat, the worker
 * pool): the four output files checked for shape, the JSON through the
 * study-file parser, and every cell's counters against expectations derived
 * here from the backing itself (its physically contiguous runs, counted by
 * translating each page) and from what each strategy models — never times.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Machine } from '../../engine/iommufd';
import type { LayoutFile } from '../../engine/mm/layout';
import { parseStudyFile, type StudyCell, type StudyFile } from '../../engine/scenario/study-file';
import { parseStudyArgs } from './args';
import { mmapBacking } from './backing';
import { CSV_HEADER } from './outputs/csv';
import { MD_COLUMNS } from './outputs/markdown';
import { runPool } from './pool';
import { runStudy } from './run-study';
import { machineFor, MiB, PAGE } from './spec';

const SIZE = 64 * MiB;
const P = SIZE / PAGE;
const layoutText = readFileSync(
  new URL('../../scenarios/layouts/python-4m.layout.json', import.meta.url),
  'utf8',
);

let dir = '';
let study: StudyFile;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pfnlab-study-test-'));
  ({ study } = await runStudy({
    mode: 'custom',
    axes: {
      strategies: ['iommufd', 'iommufd+batch-api', 'naive', 'vfio-type1'],
      domains: [1, 2],
      backings: ['frag-4k', 'contig-4k', 'thp', 'hugetlb-2m', 'hugetlb-1g', 'layout:python-4m'],
      sizes: [SIZE],
    },
    repeats: 1,
    warmUp: false,
    workers: 2,
    out: dir,
    progress: false,
  }));
}, 400_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs of pages contiguous virtually and physically, counted here on a machine of our own. */
function runsOf(backing: StudyCell['backing']): number {
  const m = new Machine({ ...machineFor(backing, SIZE) });
  const layout = backing.startsWith('layout:') ? (JSON.parse(layoutText) as LayoutFile) : undefined;
  const buf = mmapBacking(m.process, backing, SIZE, layout);
  let runs = 0;
  let prev = -2;
  for (let i = 0; i < P; i++) {
    const pfn = m.process.translate(buf + i * PAGE);
    if (pfn !== prev + 1) runs++;
    prev = pfn;
  }
  return runs;
}

function cellsOf(strategy: string): StudyCell[] {
  return study.cells.filter((c) => c.strategy === strategy && c.status === 'ok');
}

describe('the study (small custom sweep)', () => {
  it('measures every cell that makes sense and skips the rest with a reason', () => {
    expect(study.cells).toHaveLength(4 * 2 * 6 * 5);
    for (const c of study.cells) {
      if (c.backing === 'hugetlb-1g') {
        expect(c.status).toBe('skipped');
        expect(c.reason).toMatch(/1 GiB/);
      } else
        expect({
          cell: `${c.strategy} ${c.domains} ${c.backing} ${c.operation}`,
          status: c.status,
          reason: c.reason,
        }).toMatchObject({ status: 'ok' });
    }
  });

  it('leaves nothing behind: no group leaked pins, accounting or mapped entries', () => {
    const leaks = study.cells
      .filter((c) => c.warnings?.length)
      .map((c) => `${c.strategy} ${c.domains}d ${c.backing}: ${c.warnings?.join('; ')}`);
    expect([...new Set(leaks)]).toEqual([]);
  });

  it('counts map calls per contiguous run (iommufd, vfio-type1) or per page (naive), pins once (iommufd) or per domain (naive)', () => {
    const runs = new Map<string, number>();
    for (const b of ['frag-4k', 'contig-4k', 'thp', 'hugetlb-2m', 'layout:python-4m'] as const)
      runs.set(b, runsOf(b));
    expect(runs.get('frag-4k')).toBe(P); // fragmentation 1: no two frames adjacent
    for (const c of study.cells.filter((x) => x.status === 'ok')) {
      const R = runs.get(c.backing) as number;
      const D = c.domains;
      const k = c.counters;
      const at = `${c.strategy} ${D}d ${c.backing} ${c.operation}`;
      expect(c.physRuns, at).toBe(R);
      expect(c.pages, at).toBe(P);
      const exp: Partial<Record<keyof typeof k, number>> = {};
      if (c.strategy === 'iommufd' || c.strategy === 'iommufd+batch-api') {
        const batch = c.strategy === 'iommufd+batch-api';
        if (c.operation === 'map')
          Object.assign(exp, { iommuMapCalls: batch ? 0 : R * D, pagesPinned: P, iovaToPhysCalls: 0 });
        if (c.operation === 'attach')
          Object.assign(exp, { iommuMapCalls: batch ? 0 : R, pagesPinned: D === 1 ? P : 0 });
        if (c.operation === 'access-pin')
          Object.assign(exp, { pagesPinned: 0, iovaToPhysCalls: batch ? 0 : (64 * MiB) / PAGE });
        if (c.operation === 'unmap') Object.assign(exp, { pagesUnpinned: P });
        if (c.operation === 'detach-last') Object.assign(exp, { pagesUnpinned: D === 1 ? P : 0 });
        if (c.operation === 'detach-last' || c.operation === 'unmap')
          expect(k.iommuUnmapCalls, at).toBeGreaterThanOrEqual(c.operation === 'unmap' ? D : 1);
        if (batch && c.operation !== 'detach-last')
          expect(k.readPfnsCalls + k.mapPfnListCalls, at).toBeGreaterThan(0);
        if (batch) expect(k.iovaToPhysCalls, at).toBe(0);
        // only domains: the engine keeps no memory per page (8 bytes a page would be 128 KiB)
        if (c.operation !== 'access-pin') expect(c.engineBytes, at).toBeLessThan(8 * 1024);
      }
      if (c.strategy === 'naive') {
        if (c.operation === 'map') Object.assign(exp, { iommuMapCalls: P * D, pagesPinned: P * D });
        if (c.operation === 'attach') Object.assign(exp, { iommuMapCalls: P, pagesPinned: P });
        if (c.operation === 'access-pin') Object.assign(exp, { pagesPinned: (64 * MiB) / PAGE });
        if (c.operation === 'unmap') Object.assign(exp, { iommuUnmapCalls: P * D, pagesUnpinned: P * D });
        if (c.operation === 'detach-last') Object.assign(exp, { iommuUnmapCalls: P, pagesUnpinned: P });
      }
      if (c.strategy === 'vfio-type1') {
        if (c.operation === 'map') Object.assign(exp, { iommuMapCalls: R * D, pagesPinned: P });
        if (c.operation === 'attach') Object.assign(exp, { pagesPinned: D === 1 ? P : 0 });
        if (c.operation === 'unmap') Object.assign(exp, { pagesUnpinned: P });
      }
      for (const [name, v] of Object.entries(exp))
        expect(k[name as keyof typeof k], `${at}: ${name}`).toBe(v);
    }
    // the batch API writes the same IO pages as the one-call-per-run engine
    for (const c of cellsOf('iommufd+batch-api')) {
      const b = cellsOf('iommufd').find(
        (x) => x.domains === c.domains && x.backing === c.backing && x.operation === c.operation,
      );
      expect(c.counters.ioPagesMapped, `${c.domains}d ${c.backing} ${c.operation}`).toBe(
        b?.counters.ioPagesMapped,
      );
      expect(c.counters.pteWrites, `${c.domains}d ${c.backing} ${c.operation}`).toBe(b?.counters.pteWrites);
    }
  });

  it('writes study.json that the study-file parser reads back unchanged', () => {
    const text = readFileSync(join(dir, 'study.json'), 'utf8');
    expect(parseStudyFile(text)).toEqual(JSON.parse(JSON.stringify(study)));
  });

  it('writes a CSV with one row of every column per cell', () => {
    const lines = readFileSync(join(dir, 'study.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(study.cells.length + 1);
    for (const l of lines.slice(1)) {
      const fields = l.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [];
      expect(fields.length - (l.endsWith(',') ? 0 : 1), l).toBe(CSV_HEADER.length);
    }
  });

  it('writes Markdown with one table per operation, a row per measured cell', () => {
    const md = readFileSync(join(dir, 'study.md'), 'utf8');
    const header = `| ${MD_COLUMNS.join(' | ')} |`;
    for (const op of study.axes.operations) {
      const section = md.split(`\n## ${op}\n`)[1]?.split('\n## ')[0] ?? '';
      const rows = section.split('\n').filter((l) => l.startsWith('| '));
      expect(rows[0], op).toBe(header);
      expect(rows.length - 2, op).toBe(
        study.cells.filter((c) => c.operation === op && c.status === 'ok').length,
      );
    }
  });

  it('writes a self-contained HTML report with charts', () => {
    const html = readFileSync(join(dir, 'study.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const bad of [/<script/i, /\ssrc=/i, /<link/i, /@import/i, /url\(/i, /href=/i])
      expect(html).not.toMatch(bad);
    const svgs = html.match(/<svg /g) ?? [];
    expect(svgs.length).toBe((html.match(/<\/svg>/g) ?? []).length);
    expect(svgs.length).toBeGreaterThanOrEqual(3 * study.axes.operations.length);
  });
});

describe('the pool', () => {
  it('marks a group over the time limit as failed, with the reason', async () => {
    const cells = await runPool(
      [
        {
          index: 0,
          strategy: 'naive',
          domains: 8,
          backing: 'frag-4k',
          size: 1024 * MiB,
          operations: ['map'],
          repeats: 3,
          machine: machineFor('frag-4k', 1024 * MiB),
        },
      ],
      { workers: 1, timeLimitMs: 300 },
    );
    expect(cells).toHaveLength(1);
    expect(cells[0]).toMatchObject({ status: 'error', reason: 'over the time limit of 0.3 s per group' });
  }, 60_000);
});

describe('parseStudyArgs', () => {
  const out = (m: string): string => `/tmp/${m}`;
  it('reads the axes and options, and says what is wrong', () => {
    const p = parseStudyArgs(
      ['--quick', '--strategies', 'naive,iommufd', '--sizes=64M,1G', '--workers', '3'],
      out,
    );
    expect(p.options).toMatchObject({
      mode: 'custom',
      workers: 3,
      axes: { strategies: ['naive', 'iommufd'], sizes: [64 * MiB, 1024 * MiB] },
    });
    expect(parseStudyArgs(['--quick'], out).options).toMatchObject({ mode: 'quick', out: '/tmp/quick' });
    expect(parseStudyArgs([], out).options.mode).toBe('full');
    expect(() => parseStudyArgs(['--strategies', 'fast'], out)).toThrow('--strategies: fast is not one of');
    expect(() => parseStudyArgs(['--sizes', '3M'], out)).toThrow('multiple of 4 MiB');
    expect(() => parseStudyArgs(['--frob'], out)).toThrow('unknown option --frob');
  });
});
