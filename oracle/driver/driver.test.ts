/**
 * The driver on the development host (no QEMU): the parser's C unit test,
 * and the process-only scripts of test/host/ (mmap, fork, copy-on-write,
 * exit, CPU read/write faults, accounting) run by the real driver with
 * --no-setup. The iommufd scripts run in the guest: driver.guest.test.ts.
 * The driver needs the kernel's uapi headers: those of the oracle cache
 * (a kernel built by `npm run oracle`). In `npm test` without a built
 * kernel that part is skipped; the oracle suite (`npm run oracle:test`,
 * PFNLAB_ORACLE_TEST=1, which .ci/run runs after `npm test`) runs this file
 * too and builds the kernel first, so there it always runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIVER_DIR } from '../guest/paths';
import { ensureOracleBuilt } from '../guest/runner';
import {
  cachedKernelHeaders,
  compile,
  driverSourceFiles,
  firstDifference,
  haveGcc,
  runDriver,
  scriptCases,
  TEST_DIR,
} from './test/host-build';

const gcc = haveGcc();
const oracleSuite = process.env.PFNLAB_ORACLE_TEST === '1';
const headers = gcc
  ? (cachedKernelHeaders() ?? (oracleSuite ? (await ensureOracleBuilt()).includeDirs : null))
  : null;
if (oracleSuite && headers === null)
  throw new Error('the oracle suite needs gcc and the kernel headers: none found');

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

describe.skipIf(headers === null)('oracle driver on the host (process ops)', () => {
  const bin =
    headers === null ? '' : compile(driverSourceFiles(), headers, 'pfnlab-oracle-driver', ['-static']);

  for (const c of scriptCases('host')) {
    it(`${c.name}.script gives ${c.name}.expected`, () => {
      const r = runDriver(bin, c.script);
      expect(firstDifference(r.stdout, c.expected)).toBeNull();
    });
  }

  it('refuses a script without the version header, and says end 0', () => {
    const r = runDriver(bin, join(TEST_DIR, 'test_parse.c'));
    expect(r.stdout).toMatch(/^0 fatal .*pfnlab-oracle-script 1.*\nend 0\n$/);
    expect(r.status).toBe(1);
  });

  it('every op of the contract table is known to the driver', () => {
    const doc = readFileSync(join(DRIVER_DIR, '..', '..', 'docs', 'ORACLE-SCRIPT.md'), 'utf8');
    const ops = [...doc.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
    expect(ops.length).toBeGreaterThan(30);
    const src = readFileSync(join(DRIVER_DIR, 'ops.c'), 'utf8');
    const missing = ops.filter((op) => !src.includes(`{ "${op}", OP_`));
    expect(missing).toEqual([]);
  });
});
