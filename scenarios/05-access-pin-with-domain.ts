/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 05 — An access pins pages that a domain already holds
 *
 * WHAT IT TEACHES
 *   With a domain attached the area is in domains_itree, so
 *   iopt_pages_fill_xarray() sees is_used 2 for the pinned range: the PFNs are
 *   read from the storage domain (iova_to_phys per page) and copied into the
 *   xarray. No page is pinned again (objective 2: pin once per iopt_pages) and
 *   nothing new is charged. The xarray copy exists so that removing the domain
 *   later never has to allocate (objective 3).
 *   Then: attaching another domain reads the accessed indexes from the xarray
 *   (tier 1 beats tier 2) and only the rest from the domain.
 *   Finally: removing the last domain unpins only what no access holds — the
 *   access's pages stay pinned, held by the xarray.
 *
 * KERNEL FUNCTIONS
 *   pages.c: iopt_area_add_access, iopt_pages_fill_xarray (is_used 2 branch:
 *            iopt_pages_fill_from_domain + pages_to_xarray),
 *            pfn_reader_fill_span (is_used 1 = xarray, 2 = domain),
 *            __iopt_area_unfill_domain (double span over domains_itree,
 *            access_itree: skip used spans)
 *   io_pagetable.c: iopt_table_add_domain, iopt_table_remove_domain
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "pin 16 pages": pagesPinned 0, iovaToPhysCalls 16, xarrayStores 16.
 *   "attach d2": iovaToPhysCalls 48 (the other 16 come from the xarray).
 *   "detach the last domain": pagesUnpinned 48, pages [0,15] still pinned.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const NPAGES = 64;
const LEN = NPAGES * PAGE;
const NPIN = 16;

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

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const d1 = ioas.attachDomain();
const buf = lab.process.mmap(LEN, { populate: true });
const iova = ioas.map(buf, LEN);
lab.checkRefs(buf, LEN, 1);
expect('user locked_vm after the map', lab.process.accounting().userLockedVm, NPAGES);

lab.mark('access pin of 16 pages held by the domain: read from the domain, no new pins');
const access = ctx.createAccess(ioas, { needsPinPages: true });
const { r: item, c: p } = measured('pin [0,15] with a domain present', () =>
  access.pin(iova, NPIN * PAGE, { uptr: buf }),
);
expect('pages pinned', p.pagesPinned, 0);
expect('pin_user_pages calls', p.pinCalls, 0);
expect('iova_to_phys calls (one per page read from the domain)', p.iovaToPhysCalls, NPIN);
expect('xarray stores (the access tier gets its copy)', p.xarrayStores, NPIN);
lab.checkRefs(buf, LEN, 1);
expect('pin count of page 0', lab.pinCount(buf), 1);
expect('user locked_vm unchanged', lab.process.accounting().userLockedVm, NPAGES);

lab.mark('attach d2: accessed indexes come from the xarray, the rest from d1');
const { r: d2, c: a2 } = measured('attach d2', () => ioas.attachDomain());
expect('attach d2: iova_to_phys calls', a2.iovaToPhysCalls, NPAGES - NPIN);
expect('attach d2: pages pinned', a2.pagesPinned, 0);
d2.checkMap(iova, LEN, buf);

lab.mark('detach both domains: the last one unpins all but the accessed pages');
const { c: r1 } = measured('detach d1 (not the last)', () => d1.detach());
expect('detach d1: pages unpinned', r1.pagesUnpinned, 0);
const { c: r2 } = measured('detach d2 (the last domain)', () => d2.detach());
lab.log(
  `detach last: ${r2.iovaToPhysCalls} iova_to_phys, ${r2.iommuUnmapCalls} iommu_unmap, ` +
    `${r2.pagesUnpinned} unpinned`,
);
expect('detach last: pages unpinned (all but the access)', r2.pagesUnpinned, NPAGES - NPIN);
expect('detach last: iova_to_phys calls (the used span is skipped)', r2.iovaToPhysCalls, NPAGES - NPIN);
lab.checkRefs(buf, NPIN * PAGE, 1);
lab.checkRefs(buf + NPIN * PAGE, LEN - NPIN * PAGE, 0);
expect('user locked_vm: only the accessed pages', lab.process.accounting().userLockedVm, NPIN);

lab.mark('the access still works from the xarray: unpin it');
const data = access.read(iova, 8);
expect('read through the access', data.length, 8);
const { c: up } = measured('unpin the item (no domain left: really unpinned)', () => access.unpin(item));
expect('unpin: pages unpinned', up.pagesUnpinned, NPIN);
lab.checkRefs(buf, LEN, 0);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: the xarray copy came from the domain; domain removal kept the access pages pinned');
