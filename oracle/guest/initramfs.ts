/**
 * What goes into the guest's initramfs. The base archive (cached, gzip'd):
 * busybox with its applet links, the driver, the fixture and our init. The
 * per-run archive (plain cpio, built for every run and appended to the
 * base): the scripts, their manifest and the run's settings.
 */
import { gzipSync } from 'node:zlib';
import { type CpioEntry, writeCpio } from './cpio';

export interface BaseParts {
  busybox: Buffer;
  /** busybox's applet names (`busybox --list`), linked in /bin. */
  applets: readonly string[];
  init: string;
  /** Guest programs by name (installed as /bin/NAME): the driver, the fixture. */
  programs: ReadonlyMap<string, Buffer>;
}

export function baseEntries(parts: BaseParts): CpioEntry[] {
  const e: CpioEntry[] = [];
  for (const d of ['bin', 'dev', 'proc', 'sys', 'tmp', 'root', 'pfnlab'])
    e.push({ path: d, kind: 'dir', mode: 0o755 });
  e.push({ path: 'bin/busybox', kind: 'file', mode: 0o755, data: parts.busybox });
  const programs = new Set(parts.programs.keys());
  for (const a of parts.applets) {
    if (a === 'busybox' || programs.has(a) || !/^[A-Za-z0-9_.[-]+$/.test(a)) continue;
    e.push({ path: `bin/${a}`, kind: 'symlink', mode: 0o777, data: 'busybox' });
  }
  for (const [name, data] of parts.programs) e.push({ path: `bin/${name}`, kind: 'file', mode: 0o755, data });
  e.push({ path: 'init', kind: 'file', mode: 0o755, data: parts.init });
  return e;
}

/** The base archive, gzip'd, then zero-padded to a multiple of 4 so an appended archive starts aligned. */
export function buildBaseArchive(parts: BaseParts): Buffer {
  const gz = gzipSync(writeCpio(baseEntries(parts)), { level: 6 });
  const pad = (4 - (gz.length % 4)) % 4;
  return pad === 0 ? gz : Buffer.concat([gz, Buffer.alloc(pad)]);
}

export interface RunScript {
  /** Guest program that runs it (a file in /bin): the driver or the fixture. */
  program: string;
  text: string;
  /** Per-script time limit in whole seconds. */
  limitSeconds: number;
}

export interface RunSettings {
  /** Frames the result markers, so no output line can pass for one. */
  nonce: string;
}

const PROGRAM = /^[A-Za-z0-9_.-]+$/;

/** The per-run entries: pfnlab/run/{run.conf, manifest, N.script}. Script N is scripts[N]. */
export function runEntries(scripts: readonly RunScript[], settings: RunSettings): CpioEntry[] {
  if (!/^[A-Za-z0-9]+$/.test(settings.nonce)) throw new Error('nonce: letters and digits only');
  const e: CpioEntry[] = [{ path: 'pfnlab/run', kind: 'dir', mode: 0o755 }];
  e.push({ path: 'pfnlab/run/run.conf', kind: 'file', mode: 0o644, data: `NONCE=${settings.nonce}\n` });
  const manifest: string[] = [];
  scripts.forEach((s, i) => {
    if (!PROGRAM.test(s.program)) throw new Error(`bad guest program name ${JSON.stringify(s.program)}`);
    const limit = Math.max(1, Math.ceil(s.limitSeconds));
    manifest.push(`${i} ${s.program} ${limit}`);
    e.push({ path: `pfnlab/run/${i}.script`, kind: 'file', mode: 0o644, data: s.text });
  });
  e.push({ path: 'pfnlab/run/manifest', kind: 'file', mode: 0o644, data: manifest.join('\n') + '\n' });
  return e;
}

/** Inode numbers of the run archive start high, away from the base archive's. */
export function buildRunArchive(scripts: readonly RunScript[], settings: RunSettings): Buffer {
  return writeCpio(runEntries(scripts, settings), 1 << 20);
}
