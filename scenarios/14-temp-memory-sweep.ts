/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 14 — Temporary memory limit sweep: same results, different chunking
 *
 * WHAT IT TEACHES
 *   Every temporary buffer of pages.c goes through temp_kmalloc(), capped by
 *   TEMP_MEMORY_LIMIT (IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT; the kernel's
 *   fail_nth tests use 32 bytes). The cap decides
 *   - how many page pointers pfn_reader_user can pin per pin_user_pages call
 *     (8 bytes each: 12 bytes → 1 page per call, 32 → 4, 100 → 12), and
 *   - how many runs a pfn_batch holds (12 bytes each: 12 → 1 run, 32 → 2).
 *   It must never change a result: the same IOVA, the same PFNs in the domain,
 *   one pin per page and one iommu_map per contiguous run at every limit
 *   (a full batch still absorbs PFNs contiguous with its last run, so a run is
 *   never split). What changes: pin_user_pages calls, and on the unmap side
 *   (__iopt_area_unfill_domain reads back into a batch and unmaps per batch)
 *   the number of iommu_unmap calls — and one repeated iova_to_phys per extra
 *   batch, because the PFN that did not fit is read again by the next batch.
 *   A limit below one batch element (12 bytes) is EINVAL.
 *
 * KERNEL FUNCTIONS
 *   pages.c: temp_kmalloc, __batch_init / batch_init / batch_init_backup,
 *            batch_add_pfn, pfn_reader_user_pin, pfn_reader_next,
 *            batch_from_domain, __iopt_area_unfill_domain, iopt_area_unpin_domain
 *   selftest.c: iommufd_test_set_temp_memory_limit
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   One "map"/"unmap" pair per limit: iommuMapCalls constant (= runs),
 *   pinCalls 32 → 8 → 3 → 1, iommuUnmapCalls = ceil(runs / runs-per-batch).
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast. Strongly fragmented free memory, so
// that the buffer is made of many short physically contiguous runs.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8, fragmentation: 0.8 });

const PAGE = lab.PAGE_SIZE;
const NPAGES = 32;
const LEN = NPAGES * PAGE;
const LIMITS = [12, 32, 100, 1024, 4096, 65536];

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

/** Physical address of every page, and the number of contiguous runs. */
function layout(d: Domain, iova: bigint): { phys: bigint[]; runs: number } {
  const phys: bigint[] = [];
  let runs = 0;
  for (let i = 0; i < NPAGES; i++) {
    const pa = d.iovaToPhys(iova + BigInt(i * PAGE));
    if (pa === null) throw new Error(`page ${i} is not mapped in domain ${d.id}`);
    if (i === 0 || pa !== phys[i - 1] + BigInt(PAGE)) runs++;
    phys.push(pa);
  }
  return { phys, runs };
}

expectErrno('EINVAL', 'a temp memory limit of 11 bytes', () => lab.setTempMemoryLimit(11));

const ctx = lab.open();
const buf = lab.process.mmap(LEN, { populate: true });
let reference: { iova: bigint; phys: bigint[]; runs: number } | null = null;

for (const limit of LIMITS) {
  lab.mark(`temp memory limit ${limit} bytes`);
  lab.setTempMemoryLimit(limit);
  const ioas = ctx.ioasAlloc();
  const dom = ioas.attachDomain();
  const { r: iova, c: m } = measured(`map, limit ${limit}`, () => ioas.map(buf, LEN));
  // Identical results at every limit: the same IOVA, and (MD_CHECK_MAP) the
  // domain maps exactly the buffer's frames, which never move.
  dom.checkMap(iova, LEN, buf);
  lab.checkRefs(buf, LEN, 1);
  if (reference === null) reference = { iova, ...layout(dom, iova) };
  const lay = reference;
  expect(`limit ${limit}: IOVA`, iova, reference.iova);
  expect(`limit ${limit}: first PFN`, dom.iovaToPhys(iova), reference.phys[0]);
  expect(`limit ${limit}: pages pinned`, m.pagesPinned, NPAGES);
  expect(`limit ${limit}: iommu_map calls (one per run, never split)`, m.iommuMapCalls, lay.runs);

  // Different chunking.
  const pagesPerPin = Math.floor(Math.min(NPAGES * 8, limit) / 8);
  expect(`limit ${limit}: pin_user_pages calls`, m.pinCalls, Math.ceil(NPAGES / pagesPerPin));

  const { c: u } = measured(`unmap, limit ${limit}`, () => ioas.unmap(iova, LEN));
  const runsPerBatch = Math.floor(Math.min(NPAGES * 12, limit) / 12);
  const batches = Math.ceil(lay.runs / runsPerBatch);
  expect(`limit ${limit}: iommu_unmap calls (one per read-back batch)`, u.iommuUnmapCalls, batches);
  expect(
    `limit ${limit}: iova_to_phys calls (one re-read per extra batch)`,
    u.iovaToPhysCalls,
    NPAGES + batches - 1,
  );
  expect(`limit ${limit}: pages unpinned`, u.pagesUnpinned, NPAGES);
  lab.checkRefs(buf, LEN, 0);
  lab.log(
    `limit ${String(limit).padStart(5)} B: runs ${lay.runs}, map ${m.iommuMapCalls}, pin calls ${m.pinCalls}, ` +
      `batch runs ${m.batchRuns}, temp peak ${m.tempMemoryPeakBytes} B | unmap calls ${u.iommuUnmapCalls}, ` +
      `iova_to_phys ${u.iovaToPhysCalls}`,
  );
  dom.detach();
  ioas.destroy();
}

lab.mark('teardown');
lab.setTempMemoryLimit(65536);
ctx.close();
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: the temp memory limit changes the chunking, never the result');
