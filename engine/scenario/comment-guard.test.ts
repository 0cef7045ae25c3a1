import './testing/lockdown';
import { describe, expect, it } from 'vitest';
import { guardComments } from './comment-guard';
import { runScenario } from './runner';
import { fakeMachineFactory } from './testing/fake-machine';

describe('comments that SES would reject', () => {
  it('are neutralised in comments only, keeping lengths', () => {
    const src =
      "// map --> unmap, <!-- x, import('y')\nconst s = '-->'; /* import(z) */ const r = /\\/\\/-->/;\n";
    const out = guardComments(src);
    expect(out.length).toBe(src.length);
    expect(out).toContain("const s = '-->';");
    expect(out).toContain('const r = /\\/\\/-->/;');
    expect(out).not.toMatch(/\/\/.*-->/);
    expect(out).toContain('/* imp0rt(z) */');
  });

  it('lets scenarios use arrows and the word import in comments', async () => {
    const { result } = await runScenario(fakeMachineFactory, {
      source: '// map --> unmap; see import(...) in the kernel\n/* <!-- */\nconst a = 2 > 1;\nlab.log(a);\n',
    });
    expect(result.error).toBeUndefined();
    expect(result.timeline.logs[0]?.text).toBe('true');
  });

  it('still rejects a real import() in code', async () => {
    const { result } = await runScenario(fakeMachineFactory, { source: "// fine\nimport('node:fs');\n" });
    expect(result.error?.message).toMatch(/import expression rejected at scenario.ts:2/);
  });
});
