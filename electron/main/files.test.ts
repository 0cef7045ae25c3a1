import { mkdtemp, readdir, readFile, stat, writeFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readTextFile, writeFileAtomic } from './files';
import { fsError } from './host-errors';

vi.mock('electron', () => ({}));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pfnlab-files-'));
});

describe('readTextFile', () => {
  it('reads UTF-8 text (a BOM dropped)', async () => {
    const p = join(dir, 'a.ts');
    await writeFile(p, '\ufeffconst π = 1;\n');
    await expect(readTextFile(p)).resolves.toEqual({ ok: true, value: 'const π = 1;\n' });
  });

  it('names the file that does not exist', async () => {
    const p = join(dir, 'missing.ts');
    await expect(readTextFile(p)).resolves.toEqual({
      ok: false,
      error: { errno: 'ENOENT', message: `${p}: no such file` },
    });
  });

  it('refuses a binary file with a clear error', async () => {
    const png = join(dir, 'x.png');
    await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const bad = join(dir, 'latin1.ts');
    await writeFile(bad, Buffer.from([0x63, 0xe9, 0x74, 0xe9]));
    for (const p of [png, bad]) {
      const r = await readTextFile(p);
      expect(r).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
      if (!r.ok) expect(r.error.message).toBe(`${p}: not a text file (binary data, not UTF-8 text)`);
    }
  });

  it('refuses a file over the size limit and a folder', async () => {
    const p = join(dir, 'big.ts');
    await writeFile(p, 'x'.repeat(2000));
    const r = await readTextFile(p, 1000);
    expect(r).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    if (!r.ok) expect(r.error.message).toMatch(/big\.ts: too large/);
    await expect(readTextFile(p, 2000)).resolves.toMatchObject({ ok: true });
    await expect(readTextFile(dir)).resolves.toMatchObject({
      ok: false,
      error: { errno: 'EINVAL', message: `${dir}: is a folder, not a file` },
    });
  });
});

describe('writeFileAtomic', () => {
  it('writes and replaces through a temp file, keeping the mode, leaving no temp behind', async () => {
    const p = join(dir, 'a.ts');
    await expect(writeFileAtomic(p, 'one')).resolves.toEqual({ ok: true, value: null });
    await chmod(p, 0o600);
    await expect(writeFileAtomic(p, new TextEncoder().encode('two'))).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(await readFile(p, 'utf8')).toBe('two');
    expect((await stat(p)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['a.ts']);
  });

  it('refuses data over the limit without touching the file', async () => {
    const p = join(dir, 'a.ts');
    await writeFile(p, 'keep');
    const r = await writeFileAtomic(p, 'x'.repeat(11), 10);
    expect(r).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    if (!r.ok) expect(r.error.message).toMatch(/a\.ts: refusing to write/);
    expect(await readFile(p, 'utf8')).toBe('keep');
  });

  it('names the target when its folder is missing, and refuses a folder', async () => {
    const p = join(dir, 'no', 'such', 'a.ts');
    await expect(writeFileAtomic(p, 'x')).resolves.toEqual({
      ok: false,
      error: { errno: 'ENOENT', message: `${p}: no such file` },
    });
    await mkdir(join(dir, 'sub'));
    await expect(writeFileAtomic(join(dir, 'sub'), 'x')).resolves.toMatchObject({
      ok: false,
      error: { errno: 'EINVAL' },
    });
  });
});

describe('fsError', () => {
  it.each([
    ['EACCES', 'EACCES', 'permission denied'],
    ['EPERM', 'EACCES', 'permission denied'],
    ['EROFS', 'EACCES', 'permission denied'],
    ['ENOENT', 'ENOENT', 'no such file'],
    ['EISDIR', 'EINVAL', 'is a folder'],
    ['ENOSPC', 'EIO', 'no space left'],
    ['EIO', 'EIO', 'input/output error'],
  ])('maps %s to %s naming the path', (code, errno, text) => {
    const r = fsError(Object.assign(new Error(code), { code }), '/home/u/a.ts');
    expect(r.error.errno).toBe(errno);
    expect(r.error.message).toContain('/home/u/a.ts: ');
    expect(r.error.message).toContain(text);
  });
});
