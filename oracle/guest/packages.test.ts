import { describe, expect, it } from 'vitest';
import { ensurePackages, type PackageSystem } from './packages';

function fakeSystem(installed: Set<string>, root: boolean, installs = true) {
  const calls: string[][] = [];
  const sys: PackageSystem = {
    hasDpkg: async () => true,
    missing: async (pkgs) => pkgs.filter((p) => !installed.has(p)),
    isRoot: () => root,
    install: async (pkgs) => {
      calls.push([...pkgs]);
      if (installs) for (const p of pkgs) installed.add(p);
    },
  };
  return { sys, calls };
}

describe('Debian packages', () => {
  it('nothing to do when everything is installed', async () => {
    const { sys, calls } = fakeSystem(new Set(['a', 'b']), false);
    await ensurePackages(['a', 'b'], '/dev/null', () => {}, sys);
    expect(calls).toEqual([]);
  });

  it('not root: names the missing packages and the command, installs nothing', async () => {
    const { sys, calls } = fakeSystem(new Set(['a']), false);
    await expect(
      ensurePackages(['a', 'qemu-system-x86', 'flex'], '/dev/null', () => {}, sys),
    ).rejects.toThrow(
      'Missing Debian packages for the kernel oracle: qemu-system-x86 flex\nInstall them (as root): apt-get install -y --no-install-recommends qemu-system-x86 flex',
    );
    expect(calls).toEqual([]);
  });

  it('root: installs only the missing ones, and fails if apt-get did not', async () => {
    const ok = fakeSystem(new Set(['a']), true);
    const lines: string[] = [];
    await ensurePackages(['a', 'b', 'c'], '/dev/null', (l) => lines.push(l), ok.sys);
    expect(ok.calls).toEqual([['b', 'c']]);
    expect(lines).toEqual(['installing b c (apt-get)']);
    const broken = fakeSystem(new Set(), true, false);
    await expect(ensurePackages(['x'], '/dev/null', () => {}, broken.sys)).rejects.toThrow(
      'apt-get did not install: x',
    );
  });

  it('no dpkg: says the oracle needs Debian', async () => {
    const { sys } = fakeSystem(new Set(), true);
    sys.hasDpkg = async () => false;
    await expect(ensurePackages(['a'], '/dev/null', () => {}, sys)).rejects.toThrow(/needs a Debian system/);
  });
});
