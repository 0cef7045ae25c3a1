import { describe, expect, it } from 'vitest';
import {
  describeDeltas,
  formatArgs,
  formatBytes,
  formatCount,
  formatDeltas,
  formatDuration,
  formatResult,
  formatTarget,
  formatValue,
} from './format';

describe('formatValue / formatArgs', () => {
  it('writes IOVAs, addresses and sizes in hex and small numbers in decimal', () => {
    expect(formatValue('16777216n')).toBe('0x1000000');
    expect(formatValue('12n')).toBe('12');
    expect(formatValue(139637976596480)).toBe('0x7efffffe0000');
    expect(formatValue(131072)).toBe('0x20000');
    expect(formatValue(4095)).toBe('4095');
    expect(formatValue(1.5)).toBe('1.5');
    expect(formatValue(-131072)).toBe('-0x20000');
  });

  it('names lab objects and quotes other strings', () => {
    expect(formatValue('ioas 1')).toBe('ioas 1');
    expect(formatValue('hello')).toBe('"hello"');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(true)).toBe('true');
  });

  it('writes objects and arrays compactly, two levels deep', () => {
    expect(formatValue({ populate: true, iova: '4096n' })).toBe('{populate: true, iova: 4096}');
    expect(formatValue([1, [2, [3]]])).toBe('[1, [2, […]]]');
    expect(formatArgs([139637976596480, 131072, null])).toBe('0x7efffffe0000, 0x20000, null');
    expect(formatArgs([]).length).toBe(0);
    const long = formatArgs(['x'.repeat(300)], 50);
    expect(long.length).toBe(50);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('formatResult', () => {
  it('shows the errno of a failed call, else the result', () => {
    expect(formatResult({ errno: 'EINVAL', result: 'ioas 1' })).toBe('EINVAL');
    expect(formatResult({ result: '16777216n' })).toBe('0x1000000');
    expect(formatResult({})).toBe('');
  });
});

describe('formatDuration / formatBytes / formatCount', () => {
  it('picks a readable unit', () => {
    expect(formatDuration(0.012)).toBe('12 µs');
    expect(formatDuration(1.234)).toBe('1.23 ms');
    expect(formatDuration(33.81)).toBe('33.8 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(Number.NaN)).toBe('');
    expect(formatBytes(640)).toBe('640 B');
    expect(formatBytes(2048)).toBe('2 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3 MiB');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234)).toBe('1 234');
    expect(formatCount(10_000)).toBe('10 000');
    expect(formatCount(1_234_567)).toBe('1 234 567');
  });
});

describe('formatDeltas', () => {
  it('lists the moved counters by short name, most telling first', () => {
    expect(formatDeltas({ iommuMapCalls: 1, pagesPinned: 256 })).toBe('pins +256 map +1');
    expect(formatDeltas({ pagesUnpinned: 32, xarrayErases: -0 })).toBe('unpins +32');
    expect(formatDeltas({ framesFreed: -3 })).toBe('freed -3');
    expect(formatDeltas({ tempMemoryPeakBytes: 640 })).toBe('tmpPeak 640 B');
    expect(formatDeltas({ rwBytes: 8192 })).toBe('rw +8 KiB');
    expect(formatDeltas({})).toBe('');
  });

  it('cuts to the first few with an ellipsis', () => {
    const d = { pagesPinned: 1, pagesUnpinned: 2, iommuMapCalls: 3, iommuUnmapCalls: 4, pteWrites: 5 };
    expect(formatDeltas(d, 2)).toBe('pins +1 unpins +2 …');
    expect(formatDeltas(d, 5)).toBe('pins +1 unpins +2 map +3 unmap +4 pte +5');
  });

  it('describes every moved counter by its full name for the tooltip', () => {
    expect(describeDeltas({ iommuMapCalls: 36, pagesPinned: 32, tempMemoryPeakBytes: 640 })).toBe(
      'pagesPinned +32\niommuMapCalls +36\ntempMemoryPeakBytes 640',
    );
  });
});

describe('formatTarget', () => {
  it('keeps only the id when the op names the type', () => {
    expect(formatTarget('domain.stats', 'domain 13')).toBe('#13');
    expect(formatTarget('ioas.map', 'ioas 1')).toBe('#1');
    expect(formatTarget('iommufd.ioasAlloc', 'iommufd 3')).toBe('#3');
    expect(formatTarget('ioas.map', 'process 1')).toBe('process 1');
    expect(formatTarget('lab.open', '')).toBe('');
  });
});
