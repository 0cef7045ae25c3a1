/**
 * bin/pfnlab.mjs: which CLI it starts (the build in dist-cli/ or the sources
 * through tsx), and that pfnlab works from any working directory on a
 * scenario anywhere, in both ways. The choice is tested on a copy of bin/ in a
 * fake package whose "CLIs" print which one they are.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonOutput } from './commands/run';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-bin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function node(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PFNLAB_FROM_SOURCE: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A package root with bin/pfnlab.mjs and, on request, a build, sources and tsx. */
function fakePackage(name: string, parts: { build?: 'fresh' | 'stale'; sources?: boolean; tsx?: boolean }) {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'bin', 'pfnlab.mjs'), join(dir, 'bin', 'pfnlab.mjs'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  if (parts.sources) {
    mkdirSync(join(dir, 'cli'));
    writeFileSync(join(dir, 'cli', 'main.ts'), "const from: string = 'source';\nconsole.log(from);\n");
  }
  if (parts.build) {
    mkdirSync(join(dir, 'dist-cli'));
    writeFileSync(join(dir, 'dist-cli', 'main.js'), "console.log('built');\n");
    const builtAt = Date.now();
    writeFileSync(join(dir, 'dist-cli', 'inputs.json'), JSON.stringify({ builtAt, inputs: ['cli/main.ts'] }));
    if (parts.sources) {
      const t = new Date(builtAt + (parts.build === 'stale' ? 60_000 : -60_000));
      utimesSync(join(dir, 'cli', 'main.ts'), t, t);
    }
  }
  if (parts.tsx) {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(ROOT, 'node_modules', 'tsx'), join(dir, 'node_modules', 'tsx'));
  }
  return join(dir, 'bin', 'pfnlab.mjs');
}

describe('bin/pfnlab.mjs chooses the CLI', () => {
  it('runs the build while no source it was built from is newer', () => {
    const r = node([fakePackage('fresh', { build: 'fresh', sources: true, tsx: true })], tmp);
    expect(r.stdout.trim()).toBe('built');
  }, 180_000);

  it('runs the sources through tsx when one is newer than the build, or under PFNLAB_FROM_SOURCE=1', () => {
    expect(
      node([fakePackage('stale', { build: 'stale', sources: true, tsx: true })], tmp).stdout.trim(),
    ).toBe('source');
    const bin = fakePackage('forced', { build: 'fresh', sources: true, tsx: true });
    expect(node([bin], tmp, { PFNLAB_FROM_SOURCE: '1' }).stdout.trim()).toBe('source');
  }, 180_000);

  it('runs the build of an installed package (no sources to compare)', () => {
    expect(node([fakePackage('installed', { build: 'stale' })], tmp).stdout.trim()).toBe('built');
  }, 180_000);

  it('fails with exit 1 and says what to run when there is neither a build nor tsx', () => {
    const r = node([fakePackage('bare', { sources: true })], tmp);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('dist-cli/ is missing');
    expect(r.stderr).toContain('npm run build:cli');
  }, 180_000);
});

describe('pfnlab from any working directory', () => {
  const elsewhere = join(tmp, 'some', 'where');
  mkdirSync(elsewhere, { recursive: true });
  const file = join(elsewhere, 'file.ts');
  writeFileSync(file, "lab.log('hello from elsewhere');\nconst fd: Iommufd = lab.open();\nfd.close();\n");
  const cwd = mkdtempSync(join(tmpdir(), 'pfnlab-cwd-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const bin = join(ROOT, 'bin', 'pfnlab.mjs');

  // Failed before the worker resolved tsx from its own file: ECRASHED: Cannot find package 'tsx'.
  it('runs a scenario outside the project from the sources (tsx)', () => {
    const r = node([bin, 'run', file, '--no-typecheck'], cwd, { PFNLAB_FROM_SOURCE: '1' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^hello from elsewhere\nok: file\.ts: 2 ops/);
  }, 180_000);

  it('runs it from the build, and the relative path of a file from its cwd', async () => {
    const { buildCli } = await import('../scripts/build-cli.mjs');
    await buildCli();
    const r = node(
      [bin, 'run', '--json', '--no-typecheck', join('..', 'pfnlab-bin-elsewhere.ts')],
      elsewhere,
    );
    expect(r.status).toBe(2); // no such file: a usage error, as before
    const ok = node([bin, 'run', '--json', 'file.ts'], elsewhere);
    expect(ok.status).toBe(0);
    const out = JSON.parse(ok.stdout) as JsonOutput;
    expect(out).toMatchObject({ ok: true, ops: 2, typeErrors: [] });
  }, 180_000);
});
