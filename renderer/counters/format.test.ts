import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES } from '../../engine/base/counters';
import { COUNTER_INFO, formatCounter, formatDelta } from './descriptions';
import { formatBytes, formatCount, hex, plural } from './format';

describe('formatters', () => {
  it('sizes in binary units with up to 3 significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(4 * 1024 * 1024)).toBe('4 MiB');
    expect(formatBytes(10.25 * 1024 * 1024)).toBe('10.3 MiB');
    expect(formatBytes(64n * 1024n ** 3n)).toBe('64 GiB');
    expect(formatBytes(1n << 64n)).toBe('16 EiB');
    expect(formatBytes(-2048)).toBe('-2 KiB');
  });
  it('groups counts and prints hex of 64-bit values', () => {
    expect(formatCount(1234567)).toBe('1\u2009234\u2009567');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(-1000)).toBe('-1\u2009000');
    expect(hex(255)).toBe('0xff');
    expect(hex((1n << 64n) - 1n)).toBe('0xffffffffffffffff');
    expect(hex('4294967296', true)).toBe('0x1_0000_0000');
    expect(plural(1, 'frame')).toBe('1 frame');
    expect(plural(2, 'run')).toBe('2 runs');
  });
});

describe('counter descriptions', () => {
  it('describe every counter', () => {
    for (const n of COUNTER_NAMES) expect(COUNTER_INFO[n].text.length).toBeGreaterThan(5);
  });
  it('format values and deltas in their unit', () => {
    expect(formatCounter('rwBytes', 8192)).toBe('8 KiB');
    expect(formatCounter('pagesPinned', 1024)).toBe('1\u2009024');
    expect(formatDelta('pagesPinned', 3)).toBe('+3');
    expect(formatDelta('pagesUnpinned', -3)).toBe('−3');
    expect(formatDelta('rwBytes', 4096)).toBe('+4 KiB');
    expect(formatDelta('tempMemoryPeakBytes', 4096)).toBe('peak 4 KiB');
    expect(formatDelta('pinCalls', 0)).toBe('');
    expect(formatDelta('pinCalls', undefined)).toBe('');
  });
});
