import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_RECENT, RecentFiles } from './recent-files';

vi.mock('electron', () => ({}));

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pfnlab-recent-'));
  path = join(dir, 'recent-files.json');
});

function make(log: string[] = []) {
  const app = { addRecentDocument: vi.fn(), clearRecentDocuments: vi.fn() };
  const changes: string[][] = [];
  const recent = new RecentFiles(path, app, {
    log: (m) => log.push(m),
    onChange: (files) => changes.push(files.map((f) => f.name)),
  });
  return { recent, app, changes };
}

describe('recent files', () => {
  it('most recent first, one entry per path, at most 10, mirrored to the OS and persisted', async () => {
    const { recent, app, changes } = make();
    await recent.load();
    for (let i = 0; i < 12; i++)
      await recent.add({ handle: `/d/f${i}.ts`, name: `f${i}.ts`, kind: 'scenario' }, 1000 + i);
    await recent.add({ handle: '/d/f5.ts', name: 'f5.ts', kind: 'scenario' }, 2000);
    const names = recent.list().map((f) => f.name);
    expect(names).toHaveLength(MAX_RECENT);
    expect(names.slice(0, 3)).toEqual(['f5.ts', 'f11.ts', 'f10.ts']);
    expect(names.filter((n) => n === 'f5.ts')).toHaveLength(1);
    expect(names).not.toContain('f0.ts');
    expect(app.addRecentDocument).toHaveBeenLastCalledWith('/d/f5.ts');
    expect(changes.at(-1)?.[0]).toBe('f5.ts');

    const again = make();
    await again.recent.load();
    expect(again.recent.list()).toEqual(recent.list());
    expect(again.recent.kindOf('/d/f5.ts')).toBe('scenario');
  });

  it('clear empties the list and the OS list', async () => {
    const { recent, app } = make();
    await recent.load();
    await recent.add({ handle: '/d/a.json', name: 'a.json', kind: 'run' });
    await recent.clear();
    expect(recent.list()).toEqual([]);
    expect(app.clearRecentDocuments).toHaveBeenCalled();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, files: [] });
  });

  it('a corrupt file starts an empty list, reported, never fatal', async () => {
    await writeFile(path, '{"files": [');
    const log: string[] = [];
    const { recent } = make(log);
    await expect(recent.load()).resolves.toEqual([]);
    expect(log.join('\n')).toMatch(/corrupt JSON/);
    await recent.add({ handle: '/d/a.ts', name: 'a.ts', kind: 'scenario' });
    expect(recent.list()).toHaveLength(1);
  });

  it('drops invalid and duplicate entries of a hand-edited file', async () => {
    await writeFile(
      path,
      JSON.stringify({
        files: [
          { handle: '/d/a.ts', name: 'a.ts', kind: 'scenario', openedAt: 5 },
          { handle: 'relative.ts', name: 'r', kind: 'scenario', openedAt: 6 },
          { handle: '/d/b.ts', name: 'b.ts', kind: 'exe', openedAt: 7 },
          { handle: '/d/a.ts', name: 'a.ts', kind: 'scenario', openedAt: 4 },
          { handle: '/d/c.json', name: 'c.json', kind: 'run', openedAt: 9 },
        ],
      }),
    );
    const { recent } = make();
    await recent.load();
    expect(recent.list().map((f) => f.handle)).toEqual(['/d/c.json', '/d/a.ts']);
  });

  it('a missing file is an empty list without a report', async () => {
    const log: string[] = [];
    const { recent } = make(log);
    await expect(recent.load()).resolves.toEqual([]);
    expect(log).toEqual([]);
  });
});
