/**
 * Build the oracle kernel from Debian's linux-source-6.12: unpack the source
 * into the cache, `make tinyconfig`, append config.fragment, `make
 * olddefconfig`, verify every fragment option, `make bzImage` and `make
 * headers`. The result (bzImage, .config, the uapi headers, iommufd_test.h)
 * goes to <cache>/kernel-<key>/, written under a temporary name and renamed
 * when complete, so a half-finished build never counts as cached. The
 * unpacked source tree is shared by all keys (<cache>/src/<version>/) and
 * rebuilt incrementally under <cache>/kernel.lock.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { run } from '../guest/exec';
import { fileInputs, hashInputs, removeDeadBuilds, shortKey } from '../guest/keys';
import { withLock } from '../guest/lock';
import { candidateVersion, ensurePackages, installedVersion, KERNEL_PACKAGES } from '../guest/packages';
import {
  cacheRoot,
  FRAGMENT_FILE,
  KERNEL_BUILD_FILES,
  ORACLE_DIR,
  SOURCE_PACKAGE,
  SOURCE_TARBALL,
  SOURCE_TOP,
} from '../guest/paths';
import { describeMismatches, fragmentAssignments, parseFragment, verifyConfig } from './fragment';

export interface KernelBuild {
  key: string;
  dir: string;
  bzImage: string;
  /** `make headers` output: pass `-I` this to include <linux/iommufd.h>. */
  includeDir: string;
  /** Holds iommufd_test.h (from drivers/iommu/iommufd/). */
  testHeaderDir: string;
  sourceVersion: string;
  cacheHit: boolean;
  buildMs: number;
}

export interface BuildOptions {
  log?: (line: string) => void;
  cacheDir?: string;
}

const DONE = 'DONE';

export function makeJobs(): number {
  const fromEnv = Number(process.env.PFNLAB_ORACLE_JOBS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, cpus().length);
}

export function kernelKey(sourceVersion: string): string {
  return hashInputs([
    { name: 'source-package', data: `${SOURCE_PACKAGE} ${sourceVersion}` },
    ...fileInputs([FRAGMENT_FILE, ...KERNEL_BUILD_FILES], ORACLE_DIR),
  ]);
}

function kernelResult(dir: string, key: string, version: string, hit: boolean, ms: number): KernelBuild {
  return {
    key,
    dir,
    bzImage: join(dir, 'bzImage'),
    includeDir: join(dir, 'include'),
    testHeaderDir: join(dir, 'iommufd'),
    sourceVersion: version,
    cacheHit: hit,
    buildMs: ms,
  };
}

export async function buildKernel(opts: BuildOptions = {}): Promise<KernelBuild> {
  const log = opts.log ?? (() => {});
  const root = opts.cacheDir ?? cacheRoot();
  mkdirSync(root, { recursive: true });
  // A cached kernel needs none of the kernel packages: the source version of
  // its key is the installed package's, else the one apt would install.
  const known =
    (await installedVersion(SOURCE_PACKAGE)) ??
    (await candidateVersion(SOURCE_PACKAGE, join(root, 'packages.log')));
  if (known) {
    const hitKey = kernelKey(known);
    const hitDir = join(root, `kernel-${shortKey(hitKey)}`);
    if (existsSync(join(hitDir, DONE))) return kernelResult(hitDir, hitKey, known, true, 0);
  }
  await ensurePackages(KERNEL_PACKAGES, join(root, 'packages.log'), log);
  const version = await installedVersion(SOURCE_PACKAGE);
  if (!version) throw new Error(`${SOURCE_PACKAGE} is not installed`);
  const key = kernelKey(version);
  const dir = join(root, `kernel-${shortKey(key)}`);

  return withLock(
    join(root, 'kernel.lock'),
    async () => {
      // Someone else may have built it while we waited.
      if (existsSync(join(dir, DONE))) return kernelResult(dir, key, version, true, 0);
      const t0 = Date.now();
      const fragment = parseFragment(readFileSync(FRAGMENT_FILE, 'utf8'));
      const srcParent = join(root, 'src', version);
      const src = join(srcParent, SOURCE_TOP);
      const tmp = `${dir}.tmp-${process.pid}`;
      removeDeadBuilds(root, 'kernel');
      mkdirSync(tmp, { recursive: true });
      const logFile = join(tmp, 'build.log');

      if (!existsSync(join(srcParent, 'UNPACKED'))) {
        log(`unpacking ${SOURCE_TARBALL}`);
        rmSync(srcParent, { recursive: true, force: true });
        mkdirSync(srcParent, { recursive: true });
        await run('tar', ['xf', SOURCE_TARBALL, '-C', srcParent], { logFile });
        writeFileSync(join(srcParent, 'UNPACKED'), `${SOURCE_TARBALL} ${version}\n`);
      }
      const make = (args: string[]) => run('make', args, { cwd: src, logFile });
      log('configuring (tinyconfig + config.fragment + olddefconfig)');
      await make(['tinyconfig']);
      writeFileSync(
        join(src, '.config'),
        readFileSync(join(src, '.config'), 'utf8') + fragmentAssignments(fragment),
      );
      await make(['olddefconfig']);
      const dotConfig = readFileSync(join(src, '.config'), 'utf8');
      const bad = verifyConfig(fragment, dotConfig);
      if (bad.length > 0)
        throw new Error(`config.fragment options not in the final .config:\n${describeMismatches(bad)}`);
      const jobs = makeJobs();
      log(`building bzImage (make -j${jobs}; log ${logFile})`);
      await make([`-j${jobs}`, 'bzImage']);
      log('make headers');
      await make(['headers']);

      cpSync(join(src, 'arch/x86/boot/bzImage'), join(tmp, 'bzImage'));
      writeFileSync(join(tmp, 'config'), dotConfig);
      cpSync(join(src, 'usr/include'), join(tmp, 'include'), { recursive: true });
      mkdirSync(join(tmp, 'iommufd'));
      cpSync(join(src, 'drivers/iommu/iommufd/iommufd_test.h'), join(tmp, 'iommufd/iommufd_test.h'));
      const ms = Date.now() - t0;
      writeFileSync(
        join(tmp, 'info.json'),
        JSON.stringify(
          { key, sourceVersion: version, buildMs: ms, jobs, builtAt: new Date().toISOString() },
          null,
          2,
        ) + '\n',
      );
      writeFileSync(join(tmp, DONE), '');
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      log(`kernel built in ${(ms / 1000).toFixed(0)} s: ${dir}`);
      return kernelResult(dir, key, version, false, ms);
    },
    () => log(`waiting for another kernel build (${join(root, 'kernel.lock')})`),
  );
}
