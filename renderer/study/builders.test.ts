import { describe, expect, it } from 'vitest';
import type { StudyFile } from '../../engine/scenario/study-file/format';
import { barAt, layoutChart, makeScale, ticksOf } from './bar-layout';
import { axisValues, cellViews, noneHidden, shownViews, statusCounts } from './cells';
import { buildChart, median, spansDecades } from './chart-data';
import { csvName, tableCsv } from './csv';
import { ratio, ratioTick } from './format';
import { headerItems, whenText } from './header';
import { metricOf } from './metrics';
import { isStudyText, readStudy } from './read';
import { rowWindow } from './row-window';
import { COLUMNS, nextSort, sortViews } from './table';
import smallText from './fixtures/small.pfnstudy.json?raw';
import { studyFixture } from './test-fixtures';

const f = studyFixture();
const views = cellViews(f);
const find = (s: string, op: string, b: string, d: number) =>
  views.find(
    (v) => v.cell.strategy === s && v.cell.operation === op && v.cell.backing === b && v.cell.domains === d,
  )!;

describe('study cells', () => {
  it('the e2e fixture file is the fixture builder written out', () => {
    expect(JSON.parse(smallText)).toEqual(studyFixture());
  });

  it('ratios: wall ÷ the iommufd cell of the same domains, backing, size and operation, and wall ÷ floor', () => {
    const naive = find('naive', 'map', 'thp', 4);
    const base = find('iommufd', 'map', 'thp', 4);
    expect(naive.vsIommufd).toBeCloseTo(naive.cell.wallMs / base.cell.wallMs, 12);
    expect(naive.vsIommufd).toBeCloseTo(3.5, 2);
    expect(base.vsIommufd).toBe(1);
    expect(naive.vsFloor).toBeCloseTo(naive.cell.wallMs / naive.cell.floorMs, 12);
    // another domain count has another baseline
    expect(find('naive', 'map', 'thp', 1).vsIommufd).toBeCloseTo(3.5, 2);
  });

  it('skipped and error cells have no ratios', () => {
    const skipped = find('naive', 'map', 'hugetlb-1g', 1);
    expect(skipped.cell.status).toBe('skipped');
    expect(skipped.vsIommufd).toBeNull();
    expect(skipped.vsFloor).toBeNull();
    const err = find('vfio-type1', 'unmap', 'thp', 4);
    expect(err.cell.status).toBe('error');
    expect(err.vsFloor).toBeNull();
  });

  it('no iommufd cell ok: no ratio to it', () => {
    const g: StudyFile = { ...f, cells: f.cells.filter((c) => c.strategy !== 'iommufd') };
    expect(cellViews(g).every((v) => v.vsIommufd === null)).toBe(true);
  });

  it('filters hide values per axis; axis values in the file order plus any the axes miss', () => {
    const hidden = { ...noneHidden(), strategy: ['naive'], domains: [4] };
    const shown = shownViews(views, hidden);
    expect(shown.length).toBe((48 / 4 / 2) * 3);
    expect(shown.some((v) => v.cell.strategy === 'naive' || v.cell.domains === 4)).toBe(false);
    expect(axisValues(f, 'backing')).toEqual(['frag-4k', 'thp', 'hugetlb-1g']);
    const extra: StudyFile = { ...f, axes: { ...f.axes, backings: ['thp'] } };
    expect(axisValues(extra, 'backing')).toEqual(['thp', 'frag-4k', 'hugetlb-1g']);
    expect(statusCounts(f.cells)).toEqual({ ok: 31, skipped: 16, error: 1 });
  });
});

describe('study chart data', () => {
  it('one group per operation, one bar per strategy: median, min–max and n of the shown cells', () => {
    const hidden = { ...noneHidden(), backing: ['hugetlb-1g'] };
    const d = buildChart(
      shownViews(views, hidden),
      metricOf('map-calls'),
      ['map', 'unmap'],
      f.axes.strategies,
    );
    expect(d.groups.map((g) => g.key)).toEqual(['map', 'unmap']);
    expect(d.strategies).toEqual(['iommufd', 'iommufd+batch-api', 'naive', 'vfio-type1']);
    const naiveMap = d.groups[0]!.bars[2]!;
    const values = ['frag-4k', 'thp'].flatMap((b) =>
      [1, 4].map((n) => find('naive', 'map', b, n).cell.counters.iommuMapCalls),
    );
    values.sort((a, b) => a - b);
    expect(naiveMap).toMatchObject({ strategy: 'naive', n: 4, min: values[0], max: values[3], missing: 0 });
    expect(naiveMap.median).toBe((values[1]! + values[2]!) / 2);
    // the error cell counts as missing
    const type1Unmap = d.groups[1]!.bars[3]!;
    expect(type1Unmap.n).toBe(3);
    expect(type1Unmap.missing).toBe(1);
  });

  it('grouped by another axis: one group per backing (or domains), labelled', () => {
    const d = buildChart(
      views,
      metricOf('map-calls'),
      ['frag-4k', 'thp', 'hugetlb-1g'],
      f.axes.strategies,
      'backing',
    );
    expect(d.groups.map((g) => g.key)).toEqual(['frag-4k', 'thp', 'hugetlb-1g']);
    const thpNaive = d.groups[1]!.bars[2]!;
    const want = views
      .filter((v) => v.cell.backing === 'thp' && v.cell.strategy === 'naive' && v.cell.status === 'ok')
      .map((v) => v.cell.counters.iommuMapCalls);
    expect(thpNaive.n).toBe(want.length);
    expect(thpNaive.max).toBe(Math.max(...want));
    const byD = buildChart(
      views,
      metricOf('wall'),
      ['1', '4'],
      f.axes.strategies,
      'domains',
      (v) => `${v} dom`,
    );
    expect(byD.groups.map((g) => g.label)).toEqual(['1 dom', '4 dom']);
  });

  it('a strategy with only skipped cells: an empty bar; hidden operations drop their group', () => {
    const hidden = { ...noneHidden(), backing: ['frag-4k', 'thp'], operation: ['unmap'] };
    const d = buildChart(
      shownViews(views, hidden),
      metricOf('vs-floor'),
      ['map', 'unmap'],
      f.axes.strategies,
    );
    expect(d.groups.length).toBe(1);
    expect(d.groups[0]!.bars.every((b) => b.median === null && b.missing === 2)).toBe(true);
    expect(Number.isNaN(d.max)).toBe(true);
  });

  it('median of odd and even counts; log pays from two decades on', () => {
    expect(median([1, 2, 9])).toBe(2);
    expect(median([1, 2, 4, 9])).toBe(3);
    const counts = buildChart(views, metricOf('map-calls'), ['map', 'unmap'], f.axes.strategies);
    expect(spansDecades(counts)).toBe(true); // 32 THP map calls vs 65 536 for naive 4 KiB into 4 domains
    const r = buildChart(views, metricOf('vs-iommufd'), ['map', 'unmap'], f.axes.strategies);
    expect(spansDecades(r)).toBe(false); // 0.6× … 3.5×
  });
});

describe('study bar layout', () => {
  const d = buildChart(views, metricOf('map-calls'), ['map', 'unmap'], f.axes.strategies);

  it('log scale by decades; bars end at their median; whiskers span min–max', () => {
    const l = layoutChart(d, { width: 600, height: 300, log: true, ratio: false });
    expect(l.scale.log).toBe(true);
    expect(l.scale.lo).toBe(10); // 32 THP map calls → 10
    expect(l.scale.hi).toBe(100_000); // naive: 4 domains × 16 384 pages → 10^5
    expect(l.ticks.map((t) => t.v)).toEqual([10, 100, 1000, 1e4, 1e5]);
    const bottom = l.plot.top + l.plot.height;
    const bar = l.bars.find((b) => b.group === 0 && b.strategy === 'naive')!;
    const med = d.groups[0]!.bars[2]!;
    expect(bar.y).toBeCloseTo(l.scale.y(med.median!), 9);
    expect(bar.h).toBeCloseTo(bottom - bar.y, 9);
    expect(bar.whisker).toEqual([l.scale.y(med.max), l.scale.y(med.min)]);
    // equal decades take equal heights
    expect(l.scale.y(10) - l.scale.y(100)).toBeCloseTo(l.scale.y(1e4) - l.scale.y(1e5), 9);
    expect(l.reference).toBeNull();
  });

  it('linear scale from 0 with nice ticks; a ratio has its 1× line; barAt finds the bar under a point', () => {
    const r = buildChart(views, metricOf('vs-iommufd'), ['map', 'unmap'], f.axes.strategies);
    const l = layoutChart(r, { width: 600, height: 300, log: false, ratio: true });
    expect(l.scale.lo).toBe(0);
    expect(l.scale.hi).toBeGreaterThanOrEqual(r.max);
    expect(l.ticks[0]!.v).toBe(0);
    expect(l.reference).toBeCloseTo(l.scale.y(1), 9);
    const b = l.bars[5]!;
    expect(barAt(l, b.x + b.w / 2, l.plot.top + 2)).toBe(b);
    expect(barAt(l, 1, l.plot.top + 2)).toBeNull();
    expect(l.groupLabels.map((g) => g.text)).toEqual(['map', 'unmap']);
  });

  it('log ticks of a narrow range get 2× and 5×; a ratio keeps 1 on the scale', () => {
    const s = makeScale(
      { groups: [], strategies: [], minPositive: 1.5, max: 40 },
      true,
      { left: 0, top: 0, width: 100, height: 100 },
      true,
    );
    expect(ticksOf(s)).toEqual([1, 2, 5, 10, 20, 50, 100]);
  });
});

describe('study table and CSV', () => {
  it('sort by a column ascending, descending, then the file order; missing values last both ways', () => {
    const asc = sortViews(views, { column: 'vsFloor', desc: false });
    const desc = sortViews(views, { column: 'vsFloor', desc: true });
    const vals = (xs: typeof views) => xs.map((v) => v.vsFloor);
    const present = vals(asc).filter((x) => x !== null) as number[];
    expect(present).toEqual([...present].sort((a, b) => a - b));
    expect(
      vals(asc)
        .slice(-17)
        .every((x) => x === null),
    ).toBe(true);
    expect(
      vals(desc)
        .slice(-17)
        .every((x) => x === null),
    ).toBe(true);
    expect(vals(desc)[0]).toBe(Math.max(...present));
    let s = nextSort({ column: null, desc: false }, 'wall');
    expect(s).toEqual({ column: 'wall', desc: false });
    s = nextSort(s, 'wall');
    expect(s).toEqual({ column: 'wall', desc: true });
    expect(nextSort(s, 'wall')).toEqual({ column: null, desc: false });
    expect(sortViews(views, { column: null, desc: false }).map((v) => v.index)).toEqual(
      views.map((v) => v.index),
    );
  });

  it('CSV: a header, one line per row in the shown order, exact numbers, reasons quoted when they need it', () => {
    const rows = sortViews(views, { column: 'wall', desc: true });
    const csv = tableCsv(rows);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines.length).toBe(49);
    expect(lines[0]!.split(',')).toContain('ratioToIommufd');
    const first = lines[1]!.split(',');
    const head = lines[0]!.split(',');
    expect(Number(first[head.indexOf('wallMs')])).toBe(rows[0]!.cell.wallMs);
    expect(first[head.indexOf('strategy')]).toBe(rows[0]!.cell.strategy);
    const skipped = lines.find((l) => l.includes(',skipped,'))!;
    expect(skipped).toContain('"1 GiB hugetlb needs a 1 GiB-aligned size (64 MiB asked)"'.replace(/"/g, ''));
    expect(tableCsv([{ ...views[0]!, cell: { ...views[0]!.cell, reason: 'a, "b"' } }])).toContain(
      '"a, ""b"""',
    );
    const leaky = lines.find((l) => l.endsWith(',2 frames still pinned after the last unmap'));
    expect(leaky?.startsWith('naive,unmap,frag-4k,67108864,4,ok,')).toBe(true);
    const status = COLUMNS.find((c) => c.id === 'status')!;
    expect(status.text(find('naive', 'unmap', 'frag-4k', 4))).toBe('ok ⚠');
    expect(status.text(find('naive', 'unmap', 'frag-4k', 1))).toBe('ok');
    expect(csvName('quick.pfnstudy.json')).toBe('quick.csv');
    expect(csvName('x.json')).toBe('x.csv');
  });

  it('ratio texts', () => {
    expect(ratio(3.456)).toBe('3.46×');
    expect(ratio(12.34)).toBe('12.3×');
    expect(ratio(1234)).toBe('1 234×');
    expect(ratio(1)).toBe('1.00×');
    expect(ratioTick(1)).toBe('1×');
    expect(ratioTick(2.5)).toBe('2.5×');
    expect(ratioTick(20)).toBe('20×');
    expect(ratioTick(100)).toBe('100×');
    expect(ratio(0.05)).toBe('0.050×');
  });
});

describe('study file reading and header', () => {
  it('reads the fixture through the engine reader; names what is wrong in a bad file', () => {
    const text = JSON.stringify(f);
    expect(isStudyText(text)).toBe(true);
    expect(isStudyText(' {\n "format": "pfnlab-study"')).toBe(true);
    expect(isStudyText('{"version":1,"format":"pfnlab-study"}')).toBe(true);
    expect(isStudyText('{"format":"pfnlab-run"}')).toBe(false);
    expect(isStudyText('const x = 1;')).toBe(false);
    expect(readStudy(smallText)).toEqual(studyFixture());
    const bad = (v: unknown) => () => readStudy(JSON.stringify(v));
    expect(() => readStudy(text.slice(0, 200))).toThrow(/not JSON/);
    expect(bad({ ...f, version: 2 })).toThrow(/newer PFN Lab/);
    expect(bad({ ...f, format: 'x' })).toThrow(/not a PFN Lab study file/);
    const cells = f.cells.slice();
    cells[3] = { ...cells[3]!, wallMs: 'fast' as unknown as number };
    expect(bad({ ...f, cells })).toThrow(/cells\[3\]\.wallMs/);
  });

  it('header: machine, mode, engine, cells by status, time', () => {
    const items = Object.fromEntries(headerItems(f).map((i) => [i.label, i.value]));
    expect(items).toMatchObject({
      Machine: 'Test CPU @ 2.0GHz · 2 CPUs',
      Mode: 'quick',
      Engine: '0.9.0',
      Cells: '48 (31 ok, 16 skipped, 1 error)',
      Ran: '2026-12-02 05:12 UTC',
      Took: '41.3 s',
    });
    expect(items['Limit']).toBe('120 s a cell');
    expect(items['Warnings']).toBe('1 cell ⚠');
    expect(whenText('yesterday')).toBe('yesterday');
  });
});

describe('study table window', () => {
  it('a short table whole; a long one: the rows in view plus overscan, spacers for the rest', () => {
    expect(rowWindow(48, 500, 300)).toEqual({ start: 0, end: 48, padTop: 0, padBottom: 0 });
    const w = rowWindow(1500, 2000, 300, { rowH: 20, overscan: 10 });
    expect(w).toEqual({ start: 90, end: 125, padTop: 1800, padBottom: (1500 - 125) * 20 });
    expect(rowWindow(1500, 0, 300, { rowH: 20, overscan: 10 })).toMatchObject({
      start: 0,
      end: 25,
      padTop: 0,
    });
    expect(rowWindow(1500, 1e9, 300, { rowH: 20, overscan: 10 })).toMatchObject({
      start: 1475,
      end: 1500,
      padBottom: 0,
    });
    expect(rowWindow(1500, 0, 0).end).toBeGreaterThan(30); // not measured yet: a screenful
  });
});
