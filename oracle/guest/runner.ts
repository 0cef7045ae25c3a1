/**
 * The oracle runner (docs/ORACLE-SCRIPT.md, "Runner"): ensureOracleBuilt()
 * builds or finds the cached kernel, driver and base initramfs;
 * runScripts() boots the kernel once and runs every script in a fresh
 * driver process, and returns each script's output with what went wrong.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKernel, type KernelBuild } from '../kernel/build';
import { findSplats, type ConsoleFinding } from './console';
import { tailOf } from './exec';
import { buildGuest, DRIVER_PROGRAM, FIXTURE_PROGRAM, type GuestBuild } from './guest-build';
import { buildRunArchive } from './initramfs';
import { ensurePackages, GUEST_PACKAGES } from './packages';
import { cacheRoot } from './paths';
import { parseResultPort } from './output';
import { bootQemu } from './qemu';
import { analyseRun, scriptHeader, type ScriptReport } from './verdict';

export interface OracleBuild {
  /** bzImage. */
  kernel: string;
  /** The compiled driver; null while oracle/driver/ has no C source. */
  driver: string | null;
  /** The compiled fixture (oracle/guest/fixtures/). */
  fixture: string;
  initramfsBase: string;
  /** The cache root. */
  cacheDir: string;
  /** Kernel and guest both came from the cache. */
  cacheHit: boolean;
  /** The guest key: a hash over every input (it includes the kernel key). */
  inputsHash: string;
  kernelKey: string;
  /** Headers to compile guest programs against (`-I` both). */
  includeDirs: string[];
  kernelBuildMs: number;
  guestBuildMs: number;
}

export interface BuildOpts {
  log?: (line: string) => void;
  /** Defaults to $PFNLAB_ORACLE_CACHE or ~/.cache/pfnlab-oracle. */
  cacheDir?: string;
}

export async function ensureOracleBuilt(opts: BuildOpts = {}): Promise<OracleBuild> {
  const log = opts.log ?? (() => {});
  const root = opts.cacheDir ?? cacheRoot();
  const kernel: KernelBuild = await buildKernel({ log, cacheDir: root });
  await ensurePackages(GUEST_PACKAGES, join(root, 'packages.log'), log);
  const guest: GuestBuild = await buildGuest(kernel, root, log);
  return {
    kernel: kernel.bzImage,
    driver: guest.driver,
    fixture: guest.fixture,
    initramfsBase: guest.initramfsBase,
    cacheDir: root,
    cacheHit: kernel.cacheHit && guest.cacheHit,
    inputsHash: guest.key,
    kernelKey: kernel.key,
    includeDirs: [kernel.includeDir, kernel.testHeaderDir],
    kernelBuildMs: kernel.buildMs,
    guestBuildMs: guest.buildMs,
  };
}

export interface OracleScript {
  name: string;
  text: string;
  /** Run by the fixture instead of the driver (runner tests). */
  program?: 'driver' | 'fixture';
}

export interface RunOpts extends BuildOpts {
  /** Limit for the whole boot (ms); QEMU is killed past it. Default 10 min. */
  timeoutMs?: number;
  /** Limit for one script's driver process (ms, rounded up to seconds). Default 2 min. */
  scriptTimeoutMs?: number;
  /** Guest memory; raised when the hugetlb pools need more. Default 2048 MiB. */
  memoryMiB?: number;
  /** hugetlb pools; defaults are the engine's (64 × 2 MiB, 0 × 1 GiB). A script's header may ask for more. */
  hugepages2M?: number;
  hugepages1G?: number;
  /** Keep the run's temporary folder (initrd, result port) and report it. */
  keepRunDir?: boolean;
}

export interface GuestRun {
  /** Each script's driver stdout, by name. */
  outputs: Map<string, string>;
  /** The kernel console (ttyS0). */
  console: string;
  /** From QEMU's start to the init's first marker. */
  bootMs: number;
  /** From QEMU's start to its exit. */
  totalMs: number;
  ok: boolean;
  error?: string;
  errors: string[];
  scripts: ScriptReport[];
  findings: ConsoleFinding[];
  hugepages: { '2M': number | null; '1G': number | null };
  memoryMiB: number;
  initrdBytes: number;
  runDir?: string;
}

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_SCRIPT_TIMEOUT_MS = 2 * 60_000;

export function guestMemoryMiB(requested: number, hp2M: number, hp1G: number): number {
  // The pools plus room for the kernel, the initramfs and the scripts' own
  // memory. 1 GiB pages need whole aligned GiBs that neither the kernel
  // image (low) nor the initrd (top of RAM) touch: two GiB more.
  const need = hp1G > 0 ? hp2M * 2 + (hp1G + 2) * 1024 : hp2M * 2 + 512;
  return Math.max(requested, need);
}

export function kernelCmdline(hp2M: number, hp1G: number): string {
  return [
    'console=ttyS0',
    // A panic reboots at once, and -no-reboot turns that into QEMU's exit.
    'panic=-1',
    // 1 GiB pages can only be reserved at boot; both pools are sized here.
    'hugepagesz=2M',
    `hugepages=${hp2M}`,
    'hugepagesz=1G',
    `hugepages=${hp1G}`,
  ].join(' ');
}

export async function runScripts(scripts: readonly OracleScript[], opts: RunOpts = {}): Promise<GuestRun> {
  const names = new Set<string>();
  for (const s of scripts) {
    if (names.has(s.name)) throw new Error(`runScripts: two scripts named ${s.name}`);
    names.add(s.name);
  }
  const build = await ensureOracleBuilt(opts);
  if (scripts.some((s) => (s.program ?? 'driver') === 'driver') && !build.driver)
    throw new Error('runScripts: the driver is not built (oracle/driver/ has no C source)');

  const headers = scripts.map((s) => scriptHeader(s.text));
  const hp2M = Math.max(opts.hugepages2M ?? 64, ...headers.map((h) => h.hugepages2M ?? 0));
  const hp1G = Math.max(opts.hugepages1G ?? 0, ...headers.map((h) => h.hugepages1G ?? 0));
  const memoryMiB = guestMemoryMiB(opts.memoryMiB ?? 2048, hp2M, hp1G);
  const nonce = randomBytes(6).toString('hex');
  const limitSeconds = Math.ceil((opts.scriptTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS) / 1000);

  const runDir = mkdtempSync(join(tmpdir(), 'pfnlab-oracle-run-'));
  try {
    const initrd = join(runDir, 'initrd');
    const resultFile = join(runDir, 'results.txt');
    const runArchive = buildRunArchive(
      scripts.map((s) => ({
        program: (s.program ?? 'driver') === 'driver' ? DRIVER_PROGRAM : FIXTURE_PROGRAM,
        text: s.text,
        limitSeconds,
      })),
      { nonce },
    );
    const initrdBytes = Buffer.concat([readFileSync(build.initramfsBase), runArchive]);
    writeFileSync(initrd, initrdBytes);
    writeFileSync(resultFile, '');

    let bootMs = -1;
    const times: { begin: number[]; exit: number[] } = { begin: [], exit: [] };
    const tag = `@@pfnlab ${nonce} `;
    const exit = await bootQemu({
      kernel: build.kernel,
      initrd,
      resultFile,
      memoryMiB,
      cmdline: kernelCmdline(hp2M, hp1G),
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      onConsoleLine: (line, ms) => {
        const at = line.indexOf(tag);
        if (at < 0) return;
        const [kind, idx] = line.slice(at + tag.length).split(' ');
        if (kind === 'boot' && bootMs < 0) bootMs = ms;
        else if (kind === 'begin') times.begin[Number(idx)] = ms;
        else if (kind === 'exit') times.exit[Number(idx)] = ms;
      },
    });
    const port = parseResultPort(readFileSync(resultFile, 'utf8'), nonce, scripts.length);
    const findings = findSplats(exit.console, nonce);
    const verdict = analyseRun({
      names: scripts.map((s) => s.name),
      port,
      findings,
      exit,
      times,
      requestedHugepages: { '2M': hp2M, '1G': hp1G },
    });
    const outputs = new Map<string, string>();
    verdict.scripts.forEach((r) => outputs.set(r.name, r.stdout));
    const run: GuestRun = {
      outputs,
      console: exit.console,
      bootMs,
      totalMs: exit.ms,
      ok: verdict.errors.length === 0,
      errors: verdict.errors,
      scripts: verdict.scripts,
      findings,
      hugepages: { '2M': port.hugepages2M, '1G': port.hugepages1G },
      memoryMiB,
      initrdBytes: initrdBytes.length,
    };
    if (verdict.errors.length > 0)
      run.error = `${verdict.errors.join('\n')}\n--- console tail ---\n${tailOf(exit.console.replace(/\r/g, ''), 30)}`;
    if (opts.keepRunDir) run.runDir = runDir;
    return run;
  } finally {
    if (!opts.keepRunDir) rmSync(runDir, { recursive: true, force: true });
  }
}
