import { describe, expect, it } from 'vitest';
import { TIER_BOTH, TIER_DOMAIN, TIER_XARRAY } from '../../engine/base/inspect-types';
import { compareAnswers, matchStrips } from './changes';
import { hitTest } from './hit';
import { layoutStrips } from './layout';
import { makeAnswer } from './test-fixtures';
import { describeHit } from './tooltip';
import { fullView } from './view';

const big = makeAnswer({
  key: 'big',
  npages: 1 << 20,
  buckets: 1024,
  runs: [
    [0, 1024, TIER_DOMAIN],
    [1024, 1536, TIER_XARRAY],
  ],
  areas: [
    {
      index: 0,
      lastIndex: (1 << 19) - 1,
      ioas: 3,
      iova: '4294967296',
      length: String((1 << 19) * 4096),
      storageDomain: 2,
    },
  ],
  accesses: [{ start: 1024, last: 1535, users: 2 }],
});
const small = makeAnswer({
  key: 'small',
  pages: 2,
  npages: 16,
  runs: [
    [0, 8, TIER_DOMAIN],
    [8, 9, TIER_BOTH],
  ],
  domainIds: [4, 9],
  areas: [{ iova: '8192' }],
});

function setup() {
  const layouts = layoutStrips(matchStrips([big, small], null), 1024 + 28);
  const viewOf = (k: string) => fullView(k === 'big' ? big.npages : small.npages);
  return { layouts, viewOf };
}

describe('hit testing', () => {
  it('finds the strip and the zone under the pointer', () => {
    const { layouts, viewOf } = setup();
    const l = layouts[0]!;
    expect(hitTest(layouts, viewOf, 100, l.headerTop + 3)?.zone).toBe('header');
    const bar = hitTest(layouts, viewOf, l.x0 + 0.5, l.barTop + 5)!;
    expect(bar.zone).toBe('bar');
    expect(bar.key).toBe('big');
    expect(bar.index).toBe(512);
    expect(bar.hi - bar.lo).toBeCloseTo(1024);
    expect(hitTest(layouts, viewOf, 200, l.rulerTop + 4)?.zone).toBe('ruler');
    const area = hitTest(layouts, viewOf, 200, l.areaTop + 8)!;
    expect(area.zone).toBe('area');
    expect(area.area).toBe(0);
    expect(hitTest(layouts, viewOf, l.x0 + 1.2, l.accessTop + 4)?.access).toBe(0);
    expect(hitTest(layouts, viewOf, 800, l.accessTop + 4)?.access).toBeUndefined();
    const s = hitTest(layouts, viewOf, layouts[1]!.x0 + 8.5 * 64, layouts[1]!.barTop + 10)!;
    expect(s.key).toBe('small');
    expect(s.index).toBe(8);
    expect(hitTest(layouts, viewOf, 10, 1e6)).toBeNull();
  });

  it('hits a one-page access bracket drawn wider than its page', () => {
    const one = makeAnswer({
      key: 'one',
      npages: 1 << 20,
      buckets: 1024,
      accesses: [{ start: 1 << 19, last: 1 << 19, users: 1 }],
    });
    const layouts = layoutStrips(matchStrips([one], null), 1024 + 28);
    const l = layouts[0]!;
    const view = () => fullView(one.npages);
    const mid = l.x0 + 512; // the page is 1/1024 px wide here
    expect(hitTest(layouts, view, mid + 2, l.accessTop + 4)?.access).toBe(0);
    expect(hitTest(layouts, view, mid - 3, l.accessTop + 4)?.access).toBe(0);
    expect(hitTest(layouts, view, mid + 6, l.accessTop + 4)?.access).toBeUndefined();
  });

  it('describes a bucket: index range and tier counts', () => {
    const { layouts, viewOf } = setup();
    const l = layouts[0]!;
    const t = describeHit(
      l,
      [{ answer: big, changes: null }],
      hitTest(layouts, viewOf, l.x0 + 1, l.barTop + 5)!,
    )!;
    expect(t.level).toBe('bucket');
    expect(t.title).toBe('pages 1\u2009024–2\u2009047 (1\u2009024)');
    expect(t.rows.find((r) => r.label === 'xarray')?.value).toBe('512 (50.0%)');
    expect(t.range).toEqual({ lo: 1024, hi: 2048 });
  });

  it('describes a page: PFN in hex, holders by domain id, pin count, what changed', () => {
    const { layouts, viewOf } = setup();
    const l = layouts[1]!;
    const before = makeAnswer({ key: 'small', npages: 16, runs: [[0, 9, TIER_DOMAIN]], domainIds: [4, 9] });
    const layer = { answer: small, prev: before, changes: compareAnswers(small, before) };
    const t = describeHit(l, [layer], hitTest(layouts, viewOf, l.x0 + 8.5 * 64, l.barTop + 10)!)!;
    expect(t.level).toBe('page');
    expect(t.title).toBe('page 8');
    const row = (k: string) => t.rows.find((r) => r.label === k);
    expect(row('PFN')?.value).toBe('0x1008');
    expect(row('holders')?.value).toBe('domains 4, 9 → domains 4, 9 · xarray');
    expect(row('holders')?.changed).toBe(true);
    expect(row('tier')?.value).toBe('domain → xarray + domain');
    expect(row('pin count')?.value).toBe('1');
    expect(row('IOAS 1')?.value).toBe('IOVA 0xa000 · storage dom 0');
  });

  it('describes brackets and the header', () => {
    const { layouts, viewOf } = setup();
    const l = layouts[0]!;
    const acc = describeHit(l, [], hitTest(layouts, viewOf, l.x0 + 1.2, l.accessTop + 4)!)!;
    expect(acc.title).toBe('access [1024, 1535]');
    expect(acc.rows.find((r) => r.label === 'users')?.value).toBe('2');
    const area = describeHit(l, [], hitTest(layouts, viewOf, 200, l.areaTop + 8)!)!;
    expect(area.rows.find((r) => r.label === 'IOVA')?.value).toBe('0x100000000–0x17fffffff');
    expect(area.rows.find((r) => r.label === 'storage domain')?.value).toBe('2');
    const head = describeHit(l, [], hitTest(layouts, viewOf, 100, l.headerTop + 3)!)!;
    expect(head.rows.find((r) => r.label === 'size')?.value).toBe('4 GiB (1\u2009048\u2009576 pages)');
  });
});
