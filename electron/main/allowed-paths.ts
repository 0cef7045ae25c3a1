/**
 * The files the renderer may read and write: only paths the user chose (a
 * dialog, a recent file, a drop) or the OS handed over (argv, a second
 * instance, macOS open-file) — never a path the renderer makes up.
 */
import { isAbsolute, normalize } from 'node:path';

/** Longest path accepted from the renderer. */
export const MAX_PATH_CHARS = 4096;

export function isPathArg(v: unknown): v is string {
  return (
    typeof v === 'string' && v.length > 0 && v.length <= MAX_PATH_CHARS && !v.includes('\0') && isAbsolute(v)
  );
}

export class AllowedPaths {
  private readonly paths = new Set<string>();

  constructor(
    private readonly caseInsensitive = process.platform === 'win32' || process.platform === 'darwin',
  ) {}

  private key(path: string): string {
    const n = normalize(path);
    return this.caseInsensitive ? n.toLowerCase() : n;
  }

  /** Allow an absolute path; false (and nothing allowed) for anything else. */
  add(path: string): boolean {
    if (!isPathArg(path)) return false;
    this.paths.add(this.key(path));
    return true;
  }

  has(path: unknown): path is string {
    return isPathArg(path) && this.paths.has(this.key(path));
  }
}
