import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IntervalTree, type ItNode } from './interval-tree';
import { SpanIter } from './span-iter';
import { DoubleSpanIter } from './double-span';
import { Xarray, XA_NODE_BYTES } from './xarray';

type Op = { kind: 'ins'; s: number; len: number } | { kind: 'del'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('ins' as const),
    s: fc.integer({ min: 0, max: 200 }),
    len: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant('del' as const), pick: fc.nat() }),
);

function build(ops: Op[]): { tree: IntervalTree<number, number>; naive: ItNode<number, number>[] } {
  const tree = new IntervalTree<number, number>();
  const naive: ItNode<number, number>[] = [];
  let v = 0;
  for (const op of ops) {
    if (op.kind === 'ins') naive.push(tree.insert(op.s, op.s + op.len - 1, v++));
    else if (naive.length > 0) {
      const [n] = naive.splice(op.pick % naive.length, 1);
      tree.remove(n);
    }
  }
  return { tree, naive };
}

function naiveIntersect(naive: ItNode<number, number>[], s: number, l: number): number[] {
  return naive
    .filter((n) => n.start <= l && n.last >= s)
    .sort((a, b) => a.start - b.start || a.value - b.value)
    .map((n) => n.value);
}

describe('IntervalTree', () => {
  it('matches a naive list for iterFirst/iterNext and iteration', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.integer({ min: 0, max: 240 }),
        fc.integer({ min: 0, max: 60 }),
        (ops, qs, ql) => {
          const { tree, naive } = build(ops);
          expect(tree.size).toBe(naive.length);
          expect(tree.isEmpty()).toBe(naive.length === 0);
          const all = [...tree];
          for (let i = 1; i < all.length; i++) expect(all[i - 1].start <= all[i].start).toBe(true);
          expect(all.map((n) => n.value).sort((a, b) => a - b)).toEqual(
            naive.map((n) => n.value).sort((a, b) => a - b),
          );
          const got: number[] = [];
          for (let n = tree.iterFirst(qs, qs + ql); n !== null; n = tree.iterNext(n, qs, qs + ql))
            got.push(n.value);
          expect(got).toEqual(naiveIntersect(naive, qs, qs + ql));
          // forEachNode: every node, in the iteration's (tree) order
          const walked: ItNode<number, number>[] = [];
          tree.forEachNode((n, out) => out.push(n), walked);
          expect(walked).toEqual(all);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('works with bigint keys at the top of the u64 space', () => {
    const t = new IntervalTree<bigint, string>();
    const max = (1n << 64n) - 1n;
    t.insert(max - 10n, max, 'top');
    t.insert(0n, 5n, 'bottom');
    expect(t.iterFirst(max - 1n, max)?.value).toBe('top');
    expect(t.iterFirst(6n, max - 11n)).toBeNull();
  });

  it('rejects removing a node twice', () => {
    const t = new IntervalTree<number, number>();
    const n = t.insert(1, 2, 0);
    t.remove(n);
    expect(() => t.remove(n)).toThrow();
  });
});

/** Naive: per-index coverage → maximal spans (used = covered). */
function naiveSpans(
  naive: ItNode<number, number>[],
  first: number,
  last: number,
): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = first; i <= last; i++) {
    const hole = naive.some((n) => n.start <= i && i <= n.last) ? 0 : 1;
    const prev = out[out.length - 1];
    if (prev !== undefined && prev[0] === hole) prev[2] = i;
    else out.push([hole, i, i]);
  }
  return out;
}

describe('SpanIter', () => {
  it('tiles the range exactly like a per-index scan', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 60 }),
        fc.integer({ min: 0, max: 240 }),
        fc.integer({ min: 0, max: 80 }),
        (ops, f, len) => {
          const { tree, naive } = build(ops);
          const got: [number, number, number][] = [];
          const it = new SpanIter<number>();
          for (it.first(tree, f, f + len); !it.done(); it.next())
            got.push([it.isHole, it.startHole, it.lastHole]);
          expect(got).toEqual(naiveSpans(naive, f, f + len));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('advance jumps like a fresh scan from the new index', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 60 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 20 }),
        (ops, f, len, steps) => {
          const { tree, naive } = build(ops);
          const last = f + len;
          const it = new SpanIter<number>().first(tree, f, last);
          let cur = f;
          for (const step of steps) {
            if (it.done()) break;
            cur = Math.max(cur, it.startHole) + step;
            it.advance(cur);
            if (cur > last) {
              expect(it.done()).toBe(true);
              break;
            }
            const want = naiveSpans(naive, cur, last)[0];
            expect([it.isHole, it.startHole, it.lastHole]).toEqual(want);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('merges exactly adjacent nodes into one used span', () => {
    const t = new IntervalTree<number, number>();
    t.insert(0, 3, 0);
    t.insert(4, 6, 1);
    t.insert(9, 9, 2);
    const spans: [number, number, number][] = [];
    const it = new SpanIter<number>();
    for (it.first(t, 0, 12); !it.done(); it.next()) spans.push([it.isHole, it.startUsed, it.lastUsed]);
    expect(spans).toEqual([
      [0, 0, 6],
      [1, 7, 8],
      [0, 9, 9],
      [1, 10, 12],
    ]);
  });

  it('works over bigint IOVAs', () => {
    const t = new IntervalTree<bigint, number>();
    const max = (1n << 64n) - 1n;
    t.insert(1n << 40n, (1n << 41n) - 1n, 0);
    t.insert(max - 4095n, max, 1);
    const spans: [number, bigint, bigint][] = [];
    const it = new SpanIter<bigint>();
    for (it.first(t, 0n, max); !it.done(); it.next()) spans.push([it.isHole, it.startHole, it.lastHole]);
    expect(spans).toEqual([
      [1, 0n, (1n << 40n) - 1n],
      [0, 1n << 40n, (1n << 41n) - 1n],
      [1, 1n << 41n, max - 4096n],
      [0, max - 4095n, max],
    ]);
  });
});

describe('DoubleSpanIter', () => {
  it('§2.2 worked example: access {[1,1]}, domains {[0,9]}', () => {
    const access = new IntervalTree<number, number>();
    const domains = new IntervalTree<number, number>();
    access.insert(1, 1, 0);
    domains.insert(0, 9, 0);
    const spans: [number, number, number][] = [];
    const it = new DoubleSpanIter<number>();
    for (it.first(access, domains, 0, 9); !it.done(); it.next())
      spans.push([it.isUsed, it.startUsed, it.lastUsed]);
    expect(spans).toEqual([
      [2, 0, 0],
      [1, 1, 1],
      [2, 2, 9],
    ]);
  });

  it('matches a per-index scan (tree 1 wins)', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 40 }),
        fc.array(opArb, { maxLength: 40 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 80 }),
        (o1, o2, f, len) => {
          const a = build(o1);
          const b = build(o2);
          const want: [number, number, number][] = [];
          for (let i = f; i <= f + len; i++) {
            const u = a.naive.some((n) => n.start <= i && i <= n.last)
              ? 1
              : b.naive.some((n) => n.start <= i && i <= n.last)
                ? 2
                : 0;
            const prev = want[want.length - 1];
            if (prev !== undefined && prev[0] === u) prev[2] = i;
            else want.push([u, i, i]);
          }
          const got: [number, number, number][] = [];
          const it = new DoubleSpanIter<number>();
          for (it.first(a.tree, b.tree, f, f + len); !it.done(); it.next()) {
            const prev = got[got.length - 1];
            // tree-2 spans may be split where tree 1's hole ends; merge for the comparison
            if (prev !== undefined && prev[0] === it.isUsed && prev[2] + 1 === it.startUsed)
              prev[2] = it.lastUsed;
            else got.push([it.isUsed, it.startUsed, it.lastUsed]);
          }
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('Xarray', () => {
  it('stores, erases and reports radix node bytes', () => {
    const xa = new Xarray();
    expect(xa.nodeBytes()).toBe(0);
    xa.store(0, 7);
    expect(xa.nodeBytes()).toBe(0); // single entry at index 0 lives in the head
    xa.store(1, 8);
    expect(xa.nodeBytes()).toBe(XA_NODE_BYTES);
    xa.store(64, 9);
    expect(xa.nodeCount()).toBe(3); // two leaves + root
    xa.store(64 * 64, 10);
    expect(xa.nodeCount()).toBe(3 + 2 + 1); // leaves 0,1,64 ; level 1: 0,1 ; root
    expect(xa.load(64)).toBe(9);
    expect(xa.erase(64)).toBe(9);
    expect(xa.load(64)).toBe(-1);
    expect(xa.eraseRange(0, 10000)).toBe(3);
    expect(xa.isEmpty()).toBe(true);
    expect(xa.nodeBytes()).toBe(0);
  });
});
