import 'ses';
import { describe, expect, it } from 'vitest';
import { unfrozen } from './typed';

// the scenario tests' lockdown options (engine/scenario/testing/lockdown.ts, which base may not import)
if (!Object.isFrozen(Object.prototype)) {
  lockdown({
    errorTaming: 'unsafe',
    overrideTaming: 'severe',
    consoleTaming: 'unsafe',
    stackFiltering: 'verbose',
  });
}

describe('unfrozen typed arrays (fast stores under SES lockdown)', () => {
  it('gives a locked-down typed array an unfrozen prototype that keeps every method', () => {
    expect(Object.isFrozen(Uint32Array.prototype)).toBe(true);
    const a = unfrozen(new Uint32Array(8));
    expect(Object.isFrozen(Object.getPrototypeOf(a))).toBe(false);
    a[3] = 7;
    a.fill(2, 5);
    expect(a.length).toBe(8);
    expect(Array.from(a)).toEqual([0, 0, 0, 7, 0, 2, 2, 2]);
    expect(Array.from(a.subarray(3, 5))).toEqual([7, 0]);
    expect(a.indexOf(7)).toBe(3);
    expect(Object.prototype.toString.call(a)).toBe('[object Uint32Array]');
    const f = unfrozen(new Float64Array(2));
    f.set([1.5, 2.5]);
    expect(f.reduce((x, y) => x + y, 0)).toBe(4);
  });

  it('shares one copy per class and leaves the frozen intrinsics alone', () => {
    const a = unfrozen(new Int32Array(1));
    const b = unfrozen(new Int32Array(1));
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    expect(Object.getPrototypeOf(new Int32Array(1))).toBe(Int32Array.prototype);
  });
});
