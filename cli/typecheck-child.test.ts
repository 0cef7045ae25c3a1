import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { typecheckInChild } from './typecheck-child';

const dir = mkdtempSync(join(tmpdir(), 'pfnlab-tc-'));
/** A child loads typescript at a lower priority: slow on a loaded machine. */
const CHILD_MS = 180_000;

describe('typecheckInChild', () => {
  it(
    'returns the diagnostics of pfnlab check --json',
    async () => {
      const f = join(dir, 'bad.ts');
      writeFileSync(f, 'const n: string = 5;\nlab.log(n);\n');
      const r = await typecheckInChild(f);
      expect(r).toEqual({
        diagnostics: [
          { file: f, line: 1, column: 7, code: 2322, message: expect.stringMatching(/not assignable/) },
        ],
      });
    },
    CHILD_MS,
  );

  it('gives up on a check that overstays its limit, and says so', async () => {
    const f = join(dir, 'slow.ts');
    writeFileSync(f, 'lab.log(1);\n');
    expect(await typecheckInChild(f, 1)).toEqual({ failed: 'no answer within 0.001 s' });
  });

  it(
    'reports a check that cannot run (an unreadable file is a usage error of the child)',
    async () => {
      const r = await typecheckInChild(join(dir, 'missing.ts'));
      expect('failed' in r && r.failed).toMatch(/cannot read/);
    },
    CHILD_MS,
  );
});
