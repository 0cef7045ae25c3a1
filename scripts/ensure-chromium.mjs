// Make sure Debian's Chromium is there for the end-to-end tests (README: a bare
// machine passes `npm ci && npm test`). Run by `npm test` before its e2e step,
// or alone: `node scripts/ensure-chromium.mjs`. When Chromium is missing: as
// root with apt-get on PATH it runs `apt-get update` and
// `apt-get install -y chromium`; otherwise it prints the one command to run and
// fails (exit 1).
//
//   CHROMIUM_PATH           a Chromium of your own: used as is, never installed
//                           (the e2e harness reads it too)
//   PFNLAB_DEBIAN_CHROMIUM  where Debian's package puts it, default /usr/bin/chromium
//                           (tests point it at a missing file, with a fake apt-get)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEBIAN_CHROMIUM = process.env.PFNLAB_DEBIAN_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;

/** What a user without root runs (one command). */
export const INSTALL_COMMAND = "sudo sh -c 'apt-get update && apt-get install -y chromium'";

const INSTALL_ARGS = [
  ['update', '-q'],
  ['install', '-y', '-q', 'chromium'],
];

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
}

/** Returns null when Chromium is usable, else the reason it is not (with what to run). */
export function ensureChromium({ log = console.log } = {}) {
  if (existsSync(CHROMIUM)) return null;
  if (process.env.CHROMIUM_PATH) return `CHROMIUM_PATH=${CHROMIUM} does not exist`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!onPath('apt-get')) {
    return `${CHROMIUM} is missing; the end-to-end tests need Chromium, and this machine has no apt-get: install Chromium and set CHROMIUM_PATH to it`;
  }
  if (!isRoot) {
    return `${CHROMIUM} is missing; the end-to-end tests need Debian's Chromium. Install it with:\n  ${INSTALL_COMMAND}\n(or set CHROMIUM_PATH to a Chromium binary)`;
  }
  log(
    `${CHROMIUM} is missing: installing Debian's chromium package (apt-get update && apt-get install -y chromium)`,
  );
  for (const args of INSTALL_ARGS) {
    const r = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0)
      return `apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal ?? r.error?.message})`;
  }
  return existsSync(CHROMIUM) ? null : `apt-get installed chromium but ${CHROMIUM} is still missing`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const err = ensureChromium();
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`chromium: ${CHROMIUM}`);
}
