import { describe, expect, it } from 'vitest';
import { TIER_BOTH, TIER_DOMAIN, TIER_XARRAY } from '../../engine/base/inspect-types';
import {
  CHANGED_HOLDERS,
  CHANGED_PIN,
  CHANGED_TIER,
  compareAnswers,
  comparePages,
  matchStrips,
} from './changes';
import { makeAnswer, makeDetail } from './test-fixtures';

describe('change detection', () => {
  it('matches strips by key: new, same, gone', () => {
    const a = makeAnswer({ key: 'a', npages: 8 });
    const b = makeAnswer({ key: 'b', npages: 8 });
    const c = makeAnswer({ key: 'c', npages: 8 });
    const m = matchStrips([a, b], [b, c]);
    expect(m.map((e) => [e.key, e.status])).toEqual([
      ['a', 'new'],
      ['b', 'same'],
      ['c', 'gone'],
    ]);
    expect(m[2]?.answer).toBe(c);
    // Previous step not known yet: nothing is marked new.
    expect(matchStrips([a], null).map((e) => e.status)).toEqual(['same']);
  });

  it('tells apart pages objects sharing a key (one buffer mapped twice) by order', () => {
    const a1 = makeAnswer({ key: 'a', pages: 1, npages: 8 });
    const a2 = makeAnswer({ key: 'a', pages: 2, npages: 8 });
    const b2 = makeAnswer({ key: 'a', pages: 3, npages: 8 });
    const m = matchStrips([a1, a2], [b2]);
    expect(m.map((e) => [e.key, e.status, e.prev?.pages ?? null])).toEqual([
      ['a', 'same', 3],
      ['a#2', 'new', null],
    ]);
  });

  it('marks the buckets whose counts differ', () => {
    const before = makeAnswer({ npages: 1 << 20, buckets: 1024, runs: [[0, 4096, TIER_DOMAIN]] });
    const after = makeAnswer({
      npages: 1 << 20,
      buckets: 1024,
      runs: [
        [0, 4096, TIER_DOMAIN],
        [5000, 5001, TIER_XARRAY],
      ],
    });
    const ch = compareAnswers(after, before);
    expect(ch.changed).toBe(1);
    expect(ch.buckets?.[Math.floor((5000 * 1024) / (1 << 20))]).toBe(1);
    expect(ch.buckets?.[0]).toBe(0);
    expect(ch.pages).toBeNull();
    expect(compareAnswers(after, after).changed).toBe(0);
  });

  it('flags pages whose tier, holders or pin count changed, holders compared by domain id', () => {
    const prev = makeDetail([[0, 4, TIER_DOMAIN]], 0, 8, 100, [7]);
    const cur = makeDetail(
      [
        [0, 4, TIER_DOMAIN],
        [4, 5, TIER_XARRAY],
      ],
      0,
      8,
      100,
      [7],
    );
    const f = comparePages(cur, prev) as Uint8Array;
    expect(f[4]).toBe(CHANGED_TIER | CHANGED_HOLDERS | CHANGED_PIN | 2);
    expect(f[0]).toBe(0);
    // Same holders, numbered differently (a domain attached before it): unchanged.
    const renum = makeDetail([[0, 4, TIER_DOMAIN]], 0, 8, 100, [3, 7]);
    for (let i = 0; i < 4; i++) renum.holders[i] = 2; // bit 1 = domain 7
    expect([...(comparePages(renum, prev) as Uint8Array)].every((x) => x === 0)).toBe(true);
    // A second domain now holds the page: holders changed, tier the same.
    renum.holders[0] = 3;
    expect((comparePages(renum, prev) as Uint8Array)[0]).toBe(CHANGED_HOLDERS);
  });

  it('counts changed pages when both sides have detail, and pin counters', () => {
    const prev = makeAnswer({ npages: 32, runs: [[0, 32, TIER_DOMAIN]], npinned: 32 });
    const cur = makeAnswer({
      npages: 32,
      runs: [
        [0, 30, TIER_DOMAIN],
        [30, 32, TIER_BOTH],
      ],
      npinned: 32,
      lastNpinned: 32,
    });
    const ch = compareAnswers(cur, prev);
    expect(ch.changed).toBe(2);
    expect(ch.counters).toBe(true);
  });
});
