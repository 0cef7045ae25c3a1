/**
 * `npm run dist:dry` (after `npm run build`): electron-builder packages the app
 * for Linux (`dir` target) with build/electron-builder.yml, offline, around a
 * stand-in Electron distribution (`electronDist`: a file with Electron's fuse
 * wire in a stock state instead of the real binary, which cannot be
 * downloaded here). Then it checks what electron-builder made of the
 * configuration: the fuses flipped as configured (fuse-check.ts), and the
 * app.asar holding the built app and its runtime dependencies only.
 * Prints one line per check and the closing "N passed, N failed".
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuseMismatches, packagedApps } from './fuse-check';
import { jsFiles, readAsar, runtimeImports } from './package-contents';
import { BUILDER_CONFIG, ROOT, configuredFuses, loadBuilderConfig } from './packaging-config';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** A stock Electron's fuse wire (v1): RunAsNode, NODE_OPTIONS, inspect and file:// privileges on. */
const STOCK_WIRE = '10110001';

/** A directory electron-builder accepts as an unpacked Electron for Linux. */
function standInElectron(dir: string, version: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(SENTINEL),
    Buffer.from([1, STOCK_WIRE.length]),
    Buffer.from(STOCK_WIRE),
  ]);
  writeFileSync(
    join(dir, 'electron'),
    Buffer.concat([Buffer.from('#!/bin/sh\nexit 1\n'), wire, Buffer.alloc(16)]),
  );
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in');
}

function asArray<T>(v: T | T[] | null | undefined): T[] {
  return v == null ? [] : Array.isArray(v) ? v : [v];
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const work = mkdtempSync(join(tmpdir(), 'pfnlab-dist-dry-'));
const results: boolean[] = [];
function check(name: string, ok: boolean, info = ''): void {
  results.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && info ? `: ${info}` : ''}`);
}

try {
  if (!existsSync(join(ROOT, 'out/main/index.js')))
    throw new Error('out/main/index.js missing: run npm run build');
  const electronDist = join(work, 'electron');
  const output = join(work, 'dist');
  standInElectron(electronDist, pkg.devDependencies.electron);
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const args = ['electron-builder', '--config', BUILDER_CONFIG, '--linux', 'dir', '--publish', 'never'];
  args.push(`-c.electronDist=${electronDist}`, `-c.directories.output=${output}`);
  const r = spawnSync(npx, args, { cwd: ROOT, encoding: 'utf8', shell: process.platform === 'win32' });
  check(
    'electron-builder packages the app with build/electron-builder.yml',
    r.status === 0,
    `${r.stdout}${r.stderr}`,
  );

  const config = loadBuilderConfig();
  const [app] = packagedApps(output, config);
  check(
    'the Linux app is named as configured (linux-unpacked/pfnlab)',
    app === join(output, 'linux-unpacked', 'pfnlab'),
    String(app),
  );
  if (app) {
    const bad = await fuseMismatches(app, config);
    const n = configuredFuses(config).length;
    check(
      `its ${n} configured fuses are flipped`,
      n >= 5 && bad.length === 0,
      n < 5 ? `only ${n} fuses configured` : bad.join('; '),
    );
  }

  const resources = join(output, 'linux-unpacked', 'resources');
  const asar = join(resources, 'app.asar');
  check(
    'the app is one app.asar (no app/ folder beside it)',
    existsSync(asar) && !existsSync(join(resources, 'app')),
    existsSync(resources) ? readdirSync(resources).join(' ') : 'no resources/',
  );
  if (existsSync(asar)) {
    const archive = readAsar(readFileSync(asar));
    const files = [...archive.keys()];
    const want = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json'];
    check(
      'app.asar holds the built main, preload, renderer and package.json',
      want.every((f) => files.includes(f)),
      want.filter((f) => !files.includes(f)).join(', '),
    );
    const top = new Set(files.map((f) => f.split('/')[0]));
    check(
      'and nothing but out/, node_modules/ and package.json',
      [...top].every((t) => ['out', 'node_modules', 'package.json'].includes(t)),
      [...top].join(' '),
    );
    const leaked = files.filter((f) => /\.map$|\.test\.[cm]?[jt]s$/.test(f) && f.startsWith('out/'));
    check('no source maps or tests from out/', leaked.length === 0, leaked.slice(0, 5).join(', '));
    const modules = new Set(
      files
        .filter((f) => f.startsWith('node_modules/'))
        .map((f) =>
          f
            .split('/')
            .slice(1, f.split('/')[1].startsWith('@') ? 3 : 2)
            .join('/'),
        ),
    );
    const excluded = asArray(config.files).flatMap((f) =>
      typeof f === 'string' ? (/^!node_modules\/([^*]+)\/\*\*$/.exec(f)?.[1] ?? []) : [],
    );
    const packedAnyway = excluded.filter((m) => modules.has(m));
    check(
      `what the configuration leaves out is not packed (${excluded.join(', ')})`,
      excluded.length > 0 && packedAnyway.length === 0,
      packedAnyway.length ? packedAnyway.join(', ') : 'no !node_modules/X/** pattern in files',
    );
    const loaded = [
      ...new Set(jsFiles(join(ROOT, 'out/main')).flatMap((f) => runtimeImports(readFileSync(f, 'utf8')))),
    ];
    const absent = loaded.filter((m) => !modules.has(m));
    check(
      `every package out/main loads is packed (${loaded.join(', ')})`,
      loaded.length > 0 && absent.length === 0,
      absent.length ? `missing: ${absent.join(', ')}` : 'out/main loads no package',
    );
    const dev = Object.keys(pkg.devDependencies).filter((d) => modules.has(d));
    check(
      'no devDependency packed (electron, vue, monaco… are bundled or not needed)',
      dev.length === 0,
      dev.join(', '),
    );
    const packed = archive.get('package.json');
    const manifest = packed ? (JSON.parse(packed().toString('utf8')) as { main?: string }) : {};
    check(
      'its package.json starts out/main/index.js',
      manifest.main === 'out/main/index.js',
      String(manifest.main),
    );
    console.log(`     (app.asar: ${(statSync(asar).size / 1e6).toFixed(1)} MB, ${files.length} files)`);
  }
} catch (e) {
  check('package dry run', false, e instanceof Error ? e.message : String(e));
} finally {
  rmSync(work, { recursive: true, force: true });
}
const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exitCode = passed === results.length && passed > 0 ? 0 : 1;
