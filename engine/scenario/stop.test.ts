import './testing/lockdown';
import { describe, expect, it } from 'vitest';
import { createMachine } from './machine-factory';
import { runScenario } from './runner';

const LOOP = `
  const PAGE = lab.PAGE_SIZE;
  const fd = lab.open();
  const ioas = fd.ioasAlloc();
  ioas.attachDomain();
  const buf = lab.process.mmap(64 * PAGE);
  for (let i = 0; i < 20; i++) ioas.unmap(ioas.map(buf, 64 * PAGE), 64 * PAGE);
  while (true) {}
`;

describe('RunOptions.stopAfter', () => {
  it('ends the run right after event N: ok, stoppedAfter N, the infinite loop after it never runs', async () => {
    for (const n of [0, 1, 4, 44]) {
      const { result, machine } = await runScenario(createMachine, { source: LOOP, stopAfter: n });
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({ ok: true, ops: n, stoppedAfter: n });
      expect(result.timeline.events.length).toBe(n);
      expect(machine).not.toBeNull();
    }
  });

  it('the state at the stop equals the state after the same event of a full run', async () => {
    const src = LOOP.replace('while (true) {}', '');
    const full = (await runScenario(createMachine, { source: src })).result;
    expect(full.ok).toBe(true);
    for (const n of [3, 5, 6, 30]) {
      const { result, machine } = await runScenario(createMachine, {
        source: src,
        stopAfter: n,
        replay: true,
        digests: false,
      });
      expect(result.stoppedAfter).toBe(n);
      expect(result.timeline.events[n - 1]?.line).toBe(0); // replay mode: no stack capture
      const d = full.timeline.events[n - 1]?.digest as number;
      expect(JSON.parse(JSON.stringify(machine?.digest()))).toEqual(full.timeline.digests[d]);
    }
  });

  it('a scenario that catches the sentinel cannot inspect it, and later lab calls throw it again', async () => {
    const src = `
      const fd = lab.open();
      let caught = 0;
      for (let i = 0; i < 1000000; i++) {
        try { fd.ioasAlloc(); } catch (e) { caught++; if (e.errno === 'ENOMEM') break; }
      }
      lab.log('never', caught);
    `;
    const { result } = await runScenario(createMachine, { source: src, stopAfter: 3 });
    expect(result).toMatchObject({ ok: true, ops: 3, stoppedAfter: 3 });
    expect(result.timeline.logs).toEqual([]);
  });

  it('an error before the stop still fails the run; no stoppedAfter when the run ends first', async () => {
    const bad = await runScenario(createMachine, {
      source: `lab.open(); lab.process.munmap(1, 2);`,
      stopAfter: 5,
    });
    expect(bad.result.ok).toBe(false);
    expect(bad.result.stoppedAfter).toBeUndefined();
    const short = await runScenario(createMachine, { source: `lab.open();`, stopAfter: 5 });
    expect(short.result).toMatchObject({ ok: true, ops: 1 });
    expect(short.result.stoppedAfter).toBeUndefined();
  });
});
