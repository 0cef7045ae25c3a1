import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { mapEngineStack } from './engine-stack';

const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-stack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('mapEngineStack', () => {
  it('names the TypeScript line of a frame in a built file with a source map beside it', async () => {
    mkdirSync(join(tmp, 'src'));
    writeFileSync(
      join(tmp, 'src', 'deep.ts'),
      'interface P { n: number }\n\nexport function deep(p: P): string {\n  return new Error(`at ${p.n}`).stack ?? "";\n}\n',
    );
    const out = join(tmp, 'dist', 'bundle.mjs');
    await build({
      entryPoints: [join(tmp, 'src', 'deep.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: out,
      sourcemap: 'linked',
      logLevel: 'silent',
    });
    // in a plain node (no source maps), like the engine worker's SES-formatted stacks
    const env = { ...process.env, NODE_OPTIONS: '' };
    const script = `import(${JSON.stringify(pathToFileURL(out).href)}).then((m) => console.log(m.deep({ n: 1 })))`;
    const stack = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }).stdout;
    expect(stack).toContain('bundle.mjs:');
    const mapped = mapEngineStack(stack);
    expect(mapped).toMatch(/at (Module\.)?deep \(src\/deep\.ts:4:10\)/);
    expect(mapped).not.toContain('bundle.mjs:');
  });

  it('leaves frames without a source map, and text without frames, as they are', () => {
    const stack =
      'Error: x\n    at f (file:///nowhere/a.js:3:4)\n    at /nowhere/b.mjs:1:2\n    at <anonymous>';
    expect(mapEngineStack(stack)).toBe(stack);
  });
});
