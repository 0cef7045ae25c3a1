/** `pfnlab run --strategy NAME`: the machine's storage strategy (docs/strategies.md). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunFile } from '../engine/scenario/run-file';

const ROOT = join(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-strategy-'));
const FILE = join(tmp, 'two-domains.ts');
// 16 pages into two domains, then the counts as JSON
writeFileSync(
  FILE,
  'const fd = lab.open();\nconst ioas = fd.ioasAlloc();\nioas.attachDomain();\nioas.attachDomain();\n' +
    'const buf = lab.process.mmap(16 * lab.PAGE_SIZE, { populate: true });\n' +
    "const d = lab.measure('map', () => { ioas.map(buf, 16 * lab.PAGE_SIZE); });\n" +
    'lab.log(JSON.stringify({ pinned: d.pagesPinned, maps: d.iommuMapCalls, lists: d.mapPfnListCalls }));\nfd.close();\n',
);

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/pfnlab.mjs', 'run', FILE, '--no-typecheck', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 150000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pfnlab run --strategy', () => {
  it('an unknown name is a usage error naming the valid ones', () => {
    const r = run('--strategy', 'vfio');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--strategy must be one of iommufd, iommufd\+batch-api, naive, vfio-type1/);
  });

  it('runs the scenario under the strategy', { timeout: 300_000 }, () => {
    const counts = (s: string): { pinned: number; maps: number; lists: number } => {
      const r = run('--strategy', s, '--check');
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{')) as string) as {
        pinned: number;
        maps: number;
        lists: number;
      };
    };
    expect(counts('naive')).toMatchObject({ pinned: 32, maps: 32 });
    expect(counts('vfio-type1').pinned).toBe(16);
    expect(counts('iommufd+batch-api')).toMatchObject({ pinned: 16, maps: 0, lists: 2 });
  });

  it('--save records the strategy; show prints what run printed', { timeout: 300_000 }, () => {
    const save = join(tmp, 'naive.pfnrun.json');
    const r = run('--strategy', 'naive', '--save', save);
    expect(r.status, r.stderr).toBe(0);
    const saved = parseRunFile(readFileSync(save, 'utf8'));
    expect(saved.options).toEqual({ seed: 1, check: false, strategy: 'naive' });
    const show = spawnSync(process.execPath, ['bin/pfnlab.mjs', 'show', save], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 150000,
    });
    expect([show.status, show.stdout, show.stderr]).toEqual([0, r.stdout, r.stderr]);
  });
});
