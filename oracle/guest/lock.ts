/**
 * An exclusive flock(2) on a file, held by a `flock` child process (util-linux;
 * Node has no flock). The child holds the lock until its stdin closes, so the
 * lock goes away with this process even when it is killed: a crashed build
 * never leaves a stale lock behind.
 */
import { spawn } from 'node:child_process';

export interface HeldLock {
  release(): Promise<void>;
}

export function acquireLock(path: string, onWait?: () => void): Promise<HeldLock> {
  return new Promise((resolve, reject) => {
    // -n first would tell us whether we wait; one blocking call is enough, and
    // "waiting" is reported when the grant does not come at once.
    const child = spawn('flock', ['-x', path, '-c', 'echo locked; exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let granted = false;
    let stderr = '';
    const waitTimer = setTimeout(() => {
      if (!granted) onWait?.();
    }, 500);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdout.on('data', (d: Buffer) => {
      if (granted || !d.toString('utf8').includes('locked')) return;
      granted = true;
      clearTimeout(waitTimer);
      resolve({
        release: () =>
          new Promise<void>((done) => {
            child.once('close', () => done());
            child.stdin.end();
          }),
      });
    });
    child.on('error', (e) => {
      clearTimeout(waitTimer);
      reject(new Error(`flock (util-linux) is needed to lock ${path}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(waitTimer);
      if (!granted) reject(new Error(`flock ${path} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/** Run fn while holding the lock on path. */
export async function withLock<T>(path: string, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
  const lock = await acquireLock(path, onWait);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
