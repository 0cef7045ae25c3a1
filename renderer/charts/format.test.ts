import { describe, expect, it } from 'vitest';
import { compactCount, fullCount, humanBytes, runTime, signed } from './format';

describe('chart formats', () => {
  it('formats sizes, counts, deltas and run times', () => {
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(1536)).toBe('1.5 KiB');
    expect(humanBytes(64 * 1024 * 1024)).toBe('64 MiB');
    expect(fullCount(1234567)).toBe('1 234 567');
    expect(compactCount(999)).toBe('999');
    expect(compactCount(2_500_000)).toBe('2.5M');
    expect(signed(-4096, 'bytes')).toBe('−4 KiB');
    expect(signed(3, 'count')).toBe('+3');
    expect(signed(0, 'count')).toBe('0');
    expect(runTime(0.25)).toBe('250 µs');
    expect(runTime(0)).toBe('0');
    expect(runTime(1234)).toBe('1.23 s');
  });
});
