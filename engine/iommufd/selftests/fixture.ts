/**
 * Fixtures for the port of the kernel's iommufd selftests
 * (tools/testing/selftests/iommu/iommufd.c, IOMMUFD-ALGORITHMS.md §11.3).
 *
 * Two fixture families, as in the kernel:
 *  - the IOAS fixture: one context, one IOAS, 0/1/2 mock domains, optionally
 *    a tiny temporary memory limit (variants no_domain, mock_domain,
 *    two_mock_domain, mock_domain_limit);
 *  - the mock-domain fixture: one IOAS with 1 or 2 mock domains, buffers
 *    either plain shared anonymous memory or hugetlb (2 MiB) pages.
 *
 * Every test ends the way the kernel's teardown does: close the context, then
 * every page of every buffer the test made must have pin count 0, memlock
 * accounting must be back to zero, nothing may have leaked, the full
 * invariant check must pass and no driver may have warned.
 */
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { HPAGE_SIZE, isLabError, PAGE_SIZE, Rng, type Errno, type LabError } from '../../base';
import { Machine } from '../machine';

export type Ctx = ReturnType<Machine['open']>;
export type Ioas = ReturnType<Ctx['ioasAlloc']>;
export type Domain = ReturnType<Ioas['attachDomain']>;
export type Access = ReturnType<Ctx['createAccess']>;
export type AccessItem = ReturnType<Access['pin']>;
export type Proc = Machine['process'];
export type MmapOpts = NonNullable<Parameters<Proc['mmap']>[1]>;

export { HPAGE_SIZE, PAGE_SIZE };
export const MOCK_PAGE_SIZE = 2048;
export const MOCK_APERTURE_START = 0x1000000n;
export const MOCK_APERTURE_LAST = 0x7fffffffn;
export const U64_MAX = (1n << 64n) - 1n;
/** The kernel selftest's global `buffer`: 16 pages, MAP_SHARED, HUGEPAGE aligned. */
export const BUFFER_SIZE = PAGE_SIZE * 16;
/** The largest length the test access ops accept (IOMMU_TEST_OP_ACCESS_*). */
export const ACCESS_MAX = 16 * 1024 * 1024;

export interface FixtureVariant {
  readonly name: string;
  readonly mockDomains: number;
  /** Temp memory limit in bytes; 0 = the default. */
  readonly memoryLimit: number;
  /** Buffers of the mock-domain fixture come from the 2 MiB hugetlb pool. */
  readonly hugepages: boolean;
}

/** FIXTURE_VARIANT(iommufd_ioas). */
export const IOAS_VARIANTS: readonly FixtureVariant[] = [
  { name: 'no_domain', mockDomains: 0, memoryLimit: 0, hugepages: false },
  { name: 'mock_domain', mockDomains: 1, memoryLimit: 0, hugepages: false },
  { name: 'two_mock_domain', mockDomains: 2, memoryLimit: 0, hugepages: false },
  { name: 'mock_domain_limit', mockDomains: 1, memoryLimit: 16, hugepages: false },
];

/** FIXTURE_VARIANT(iommufd_mock_domain), plus the limit variant of the IOAS fixture. */
export const MOCK_DOMAIN_VARIANTS: readonly FixtureVariant[] = [
  { name: 'one_domain', mockDomains: 1, memoryLimit: 0, hugepages: false },
  { name: 'two_domains', mockDomains: 2, memoryLimit: 0, hugepages: false },
  { name: 'one_domain_hugepage', mockDomains: 1, memoryLimit: 0, hugepages: true },
  { name: 'two_domains_hugepage', mockDomains: 2, memoryLimit: 0, hugepages: true },
  // Not a kernel variant: one domain with batches of a single run (carry paths).
  { name: 'one_domain_limit', mockDomains: 1, memoryLimit: 16, hugepages: false },
];

interface TrackedBuffer {
  uptr: number;
  length: number;
  process: Proc;
}

export class Fixture {
  readonly m: Machine;
  readonly ctx: Ctx;
  readonly ioas: Ioas;
  /** The fixture's mock domains, in creation order (hwpt_ids[]). */
  readonly domains: Domain[] = [];
  /** MOCK_APERTURE_START with a domain, 0 without (self->base_iova). */
  readonly baseIova: bigint;
  /** The global 16-page shared buffer. */
  readonly buffer: number;
  /** mmap flags and size of the mock-domain fixture's per-test buffers. */
  readonly mmapOpts: MmapOpts;
  readonly mmapBufSize: number;
  /** Set by a test whose scenario makes the kernel WARN on purpose. */
  allowWarnings = false;
  readonly rng = new Rng(0x10cafe);

  private readonly contexts: Ctx[] = [];
  private readonly buffers: TrackedBuffer[] = [];
  private readonly processes: Proc[] = [];
  private tornDown = false;

  constructor(readonly variant: FixtureVariant) {
    // 512 MiB is plenty (the hugetlb pool is 128 MiB) and 7x cheaper to build than the default.
    this.m = new Machine({ seed: 1, physicalMemory: 512 * 1024 * 1024 });
    this.processes.push(this.m.process);
    this.ctx = this.open();
    this.ioas = this.ctx.ioasAlloc();
    if (variant.memoryLimit) this.m.setTempMemoryLimit(variant.memoryLimit);
    for (let i = 0; i < variant.mockDomains; i++) this.domains.push(this.ioas.attachDomain());
    this.baseIova = variant.mockDomains ? MOCK_APERTURE_START : 0n;
    this.buffer = this.mmap(BUFFER_SIZE, { shared: true, align: HPAGE_SIZE });
    this.mmapOpts = variant.hugepages ? { shared: true, hugetlb: '2M', populate: true } : { shared: true };
    this.mmapBufSize = variant.hugepages ? HPAGE_SIZE * 2 : PAGE_SIZE * 8;
  }

  get hasDomain(): boolean {
    return this.domains.length > 0;
  }

  /** Another context of the same machine; closed at teardown. */
  open(opts?: { process?: Proc }): Ctx {
    const ctx = opts ? this.m.open(opts) : this.m.open();
    this.contexts.push(ctx);
    return ctx;
  }

  /** mmap in `process` (default: the caller) and check the buffer at teardown. */
  mmap(length: number, opts: MmapOpts = {}, process: Proc = this.m.process): number {
    const uptr = process.mmap(length, opts);
    this.buffers.push({ uptr, length, process });
    return uptr;
  }

  munmap(uptr: number, length: number, process: Proc = this.m.process): void {
    process.munmap(uptr, length);
    const end = uptr + length;
    const kept: TrackedBuffer[] = [];
    for (const b of this.buffers) {
      const bEnd = b.uptr + b.length;
      if (b.process !== process || bEnd <= uptr || b.uptr >= end) {
        kept.push(b);
        continue;
      }
      if (b.uptr < uptr) kept.push({ uptr: b.uptr, length: uptr - b.uptr, process });
      if (bEnd > end) kept.push({ uptr: end, length: bEnd - end, process });
    }
    this.buffers.splice(0, this.buffers.length, ...kept);
  }

  /** A forked child of the caller; its accounting is checked at teardown. */
  fork(parent: Proc = this.m.process): Proc {
    const child = parent.fork();
    this.processes.push(child);
    return child;
  }

  /** Fill [uptr, uptr+length) of `process` with random bytes; returns them. */
  fillRandom(uptr: number, length: number, process: Proc = this.m.process): Uint8Array {
    const data = this.randomBytes(length);
    process.write(uptr, data);
    return data;
  }

  randomBytes(length: number): Uint8Array {
    const data = new Uint8Array(length);
    for (let i = 0; i < length; i++) data[i] = this.rng.nextU32() & 0xff;
    return data;
  }

  /** MD_CHECK_MAP on every fixture domain (check_mock_iova). */
  checkMockIova(uptr: number, iova: bigint, length: number, process?: Proc): void {
    for (const d of this.domains) {
      if (process) d.checkMap(iova, length, uptr, { process });
      else d.checkMap(iova, length, uptr);
    }
  }

  /** FIXTURE_TEARDOWN plus the post-conditions every test must meet. */
  teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    for (const ctx of this.contexts) ctx.close();
    for (const b of this.buffers) {
      if (!b.process.alive) continue;
      this.m.checkRefs(b.uptr, b.length, 0, { process: b.process });
    }
    for (const p of this.processes) {
      expect(p.accounting(), `accounting of pid ${p.pid}`).toEqual({
        userLockedVm: 0,
        mmLockedVm: 0,
        mmPinnedVm: 0,
      });
    }
    expect(this.m.teardownCheck()).toEqual([]);
    if (this.variant.memoryLimit) {
      // the limit caps every temporary buffer; a reader holds at most a batch and a page list
      expect(this.m.kernel.counters.tempMemoryPeakBytes).toBeLessThanOrEqual(2 * this.variant.memoryLimit);
    }
    this.m.checkInvariants({ deep: true });
    if (!this.allowWarnings) expect(this.m.kernel.counters.warnings, 'driver warnings').toBe(0);
  }
}

/**
 * describe.each over fixture variants; `fx()` returns the current test's
 * fixture, set up before and torn down (with every check) after each test.
 */
export function describeFixture(
  title: string,
  variants: readonly FixtureVariant[],
  body: (fx: () => Fixture, v: FixtureVariant) => void,
): void {
  describe.each(variants.map((v) => [v.name, v] as const))(`${title} / %s`, (_name, v) => {
    let current: Fixture | undefined;
    beforeEach(() => {
      current = new Fixture(v);
    });
    afterEach(() => {
      const f = current;
      current = undefined;
      f?.teardown();
    });
    body(() => {
      if (!current) throw new Error('fixture used outside a test');
      return current;
    }, v);
  });
}

/** EXPECT_ERRNO: fn must throw a LabError with this errno; returns it. */
export function expectErrno(fn: () => unknown, errno: Errno): LabError {
  let thrown = false;
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    thrown = true;
    caught = e;
  }
  if (!thrown) throw new Error(`expected ${errno}, but the call succeeded`);
  if (!isLabError(caught)) throw caught;
  expect(caught.errno, caught.message).toBe(errno);
  return caught;
}

export function pageDown(x: number): number {
  return Math.floor(x / PAGE_SIZE) * PAGE_SIZE;
}

export function pageUp(x: number): number {
  return Math.ceil(x / PAGE_SIZE) * PAGE_SIZE;
}

/** 1 << (ffs(x) - 1): the lowest set bit. */
export function lowBit(x: bigint): bigint {
  return x & -x;
}

/** Pin count of every page of [uptr, uptr+length) as an array (for readable failures). */
export function pinCounts(m: Machine, uptr: number, length: number, process?: Proc): number[] {
  const out: number[] = [];
  for (let a = pageDown(uptr); a < uptr + length; a += PAGE_SIZE)
    out.push(process ? m.pinCount(a, { process }) : m.pinCount(a));
  return out;
}

/** The kernel test's check_access_rw: byte-granular rw across a page boundary, then a multi-page read. */
export function checkAccessRw(
  fx: Fixture,
  access: Access,
  iova: bigint,
  opts: { slowPath?: boolean; buffer?: number; process?: Proc } = {},
): void {
  const buffer = opts.buffer ?? fx.buffer;
  const process = opts.process ?? fx.m.process;
  const rwOpts = opts.slowPath ? { slowPath: true } : undefined;
  fx.fillRandom(buffer, BUFFER_SIZE, process);
  const first = iova + BigInt(PAGE_SIZE - 50);
  const end = iova + BigInt(PAGE_SIZE + 50);
  for (let cur = first; cur < end; cur++) {
    const off = Number(cur - iova);
    for (let length = 1; length < 64; length++) {
      const got = rwOpts ? access.read(cur, length, rwOpts) : access.read(cur, length);
      const want = process.read(buffer + off, length);
      if (!bytesEqual(got, want))
        expect({ iova: cur, length, got: [...got] }).toEqual({ iova: cur, length, got: [...want] });

      const tmp = fx.randomBytes(length);
      if (rwOpts) access.write(cur, tmp, rwOpts);
      else access.write(cur, tmp);
      const now = process.read(buffer + off, length);
      if (!bytesEqual(now, tmp))
        expect({ iova: cur, length, wrote: [...now] }).toEqual({ iova: cur, length, wrote: [...tmp] });
    }
  }
  // Multi-page test
  const all = rwOpts ? access.read(iova, BUFFER_SIZE, rwOpts) : access.read(iova, BUFFER_SIZE);
  expect(bytesEqual(all, process.read(buffer, BUFFER_SIZE))).toBe(true);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
