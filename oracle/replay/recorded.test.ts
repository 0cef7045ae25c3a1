/**
 * Real kernel output, recorded: each `fixtures/NAME.out` is what the driver
 * printed in Linux 6.12 for `fixtures/NAME.script`, the translation of
 * scenarios/NAME (`npm run oracle -- --keep oracle/replay/fixtures`), or of
 * fixtures/NAME itself (edge cases: `npm run oracle -- --file F --keep …`). The
 * engine of today must translate the scenario to the same script and agree
 * with that output — the oracle's verdict without booting a guest.
 */
import '../../engine/scenario/testing/lockdown';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compare } from './compare';
import { prepare } from './replay';
import { parseResults } from './results';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures');
const SCENARIOS = join(HERE, '..', '..', 'scenarios');
const names = existsSync(FIXTURES)
  ? readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.out'))
      .map((f) => f.slice(0, -'.out'.length))
  : [];

describe('recorded kernel output', () => {
  it('has fixtures', () => {
    expect(names.length).toBeGreaterThan(0);
  });
  for (const name of names) {
    it(`${name}: the engine agrees with Linux 6.12`, async () => {
      // a bundled scenario, or an edge-case scenario kept beside its recording
      const own = join(FIXTURES, name);
      const p = await prepare({
        name,
        source: readFileSync(existsSync(own) ? own : join(SCENARIOS, name), 'utf8'),
      });
      if (!p.tr || !p.rec) throw new Error(`${name}: not kernel-runnable now: ${p.report.reason ?? ''}`);
      const script = readFileSync(join(FIXTURES, `${name}.script`), 'utf8');
      // a changed translation makes the recorded output stale: record it again
      expect(
        p.tr.text,
        `${name}: re-record with npm run oracle -- --keep oracle/replay/fixtures ${name}`,
      ).toBe(script);
      const c = compare(
        p.tr,
        parseResults(readFileSync(join(FIXTURES, `${name}.out`), 'utf8')),
        p.rec.result.timeline.events,
      );
      expect(c.divergence).toBeNull();
      expect(c.compared).toBeGreaterThan(0);
    });
  }
});
