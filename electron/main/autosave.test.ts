import { mkdtemp, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AutosavedDocument } from '../shared/app-host';
import { autosaveFileName, AutosaveStore, isAutosavedDocument } from './autosave';

vi.mock('electron', () => ({}));

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'pfnlab-autosave-')), 'autosave');
});

const doc = (id: string, order: number, text = `// ${id}`): AutosavedDocument => ({
  id,
  name: `${id}.ts`,
  text,
  handle: null,
  savedText: null,
  order,
  updatedAt: 1,
});

describe('autosave', () => {
  it('one file per id, replaced by id, listed in tab order, removed', async () => {
    const s = new AutosaveStore(dir);
    await expect(s.list()).resolves.toEqual({ ok: true, value: [] });
    await s.put(doc('b', 2));
    await s.put(doc('a', 1));
    await s.put(doc('c', 0));
    await s.put(doc('a', 3, 'changed'));
    const r = await s.list();
    expect(r.ok && r.value.map((d) => `${d.id}:${d.order}`)).toEqual(['c:0', 'b:2', 'a:3']);
    expect(r.ok && r.value[2]?.text).toBe('changed');
    expect((await readdir(dir)).sort()).toHaveLength(3);
    await expect(s.remove('b')).resolves.toEqual({ ok: true, value: null });
    await expect(s.remove('never')).resolves.toEqual({ ok: true, value: null });
    const after = await s.list();
    expect(after.ok && after.value.map((d) => d.id)).toEqual(['c', 'a']);
  });

  it('an id cannot leave the folder', async () => {
    expect(autosaveFileName('../../etc/passwd')).not.toMatch(/[/\\]|\.\./);
    const s = new AutosaveStore(dir);
    await s.put(doc('../../x', 0));
    expect(await readdir(dir)).toEqual([autosaveFileName('../../x')]);
  });

  it('the last of quick writes to one id wins; idle waits for them all', async () => {
    const s = new AutosaveStore(dir);
    for (let i = 0; i < 20; i++) void s.put(doc('a', 0, `v${i}`));
    void s.put(doc('b', 1));
    expect(s.busy).toBe(true);
    await s.idle();
    expect(s.busy).toBe(false);
    const r = await s.list();
    expect(r.ok && r.value.map((d) => d.id)).toEqual(['a', 'b']);
    expect(r.ok && r.value[0]?.text).toBe('v19');
  });

  it('a corrupt file is skipped, reported once and moved aside; the others load', async () => {
    const log: string[] = [];
    const s = new AutosaveStore(dir, (m) => log.push(m));
    await s.put(doc('good', 0));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, autosaveFileName('bad')), '{"id": "bad", "te');
    await writeFile(join(dir, autosaveFileName('odd')), JSON.stringify({ id: 'odd' }));
    const r = await s.list();
    expect(r.ok && r.value.map((d) => d.id)).toEqual(['good']);
    expect(log).toHaveLength(2);
    expect(log.join('\n')).toMatch(/corrupt JSON/);
    expect(log.join('\n')).toMatch(/not an autosaved document/);
    expect((await readdir(dir)).filter((n) => n.endsWith('.corrupt'))).toHaveLength(2);
    await s.list();
    expect(log).toHaveLength(2);
  });

  it('refuses what is not an autosaved document', async () => {
    const s = new AutosaveStore(dir);
    expect(isAutosavedDocument(doc('a', 0))).toBe(true);
    for (const bad of [
      { ...doc('a', 0), extra: 1 },
      { ...doc('a', 0), order: NaN },
      { ...doc('', 0) },
      null,
    ]) {
      expect(isAutosavedDocument(bad)).toBe(false);
      await expect(s.put(bad as AutosavedDocument)).resolves.toMatchObject({
        ok: false,
        error: { errno: 'EINVAL' },
      });
    }
  });
});
