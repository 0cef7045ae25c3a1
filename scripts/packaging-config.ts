/**
 * build/electron-builder.yml as data, for the checks that read it: the
 * packaging test (tests/unit/packaging/) and scripts/check-fuses.ts, which
 * reads the fuses back from a packaged app in the release workflow.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FuseV1Options } from '@electron/fuses';
import type { Configuration } from 'electron-builder';
import { load } from 'js-yaml';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUILDER_CONFIG = `${ROOT}build/electron-builder.yml`;

/** The YAML as electron-builder reads it (js-yaml, default schema). */
export function loadBuilderConfig(file = BUILDER_CONFIG): Configuration {
  const data = load(readFileSync(file, 'utf8'));
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${file}: not a YAML mapping`);
  }
  return data as Configuration;
}

/** electron-builder's `electronFuses` keys and the fuse each sets (app-builder-lib's platformPackager mapping). */
export const FUSE_OPTIONS = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
} as const;

export type FuseName = keyof typeof FUSE_OPTIONS;

/** The fuses the configuration sets, as [name, wire index, enabled]. */
export function configuredFuses(config: Configuration): [FuseName, number, boolean][] {
  const fuses = config.electronFuses ?? {};
  const out: [FuseName, number, boolean][] = [];
  for (const [name, index] of Object.entries(FUSE_OPTIONS) as [FuseName, number][]) {
    const value = fuses[name];
    if (typeof value === 'boolean') out.push([name, index, value]);
  }
  return out;
}
