import '../testing/lockdown';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLabError } from '../../base/errno';
import { createMachine } from '../machine-factory';
import { runScenario } from '../runner';
import { fromResult, parseRunFile, serializeRun } from './index';

async function savedText(): Promise<string> {
  const name = '04-access-pin-no-domain.ts';
  const source = readFileSync(new URL(`../../../scenarios/${name}`, import.meta.url), 'utf8');
  const { result } = await runScenario(createMachine, { source, fileName: name, seed: 1 });
  return serializeRun(
    fromResult(result, {
      fileName: name,
      source,
      seed: 1,
      check: false,
      ranAt: new Date(0),
      engine: { version: '0.1.0', scenarioApi: 1 },
    }),
  );
}

describe('run file: the engine bytes of each digest', () => {
  it('are carried; a file without them (an older engine) reads as absent; a bad one is refused', async () => {
    const text = await savedText();
    const back = parseRunFile(text);
    const bytes = back.timeline.digests.map((d) => d.engineBytes);
    expect(bytes.every((b) => typeof b === 'number' && b >= 0)).toBe(true);
    expect(new Set(bytes).size).toBeGreaterThan(1); // they move with the state

    const old = JSON.parse(text) as { timeline: { digests: Record<string, unknown>[] } };
    for (const d of old.timeline.digests) delete d.engineBytes;
    const oldBack = parseRunFile(JSON.stringify(old));
    expect(oldBack.timeline.digests.length).toBe(back.timeline.digests.length);
    for (const d of oldBack.timeline.digests) expect(d).not.toHaveProperty('engineBytes');

    const bad = JSON.parse(text) as typeof old;
    (bad.timeline.digests[0] as Record<string, unknown>).engineBytes = 'lots';
    try {
      parseRunFile(JSON.stringify(bad));
      throw new Error('accepted');
    } catch (e) {
      expect(isLabError(e) && e.errno).toBe('EINVAL');
      expect((e as Error).message).toBe('timeline.digests[0].engineBytes: expected an integer, got string');
    }
  });
});
