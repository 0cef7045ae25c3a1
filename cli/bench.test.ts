import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudyFile } from '../engine/scenario/study-file';
import { main } from './dispatch';

function io(): { out: string[]; err: string[]; io: { out(s: string): void; err(s: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => void out.push(s), err: (s) => void err.push(s) } };
}

describe('pfnlab bench', () => {
  it('prints its help and refuses a bad option with exit 2, naming it', async () => {
    const h = io();
    expect(await main(['bench', '--help'], h.io)).toBe(0);
    expect(h.out.join('')).toMatch(/^Usage: pfnlab bench/);
    const b = io();
    expect(await main(['bench', '--strategies', 'fast'], b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/pfnlab bench: --strategies: fast is not one of iommufd/);
  });

  it('runs a one-cell study and prints the study file with --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pfnlab-bench-'));
    try {
      const r = io();
      const args = [
        'bench',
        '--strategies',
        'iommufd',
        '--domains',
        '2',
        '--backings',
        'contig-4k',
        '--sizes',
        '64M',
      ];
      args.push(
        '--operations',
        'map',
        '--repeats',
        '1',
        '--workers',
        '1',
        '--json',
        '--no-progress',
        '--out',
        dir,
      );
      expect(await main(args, r.io)).toBe(0);
      const study = parseStudyFile(r.out.join(''));
      expect(study.cells).toHaveLength(1);
      // one physically contiguous run: one map call per domain, every page pinned once
      expect(study.cells[0]).toMatchObject({
        status: 'ok',
        physRuns: 1,
        counters: { iommuMapCalls: 2, pagesPinned: 16384 },
      });
      expect(parseStudyFile(readFileSync(join(dir, 'study.json'), 'utf8')).cells).toEqual(study.cells);
      expect(r.err.join('')).toMatch(/1 cells \(1 measured\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
