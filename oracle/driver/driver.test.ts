/**
 * The driver's parts that need no kernel (`npm test`): the parser's C unit
 * test (needs gcc) and the contract table checked against ops.c. The
 * process-only scripts that run the real driver on the host need the
 * kernel's uapi headers of a built oracle kernel: driver.host.test.ts, in
 * the oracle suite (`npm run oracle:test`, which builds the kernel first).
 * The iommufd scripts run in the guest: driver.guest.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIVER_DIR } from '../guest/paths';
import { compile, haveGcc, TEST_DIR } from './test/host-build';

const gcc = haveGcc();
if (process.env.PFNLAB_ORACLE_TEST === '1' && !gcc) throw new Error('the oracle suite needs gcc: none found');

describe.skipIf(!gcc)('oracle driver: parser unit test (C)', () => {
  it('passes every check', () => {
    const bin = compile(
      [join(TEST_DIR, 'test_parse.c'), join(DRIVER_DIR, 'parse.c'), join(DRIVER_DIR, 'errnames.c')],
      [DRIVER_DIR],
      'test_parse',
    );
    const out = execFileSync(bin, { encoding: 'utf8' });
    expect(out).toMatch(/^ok \d+\n$/);
  });
});

describe('oracle driver: the contract table', () => {
  it('every op of the contract table is known to the driver', () => {
    const doc = readFileSync(join(DRIVER_DIR, '..', '..', 'docs', 'ORACLE-SCRIPT.md'), 'utf8');
    const ops = [...doc.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
    expect(ops.length).toBeGreaterThan(30);
    const src = readFileSync(join(DRIVER_DIR, 'ops.c'), 'utf8');
    const missing = ops.filter((op) => !src.includes(`{ "${op}", OP_`));
    expect(missing).toEqual([]);
  });
});
