/**
 * Reading the fuses back from packaged apps (scripts/check-fuses.ts runs it on
 * dist/ in the release workflow; the packaging test runs it on fake binaries).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getCurrentFuseWire } from '@electron/fuses';
import type { Configuration } from 'electron-builder';
import { configuredFuses } from './packaging-config';

/** A fuse's byte in the wire ('0', '1', 'r'; @electron/fuses does not export its FuseState). */
const FUSE_ON = 0x31;
const FUSE_OFF = 0x30;
const FUSE_REMOVED = 0x72;
const STATE_NAME: Record<number, string> = { [FUSE_ON]: 'on', [FUSE_OFF]: 'off', [FUSE_REMOVED]: 'removed' };

/** The packaged executables (macOS: the .app) under `dist`. */
export function packagedApps(dist: string, config: Configuration): string[] {
  if (!existsSync(dist)) return [];
  const product = config.productName ?? 'PFN Lab';
  const linuxName = config.linux?.executableName ?? product;
  const apps: string[] = [];
  for (const dir of readdirSync(dist)) {
    const candidates =
      dir === 'linux-unpacked' || dir.startsWith('linux-')
        ? [join(dist, dir, linuxName)]
        : dir.startsWith('win-')
          ? [join(dist, dir, `${product}.exe`)]
          : dir === 'mac' || dir.startsWith('mac-')
            ? [join(dist, dir, `${product}.app`)]
            : [];
    apps.push(...candidates.filter((c) => existsSync(c)));
  }
  return apps;
}

/** The configured fuses the binary at `app` does not have; empty when all match. */
export async function fuseMismatches(app: string, config: Configuration): Promise<string[]> {
  const wire = (await getCurrentFuseWire(app)) as unknown as Record<number, number>;
  const bad: string[] = [];
  for (const [name, index, enabled] of configuredFuses(config)) {
    const want = enabled ? FUSE_ON : FUSE_OFF;
    const got = wire[index];
    if (got === FUSE_REMOVED) continue; // this Electron no longer has the fuse
    if (got !== want)
      bad.push(
        `${name}: want ${STATE_NAME[want]}, got ${got === undefined ? 'no such fuse' : (STATE_NAME[got] ?? got)}`,
      );
  }
  return bad;
}
