import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, withLock } from './lock';

// flock(1) is util-linux: the oracle runs on Linux only (npm test also runs on Windows and macOS).
describe.runIf(process.platform === 'linux')('build lock (Linux: flock)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pfnlab-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a second holder waits until the first releases', async () => {
    const path = join(dir, 'a.lock');
    const order: string[] = [];
    const first = await acquireLock(path);
    let waited = false;
    const second = withLock(
      path,
      async () => {
        order.push('second');
      },
      () => (waited = true),
    );
    await new Promise((r) => setTimeout(r, 800));
    order.push('first releases');
    await first.release();
    await second;
    expect(order).toEqual(['first releases', 'second']);
    expect(waited).toBe(true);
  });

  it('is released when the holder throws', async () => {
    const path = join(dir, 'b.lock');
    await expect(
      withLock(path, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const again = await acquireLock(path);
    await again.release();
  });
});
