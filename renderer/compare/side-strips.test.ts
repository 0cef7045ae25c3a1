import { describe, expect, it } from 'vitest';
import { TIER_DOMAIN, TIER_NONE } from '../../engine/base/inspect-types';
import type { MachineDigest, PagesDigest } from '../../engine/iommufd/digest';
import { answersOf, onlyInOther, sideStrips } from './side-strips';

function pages(id: number, uptr: number, domainSpans: [number, number][]): PagesDigest {
  return {
    id,
    pid: 1,
    uptr,
    npages: 64,
    npinned: 0,
    lastNpinned: 0,
    accountMode: 'user',
    writable: true,
    tiers: [],
    accessNodes: 0,
    xarrayEntries: 0,
    accessIntervals: [],
    domainSpans,
  };
}

function digest(p: PagesDigest[]): MachineDigest {
  return {
    contexts: [],
    pages: p,
    accounting: [],
    pins: { pinnedFrames: 0, totalPins: 0, runs: 0, hash: '' },
  };
}

describe('side strips', () => {
  it('reads the tiers of every pages object from the digest (none before the first event)', () => {
    expect(answersOf(null)).toEqual([]);
    const [a] = answersOf(digest([pages(1, 0x1000, [[0, 15]])]));
    expect(a?.key).toBe('1:4096:64');
    // 64 pages ≤ 1024 buckets: a bucket per page
    expect(a?.buckets).toBe(64);
    expect(a?.counts[0 * 4 + TIER_DOMAIN]).toBe(1);
    expect(a?.counts[16 * 4 + TIER_NONE]).toBe(1);
  });

  it('marks the buckets that differ from the other run’s strip with the same key, and one-sided strips', () => {
    const mine = answersOf(digest([pages(1, 0x1000, [[0, 15]]), pages(2, 0x9000, [])]));
    const theirs = answersOf(digest([pages(1, 0x1000, [[0, 19]]), pages(2, 0x5000, [])]));
    const s = sideStrips(mine, theirs);
    expect(s.map((x) => [x.entry.key, x.inOther, x.differing])).toEqual([
      ['1:4096:64', true, 4],
      ['1:36864:64', false, 0],
    ]);
    expect(s[0]?.info.changed).toBe('4 pages differ from the other run');
    expect(s[1]?.info.changed).toBe('only in this run');
    expect(s[0]?.layer.changes?.buckets?.[16]).toBe(1);
    expect(s[0]?.layer.changes?.buckets?.[15]).toBe(0);
    expect(onlyInOther(mine, theirs)).toEqual(['1:20480:64']);
    // a strip equal to the other run's has no note
    expect(sideStrips(mine, mine).every((x) => x.info.changed === null && x.differing === 0)).toBe(true);
  });
});
