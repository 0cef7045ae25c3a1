import { describe, expect, it } from 'vitest';
import { SERIES, type SeriesName } from './series-defs';
import { spanBars, spanDelta } from './span-bars';
import { span } from './test-fixtures';

const def = (name: SeriesName) => SERIES.find((s) => s.name === name)!;

describe('span bars', () => {
  it('takes counter deltas from the span, differences included', () => {
    const s = span('map', 1, 4, { pagesPinned: 32, pagesUnpinned: 2, pinCalls: 8, tempMemoryPeakBytes: 96 });
    expect(spanDelta(s, def('pinnedNow'), new Float64Array(5))).toBe(30);
    expect(spanDelta(s, def('pinCalls'), new Float64Array(5))).toBe(8);
    expect(spanDelta(s, def('tempMemoryPeakBytes'), new Float64Array(5))).toBe(96);
    expect(spanDelta(s, def('iommuMapCalls'), new Float64Array(5))).toBe(0);
  });

  it('takes table bytes from the chart series over the span (value after its last event − before its first)', () => {
    const table = Float64Array.from([0, 4096, 8192, 8192, 12288, 0]);
    expect(spanDelta(span('a', 2, 4, {}), def('tableBytes'), table)).toBe(8192);
    expect(spanDelta(span('b', 5, 5, {}), def('tableBytes'), table)).toBe(-12288);
    expect(spanDelta(span('empty', 3, 2, {}), def('tableBytes'), table)).toBe(0);
  });

  it('scales each series to its own largest |delta| and flags negatives', () => {
    const defs = [def('pinCalls'), def('pinnedNow')];
    const ys = [new Float64Array(10), new Float64Array(10)];
    const b = spanBars(
      [
        span('map 12', 1, 2, { pinCalls: 32, pagesPinned: 32 }),
        span('map 32', 3, 4, { pinCalls: 8, pagesPinned: 32 }),
        span('unmap', 5, 6, { pagesUnpinned: 64 }),
      ],
      defs,
      ys,
    );
    expect(b.negative).toBe(true);
    expect(b.groups.map((g) => g.bars.map((x) => x.value))).toEqual([
      [32, 32],
      [8, 32],
      [0, -64],
    ]);
    expect(b.groups.map((g) => g.bars.map((x) => x.frac))).toEqual([
      [1, 0.5],
      [0.25, 0.5],
      [0, 1],
    ]);
    expect(spanBars([], defs, ys)).toEqual({ groups: [], negative: false });
  });
});
