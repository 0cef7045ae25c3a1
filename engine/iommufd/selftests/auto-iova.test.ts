/**
 * Port of area_auto_iova and ioas_iova_alloc (iommufd_ioas fixture), plus
 * the placement rules behind them: first fit from PAGE_SIZE, alignment from
 * the length and the user address, capped at 2 MiB, page offset kept,
 * allowed ranges as the only windows. §9.3, SCENARIO-API.md conventions.
 */
import { expect, it } from 'vitest';
import {
  BUFFER_SIZE,
  describeFixture,
  expectErrno,
  type Fixture,
  HPAGE_SIZE,
  IOAS_VARIANTS,
  lowBit,
  MOCK_APERTURE_START,
  MOCK_PAGE_SIZE,
  PAGE_SIZE,
  U64_MAX,
} from './fixture';
import { MOCK_RESERVED, predictAutoIova, type Range } from './iova-model';

const P = BigInt(PAGE_SIZE);

/** The IOAS as the model sees it: what the test reserved and mapped. */
class Placement {
  readonly reserved: Range[];
  readonly areas: Range[] = [];
  allowed: Range[] = [];

  constructor(readonly f: Fixture) {
    this.reserved = f.hasDomain ? [...MOCK_RESERVED] : [];
  }

  get alignment(): bigint {
    return this.f.hasDomain ? BigInt(MOCK_PAGE_SIZE) : 1n;
  }

  /** Map automatically and check the IOVA against the model; returns it. */
  map(uptr: number, length: number): bigint {
    const want = predictAutoIova({
      addr: BigInt(uptr),
      length: BigInt(length),
      ioasAlignment: this.alignment,
      reserved: this.reserved,
      areas: this.areas,
      allowed: this.allowed,
    });
    if (typeof want === 'string') {
      expectErrno(() => this.f.ioas.map(uptr, length), want);
      return -1n;
    }
    const iova = this.f.ioas.map(uptr, length);
    expect(iova, `auto IOVA for uptr 0x${uptr.toString(16)} length ${length}`).toBe(want);
    this.areas.push({ start: iova, last: iova + BigInt(length) - 1n });
    return iova;
  }

  unmap(iova: bigint, length: number): void {
    expect(this.f.ioas.unmap(iova, length)).toBe(BigInt(length));
    const i = this.areas.findIndex((a) => a.start === iova);
    this.areas.splice(i, 1);
  }
}

describeFixture('iommufd_ioas auto IOVA', IOAS_VARIANTS, (fx) => {
  it('area_auto_iova: simple pages, alignment, reserved avoidance, allowed windows', () => {
    const f = fx();
    const pl = new Placement(f);
    const iovas: bigint[] = [];

    // Simple 4k pages
    for (let i = 0; i < 10; i++) iovas[i] = pl.map(f.buffer, PAGE_SIZE);
    expect(iovas[0]).toBe(f.hasDomain ? MOCK_APERTURE_START : P);
    for (let i = 0; i < 10; i++) pl.unmap(iovas[i]!, PAGE_SIZE);

    // Kernel automatically aligns IOVAs properly. Without a domain nothing is
    // pinned, so a never-mapped user address is fine (as in the kernel test).
    for (let i = 0; i < 10; i++) {
      const length = PAGE_SIZE * (i + 1);
      iovas[i] = pl.map(f.hasDomain ? f.buffer : 2 ** 31, length);
      expect(iovas[i]! % lowBit(BigInt(length))).toBe(0n);
    }
    for (let i = 0; i < 10; i++) pl.unmap(iovas[i]!, PAGE_SIZE * (i + 1));

    // Avoids a reserved region
    const resStart = 4n * P;
    const resLength = 100n * P;
    f.ioas.addReserved(resStart, resLength);
    pl.reserved.push({ start: resStart, last: resStart + resLength - 1n });
    for (let i = 0; i < 10; i++) {
      const length = PAGE_SIZE * (i + 1);
      iovas[i] = pl.map(f.buffer, length);
      expect(iovas[i]! % lowBit(BigInt(length))).toBe(0n);
      expect(iovas[i]! > resStart && iovas[i]! < resStart + resLength).toBe(false);
    }
    // page k is in the maps of length > k pages, each its own iopt_pages
    for (let k = 0; k < 10; k++)
      expect(f.m.pinCount(f.buffer + k * PAGE_SIZE)).toBe(f.hasDomain ? 10 - k : 0);
    for (let i = 0; i < 10; i++) pl.unmap(iovas[i]!, PAGE_SIZE * (i + 1));

    // Allowed region intersects with a reserved region
    expectErrno(() => f.ioas.allowIovas([{ start: P, last: P * 600n }]), 'EADDRINUSE');

    // Allocate from an allowed region
    const range = f.hasDomain
      ? { start: MOCK_APERTURE_START + P, last: MOCK_APERTURE_START + P * 600n - 1n }
      : { start: P * 200n, last: P * 600n - 1n };
    f.ioas.allowIovas([range]);
    pl.allowed = [range];
    for (let i = 0; i < 10; i++) {
      const length = BigInt(PAGE_SIZE * (i + 1));
      iovas[i] = pl.map(f.buffer, PAGE_SIZE * (i + 1));
      const iova = iovas[i]!;
      expect(iova % lowBit(length)).toBe(0n);
      expect(iova >= range.start && iova <= range.last).toBe(true);
      expect(iova + length > range.start && iova + length <= range.last + 1n).toBe(true);
    }
    for (let i = 0; i < 10; i++) pl.unmap(iovas[i]!, PAGE_SIZE * (i + 1));
  });

  it('ioas_iova_alloc: every length below two pages maps, or EINVAL off the mock page size', () => {
    const f = fx();
    const pl = new Placement(f);
    for (let length = 1; length < PAGE_SIZE * 2; length++) {
      if (f.hasDomain && length % MOCK_PAGE_SIZE) {
        expectErrno(() => f.ioas.map(f.buffer, length), 'EINVAL');
      } else {
        const iova = pl.map(f.buffer, length);
        pl.unmap(iova, length);
      }
    }
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
  });

  it('alignment is capped at 2 MiB (THP) and comes from the user address', () => {
    const f = fx();
    const pl = new Placement(f);
    const big = 4 * 1024 * 1024;
    const buf = f.mmap(big, { align: big });
    // Occupy the first candidate so the cap decides the next IOVA.
    const first = pl.map(f.buffer, PAGE_SIZE);
    const iova = pl.map(buf, big);
    const start = f.hasDomain ? MOCK_APERTURE_START : 0n;
    // first fit after the page at `first`, 2 MiB aligned (not 4 MiB)
    expect(iova).toBe(start + BigInt(HPAGE_SIZE));
    expect(iova % BigInt(HPAGE_SIZE)).toBe(0n);
    if (f.hasDomain) f.checkMockIova(buf, iova, big);
    pl.unmap(iova, big);
    pl.unmap(first, PAGE_SIZE);

    // A user address aligned only to 8 KiB limits a 64 KiB map to 8 KiB alignment.
    const off8k = f.buffer + 2 * PAGE_SIZE;
    const a = pl.map(f.buffer, PAGE_SIZE); // occupies the first page of the window
    const b = pl.map(off8k, 16 * PAGE_SIZE - 2 * PAGE_SIZE);
    expect(b % 8192n).toBe(0n);
    pl.unmap(b, 14 * PAGE_SIZE);
    pl.unmap(a, PAGE_SIZE);
  });

  it('the in-page offset of the user address is kept in the IOVA', () => {
    const f = fx();
    const pl = new Placement(f);
    // 2 KiB into a page: allowed with and without a mock domain
    const iova = pl.map(f.buffer + MOCK_PAGE_SIZE, PAGE_SIZE);
    expect(iova % P).toBe(BigInt(MOCK_PAGE_SIZE));
    expect(iova).toBe((f.hasDomain ? MOCK_APERTURE_START : P) + BigInt(MOCK_PAGE_SIZE));
    if (f.hasDomain) {
      f.checkMockIova(f.buffer + MOCK_PAGE_SIZE, iova, PAGE_SIZE);
      f.m.checkRefs(f.buffer, 2 * PAGE_SIZE, 1);
    }
    // 1 byte into a page: alignment 1, which a mock domain (2 KiB) refuses
    if (f.hasDomain) {
      expectErrno(() => f.ioas.map(f.buffer + 1, PAGE_SIZE), 'EINVAL');
    } else {
      const odd = pl.map(f.buffer + 1, PAGE_SIZE);
      // the offset is OR-ed into a hole start that need not be page aligned: only its bits are kept
      expect(odd & 1n).toBe(1n);
      pl.unmap(odd, PAGE_SIZE);
    }
    pl.unmap(iova, PAGE_SIZE);
  });

  it('ENOSPC when no allowed window has room; EOVERFLOW for a half-space length', () => {
    const f = fx();
    const pl = new Placement(f);
    const start = (f.hasDomain ? MOCK_APERTURE_START : 0n) + P;
    const range = { start, last: start + P - 1n };
    f.ioas.allowIovas([range]);
    pl.allowed = [range];
    expectErrno(() => f.ioas.map(f.buffer, 2 * PAGE_SIZE), 'ENOSPC');
    const iova = pl.map(f.buffer, PAGE_SIZE);
    expect(iova).toBe(start);
    expectErrno(() => f.ioas.map(f.buffer, PAGE_SIZE), 'ENOSPC');
    pl.unmap(iova, PAGE_SIZE);
    // the allowed list does not restrict fixed IOVAs (§9.2)
    const fixed = start + 16n * P;
    expect(f.ioas.map(f.buffer, PAGE_SIZE, { iova: fixed })).toBe(fixed);
    expect(f.ioas.unmap(fixed, P)).toBe(P);
    f.ioas.allowIovas([]);
    expectErrno(() => f.ioas.map(f.buffer, 1n << 63n), 'EOVERFLOW');
    // iopt_alloc_pages: length above SIZE_MAX - PAGE_SIZE is EINVAL, uptr + length wrapping EOVERFLOW
    expectErrno(() => f.ioas.map(f.buffer, U64_MAX - P + 1n), 'EINVAL');
    expectErrno(() => f.ioas.map(f.buffer, U64_MAX - P), 'EOVERFLOW');
    f.m.checkRefs(f.buffer, BUFFER_SIZE, 0);
  });
});
