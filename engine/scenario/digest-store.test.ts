import { describe, expect, it } from 'vitest';
import { Rng } from '../base/rng';
import { Machine } from '../iommufd';
import { Driver } from '../iommufd/testing/digest-driver';
import { DigestStore } from './digest-store';
import { FULL, jsonSafe } from './facade/values';

const slow = (v: unknown): string => JSON.stringify(jsonSafe(v, undefined, FULL));

describe('DigestStore', () => {
  it('gives every value the text of its JSON-safe copy (plain data takes the fast path)', () => {
    const values: unknown[] = [
      { a: 1, b: 'x', c: [true, null, -0, 2.5], d: { e: [] } },
      { big: 1n, n: NaN, i: -Infinity, u: undefined, arr: [undefined, 3] },
      { bytes: new Uint8Array(3), f: () => 1, s: Symbol('s') },
      { when: { toJSON: () => 'not me' } },
      Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }),
      [[[[[[[[[[1]]]]]]]]]],
    ];
    for (const v of values) expect(DigestStore.text(v)).toBe(slow(v));
  });

  it('stores a machine digest once, as its JSON-safe copy, and finds it again', () => {
    const m = new Machine({});
    const io = m.open().ioasAlloc();
    io.attachDomain();
    const buf = m.process.mmap(64 * 1024);
    const st = new DigestStore();
    const a = st.add(m.digest());
    const iova = io.map(buf, 64 * 1024);
    const mapped = m.digest();
    const b = st.add(mapped);
    io.unmap(iova, 64 * 1024);
    expect(st.add(m.digest())).toBe(a);
    expect(b).not.toBe(a);
    expect(st.digests[b]).toEqual(jsonSafe(mapped, undefined, FULL));
    expect(DigestStore.text(m.digest())).toBe(slow(m.digest()));
  });

  it('dedups like JSON-text equality (the earlier store) on random runs, machines and strategies', () => {
    const rng = new Rng(31);
    let repeats = 0;
    for (const strategy of [undefined, undefined, 'naive', 'vfio-type1'] as const) {
      const d = new Driver(strategy === undefined && rng.int(2) === 0 ? 24 : 0, strategy);
      const st = new DigestStore();
      const old = new Map<string, number>();
      let bytes = 0;
      for (let k = 0; k < 120; k++) {
        const kind = k % 10 === 9 ? 2 + rng.int(5) : k % 2;
        d.run({ kind, a: rng.int(4), b: rng.int(3), c: rng.int(3) });
        const text = DigestStore.text(d.m.digest());
        let want = old.get(text);
        if (want === undefined) {
          want = old.size;
          old.set(text, want);
          bytes += text.length;
        }
        expect(st.addFrom(d.m), `${strategy ?? 'iommufd'} op ${k}`).toBe(want);
        expect(JSON.stringify(st.digests[want])).toBe(text);
      }
      expect(st.digests.length).toBe(old.size);
      expect(st.bytes).toBe(bytes);
      repeats += 120 - old.size;
    }
    expect(repeats).toBeGreaterThan(40); // states repeated: found again, not only stored
  });

  it('dedups any value like the JSON text of its JSON-safe copy (add)', () => {
    const values: unknown[] = [
      { a: 1n },
      { a: '1n' },
      { a: 1 },
      { a: 1, u: undefined },
      { b: 1 },
      [undefined],
      [null],
      { n: NaN },
      { n: null },
      { when: { toJSON: () => 'x' } },
      { when: {} },
      [-0],
      [0],
    ];
    const st = new DigestStore();
    const old = new Map<string, number>();
    for (const v of [...values, ...values.slice().reverse()]) {
      const text = slow(v);
      if (!old.has(text)) old.set(text, old.size);
      expect(st.add(v)).toBe(old.get(text));
    }
  });

  it('addFrom a source without digestKey goes the add way', () => {
    const st = new DigestStore();
    let v: unknown = { a: 1 };
    const src = { digest: () => v };
    const a = st.addFrom(src);
    v = { a: 2 };
    expect(st.addFrom(src)).toBe(a + 1);
    v = { a: 1 };
    expect(st.addFrom(src)).toBe(a);
  });
});
