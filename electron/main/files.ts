/**
 * Reading and writing the user's files: a size limit, text must be UTF-8 (a
 * binary file gets a clear error instead of mojibake in the editor), writes
 * are atomic (a temp file beside the target, then rename) so a crash or a
 * full disk never leaves half a scenario behind.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { HostResult } from '../shared/app-host';
import { fsError, hostError, ok } from './host-errors';

/** Largest file read or written (bytes). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The text of a file; EINVAL when it is too large, not a regular file, or not UTF-8 text. */
export async function readTextFile(path: string, maxBytes = MAX_FILE_BYTES): Promise<HostResult<string>> {
  let bytes: Uint8Array;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return hostError('EINVAL', `${path}: is a folder, not a file`);
    if (!st.isFile()) return hostError('EINVAL', `${path}: not a regular file`);
    if (st.size > maxBytes) {
      return hostError('EINVAL', `${path}: too large (${mib(st.size)}; the limit is ${mib(maxBytes)})`);
    }
    const fh = await open(path, 'r');
    try {
      // Read at most maxBytes + 1: a file that grew since stat still cannot exceed the limit.
      const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
      let n = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
        if (n === buf.length) break;
      }
      if (n > maxBytes) return hostError('EINVAL', `${path}: too large (the limit is ${mib(maxBytes)})`);
      bytes = buf.subarray(0, n);
    } finally {
      await fh.close();
    }
  } catch (e) {
    return fsError(e, path);
  }
  return decodeText(bytes, path);
}

export function decodeText(bytes: Uint8Array, path: string): HostResult<string> {
  const binary = hostError('EINVAL', `${path}: not a text file (binary data, not UTF-8 text)`);
  if (bytes.includes(0)) return binary;
  try {
    return ok(utf8.decode(bytes));
  } catch {
    return binary;
  }
}

export function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
}

/**
 * Write `data` to `path` atomically: a temp file in the same folder (same
 * file system, so rename is atomic), flushed, then renamed over the target.
 * Keeps the mode of a file it replaces.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  maxBytes = MAX_FILE_BYTES,
): Promise<HostResult<null>> {
  const size = byteLength(data);
  if (size > maxBytes) {
    return hostError('EINVAL', `${path}: refusing to write ${mib(size)} (the limit is ${mib(maxBytes)})`);
  }
  let mode = 0o644;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return hostError('EINVAL', `${path}: is a folder, not a file`);
    mode = st.mode & 0o777;
  } catch {
    /* a new file */
  }
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    return ok(null);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    // A failure to create the temp file is a failure to write the target: name the target.
    return fsError(e, path);
  }
}
