/**
 * Errors as the kernel reports them: an errno name plus a message that names
 * the argument at fault. Every fallible engine step throws a LabError; unwind
 * paths use try/catch where the kernel uses goto labels.
 */
export type Errno =
  | 'EINVAL'
  | 'EOVERFLOW'
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOSPC'
  | 'EADDRINUSE'
  | 'EBUSY'
  | 'EFAULT'
  | 'ENOMEM'
  | 'EPERM'
  | 'EMSGSIZE'
  | 'EDEADLOCK'
  | 'EBADE'
  | 'EIO'
  | 'EOPNOTSUPP';

export const ERRNOS: readonly Errno[] = [
  'EINVAL',
  'EOVERFLOW',
  'ENOENT',
  'EEXIST',
  'ENOSPC',
  'EADDRINUSE',
  'EBUSY',
  'EFAULT',
  'ENOMEM',
  'EPERM',
  'EMSGSIZE',
  'EDEADLOCK',
  'EBADE',
  'EIO',
  // an operation the machine's storage strategy cannot express (engine/iommufd/strategy)
  'EOPNOTSUPP',
];

export class LabError extends Error {
  readonly errno: Errno;
  readonly detail: unknown;

  constructor(errno: Errno, message: string, detail?: unknown) {
    super(message);
    this.name = 'LabError';
    this.errno = errno;
    this.detail = detail;
  }
}

export function isLabError(e: unknown): e is LabError {
  return e instanceof LabError;
}

/** Throw helper so that call sites read like the kernel's `return -EINVAL`. */
export function fail(errno: Errno, message: string, detail?: unknown): never {
  throw new LabError(errno, message, detail);
}
