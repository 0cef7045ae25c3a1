// `npm start` / `npm run dev`: start the desktop app with electron-vite, but
// first make sure Electron's binary is there. It is fetched on first use, from
// outside the npm registry; where that cannot work (offline, a locked-down
// network) say so plainly and name the browser mode instead of electron-vite's
// bare "Error: Electron uninstall".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Path of the Electron executable the `electron` package points at, or null when it has none. */
export function electronBinary(electronDir = join(root, 'node_modules', 'electron')) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(p) ? p : null;
  }
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

/** The message for a machine where the binary cannot be had. */
export function missingElectronMessage(detail) {
  return [
    'PFN Lab: the Electron binary is not installed, and downloading it failed' + (detail ? ` (${detail})` : '') + '.',
    'Electron fetches its binary on first start from outside the npm registry.',
    'Use the browser mode instead — the same app, with the engine in a Web Worker:',
    '',
    '  npm run dev:web      # http://localhost:5173',
    '  npm run build:web    # a static site in dist-web/',
    '',
    'or install Electron where it can be downloaded (node node_modules/electron/install.js).',
  ].join('\n');
}

function main() {
  const mode = process.argv[2] === 'dev' ? 'dev' : 'preview';
  if (electronBinary() === null) {
    console.log('Electron binary missing: trying to download it once (node node_modules/electron/install.js)…');
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
      stdio: ['ignore', 'inherit', 'pipe'],
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (electronBinary() === null) {
      const err = (r.stderr ?? '').trim().split('\n').find((l) => /error/i.test(l)) ?? (r.error?.message ?? '');
      console.error(missingElectronMessage(err.slice(0, 200)));
      process.exit(1);
    }
  }
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const r = spawnSync(npx, ['electron-vite', mode], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
