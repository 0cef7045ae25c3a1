import { describe, expect, it } from 'vitest';
import { filled, sortedKeys, storeAt, toArray } from './arrays';

describe('arrays built by push', () => {
  it('toArray keeps the order of any iterable', () => {
    expect(toArray(new Set([3, 1, 2]))).toEqual([3, 1, 2]);
    expect(
      toArray(
        new Map([
          [2, 'b'],
          [1, 'a'],
        ]).entries(),
      ),
    ).toEqual([
      [2, 'b'],
      [1, 'a'],
    ]);
    expect(toArray(new Float64Array([1.5, 2]).subarray(1))).toEqual([2]);
    expect(toArray([])).toEqual([]);
  });

  it('filled makes n copies, none for n <= 0', () => {
    expect(filled(3, -1)).toEqual([-1, -1, -1]);
    expect(filled(0, 7)).toEqual([]);
  });

  it("sortedKeys gives a map's number keys ascending, whatever the insertion order", () => {
    expect(
      sortedKeys(
        new Map([
          [10, 'a'],
          [2, 'b'],
          [7, 'c'],
        ]),
      ),
    ).toEqual([2, 7, 10]);
    expect(sortedKeys(new Map())).toEqual([]);
  });

  it('storeAt overwrites inside the array and appends at its end', () => {
    const a = [1, 2];
    storeAt(a, 0, 9);
    storeAt(a, 2, 3);
    expect(a).toEqual([9, 2, 3]);
  });
});
