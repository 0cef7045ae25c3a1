import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, newCounters, readCounters } from './counters';

describe('readCounters', () => {
  it('reads every counter into its COUNTER_NAMES slot', () => {
    const c = newCounters();
    COUNTER_NAMES.forEach((name, i) => (c[name] = 1000 + i));
    const out = new Float64Array(COUNTER_NAMES.length).fill(-1);
    readCounters(c, out);
    expect(Array.from(out)).toEqual(COUNTER_NAMES.map((_, i) => 1000 + i));
  });
});
