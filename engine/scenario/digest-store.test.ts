import { describe, expect, it } from 'vitest';
import { Machine } from '../iommufd';
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
});
