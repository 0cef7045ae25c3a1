// Make sure Debian's Chromium is there for the end-to-end tests (README: a bare
// machine passes `npm ci && npm test`). As root on Debian it installs the
// package; elsewhere it prints the one command to run and fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const INSTALL = 'apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 chromium > /dev/null';

/** Returns null when Chromium is usable, else the reason it is not. */
export function ensureChromium({ log = console.log } = {}) {
  if (existsSync(CHROMIUM)) return null;
  if (process.env.CHROMIUM_PATH) return `CHROMIUM_PATH=${CHROMIUM} does not exist`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt) {
    return `${CHROMIUM} is missing; the end-to-end tests need Debian's Chromium. Install it with:\n  sudo sh -c '${INSTALL}'\n(or set CHROMIUM_PATH to a Chromium binary)`;
  }
  log(`${CHROMIUM} is missing: installing Debian's chromium package (${INSTALL})`);
  const r = spawnSync('sh', ['-c', INSTALL], { stdio: 'inherit' });
  if (r.status !== 0) return `installing chromium failed (exit ${r.status ?? r.signal})`;
  return existsSync(CHROMIUM) ? null : `apt-get installed chromium but ${CHROMIUM} is still missing`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const err = ensureChromium();
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`chromium: ${CHROMIUM}`);
}
