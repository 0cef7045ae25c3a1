/**
 * `pfnlab run/check/show/failnth` given files that are not scenarios or not
 * run files (binary, NUL bytes, not UTF-8, a directory, empty, missing) and
 * misspelled or bad options: exit 2 (3 for show's not-a-run-file) and one
 * line that names the file and what is wrong (the byte, the option). The
 * CLI's main() in process; the runs that start use a real engine worker.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/dispatch';

const dir = mkdtempSync(join(tmpdir(), 'pfnlab-bad-'));
const at = (n: string): string => join(dir, n);
writeFileSync(at('ok.ts'), 'lab.log("fine")\n');
writeFileSync(at('nul.ts'), 'lab.log(1)\n\u0000\u0000');
writeFileSync(at('latin1.ts'), Buffer.from([0x2f, 0x2f, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]));
writeFileSync(at('png.ts'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
writeFileSync(at('empty.ts'), '');
writeFileSync(at('bom.ts'), '\ufefflab.log("bom")\n');
writeFileSync(at('empty.pfnrun.json'), '');
writeFileSync(at('png.pfnrun.json'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
writeFileSync(at('truncated.pfnrun.json'), '{"format":"pfnlab-run","version":1,"engine":{"ver');
mkdirSync(at('dir.ts'));

async function cli(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { status, out, err };
}

/** [argv, exit status, stderr pattern] */
const CASES: [string[], number, RegExp][] = [
  [['run', at('nul.ts')], 2, /nul\.ts: not a text file: a NUL byte at offset 11/],
  [['run', at('latin1.ts')], 2, /latin1\.ts: not UTF-8 text: invalid byte 0xe9 at offset 6/],
  [['run', at('png.ts')], 2, /png\.ts: not UTF-8 text: invalid byte 0x89 at offset 0/],
  [['run', at('dir.ts')], 2, /cannot read .*dir\.ts \(EISDIR\)/],
  [['run', at('missing.ts')], 2, /cannot read .*missing\.ts \(ENOENT\)/],
  [['check', at('nul.ts')], 2, /nul\.ts: not a text file/],
  [['check', at('dir.ts')], 2, /EISDIR/],
  [['failnth', at('png.ts')], 2, /png\.ts: not UTF-8 text/],
  [['show', at('empty.pfnrun.json')], 3, /empty/],
  [['show', at('png.pfnrun.json')], 3, /not JSON/],
  [['show', at('truncated.pfnrun.json')], 3, /truncated at byte/],
  [['show', at('dir.ts')], 2, /EISDIR/],
  [['show', at('ok.ts')], 3, /not JSON|not a PFN Lab run file/],
  [['run', at('ok.ts'), '--seeed', '3'], 2, /unknown option --seeed \(did you mean --seed\?\)/],
  [['run', at('ok.ts'), '--jsno'], 2, /unknown option --jsno \(did you mean --json\?\)/],
  [['run', at('ok.ts'), '--seed', 'abc'], 2, /--seed must be a non-negative integer, got abc/],
  [['run', at('ok.ts'), '--seed', '1.5'], 2, /--seed must be a non-negative integer/],
  [['run', at('ok.ts'), '--timeout', '-1'], 2, /--timeout must be a non-negative number/],
  [['run', at('ok.ts'), '--timeout', 'NaN'], 2, /--timeout/],
  [['run', at('ok.ts'), '--memory', '1e30'], 2, /--memory|budget/],
  [['run', at('ok.ts'), '-x'], 2, /unknown option -x/],
  [['run'], 2, /exactly one FILE/],
  [['runn', at('ok.ts')], 2, /unknown command 'runn'/],
];

describe('the CLI on files that are not scenarios and on bad options', () => {
  for (const [argv, status, err] of CASES) {
    it(`pfnlab ${argv.map((a) => a.replace(dir, '…')).join(' ')}: exit ${status}`, async () => {
      const r = await cli(...argv);
      expect(r.err).toMatch(err);
      expect(r.status).toBe(status);
      expect(r.err.trim().split('\n')[0]?.length).toBeLessThan(400);
    });
  }

  it('an empty file and a file with a BOM are scenarios: they run', async () => {
    expect((await cli('run', at('empty.ts'), '--no-typecheck')).status).toBe(0);
    const r = await cli('run', at('bom.ts'), '--no-typecheck');
    expect(r.out).toMatch(/^bom\n/);
    expect(r.status).toBe(0);
  });
});
