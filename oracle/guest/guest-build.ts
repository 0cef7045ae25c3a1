/**
 * The guest half of the build: compile the driver (every oracle/driver/*.c
 * into one static binary) and the fixture against the built kernel's
 * headers, and pack the base initramfs. Cached in <cache>/guest-<key>/ (the
 * key covers the kernel key, oracle/driver/, the fixtures, this code, the
 * init and the busybox / gcc / libc versions); built under a temporary name
 * and renamed when complete, under <cache>/guest.lock.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelBuild } from '../kernel/build';
import { capture, run } from './exec';
import { buildBaseArchive } from './initramfs';
import { dirInputs, fileInputs, hashInputs, removeDeadBuilds, shortKey } from './keys';
import { withLock } from './lock';
import { installedVersion } from './packages';
import { DRIVER_DIR, FIXTURES_DIR, GUEST_BUILD_FILES, GUEST_DIR, ORACLE_DIR } from './paths';

/** The guest programs' names in /bin. */
export const DRIVER_PROGRAM = 'pfnlab-oracle-driver';
export const FIXTURE_PROGRAM = 'pfnlab-oracle-fixture';
const BUSYBOX = '/bin/busybox';
const DONE = 'DONE';

export interface GuestBuild {
  key: string;
  dir: string;
  initramfsBase: string;
  /** Host path of the compiled driver; null while oracle/driver/ has no C source. */
  driver: string | null;
  fixture: string;
  cacheHit: boolean;
  buildMs: number;
}

/** The compiler line shared by the driver and the fixture (see oracle/README.md and oracle/driver/README.md). */
export function compileArgs(
  kernel: Pick<KernelBuild, 'includeDir' | 'testHeaderDir'>,
  sources: readonly string[],
  out: string,
): string[] {
  return [
    '-static',
    '-O2',
    '-Wall',
    '-D_GNU_SOURCE',
    `-I${kernel.includeDir}`,
    `-I${kernel.testHeaderDir}`,
    '-o',
    out,
    ...sources,
  ];
}

export function driverSources(dir = DRIVER_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.c'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

async function toolVersions(): Promise<string> {
  const gcc = (await capture('gcc', ['-dumpfullversion'])) ?? 'none';
  const bb = (await installedVersion('busybox-static')) ?? 'none';
  const libc = (await installedVersion('libc6-dev')) ?? 'none';
  return `gcc ${gcc}\nbusybox-static ${bb}\nlibc6-dev ${libc}\n`;
}

export async function guestKey(kernelKey: string): Promise<string> {
  return hashInputs([
    { name: 'kernel-key', data: kernelKey },
    { name: 'tools', data: await toolVersions() },
    ...dirInputs(DRIVER_DIR, ORACLE_DIR),
    ...dirInputs(FIXTURES_DIR, ORACLE_DIR),
    ...fileInputs(GUEST_BUILD_FILES, ORACLE_DIR),
  ]);
}

function result(dir: string, key: string, hit: boolean, ms: number): GuestBuild {
  const driver = join(dir, DRIVER_PROGRAM);
  return {
    key,
    dir,
    initramfsBase: join(dir, 'initramfs-base.cpio.gz'),
    driver: existsSync(driver) ? driver : null,
    fixture: join(dir, FIXTURE_PROGRAM),
    cacheHit: hit,
    buildMs: ms,
  };
}

export async function buildGuest(
  kernel: KernelBuild,
  root: string,
  log: (line: string) => void,
): Promise<GuestBuild> {
  const key = await guestKey(kernel.key);
  const dir = join(root, `guest-${shortKey(key)}`);
  if (existsSync(join(dir, DONE))) return result(dir, key, true, 0);
  return withLock(
    join(root, 'guest.lock'),
    async () => {
      if (existsSync(join(dir, DONE))) return result(dir, key, true, 0);
      const t0 = Date.now();
      const tmp = `${dir}.tmp-${process.pid}`;
      removeDeadBuilds(root, 'guest');
      mkdirSync(tmp, { recursive: true });
      const logFile = join(tmp, 'compile.log');
      const programs = new Map<string, Buffer>();

      const fixtureSrc = readdirSync(FIXTURES_DIR)
        .filter((f) => f.endsWith('.c'))
        .sort()
        .map((f) => join(FIXTURES_DIR, f));
      log('compiling the fixture');
      await run('gcc', compileArgs(kernel, fixtureSrc, join(tmp, FIXTURE_PROGRAM)), { logFile });
      programs.set(FIXTURE_PROGRAM, readFileSync(join(tmp, FIXTURE_PROGRAM)));

      const sources = driverSources();
      if (sources.length > 0) {
        log(`compiling the driver (${sources.length} files)`);
        await run('gcc', compileArgs(kernel, sources, join(tmp, DRIVER_PROGRAM)), { logFile });
        programs.set(DRIVER_PROGRAM, readFileSync(join(tmp, DRIVER_PROGRAM)));
      } else log('oracle/driver/ has no C source yet: the guest has only the fixture');

      const applets = (await capture(BUSYBOX, ['--list']))?.split('\n').filter((a) => a !== '');
      if (!applets) throw new Error(`${BUSYBOX} --list failed: is busybox-static installed?`);
      const base = buildBaseArchive({
        busybox: readFileSync(BUSYBOX),
        applets,
        init: readFileSync(join(GUEST_DIR, 'init.sh'), 'utf8'),
        programs,
      });
      writeFileSync(join(tmp, 'initramfs-base.cpio.gz'), base);
      const ms = Date.now() - t0;
      writeFileSync(
        join(tmp, 'info.json'),
        JSON.stringify(
          {
            key,
            kernelKey: kernel.key,
            buildMs: ms,
            driverSources: sources.length,
            builtAt: new Date().toISOString(),
          },
          null,
          2,
        ) + '\n',
      );
      writeFileSync(join(tmp, DONE), '');
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return result(dir, key, false, ms);
    },
    () => log('waiting for another guest build'),
  );
}
