/**
 * The Debian packages the oracle needs. Missing ones are installed with
 * apt-get when we are root; otherwise the build stops and names them.
 */
import { capture, run } from './exec';

/** Kernel build: source, toolchain, Kconfig/kbuild tools. */
export const KERNEL_PACKAGES = [
  'linux-source-6.12',
  'build-essential',
  'flex',
  'bison',
  'bc',
  'libelf-dev',
  'libssl-dev',
  'kmod',
  'xz-utils',
] as const;

/** The guest: the static busybox of the initramfs and QEMU. (gcc/libc6-dev from build-essential.) */
export const GUEST_PACKAGES = ['busybox-static', 'qemu-system-x86'] as const;

export async function installedVersion(pkg: string): Promise<string | null> {
  const out = await capture('dpkg-query', ['-W', '-f=${Status}|${Version}', pkg]);
  if (!out) return null;
  const [status, version] = out.split('|');
  return status.endsWith(' installed') ? version : null;
}

/**
 * The version apt would install (apt-cache policy's Candidate), null when apt
 * knows none. As root on a machine without package lists (a fresh container),
 * with logFile given, it runs `apt-get update` first.
 */
export async function candidateVersion(pkg: string, logFile?: string): Promise<string | null> {
  const ask = async () => {
    const out = await capture('apt-cache', ['policy', pkg]);
    const m = out ? /^\s*Candidate:\s*(\S+)/m.exec(out) : null;
    return m && m[1] !== '(none)' ? m[1] : null;
  };
  const first = await ask();
  if (first || !logFile || !isRoot() || (await capture('apt-get', ['--version'])) === null) return first;
  try {
    await run('apt-get', ['update'], { logFile, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    return null;
  }
  return ask();
}

export async function missingPackages(pkgs: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const p of pkgs) if ((await installedVersion(p)) === null) missing.push(p);
  return missing;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** What ensurePackages asks of the system (replaced in tests). */
export interface PackageSystem {
  hasDpkg(): Promise<boolean>;
  missing(pkgs: readonly string[]): Promise<string[]>;
  isRoot(): boolean;
  /** apt-get update + install. */
  install(pkgs: readonly string[], logFile: string): Promise<void>;
}

export const debian: PackageSystem = {
  hasDpkg: async () => (await capture('dpkg-query', ['--version'])) !== null,
  missing: missingPackages,
  isRoot,
  install: async (pkgs, logFile) => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update'], { logFile, env });
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { logFile, env });
  },
};

/** Make sure pkgs are installed: apt-get as root, else an error naming what is missing. */
export async function ensurePackages(
  pkgs: readonly string[],
  logFile: string,
  log: (line: string) => void,
  sys: PackageSystem = debian,
): Promise<void> {
  if (!(await sys.hasDpkg()))
    throw new Error(`The oracle needs a Debian system (dpkg) with these packages: ${pkgs.join(' ')}`);
  const missing = await sys.missing(pkgs);
  if (missing.length === 0) return;
  if (!sys.isRoot())
    throw new Error(
      `Missing Debian packages for the kernel oracle: ${missing.join(' ')}\n` +
        `Install them (as root): apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  log(`installing ${missing.join(' ')} (apt-get)`);
  await sys.install(missing, logFile);
  const still = await sys.missing(missing);
  if (still.length > 0) throw new Error(`apt-get did not install: ${still.join(' ')}`);
}
