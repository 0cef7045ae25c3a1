/** Host file errors as values (HostResult), each naming the file and what is wrong. */
import type { HostResult } from '../shared/app-host';
import type { WireError } from '../shared/lab-api';

export type HostErrno = 'EACCES' | 'ENOENT' | 'EIO' | 'EINVAL';

export function hostError(errno: HostErrno, message: string): { ok: false; error: WireError } {
  return { ok: false, error: { errno, message } };
}

export function ok<T>(value: T): HostResult<T> {
  return { ok: true, value };
}

/** A Node fs error as a host error naming `path`. */
export function fsError(e: unknown, path: string): { ok: false; error: WireError } {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return hostError('EACCES', `${path}: permission denied`);
    case 'ENOENT':
    case 'ENOTDIR':
      return hostError('ENOENT', `${path}: no such file`);
    case 'EISDIR':
      return hostError('EINVAL', `${path}: is a folder, not a file`);
    case 'ENOSPC':
    case 'EDQUOT':
      return hostError('EIO', `${path}: no space left on the device`);
    default: {
      const what = e instanceof Error ? e.message : String(e);
      return hostError('EIO', `${path}: input/output error (${what})`);
    }
  }
}
