/**
 * The ESLint LAYER RULE and host rules, checked by linting probe sources as
 * if they sat in each folder (nothing is written to disk).
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('engine layer rule: imports only go downward', () => {
  it.each([
    ['engine/base/probe.ts', "import '../mm';"],
    ['engine/mm/probe.ts', "import { x } from '../iommu';"],
    ['engine/mm/sub/probe.ts', "import { x } from '../../iommufd/pages';"],
    ['engine/iommu/probe.ts', "export * from '../iommufd';"],
    ['engine/iommufd/probe.ts', "import { x } from '../scenario/runtime';"],
    ['engine/scenario/probe.ts', "import type { Requests } from '../worker/protocol';"],
    ['engine/mm/probe.test.ts', "import { x } from '../iommu';"],
  ])('%s: %s is an error', async (file, code) => {
    const msgs = await restricted(file, code);
    expect(msgs.join('\n')).toMatch(/Layer rule/);
  });

  it.each([
    ['engine/mm/probe.ts', "import { LabError } from '../base';"],
    ['engine/iommu/probe.ts', "import { x } from '../mm';\nimport { y } from '../base/errno';"],
    ['engine/iommufd/probe.ts', "import { a } from '../iommu';\nimport { b } from '../mm';"],
    ['engine/scenario/probe.ts', "import { m } from '../iommufd/machine';"],
    ['engine/worker/probe.ts', "import { s } from '../scenario';\nimport 'node:worker_threads';"],
    ['engine/mm/probe.ts', "import { p } from './process';\nimport { e } from './events';"],
    ['engine/scenario/probe.test.ts', "import { readFileSync } from 'node:fs';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});

describe('engine core is host-neutral', () => {
  it.each([
    ['engine/base/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['engine/mm/probe.ts', "import fs from 'fs';"],
    ['engine/scenario/probe.ts', "import { app } from 'electron';"],
    ['engine/iommufd/probe.ts', 'export const w = window.innerWidth;'],
    ['engine/iommu/probe.ts', 'export const e = process.env;'],
    ['engine/worker/probe.ts', "import { ipcMain } from 'electron';"],
    ['renderer/probe.ts', "import { ipcRenderer } from 'electron';"],
    ['electron/preload/probe.ts', "import { readFile } from 'node:fs/promises';"],
  ])('%s: %s is an error', async (file, code) => {
    expect(await restricted(file, code)).not.toEqual([]);
  });
});
