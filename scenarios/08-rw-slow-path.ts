/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 08 — Access read/write on the slow path
 *
 * WHAT IT TEACHES
 *   The slow path is what a kernel thread or another process gets (the
 *   selftest forces it with IOMMUFD_ACCESS_RW_SLOW_PATH; here `slowPath`):
 *   - one page  → iopt_pages_rw_page: pin that single page (remote GUP),
 *     memcpy, unpin. Temporary: nothing stays pinned, nothing is charged.
 *   - several pages → iopt_pages_rw_slow: a pfn_reader over the touched
 *     indexes; each batch is copied with batch_rw (in-page offset only for the
 *     first page) and pfn_reader_unpin drops the temporary pins at once. The
 *     reader uses the cheapest tier: the xarray where an access pinned,
 *     a domain where one exists, the mm (temporary pins) elsewhere.
 *   Byte granularity across page boundaries; the process sees the data.
 *
 * KERNEL FUNCTIONS
 *   pages.c: iopt_pages_rw_access, iopt_pages_rw_page, iopt_pages_rw_slow,
 *            batch_rw, pfn_reader_first/next/unpin/destroy,
 *            pfn_reader_fill_span (all three tiers)
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "slow, 1 page": pagesPinned 1 = pagesUnpinned 1.
 *   "slow, 3 pages, no holder": pagesPinned 3 = pagesUnpinned 3.
 *   "slow, xarray": no pins. "slow, domain": iovaToPhysCalls 3, no pins.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const NPAGES = 16;
const LEN = NPAGES * PAGE;

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

function measured<T>(label: string, fn: () => T): { r: T; c: Counters } {
  let r: T | undefined;
  const c = lab.measure(label, () => {
    r = fn();
  });
  return { r: r as T, c };
}

function pattern(len: number, seed: number): Uint8Array {
  const a = new Uint8Array(len);
  for (let i = 0; i < len; i++) a[i] = (i * 13 + seed) & 0xff;
  return a;
}

function sameBytes(what: string, a: Uint8Array, b: Uint8Array): void {
  expect(`${what}: length`, a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new Error(`${what}: byte ${i} is ${a[i]}, expected ${b[i]}`);
  }
}

const SLOW = { slowPath: true };

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const buf = lab.process.mmap(LEN);
const initial = pattern(LEN, 3);
lab.process.write(buf, initial);
// A fixed IOVA inside the mock aperture, so a domain can be attached later.
const iova = ioas.map(buf, LEN, { iova: lab.MOCK_APERTURE_START });
const access = ctx.createAccess(ioas);

lab.mark('slow path, one page: rw_page pins, copies, unpins');
const { r: small, c: s1 } = measured('slow read 100 B in page 2', () =>
  access.read(iova + BigInt(2 * PAGE + 50), 100, SLOW),
);
sameBytes('slow single-page read', small, initial.subarray(2 * PAGE + 50, 2 * PAGE + 150));
expect('rw_page: pages pinned', s1.pagesPinned, 1);
expect('rw_page: pages unpinned', s1.pagesUnpinned, 1);
lab.checkRefs(buf, LEN, 0);

lab.mark('slow path, three pages, no holder: the reader pins temporarily');
const data = pattern(5000, 200); // bytes [4000, 9000) = pages 0, 1, 2
const { c: s2 } = measured('slow write 5000 B at offset 4000', () => access.write(iova + 4000n, data, SLOW));
expect('rw_slow: pages pinned', s2.pagesPinned, 3);
expect('rw_slow: pages unpinned', s2.pagesUnpinned, 3);
lab.checkRefs(buf, LEN, 0);
expect('nothing charged', lab.process.accounting().userLockedVm, 0);
sameBytes('process view after the slow write', lab.process.read(buf + 4000, 5000), data);

lab.mark('slow path through the xarray: an access pinned pages [0,3]');
const pinner = ctx.createAccess(ioas, { needsPinPages: true });
pinner.pin(iova, 4 * PAGE);
const { r: viaXa, c: s3 } = measured('slow read pages 0-2 (xarray tier)', () =>
  access.read(iova + 4000n, 5000, SLOW),
);
sameBytes('slow read from the xarray tier', viaXa, data);
expect('xarray tier: pages pinned', s3.pagesPinned, 0);
expect('xarray tier: iova_to_phys calls', s3.iovaToPhysCalls, 0);

lab.mark('slow path through a domain: pages [8,10]');
const dom = ioas.attachDomain();
dom.checkMap(iova, LEN, buf);
const { r: viaDom, c: s4 } = measured('slow read pages 8-10 (domain tier)', () =>
  access.read(iova + BigInt(8 * PAGE + 100), 2 * PAGE + 10, SLOW),
);
sameBytes('slow read from the domain tier', viaDom, initial.subarray(8 * PAGE + 100, 10 * PAGE + 110));
expect('domain tier: pages pinned', s4.pagesPinned, 0);
expect('domain tier: iova_to_phys calls', s4.iovaToPhysCalls, 3);

lab.mark('fast and slow agree');
sameBytes('fast vs slow read of the whole area', access.read(iova, LEN), access.read(iova, LEN, SLOW));
lab.checkRefs(buf, LEN, 1);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: slow-path pins are temporary; the reader takes the cheapest tier');
