import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guestKey } from './guest-build';
import { dirInputs, hashInputs, removeDeadBuilds, shortKey } from './keys';
import { cacheRoot } from './paths';
import { kernelKey } from '../kernel/build';

describe('cache keys', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-keys-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('depend on content and on names, not on input order', () => {
    const a = hashInputs([
      { name: 'x', data: 'one' },
      { name: 'y', data: 'two' },
    ]);
    expect(
      hashInputs([
        { name: 'y', data: 'two' },
        { name: 'x', data: 'one' },
      ]),
    ).toBe(a);
    expect(
      hashInputs([
        { name: 'x', data: 'one' },
        { name: 'y', data: 'two!' },
      ]),
    ).not.toBe(a);
    expect(
      hashInputs([
        { name: 'x', data: 'two' },
        { name: 'y', data: 'one' },
      ]),
    ).not.toBe(a);
    // moving a byte from one input to the next is a different key
    expect(
      hashInputs([
        { name: 'x', data: 'on' },
        { name: 'y', data: 'etwo' },
      ]),
    ).not.toBe(a);
    expect(shortKey(a)).toHaveLength(16);
  });

  it('cover every file of a folder, recursively, and an absent folder is empty', () => {
    mkdirSync(join(tmp, 'd/sub'), { recursive: true });
    writeFileSync(join(tmp, 'd/a.c'), 'int a;');
    writeFileSync(join(tmp, 'd/sub/b.h'), 'int b;');
    expect(dirInputs(join(tmp, 'd'), tmp).map((i) => i.name)).toEqual(['d/a.c', 'd/sub/b.h']);
    const before = hashInputs(dirInputs(join(tmp, 'd'), tmp));
    writeFileSync(join(tmp, 'd/sub/b.h'), 'int b2;');
    expect(hashInputs(dirInputs(join(tmp, 'd'), tmp))).not.toBe(before);
    expect(dirInputs(join(tmp, 'nope'), tmp)).toEqual([]);
  });

  it('the kernel key follows the source version; the guest key follows the kernel key', async () => {
    expect(kernelKey('6.12.117-1')).not.toBe(kernelKey('6.12.118-1'));
    expect(kernelKey('6.12.117-1')).toBe(kernelKey('6.12.117-1'));
    const g1 = await guestKey('k1');
    expect(await guestKey('k1')).toBe(g1);
    expect(await guestKey('k2')).not.toBe(g1);
  });

  it('the cache root is $PFNLAB_ORACLE_CACHE, else ~/.cache/pfnlab-oracle', () => {
    expect(cacheRoot({ PFNLAB_ORACLE_CACHE: '/x/y' })).toBe(resolve('/x/y'));
    expect(cacheRoot({ PFNLAB_ORACLE_CACHE: ' ', XDG_CACHE_HOME: '/c' })).toBe(join('/c', 'pfnlab-oracle'));
    expect(cacheRoot({})).toBe(join(homedir(), '.cache', 'pfnlab-oracle'));
  });

  it('removes the temporary folders of dead builds of one kind only', () => {
    const root = join(tmp, 'cache');
    for (const d of ['kernel-aa', 'kernel-aa.tmp-12', 'guest-bb.tmp-7', 'kernel-cc.tmp-x'])
      mkdirSync(join(root, d), { recursive: true });
    removeDeadBuilds(root, 'kernel');
    expect(readdirSync(root).sort()).toEqual(['guest-bb.tmp-7', 'kernel-aa', 'kernel-cc.tmp-x']);
  });
});
