import { defineConfig } from 'vitest/config';

/**
 * `npm run oracle:test`: the tests that build the oracle kernel (when the
 * cache is cold) and boot it under QEMU, or run the driver on the host.
 * Not part of `npm test`; `.ci/run` runs it after. One file at a time: each boot wants the whole machine.
 */
export default defineConfig({
  test: {
    name: 'oracle-guest',
    environment: 'node',
    root: new URL('..', import.meta.url).pathname,
    // *.host.test.ts: the driver run on the host, which needs the built kernel's headers (built here when missing)
    include: ['oracle/**/*.guest.test.ts', 'oracle/**/*.host.test.ts', 'oracle/driver/driver.test.ts'],
    fileParallelism: false,
    testTimeout: 40 * 60_000,
    hookTimeout: 40 * 60_000,
    // The driver's guest test runs only when this is set (it is skipped in a plain vitest run).
    env: { PFNLAB_ORACLE_TEST: '1' },
  },
});
