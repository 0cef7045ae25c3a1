/**
 * The driver in the real kernel: every test/guest/NAME.script runs in one
 * guest boot (runScripts, oracle/guest/) and its result lines must be
 * NAME.expected exactly. Slow (a kernel build when the cache is cold, a
 * QEMU boot), so it runs only with PFNLAB_ORACLE_TEST=1 (`npm run
 * oracle:test`).
 *
 * How the expected files were made: the first guest run's output, read line
 * by line against the kernel's rules (include/uapi/linux/iommufd.h, the
 * selftest's ops) and against the engine where the engine models the same
 * thing; the comments in each script say what each group checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScripts } from '../guest/runner';
import { firstDifference, scriptCases } from './test/host-build';

const enabled = process.env.PFNLAB_ORACLE_TEST === '1';

describe.skipIf(!enabled)('oracle driver in the guest kernel', () => {
  const cases = scriptCases('guest');
  let outputs: Map<string, string> | null = null;
  let failure = '';

  it('boots and runs every script', async () => {
    const run = await runScripts(
      cases.map((c) => ({ name: c.name, text: readFileSync(c.script, 'utf8') })),
      { log: () => {} },
    );
    failure = run.ok ? '' : `${run.error ?? 'guest run failed'}\n${run.console.slice(-3000)}`;
    expect(failure).toBe('');
    outputs = run.outputs;
  }, 20 * 60_000);

  for (const c of cases) {
    it(`${c.name}.script gives ${c.name}.expected`, () => {
      expect(outputs, failure || 'the guest run did not happen').not.toBeNull();
      const out = outputs?.get(c.name) ?? '';
      expect(firstDifference(out, c.expected), out).toBeNull();
    });
  }
});
