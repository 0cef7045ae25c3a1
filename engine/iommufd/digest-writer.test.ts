/**
 * The digest as a stream (digest.ts, digest-writer.ts), after random
 * operation sequences (testing/digest-driver.ts):
 *   - the object the stream builds is, as JSON text, the object of the
 *     earlier literal builder (testing/digest-reference.ts);
 *   - DigestKey tokens are equal exactly when the JSON texts are equal
 *     (machine walk, and writeJson of any JSON value).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../base/rng';
import { machineDigest } from './digest';
import {
  DigestKey,
  MODE_KEYED,
  MODE_MACHINE,
  ObjectWriter,
  writeJson,
  type DigestWriter,
} from './digest-writer';
import { Driver, randomOps } from './testing/digest-driver';
import { machineDigestReference } from './testing/digest-reference';

/** Tokens as a string, to compare keys by value. */
function tokenText(k: DigestKey): string {
  return Array.from(k.tokens.subarray(0, k.n)).join(',');
}

/** Every pair equal on one side is equal on the other: text ↔ tokens is a bijection over `pairs`. */
function expectBijection(pairs: [string, string][]): void {
  const byText = new Map<string, string>();
  const byTokens = new Map<string, string>();
  for (const [text, tokens] of pairs) {
    expect(byText.get(text) ?? tokens, `one JSON text, two token streams: ${text}`).toBe(tokens);
    expect(byTokens.get(tokens) ?? text, 'one token stream, two JSON texts').toBe(text);
    byText.set(text, tokens);
    byTokens.set(tokens, text);
  }
}

describe('digest stream', () => {
  it('builds the JSON of the literal builder after every op', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const d = new Driver(trial % 3 === 0 ? 24 : 0);
      for (const op of randomOps(rng, 40)) {
        d.run(op);
        const ref = machineDigestReference(d.m.memory, d.m.contexts());
        expect(JSON.stringify(machineDigest(d.m.memory, d.m.contexts())), `trial ${trial}`).toBe(
          JSON.stringify(ref),
        );
      }
    }
  });

  it('machine keys are equal exactly when the digests are (JSON text)', () => {
    const rng = new Rng(77);
    const key = new DigestKey();
    const pairs: [string, string][] = [];
    const distinct = new Set<string>();
    for (let trial = 0; trial < 12; trial++) {
      // few op kinds and small values: states repeat, so equal pairs are tested too
      const d = new Driver(trial % 4 === 0 ? 24 : 0);
      for (let k = 0; k < 60; k++) {
        // map / unmap in turn (the empty state returns), now and then a domain attached or detached
        const kind = k % 10 === 9 ? 2 + rng.int(2) : k % 2;
        d.run({ kind, a: rng.int(3), b: rng.int(2), c: rng.int(2) });
        d.m.digestKey(key);
        const text = JSON.stringify(d.m.digest());
        pairs.push([text, tokenText(key)]);
        distinct.add(text);
      }
    }
    expectBijection(pairs);
    expect(distinct.size).toBeGreaterThan(20);
    expect(pairs.length - distinct.size).toBeGreaterThan(100); // repeated states: equal pairs tested too
  });

  it('a strategy machine keys its digest with the keys (writeJson)', () => {
    const rng = new Rng(3);
    const key = new DigestKey();
    const pairs: [string, string][] = [];
    for (const strategy of ['naive', 'vfio-type1'] as const) {
      const d = new Driver(0, strategy);
      for (let k = 0; k < 40; k++) {
        d.run({ kind: rng.int(2), a: rng.int(3), b: rng.int(2), c: rng.int(2) });
        d.m.digestKey(key);
        pairs.push([JSON.stringify(d.m.digest()), tokenText(key)]);
      }
    }
    expectBijection(pairs);
  });

  it('writeJson keys: keys, order, types and -0 as JSON sees them', () => {
    const key = new DigestKey();
    const values: unknown[] = [
      { a: 1 },
      { b: 1 },
      { a: 1, b: 2 },
      { b: 2, a: 1 },
      { a: '1' },
      { a: [1] },
      { a: [] },
      { a: {} },
      [1, 2],
      [[1], 2],
      [1, [2]],
      [0],
      [-0],
      [null],
      [Number.NaN],
      [true],
      [false],
      ['true'],
      '',
      'x',
      0,
      null,
      { '1': 0, '0': 1 },
      { '0': 1, '1': 0 },
    ];
    const pairs: [string, string][] = [];
    for (const v of values) {
      key.reset(MODE_KEYED);
      writeJson(v, key);
      pairs.push([JSON.stringify(v), tokenText(key)]);
      // the object writer gives the same JSON back
      const w = new ObjectWriter();
      writeJson(v, w);
      expect(JSON.stringify(w.result)).toBe(JSON.stringify(v));
    }
    expectBijection(pairs);
  });

  it('positional (machine) streams: equal exactly when the JSON is, at the edges of each position type', () => {
    // one fixed schema, as the machine walk writes: { n: num | null, u: u64 or decimal, l: list of lists, s, b, h }
    const nums = [0, -0, 1, -1, -2, 2.5, Number.NaN, Infinity, -Infinity, null];
    const u64s: (bigint | number)[] = [
      0n,
      0,
      5n,
      5,
      2n ** 53n,
      2 ** 53,
      2n ** 53n + 1n,
      2n ** 64n - 1n,
      2n ** 64n - 2n,
      -1,
      -2n,
      1.5,
    ];
    const lists: number[][][] = [
      [],
      [[]],
      [[], []],
      [[], [], []],
      [[0]],
      [[0, 0]],
      [[0], []],
      [[1]],
      [[1], []],
      [[], [1]],
      [[1, 2]],
      [[1], [2]],
      [[-1]],
    ];
    const strs = ['', 'a', 'b', '1'];
    const write = (
      w: DigestWriter,
      n: number | null,
      u: bigint | number,
      l: number[][],
      s: string,
      b: boolean,
      h: number,
    ): void => {
      w.open();
      w.key('n');
      if (n === null) w.nil();
      else w.num(n);
      w.key('u');
      if (typeof u === 'bigint') w.u64(u);
      else w.decimal(u);
      w.key('l');
      w.list();
      for (const inner of l) {
        w.list();
        for (const x of inner) w.num(x);
        w.end();
      }
      w.end();
      w.key('s');
      w.str(s);
      w.key('b');
      w.bool(b);
      w.key('h');
      w.hex(h);
      w.close();
    };
    const rng = new Rng(11);
    const key = new DigestKey();
    const pairs: [string, string][] = [];
    const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)] as T;
    for (let i = 0; i < 3000; i++) {
      const args = [
        pick(nums),
        pick(u64s),
        pick(lists),
        pick(strs),
        rng.int(2) === 1,
        pick([0, 10, 16]),
      ] as const;
      key.reset(MODE_MACHINE);
      write(key, ...args);
      const o = new ObjectWriter();
      write(o, ...args);
      pairs.push([JSON.stringify(o.result), tokenText(key)]);
    }
    expectBijection(pairs);
    expect(new Set(pairs.map((p) => p[0])).size).toBeGreaterThan(1000);
  });
});
