// build/electron-builder.yml, checked without building anything (installers are
// built by the release workflow; here Electron cannot be downloaded):
// electron-builder's own JSON schema (the scheme.json of the app-builder-lib it
// runs, with the ajv options it validates with), the five targets, the fuses,
// the file associations per platform and every icon it names.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import type { Configuration, FileAssociation } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { FILE_KINDS } from '../../../electron/shared/app-host';
import { ICON_SIZES } from '../../../scripts/icon-sizes';
import { BUILDER_CONFIG, ROOT, configuredFuses, loadBuilderConfig } from '../../../scripts/packaging-config';

const require = createRequire(import.meta.url);
const builderRequire = createRequire(require.resolve('electron-builder/package.json'));
const schema: object = JSON.parse(
  readFileSync(builderRequire.resolve('app-builder-lib/scheme.json'), 'utf8'),
);
// app-builder-lib/out/util/config/schemaValidator.js validates with these options.
const validate = new Ajv({ allErrors: true, verbose: true, coerceTypes: true, strict: false }).compile(
  schema,
);

const config = loadBuilderConfig();

/** Schema errors of a configuration, as "path message" lines (empty = valid). */
function schemaErrors(c: unknown): string[] {
  // coerceTypes mutates: validate a copy
  if (validate(structuredClone(c))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Non-comment lines with a ${...} macro inside a { ... } flow map. */
function flowMapMacroLines(yaml: string): string[] {
  return yaml
    .split('\n')
    .filter(
      (l) =>
        !l.trimStart().startsWith('#') && l.includes('${') && l.replace(/\$\{[^}]*\}/g, '').includes('{'),
    );
}

type Platform = 'linux' | 'win' | 'mac';
const PLATFORMS: Platform[] = ['linux', 'win', 'mac'];

function asArray<T>(v: T | readonly T[] | null | undefined): T[] {
  return v == null ? [] : Array.isArray(v) ? [...v] : [v as T];
}

/** What electron-builder associates on a platform: the top-level list, then the platform's (platformPackager.fileAssociations). */
function associations(c: Configuration, platform: Platform): FileAssociation[] {
  return [...asArray(c.fileAssociations), ...asArray(c[platform]?.fileAssociations)];
}
function extensions(c: Configuration, platform: Platform): string[] {
  return associations(c, platform).flatMap((a) => asArray(a.ext));
}

function targets(c: Configuration, platform: Platform): string[] {
  return asArray(c[platform]?.target).map((t) => (typeof t === 'string' ? t : t.target));
}

describe('electron-builder.yml against electron-builder’s schema', () => {
  it('is valid', () => {
    expect(schemaErrors(config)).toEqual([]);
  });

  it('the validator rejects a misspelt option, a misspelt fuse and a wrong type', () => {
    expect(schemaErrors({ ...config, linux: { ...config.linux, targte: ['deb'] } }).join('\n')).toMatch(
      /\/linux .*additional properties/,
    );
    expect(
      schemaErrors({ ...config, electronFuses: { ...config.electronFuses, runAsnode: false } }).join('\n'),
    ).toMatch(/\/electronFuses .*additional properties/);
    expect(schemaErrors({ ...config, asar: 'yes please' }).length).toBeGreaterThan(0);
  });

  it('keeps ${...} macros out of YAML flow maps (electron-builder misreads them there)', () => {
    expect(flowMapMacroLines(readFileSync(BUILDER_CONFIG, 'utf8'))).toEqual([]);
    expect(flowMapMacroLines("nsis: { artifactName: 'x-${version}.${ext}' }\n")).toHaveLength(1);
  });
});

describe('targets and contents', () => {
  it('builds AppImage, deb and rpm; NSIS; dmg', () => {
    expect(targets(config, 'linux')).toEqual(['AppImage', 'deb', 'rpm']);
    expect(targets(config, 'win')).toEqual(['nsis']);
    expect(targets(config, 'mac')).toEqual(['dmg']);
  });

  it('packs the built app into an asar, without source maps or tests', () => {
    expect(config.asar).toBe(true);
    expect(config.extraMetadata?.main).toBe('out/main/index.js');
    expect(config.files).toEqual(
      expect.arrayContaining(['out/**', 'package.json', '!**/*.map', '!**/*.test.*']),
    );
  });
});

describe('Electron fuses', () => {
  it('are flipped by electron-builder itself (electronFuses), not left to an afterPack hook', () => {
    expect(config.electronFuses).toBeTruthy();
    expect(config.afterPack ?? null).toBeNull();
  });

  it('turn off RunAsNode, NODE_OPTIONS and the inspect arguments; only the integrity-checked asar loads', () => {
    const fuses = Object.fromEntries(configuredFuses(config).map(([name, , on]) => [name, on]));
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('every fuse key is one the fuse mapping knows (no silently ignored key)', () => {
    const known = new Set([...configuredFuses(config).map(([n]) => n), 'resetAdHocDarwinSignature']);
    expect(Object.keys(config.electronFuses ?? {}).filter((k) => !known.has(k))).toEqual([]);
  });
});

describe('file associations', () => {
  const scenarioExt = FILE_KINDS.scenario.extensions[0];
  const runExt = FILE_KINDS.run.extensions[0];

  it('the app’s own kinds are what this file expects (electron/shared/app-host.ts FILE_KINDS)', () => {
    expect(scenarioExt).toBe('ts');
    expect(runExt).toBe('pfnrun.json');
  });

  it('saved runs: .pfnrun everywhere; .pfnrun.json too on Linux, whose MIME globs match a double extension', () => {
    for (const p of PLATFORMS) expect(extensions(config, p)).toContain('pfnrun');
    expect(extensions(config, 'linux')).toContain(runExt);
    // Windows and macOS would see ".json": associating it there would claim every JSON file.
    expect(extensions(config, 'win')).not.toContain(runExt);
    expect(extensions(config, 'mac')).not.toContain(runExt);
    for (const p of PLATFORMS) expect(extensions(config, p)).not.toContain('json');
  });

  it('scenarios (.ts): Linux lists the MIME type, macOS only as an alternate, Windows through "Open with"', () => {
    expect(extensions(config, 'linux')).toContain(scenarioExt);
    const mac = associations(config, 'mac').find((a) => asArray(a.ext).includes(scenarioExt));
    expect(mac?.rank).toBe('Alternate');
    // electron-builder's NSIS association would replace the .ts default: build/installer.nsh adds "Open with" only.
    expect(extensions(config, 'win')).not.toContain(scenarioExt);
    const nsh = readFileSync(`${ROOT}build/installer.nsh`, 'utf8');
    expect(nsh).toMatch(
      /!macro customInstall[\s\S]*Software\\Classes\\\.ts\\OpenWithProgids[\s\S]*!macroend/,
    );
    expect(nsh).toMatch(
      /!macro customUnInstall[\s\S]*DeleteRegValue SHCTX "Software\\Classes\\\.ts\\OpenWithProgids"/,
    );
  });

  it('every Linux association has a MIME type (electron-builder skips those without) and one extension', () => {
    for (const a of associations(config, 'linux')) {
      expect(a.mimeType, String(a.ext)).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
      // LinuxTargetHelper writes one glob "*.${ext}": an array would become "*.a,b"
      expect(typeof a.ext).toBe('string');
    }
  });
});

describe('icons', () => {
  const buildResources = `${ROOT}${config.directories?.buildResources ?? 'build'}/`;
  const iconPath = (p: string | null | undefined) => `${ROOT}${p ?? ''}`;

  it('every platform names an icon that exists, in its format', () => {
    expect(config.win?.icon).toMatch(/\.ico$/);
    expect(config.mac?.icon).toMatch(/\.icns$/);
    for (const p of PLATFORMS)
      expect(existsSync(iconPath(config[p]?.icon)), `${p}: ${config[p]?.icon}`).toBe(true);
  });

  it('Linux takes a folder of NxN.png in every size', () => {
    const dir = iconPath(config.linux?.icon);
    expect(statSync(dir).isDirectory()).toBe(true);
    const files = readdirSync(dir);
    for (const s of ICON_SIZES.filter((n) => n <= 512)) expect(files).toContain(`${s}x${s}.png`);
  });

  it('an association icon, where named, exists in the build resources', () => {
    for (const p of PLATFORMS) {
      for (const a of associations(config, p)) {
        if (a.icon) expect(existsSync(`${buildResources}${a.icon}`), a.icon).toBe(true);
      }
    }
  });
});
