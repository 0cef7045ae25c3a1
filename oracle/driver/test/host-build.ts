/**
 * Host-side helpers for the driver's tests: compile the parser unit test and
 * the driver with gcc, find kernel headers in the oracle cache, run scripts,
 * compare result lines with the expected file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cacheRoot, DRIVER_DIR } from '../../guest/paths';

export const TEST_DIR = resolve(DRIVER_DIR, 'test');

export function haveGcc(): boolean {
  return spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Headers of any complete kernel build in the cache (the uapi and iommufd_test.h), or null. */
export function cachedKernelHeaders(root = cacheRoot()): string[] | null {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return null;
  }
  for (const n of names.sort()) {
    const dir = join(root, n);
    if (!n.startsWith('kernel-') || !existsSync(join(dir, 'DONE'))) continue;
    if (existsSync(join(dir, 'include', 'linux', 'iommufd.h')) && existsSync(join(dir, 'iommufd', 'iommufd_test.h')))
      return [join(dir, 'include'), join(dir, 'iommufd')];
  }
  return null;
}

export function driverSourceFiles(): string[] {
  return readdirSync(DRIVER_DIR)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => join(DRIVER_DIR, f));
}

/** gcc with the driver's warnings as errors; returns the binary's path. */
export function compile(sources: string[], includes: string[], name: string, extra: string[] = []): string {
  const out = join(mkdtempSync(join(tmpdir(), 'pfnlab-driver-test-')), name);
  execFileSync(
    'gcc',
    ['-O2', '-Wall', '-Wextra', '-Werror', '-D_GNU_SOURCE', ...extra, ...includes.map((i) => `-I${i}`), '-o', out, ...sources],
    { stdio: 'pipe' },
  );
  return out;
}

export function runDriver(bin: string, scriptPath: string): { stdout: string; status: number | null } {
  const r = spawnSync(bin, ['--no-setup', scriptPath], { encoding: 'utf8', timeout: 30_000 });
  return { stdout: r.stdout, status: r.status };
}

/** The first line that differs, or null. */
export function firstDifference(actual: string, expected: string): string | null {
  const a = actual.trimEnd().split('\n');
  const e = expected.trimEnd().split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i++)
    if (a[i] !== e[i]) return `line ${i + 1}: expected ${JSON.stringify(e[i])}, got ${JSON.stringify(a[i])}`;
  return null;
}

/** NAME.script files of a test folder with their NAME.expected. */
export function scriptCases(folder: string): { name: string; script: string; expected: string }[] {
  const dir = join(TEST_DIR, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.script'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.script'.length);
      const exp = join(dir, `${name}.expected`);
      return {
        name,
        script: join(dir, f),
        // A missing expected file fails the comparison (it names itself), not the collection.
        expected: existsSync(exp) ? readFileSync(exp, 'utf8') : `(no ${name}.expected)\n`,
      };
    });
}
