/**
 * MockStorage's run operations (storeRun / eraseRun, one chunk lookup per
 * chunk) == the per-entry store / erase loops they replace, on random runs
 * that overlap, cross chunk boundaries and hit absent entries.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MOCK_CHUNK, MOCK_LAST, MOCK_START, MockStorage } from './mock-storage';

interface RunOp {
  store: boolean;
  key: number;
  n: number;
}

const opArb: fc.Arbitrary<RunOp> = fc.record({
  store: fc.boolean(),
  // keys around the first chunk boundaries
  key: fc.integer({ min: 0, max: 3 * MOCK_CHUNK }).map((k) => (k % 3 === 0 ? MOCK_CHUNK - (k % 40) : k)),
  n: fc.integer({ min: 1, max: MOCK_CHUNK + 50 }),
});

/** The per-entry reference: what mock-domain.ts did before the run operations. */
function referenceRun(s: MockStorage, op: RunOp): unknown {
  if (op.store) {
    let occupied = 0;
    let first = -1;
    for (let i = 0; i < op.n; i++) {
      const flags = (i === 0 ? MOCK_START : 0) | (i === op.n - 1 ? MOCK_LAST : 0);
      if (s.store(op.key + i, 7 * op.key + i, flags) && occupied++ === 0) first = i;
    }
    return { occupied, first };
  }
  let missing = 0;
  let first = -1;
  let firstFlags = 0;
  let lastFlags = 0;
  for (let i = 0; i < op.n; i++) {
    const old = s.erase(op.key + i);
    if (old === 0 && missing++ === 0) first = i;
    if (i === 0) firstFlags = old;
    if (i === op.n - 1) lastFlags = old;
  }
  return { missing, first, firstFlags, lastFlags };
}

function fastRun(s: MockStorage, op: RunOp): unknown {
  if (op.store) return { occupied: s.storeRun(op.key, 7 * op.key, op.n), first: s.firstOccupied };
  const missing = s.eraseRun(op.key, op.n);
  return { missing, first: s.firstMissing, firstFlags: s.firstFlags, lastFlags: s.lastFlags };
}

function contents(s: MockStorage): unknown {
  const out: number[][] = [];
  for (const ci of s.chunkKeys()) {
    const c = s.chunk(ci);
    if (c === undefined) continue;
    for (let i = 0; i < MOCK_CHUNK; i++) if (c.flags[i] !== 0) out.push([ci * MOCK_CHUNK + i, c.frames[i], c.flags[i]]);
    expect(c.count).toBe(out.filter((e) => Math.floor(e[0] / MOCK_CHUNK) === ci).length);
  }
  return { size: s.size, out };
}

describe('MockStorage runs', () => {
  it('storeRun / eraseRun == per-entry store / erase', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 12 }), (ops) => {
        const ref = new MockStorage();
        const fast = new MockStorage();
        for (const op of ops) {
          expect(fastRun(fast, op)).toEqual(referenceRun(ref, op));
          expect(contents(fast)).toEqual(contents(ref));
        }
      }),
      { numRuns: 150 },
    );
  });
});
