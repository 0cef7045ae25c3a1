/**
 * Where things are: the project's oracle folder, the cache root, and the
 * inputs whose hash keys each cached build.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** oracle/ in the work tree. */
export const ORACLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const KERNEL_DIR = join(ORACLE_DIR, 'kernel');
export const GUEST_DIR = join(ORACLE_DIR, 'guest');
export const DRIVER_DIR = join(ORACLE_DIR, 'driver');
export const FIXTURES_DIR = join(GUEST_DIR, 'fixtures');
export const FRAGMENT_FILE = join(KERNEL_DIR, 'config.fragment');

/** Debian's kernel source package and the tarball it installs. */
export const SOURCE_PACKAGE = 'linux-source-6.12';
export const SOURCE_TARBALL = '/usr/src/linux-source-6.12.tar.xz';
export const SOURCE_TOP = 'linux-source-6.12';

/** $PFNLAB_ORACLE_CACHE, else ~/.cache/pfnlab-oracle. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.PFNLAB_ORACLE_CACHE;
  if (fromEnv && fromEnv.trim() !== '') return resolve(fromEnv);
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.trim() !== '' ? xdg : join(homedir(), '.cache'), 'pfnlab-oracle');
}

/**
 * Files of the work tree that define the kernel build (besides the fragment):
 * a change to any of them is a new kernel key.
 */
export const KERNEL_BUILD_FILES = [join(KERNEL_DIR, 'build.ts'), join(KERNEL_DIR, 'fragment.ts')];

/** Files of the work tree that define the guest build (driver compile, initramfs, init). */
export const GUEST_BUILD_FILES = [
  join(GUEST_DIR, 'guest-build.ts'),
  join(GUEST_DIR, 'initramfs.ts'),
  join(GUEST_DIR, 'cpio.ts'),
  join(GUEST_DIR, 'init.sh'),
];
