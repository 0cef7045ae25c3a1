// scripts/fuse-check.ts on fake packaged apps: a file with Electron's fuse
// sentinel and wire, flipped by @electron/fuses exactly as electron-builder does.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses, type FuseV1Config } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fuseMismatches, packagedApps } from '../../../scripts/fuse-check';
import { configuredFuses, loadBuilderConfig } from '../../../scripts/packaging-config';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const config = loadBuilderConfig();

/**
 * A stand-in Electron binary: some bytes, the sentinel, wire v1 with `states`
 * ('0' / '1' / 'r'; default: a stock Electron's), more bytes.
 */
function fakeElectron(path: string, states = '10110001'): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.alloc(64, 7),
      Buffer.from(SENTINEL),
      Buffer.from([1, states.length]),
      Buffer.from(states),
      Buffer.alloc(64, 9),
    ]),
  );
}

/** What electron-builder's electronFuses makes of build/electron-builder.yml. */
function builderFuseConfig(): FuseV1Config {
  const wire: Partial<Record<FuseV1Options, boolean>> = {};
  for (const [, index, on] of configuredFuses(config)) wire[index as FuseV1Options] = on;
  return { version: FuseVersion.V1, ...wire };
}

let dist: string;
beforeEach(() => {
  dist = mkdtempSync(join(tmpdir(), 'pfnlab-fuses-'));
});
afterEach(() => rmSync(dist, { recursive: true, force: true }));

describe('fuse check', () => {
  it('finds the packaged app of each platform in dist/', () => {
    fakeElectron(join(dist, 'linux-unpacked', 'pfnlab'));
    fakeElectron(join(dist, 'win-unpacked', 'PFN Lab.exe'));
    fakeElectron(
      join(
        dist,
        'mac-arm64',
        'PFN Lab.app',
        'Contents',
        'Frameworks',
        'Electron Framework.framework',
        'Electron Framework',
      ),
    );
    mkdirSync(join(dist, 'unrelated'));
    expect(
      packagedApps(dist, config)
        .map((p) => p.slice(dist.length + 1))
        .sort(),
    ).toEqual([
      join('linux-unpacked', 'pfnlab'),
      join('mac-arm64', 'PFN Lab.app'),
      join('win-unpacked', 'PFN Lab.exe'),
    ]);
  });

  it('passes a binary flipped with the configured fuses (Linux executable and macOS .app)', async () => {
    const linux = join(dist, 'linux-unpacked', 'pfnlab');
    const mac = join(dist, 'mac', 'PFN Lab.app');
    fakeElectron(linux);
    fakeElectron(join(mac, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework'));
    await flipFuses(linux, builderFuseConfig());
    await flipFuses(mac, { ...builderFuseConfig(), resetAdHocDarwinSignature: false });
    expect(await fuseMismatches(linux, config)).toEqual([]);
    expect(await fuseMismatches(mac, config)).toEqual([]);
  });

  it('fails a stock Electron binary, naming each fuse left as it was', async () => {
    const exe = join(dist, 'win-unpacked', 'PFN Lab.exe');
    fakeElectron(exe); // Electron's defaults: RunAsNode, NODE_OPTIONS, inspect on; asar-only off
    const bad = await fuseMismatches(exe, config);
    expect(bad).toEqual(
      expect.arrayContaining([
        'runAsNode: want off, got on',
        'enableNodeOptionsEnvironmentVariable: want off, got on',
        'enableNodeCliInspectArguments: want off, got on',
        'onlyLoadAppFromAsar: want on, got off',
        'enableEmbeddedAsarIntegrityValidation: want on, got off',
      ]),
    );
  });

  it('skips a fuse this Electron has removed, and reports one it lacks', async () => {
    const exe = join(dist, 'linux-unpacked', 'pfnlab');
    fakeElectron(exe, 'r00011'); // RunAsNode removed, 1-5 as configured, no fuses 6 and 7
    const bad = await fuseMismatches(exe, config);
    expect(bad.some((b) => b.startsWith('runAsNode'))).toBe(false);
    expect(bad).toEqual([
      'loadBrowserProcessSpecificV8Snapshot: want off, got no such fuse',
      'grantFileProtocolExtraPrivileges: want off, got no such fuse',
    ]);
  });
});
