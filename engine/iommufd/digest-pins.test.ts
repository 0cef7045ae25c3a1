/**
 * The incremental digest against full recomputes, after random operation
 * sequences (maps, copies, unmaps, domains attached and detached, access
 * pins and unpins, shared frames held twice, THP and small pages, mock and
 * pagetable domains):
 *   - pins.runs / pins.hash == the frames' pin counts read over the held
 *     frames (pinRunsFromFrames, the digest of earlier versions);
 *   - the whole digest of a machine that digested after every op (caches
 *     warm) == the digest of a fresh machine that ran the same ops and
 *     digests once (caches cold).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../base/rng';
import { pinRunsFromFrames } from './digest-pins';
import type { Machine } from './machine';
import { Driver, randomOps } from './testing/digest-driver';

describe('incremental digest == full recompute', () => {
  it('pins equal the frames read over the held frames after every op', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 25; trial++) {
      const d = new Driver(trial % 3 === 0 ? 24 : 0);
      for (const op of randomOps(rng, 50)) {
        d.run(op);
        expect(d.m.violations()).toEqual([]);
        const dg = d.m.digest();
        const ref = pinRunsFromFrames(d.m.memory, livePages(d.m));
        expect({ runs: dg.pins.runs, hash: dg.pins.hash }, `trial ${trial}`).toEqual(ref);
      }
    }
  });

  it('a warm machine digests like a cold one', () => {
    const rng = new Rng(21);
    for (let trial = 0; trial < 20; trial++) {
      const ops = randomOps(rng, 40);
      const limit = trial % 3 === 0 ? 36 : 0;
      const warm = new Driver(limit);
      const checkpoints = new Set([rng.int(40), rng.int(40), 39]);
      for (let k = 0; k < ops.length; k++) {
        warm.run(ops[k]);
        const dg = warm.m.digest();
        if (!checkpoints.has(k)) continue;
        const cold = new Driver(limit);
        for (let j = 0; j <= k; j++) cold.run(ops[j]);
        expect(dg, `trial ${trial} op ${k}`).toEqual(cold.m.digest());
      }
    }
  });
});

/** The live IoptPages (pinRunsFromFrames does not depend on their order). */
function livePages(m: Machine) {
  return m.livePages();
}
