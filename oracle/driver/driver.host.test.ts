/**
 * The driver on the development host (no QEMU), in the oracle suite (`npm
 * run oracle:test`, oracle/vitest.guest.config.ts): the process-only scripts
 * of test/host/ (mmap, fork, copy-on-write, exit, CPU read/write faults,
 * accounting, partial copies) run by the real driver with --no-setup, and
 * the header refusal. The driver needs the kernel's uapi headers: those of
 * the oracle cache, built first when the cache is cold. Not in `npm test`
 * (which would have to skip it without a built kernel).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureOracleBuilt } from '../guest/runner';
import {
  cachedKernelHeaders,
  compile,
  driverSourceFiles,
  firstDifference,
  runDriver,
  scriptCases,
  TEST_DIR,
} from './test/host-build';

const headers = cachedKernelHeaders() ?? (await ensureOracleBuilt()).includeDirs;

describe('oracle driver on the host (process ops)', () => {
  const bin = compile(driverSourceFiles(), headers, 'pfnlab-oracle-driver', ['-static']);

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
});
