import { describe, expect, it } from 'vitest';
import { HPAGE_SIZE, U64_MAX } from '../../base';
import { allocAlignment, checkRange, roundupPow2 } from './alloc-iova';
import { expectErrno, fixture, MB, MOCK_START, P, PB, teardown } from './test-fixture';

describe('iopt_alloc_iova: alignment rule', () => {
  it('uses roundup_pow_of_two(length) without an address, capped at HPAGE_SIZE', () => {
    expect(roundupPow2(3n)).toBe(4n);
    expect(allocAlignment(0, 5000n)).toBe(8192n);
    expect(allocAlignment(0, 64n * BigInt(MB))).toBe(BigInt(HPAGE_SIZE));
  });

  it('keeps the alignment of the user address (lowest set bit), capped', () => {
    expect(allocAlignment(0x7f0000003000, 1n << 20n)).toBe(0x1000n);
    expect(allocAlignment(0x7f0000200000, 1n << 30n)).toBe(BigInt(HPAGE_SIZE));
    expect(allocAlignment(0x7f0000200800, 1n << 16n)).toBe(0x800n);
    expect(allocAlignment(0x7f0000200001, 1n << 16n)).toBe(1n);
  });

  it('checkRange is overflow checked and requires aligned < last', () => {
    expect(checkRange(U64_MAX - 0x1000n, U64_MAX, 0x10n, 1n << 21n, 0n)).toBeNull();
    expect(checkRange(0x1000n, 0x1fffn, 0x1000n, 0x1000n, 0n)).toBe(0x1000n);
    expect(checkRange(0x1000n, 0x1000n, 1n, 1n, 0n)).toBeNull();
    expect(checkRange(0x1001n, 0x4000n, 0x1000n, 0x1000n, 0x800n)).toBe(0x2800n);
  });
});

describe('iopt_alloc_iova: placement', () => {
  it('never returns IOVA 0: the first fit starts at PAGE_SIZE', () => {
    const f = fixture();
    expect(f.ioas.map(f.buf, P)).toBe(PB);
    expect(f.ioas.map(f.buf, P)).toBe(2n * PB);
    // 2 MiB from a 2 MiB aligned address: 2 MiB aligned IOVA
    expect(f.ioas.map(f.buf, 2 * MB)).toBe(BigInt(2 * MB));
    teardown(f);
  });

  it('keeps the in-page offset of the user address', () => {
    const f = fixture();
    expect(f.ioas.map(f.buf + 0x800, P)).toBe(0x1800n);
    // 256 byte alignment: the hole below the first area fits
    expect(f.ioas.map(f.buf + 0x100, 0x100)).toBe(0x1100n);
    teardown(f);
  });

  it('skips reserved ranges and areas, first fit in IOVA order', () => {
    const f = fixture();
    f.ioas.addReserved(PB, 0x10000);
    const a = f.ioas.map(f.buf, P);
    expect(a).toBe(0x11000n);
    const b = f.ioas.map(f.buf, P);
    expect(b).toBe(0x12000n);
    f.ioas.unmap(a, P);
    expect(f.ioas.map(f.buf, P)).toBe(0x11000n);
    teardown(f);
  });

  it('allowed ranges restrict automatic allocation, first fit across them', () => {
    const f = fixture();
    f.ioas.allowIovas([
      { start: 0x400000n, last: 0x4fffffn },
      { start: 0x100000n, last: 0x1fffffn },
    ]);
    expect(f.ioas.map(f.buf, MB)).toBe(0x100000n);
    expect(f.ioas.map(f.buf, MB)).toBe(0x400000n);
    expectErrno(() => f.ioas.map(f.buf, MB), 'ENOSPC');
    // a fixed IOVA ignores the allowed list
    expect(f.ioas.map(f.buf, P, { iova: 0x10000000n })).toBe(0x10000000n);
    teardown(f);
  });

  it('ENOSPC instead of wrapping at the top of the IOVA space', () => {
    const f = fixture();
    f.ioas.allowIovas([{ start: U64_MAX - 0x1fffn, last: U64_MAX }]);
    // 2 MiB alignment: ALIGN(start) overflows → no fit (v6.2 wrapped to 0)
    expectErrno(() => f.ioas.map(f.buf, 2 * MB), 'ENOSPC');
    // the top page is never handed out either
    expectErrno(() => f.ioas.map(f.buf, 2 * P), 'ENOSPC');
    f.ioas.allowIovas([{ start: U64_MAX - 0x3fffn, last: U64_MAX }]);
    expect(f.ioas.map(f.buf, 2 * P)).toBe(U64_MAX - 0x3fffn);
    teardown(f);
  });

  it('EINVAL when the address-derived alignment is below the IOAS alignment', () => {
    const f = fixture();
    f.ioas.attachDomain();
    expectErrno(() => f.ioas.map(f.buf + 1, P), 'EINVAL', /alignment/);
    expect(f.ioas.map(f.buf + 0x800, P)).toBe(MOCK_START + 0x800n);
    teardown(f);
  });

  it('the allocator hint gives the same answers as a full first-fit scan', () => {
    const f = fixture();
    const got: bigint[] = [];
    for (let i = 0; i < 64; i++) got.push(f.ioas.map(f.buf, P));
    // free a few holes in the middle and refill them in order
    for (const i of [40, 3, 17]) f.ioas.unmap(got[i], P);
    expect(f.ioas.map(f.buf, P)).toBe(got[3]);
    expect(f.ioas.map(f.buf, P)).toBe(got[17]);
    expect(f.ioas.map(f.buf, P)).toBe(got[40]);
    expect(f.ioas.map(f.buf, P)).toBe(got[63] + PB);
    teardown(f);
  });
});

describe('iopt_alloc_iova: the coverage hint never changes an answer', () => {
  it('random maps, unmaps, reservations and allowed lists agree with a hint-free search', async () => {
    const { Rng, isLabError, PAGE_SIZE } = await import('../../base');
    const { allocIova } = await import('./alloc-iova');
    const rng = new Rng(7);
    const f = fixture();
    const iopt = f.ioas.iopt;
    const live: { iova: bigint; len: number }[] = [];
    const reference = (addr: number, len: bigint): bigint | string => {
      const saved = iopt.coveredUpTo;
      iopt.coveredUpTo = BigInt(PAGE_SIZE);
      try {
        return allocIova(iopt, addr, len);
      } catch (e) {
        if (isLabError(e)) return e.errno;
        throw e;
      } finally {
        iopt.coveredUpTo = saved;
      }
    };
    for (let step = 0; step < 600; step++) {
      const r = rng.int(10);
      if (r < 6) {
        const len = (1 + rng.int(8)) * (rng.int(3) === 0 ? 0x800 : P);
        const addr = f.buf + rng.int(64) * 0x800;
        const want = reference(addr, BigInt(len));
        let got: bigint | string;
        try {
          got = f.ioas.map(addr, len);
          live.push({ iova: got, len });
        } catch (e) {
          if (!isLabError(e)) throw e;
          got = e.errno;
        }
        expect(got, `step ${step}`).toBe(want);
      } else if (r < 9 && live.length > 0) {
        const [a] = live.splice(rng.int(live.length), 1);
        f.ioas.unmap(a.iova, a.len);
      } else if (rng.int(2) === 0) {
        const start = BigInt(rng.int(256)) * PB;
        try {
          f.ioas.addReserved(start, PB * BigInt(1 + rng.int(4)));
        } catch (e) {
          if (!isLabError(e)) throw e;
        }
      } else {
        const start = BigInt(rng.int(64)) * 0x10000n;
        try {
          f.ioas.allowIovas(rng.int(3) === 0 ? [] : [{ start, last: start + BigInt(MB) - 1n }]);
        } catch (e) {
          if (!isLabError(e)) throw e;
        }
      }
    }
    teardown(f);
  });
});

describe('roundup_pow_of_two', () => {
  it('is the doubling loop, on both sides of the 32-bit fast path and every power of two', () => {
    const loop = (x: bigint): bigint => {
      let p = 1n;
      while (p < x) p <<= 1n;
      return p;
    };
    const xs: bigint[] = [0n, 0xffffffffn, 2n ** 63n + 1n, U64_MAX];
    for (let k = 0n; k < 64n; k++) for (const d of [-1n, 0n, 1n]) if ((1n << k) + d > 0n) xs.push((1n << k) + d);
    for (const x of xs) expect(roundupPow2(x), String(x)).toBe(loop(x));
  });
});
