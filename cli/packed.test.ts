/**
 * The packed CLI: `npm pack` (its prepack builds dist-cli/), the tarball
 * installed into an empty folder, and `npx pfnlab` there and from another
 * working directory on scenarios elsewhere: run (text and --json), check
 * (typescript and lab.d.ts resolve from the install), help and exit codes.
 * npm installs the dependencies from its cache (--prefer-offline): `npm ci`
 * has put them there.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckJson } from './commands/check';
import type { JsonOutput } from './commands/run';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-packed-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
/** Each test spawns a few CLIs (and their type-check children): slow on a loaded machine. */
const SLOW_MS = 240_000;

/** The environment without the outer npm run's package and lifecycle variables. */
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(package|lifecycle)_/.test(k)),
);
env.PFNLAB_FROM_SOURCE = '';

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

const app = join(tmp, 'app');
const elsewhere = join(tmp, 'elsewhere');
const other = join(tmp, 'other-cwd');
let files: string[] = [];

beforeAll(() => {
  for (const d of [app, elsewhere, other]) mkdirSync(d);
  writeFileSync(
    join(elsewhere, 'file.ts'),
    "lab.log('packed');\nconst fd: Iommufd = lab.open();\nfd.close();\n",
  );
  writeFileSync(join(elsewhere, 'typo.ts'), 'const fd = lab.open();\nfd.ioasAlloc().mapp(0, 4096);\n');
  writeFileSync(
    join(elsewhere, 'throws.ts'),
    'const fd = lab.open();\nconst ioas = fd.ioasAlloc();\nioas.unmap(lab.MOCK_APERTURE_START, 4096);\n',
  );
  const pack = sh(npm, ['pack', '--json', '--pack-destination', tmp], ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { files: { path: string }[] }[];
  files = info[0].files.map((f) => f.path);
  const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  writeFileSync(join(app, 'package.json'), '{ "name": "empty", "private": true }\n');
  const install = sh(
    npm,
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, tarball ?? '')],
    app,
  );
  expect(install.status, install.stderr).toBe(0);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the packed pfnlab', () => {
  it(
    'ships the build, the API declarations and no TypeScript sources',
    () => {
      expect(files).toEqual(
        expect.arrayContaining([
          'bin/pfnlab.mjs',
          'dist-cli/main.js',
          'dist-cli/worker.js',
          'engine/scenario/api/lab.d.ts',
          'package.json',
        ]),
      );
      const sources = files.filter(
        (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('scenarios/'),
      );
      expect(sources).toEqual([]);
      expect(files.filter((f) => /(^|\/)tests?\/|\.test\./.test(f))).toEqual([]);
    },
    SLOW_MS,
  );

  it(
    'runs a scenario from elsewhere with npx, in the install folder and from another cwd',
    () => {
      const here = sh(npx, ['--no-install', 'pfnlab', 'run', join(elsewhere, 'file.ts')], app);
      expect(here.stderr).toBe('');
      expect(here.status).toBe(0);
      expect(here.stdout).toMatch(/^packed\nok: file\.ts: 2 ops/);
      const there = sh(join(app, 'node_modules', '.bin', 'pfnlab'), ['run', '--json', 'file.ts'], elsewhere);
      expect(there.status, there.stderr).toBe(0);
      expect(JSON.parse(there.stdout) as JsonOutput).toMatchObject({ ok: true, ops: 2, typeErrors: [] });
    },
    SLOW_MS,
  );

  it(
    'keeps the exit codes: 1 with FILE:L:C when the scenario throws, 2 on usage, 0 for --help',
    () => {
      const threw = sh(
        npx,
        ['--no-install', 'pfnlab', 'run', '--no-typecheck', join(elsewhere, 'throws.ts')],
        app,
      );
      expect(threw.status).toBe(1);
      expect(threw.stderr).toMatch(/^throws\.ts:3:\d+: E[A-Z]+: /);
      expect(sh(npx, ['--no-install', 'pfnlab', 'frobnicate'], app).status).toBe(2);
      const help = sh(npx, ['--no-install', 'pfnlab', 'run', '--help'], app);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Usage: pfnlab run FILE');
    },
    SLOW_MS,
  );

  it(
    'type-checks with the installed typescript and lab.d.ts',
    () => {
      const pfnlab = join(app, 'node_modules', '.bin', 'pfnlab');
      const bad = sh(pfnlab, ['check', '--json', join(elsewhere, 'typo.ts')], other);
      expect(bad.status).toBe(1);
      const out = JSON.parse(bad.stdout) as CheckJson;
      expect(out.diagnostics.map((d) => [d.line, d.code])).toEqual([[2, 2551]]);
      const good = sh(pfnlab, ['check', join(elsewhere, 'file.ts')], other);
      expect(good.status, good.stdout + good.stderr).toBe(0);
    },
    SLOW_MS,
  );
});
