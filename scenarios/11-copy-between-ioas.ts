/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 11 — IOAS_COPY: two IOASes share one iopt_pages
 *
 * WHAT IT TEACHES
 *   IOMMU_IOAS_COPY (iopt_get_pages + iopt_map_pages) creates new areas that
 *   slice the SAME iopt_pages as the source area. Consequences:
 *   - copying into an IOAS without domains pins nothing (lazy, as a map);
 *   - attaching a domain to the destination reads the PFNs from the SOURCE
 *     IOAS's domain: the source area is in the shared pages' domains_itree,
 *     so pfn_reader sees is_used 2 — iova_to_phys per page, zero pins;
 *   - copying into an IOAS that has a domain: fill_domains reads from the
 *     existing holders too; a partial copy slices the middle of the pages;
 *   - unmapping the source does not unpin: the copies still cover the
 *     indexes (__iopt_area_unfill_domain skips used spans); the last area to
 *     go unpins. Pin count stays 1 throughout: pinned once per iopt_pages.
 *
 * KERNEL FUNCTIONS
 *   io_pagetable.c: iopt_get_pages, iopt_map_pages, iopt_table_add_domain,
 *                   iopt_unmap_iova
 *   pages.c:        iopt_area_fill_domains, iopt_area_fill_domain,
 *                   pfn_reader_fill_span (is_used 2 across IOASes),
 *                   __iopt_area_unfill_domain
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "copy into B (no domain)": no pins. "attach to B": iovaToPhysCalls 256,
 *   pagesPinned 0. "copy 64 KiB into C (domain)": iovaToPhysCalls 16.
 *   "unmap the source": pagesUnpinned 0. "unmap the last copy": pagesUnpinned 256.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const LEN = 1024 * 1024;
const NPAGES = LEN / PAGE;

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

function expectErrno(errno: LabErrno, what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if ((e as Partial<LabError> | null)?.errno !== errno) throw e;
    lab.log(`${what}: ${errno} as expected`);
    return;
  }
  throw new Error(`${what}: expected ${errno}, but the call succeeded`);
}

function measured<T>(label: string, fn: () => T): { r: T; c: Counters } {
  let r: T | undefined;
  const c = lab.measure(label, () => {
    r = fn();
  });
  return { r: r as T, c };
}

const ctx = lab.open();
const buf = lab.process.mmap(LEN, { populate: true });

lab.mark('source IOAS A with a domain: map pins 256 pages');
const A = ctx.ioasAlloc();
A.attachDomain();
const iovaA = A.map(buf, LEN);
lab.checkRefs(buf, LEN, 1);

lab.mark('copy everything into B (no domain): shares the pages, pins nothing');
const B = ctx.ioasAlloc();
const { r: iovaB, c: cB } = measured('copy A → B', () =>
  B.copyFrom(A, iovaA, LEN, { iova: lab.MOCK_APERTURE_START }),
);
expect('copy into B: pages pinned', cB.pagesPinned, 0);
lab.checkRefs(buf, LEN, 1);
expectErrno('ENOENT', 'copy a range that runs past the source area', () => {
  B.copyFrom(A, iovaA + BigInt(LEN - PAGE), 2 * PAGE);
});

lab.mark("attach a domain to B: PFNs come from A's domain, no pins");
const { r: dB, c: aB } = measured('attach domain to B', () => B.attachDomain());
expect('attach to B: pages pinned', aB.pagesPinned, 0);
expect("attach to B: iova_to_phys calls (read from A's domain)", aB.iovaToPhysCalls, NPAGES);
dB.checkMap(iovaB, LEN, buf);
lab.checkRefs(buf, LEN, 1);

lab.mark('copy the middle 64 KiB into C (which has a domain)');
const C = ctx.ioasAlloc();
const dC = C.attachDomain();
const off = 128 * 1024;
const part = 64 * 1024;
const { r: iovaC, c: cC } = measured('copy 64 KiB A → C', () => C.copyFrom(A, iovaA + BigInt(off), part));
expect('copy into C: pages pinned', cC.pagesPinned, 0);
expect('copy into C: iova_to_phys calls', cC.iovaToPhysCalls, part / PAGE);
dC.checkMap(iovaC, part, buf + off);
lab.checkRefs(buf, LEN, 1);

lab.mark('unmap the source: the copies still hold every index, nothing unpinned');
const { c: uA } = measured('unmap A', () => A.unmap(iovaA, LEN));
expect('unmap A: pages unpinned', uA.pagesUnpinned, 0);
lab.checkRefs(buf, LEN, 1);
dB.checkMap(iovaB, LEN, buf);

lab.mark('unmap C, then B: the last holder unpins');
const { c: uC } = measured('unmap C', () => C.unmap(iovaC, part));
expect('unmap C: pages unpinned (B still holds them)', uC.pagesUnpinned, 0);
const { c: uB } = measured('unmap B (the last holder)', () => B.unmap(iovaB, LEN));
expect('unmap B: pages unpinned', uB.pagesUnpinned, NPAGES);
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm', lab.process.accounting().userLockedVm, 0);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
lab.log('ok: one iopt_pages, three IOASes, pinned once');
