/**
 * One app instance: a second start hands its files to the first (which
 * focuses its window) and quits. Files come from the command line (Linux,
 * Windows file associations), a second instance, and macOS `open-file`.
 */
import { extname, isAbsolute, resolve } from 'node:path';
import type { App } from 'electron';
import { FILE_KINDS } from '../shared/app-host';
import { MAX_PATH_CHARS } from './allowed-paths';

/** Extensions the app opens when the OS hands a file over: scenarios and runs. */
const OPENABLE = new Set(
  [...FILE_KINDS.scenario.extensions, ...FILE_KINDS.run.extensions].map((e) => `.${e.split('.').pop() ?? e}`),
);

export function isOpenablePath(path: string): boolean {
  return OPENABLE.has(extname(path).toLowerCase());
}

/**
 * The files named on a command line, absolute. Skips the executable (and, in
 * development, the app path after it), switches (Chromium adds some to a
 * second instance's argv) and anything that is not a scenario or a run.
 */
export function filesFromArgv(argv: readonly string[], cwd: string, isPackaged: boolean): string[] {
  const out: string[] = [];
  let dashdash = false;
  for (const arg of argv.slice(isPackaged ? 1 : 2)) {
    if (!dashdash && arg === '--') {
      dashdash = true;
      continue;
    }
    if (
      (!dashdash && arg.startsWith('-')) ||
      arg.length === 0 ||
      arg.length > MAX_PATH_CHARS ||
      arg.includes('\0')
    ) {
      continue;
    }
    const path = isAbsolute(arg) ? resolve(arg) : resolve(cwd, arg);
    if (isOpenablePath(path) && !out.includes(path)) out.push(path);
  }
  return out;
}

/** What the first instance passes to `requestSingleInstanceLock` and gets back from a second. */
type HandoverData = { files: string[] };

function handoverFiles(data: unknown): string[] | null {
  if (typeof data !== 'object' || data === null) return null;
  const files = (data as { files?: unknown }).files;
  if (!Array.isArray(files) || files.length > 100) return null;
  return files.filter(
    (f): f is string =>
      typeof f === 'string' && f.length <= MAX_PATH_CHARS && isAbsolute(f) && isOpenablePath(f),
  );
}

export interface SingleInstanceOpts {
  argv: readonly string[];
  cwd: string;
  /** Files handed over (this instance's argv at start, a second instance's later, macOS open-file). */
  onFiles: (paths: string[]) => void;
  /** A second instance started: bring the window to the front. */
  onSecondInstance: () => void;
}

/**
 * Take the single-instance lock. False: another instance has it and got our
 * files; the caller quits. True: this is the first instance; our own argv's
 * files are reported through `onFiles` at once.
 */
export function claimSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'on' | 'isPackaged'>,
  opts: SingleInstanceOpts,
): boolean {
  const files = filesFromArgv(opts.argv, opts.cwd, app.isPackaged);
  // The files also travel as additionalData: Windows may reorder a second instance's argv.
  const data: HandoverData = { files };
  if (!app.requestSingleInstanceLock(data)) return false;
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const handed = handoverFiles(additionalData) ?? filesFromArgv(argv, workingDirectory, app.isPackaged);
    if (handed.length > 0) opts.onFiles(handed);
    opts.onSecondInstance();
  });
  // macOS: a file opened from Finder or dropped on the Dock icon (before or after ready).
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (isAbsolute(path) && path.length <= MAX_PATH_CHARS) opts.onFiles([path]);
  });
  if (files.length > 0) opts.onFiles(files);
  return true;
}
