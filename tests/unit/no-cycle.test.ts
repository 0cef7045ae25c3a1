/**
 * The import-cycle check of `npm run lint` (.dependency-cruiser.mjs): the
 * project's own config, run over pairs of files written to a temp dir laid
 * out like the repo (engine/, renderer/), must report a circular pair —
 * also when one edge is a type-only import or a .vue file — and pass an
 * acyclic one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type IConfiguration, type IReporterOutput } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
let config: IConfiguration;
let dir: string;

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** The cycles the lint config reports over `paths` of the temp dir, each as its files, sorted. */
async function cycles(paths: string[]): Promise<string[]> {
  const out: IReporterOutput = await cruise(paths, {
    ...config.options,
    ruleSet: { forbidden: config.forbidden },
    validate: true,
    baseDir: dir,
  });
  if (typeof out.output === 'string') throw new Error('expected a cruise result');
  return out.output.summary.violations
    .filter((v) => v.rule.name === 'no-circular')
    .map((v) => [...new Set([v.from, ...(v.cycle ?? []).map((c) => c.name)])].sort().join(' ⇄ '));
}

beforeAll(async () => {
  const mod = (await import(pathToFileURL(join(root, '.dependency-cruiser.mjs')).href)) as {
    default: IConfiguration;
  };
  config = mod.default;
  dir = mkdtempSync(join(tmpdir(), 'pfnlab-cycle-'));
  write({
    // a loop of two files, one edge a type-only import
    'engine/loop/a.ts':
      "import { b } from './b';\nexport interface A { n: number }\nexport const a = b + 1;\n",
    'engine/loop/b.ts': "import type { A } from './a';\nexport const b = 1;\nexport type B = A;\n",
    // a loop of two files, both edges type-only
    'engine/types/a.ts': "import type { B } from './b';\nexport interface A { b: B | null }\n",
    'engine/types/b.ts': "import type { A } from './a';\nexport interface B { a: A | null }\n",
    // the same pair without the loop: shared types at the bottom
    'engine/fixed/types.ts': 'export interface A { n: number }\n',
    'engine/fixed/a.ts':
      "import type { A } from './types';\nimport { b } from './b';\nexport const a: A = { n: b };\n",
    'engine/fixed/b.ts': "import type { A } from './types';\nexport const b = 1;\nexport type B = A;\n",
    // a component and the module it imports, which imports it back
    'renderer/loop/Panel.vue':
      '<script setup lang="ts">\nimport { label } from \'./label\';\n</script>\n<template><p>{{ label }}</p></template>\n',
    'renderer/loop/label.ts':
      "import type Panel from './Panel.vue';\nexport const label = 'x';\nexport type P = typeof Panel;\n",
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('no-circular (npm run lint)', () => {
  it('reports a circular pair whose back edge is a type-only import', async () => {
    expect(await cycles(['engine/loop'])).toEqual(['engine/loop/a.ts ⇄ engine/loop/b.ts']);
  });

  it('reports two types that refer to each other from two files (both edges type-only)', async () => {
    expect(await cycles(['engine/types'])).toEqual(['engine/types/a.ts ⇄ engine/types/b.ts']);
  });

  it('reads .vue files: a component in a loop is reported', async () => {
    expect(await cycles(['renderer/loop'])).toEqual(['renderer/loop/Panel.vue ⇄ renderer/loop/label.ts']);
  });

  it('passes the acyclic pair (shared types in a file both import)', async () => {
    expect(await cycles(['engine/fixed'])).toEqual([]);
  });
});
