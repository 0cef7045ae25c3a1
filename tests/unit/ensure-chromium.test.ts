/**
 * scripts/ensure-chromium.mjs, run as `npm test` runs it, with Debian's
 * Chromium pointed at a missing file (PFNLAB_DEBIAN_CHROMIUM) and a fake
 * apt-get first on PATH that logs its arguments and "installs" that file. As
 * root it must install (update, then install -y chromium) and pass; as
 * another user (setpriv to nobody) it must print the one command and fail
 * without calling apt-get.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/ensure-chromium.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-chromium-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const canDropRoot = isRoot && spawnSync('setpriv', ['--version']).status === 0;

/** A fresh sandbox: the script (standalone), a fake apt-get, where chromium would go. */
function sandbox(name: string) {
  const dir = join(tmp, name);
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = join(dir, 'ensure-chromium.mjs');
  cpSync(SCRIPT, script);
  const chromium = join(dir, 'usr-bin', 'chromium');
  const log = join(dir, 'apt.log');
  writeFileSync(
    join(bin, 'apt-get'),
    `#!/bin/sh\necho "$*" >> "${log}"\nif [ "$1" = install ]; then mkdir -p "${join(dir, 'usr-bin')}" && : > "${chromium}"; fi\n`,
  );
  chmodSync(join(bin, 'apt-get'), 0o755);
  for (const d of [tmp, dir, bin]) chmodSync(d, 0o755);
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    PFNLAB_DEBIAN_CHROMIUM: chromium,
    CHROMIUM_PATH: '',
  };
  const apt = (): string => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  return { script, chromium, env, apt };
}

describe('ensure-chromium', () => {
  it.skipIf(!isRoot)('installs Debian chromium with apt-get as root when it is missing', () => {
    const s = sandbox('root');
    const r = spawnSync(process.execPath, [s.script], { env: s.env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(s.apt()).toBe('update -q\ninstall -y -q chromium\n');
    expect(existsSync(s.chromium)).toBe(true);
    expect(r.stdout).toContain(`chromium: ${s.chromium}`);
  });

  it('does nothing when chromium is there', () => {
    const s = sandbox('present');
    mkdirSync(join(s.chromium, '..'), { recursive: true });
    writeFileSync(s.chromium, '');
    const r = spawnSync(process.execPath, [s.script], { env: s.env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(s.apt()).toBe('');
  });

  it.skipIf(isRoot && !canDropRoot)('prints the one command and fails when not root', () => {
    const s = sandbox('user');
    const cmd = isRoot ? 'setpriv' : process.execPath;
    const args = isRoot
      ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, s.script]
      : [s.script];
    const r = spawnSync(cmd, args, { env: s.env, encoding: 'utf8', cwd: tmp });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${s.chromium} is missing`);
    expect(r.stderr).toContain("sudo sh -c 'apt-get update && apt-get install -y chromium'");
    expect(s.apt()).toBe('');
    expect(existsSync(s.chromium)).toBe(false);
  });

  it('never installs over a CHROMIUM_PATH of your own', () => {
    const s = sandbox('own');
    const own = join(tmp, 'own', 'my-chromium');
    const r = spawnSync(process.execPath, [s.script], {
      env: { ...s.env, CHROMIUM_PATH: own },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`CHROMIUM_PATH=${own} does not exist`);
    expect(s.apt()).toBe('');
  });
});
