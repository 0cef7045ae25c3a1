/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 07 — Access read/write on the fast path
 *
 * WHAT IT TEACHES
 *   iommufd_access_rw → iopt_pages_rw_access. When the caller runs in the mm
 *   that created the mapping (current->mm == pages->source_mm) the kernel
 *   does NOT consult the storage tiers at all: it copies straight to/from the
 *   user VA (copy_to_user / copy_from_user at uptr + start_byte). No pin, no
 *   iova_to_phys, no batch — even with a domain attached. Byte granularity:
 *   any offset and length, across page boundaries.
 *   A write through a read-only mapping (IOMMU_READ only) is EPERM; an IOVA
 *   range not fully covered by areas is ENOENT.
 *
 * KERNEL FUNCTIONS
 *   device.c: iommufd_access_rw (walks the contiguous areas)
 *   pages.c:  iopt_pages_rw_access (the change_mm test and the user-copy branch)
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   Every rw span: pinCalls 0, iovaToPhysCalls 0, batchPfns 0; the process
 *   sees the bytes written through the access, and vice versa.
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

function pattern(len: number, seed: number): Uint8Array {
  const a = new Uint8Array(len);
  for (let i = 0; i < len; i++) a[i] = (i * 31 + seed) & 0xff;
  return a;
}

function sameBytes(what: string, a: Uint8Array, b: Uint8Array): void {
  expect(`${what}: length`, a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new Error(`${what}: byte ${i} is ${a[i]}, expected ${b[i]}`);
  }
}

function noTierTraffic(what: string, c: Counters): void {
  expect(`${what}: pin_user_pages calls`, c.pinCalls, 0);
  expect(`${what}: iova_to_phys calls`, c.iovaToPhysCalls, 0);
  expect(`${what}: batch PFNs`, c.batchPfns, 0);
}

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const dom = ioas.attachDomain();
const buf = lab.process.mmap(LEN);
const initial = pattern(LEN, 7);
lab.process.write(buf, initial);
const iova = ioas.map(buf, LEN);
dom.checkMap(iova, LEN, buf);
const access = ctx.createAccess(ioas);

lab.mark('read 200 bytes across the page 0/1 boundary');
const { r: got, c: r1 } = measured('access read 200 B at offset 4000', () => access.read(iova + 4000n, 200));
sameBytes('read through the access', got, initial.subarray(4000, 4200));
noTierTraffic('fast read', r1);

lab.mark('write 300 bytes across the page 1/2 boundary; the process sees them');
const data = pattern(300, 99);
const { c: w1 } = measured('access write 300 B at offset 8100', () => access.write(iova + 8100n, data));
noTierTraffic('fast write', w1);
sameBytes('process view after the access write', lab.process.read(buf + 8100, 300), data);

lab.mark('the process writes, the access reads it (one byte at the very end of the area)');
lab.process.write(buf + LEN - 1, new Uint8Array([0x5a]));
const last = access.read(iova + BigInt(LEN - 1), 1);
expect('last byte read through the access', last[0], 0x5a);
lab.checkRefs(buf, LEN, 1); // the domain's pins only: rw took none

lab.mark('errors: out of the area (ENOENT), write to a read-only mapping (EPERM)');
expectErrno('ENOENT', 'read past the end of the area', () => {
  access.read(iova + BigInt(LEN - 10), 20);
});
const rbuf = lab.process.mmap(4 * PAGE);
const riova = ioas.map(rbuf, 4 * PAGE, { write: false });
expectErrno('EPERM', 'write through an IOMMU_READ-only mapping', () => {
  access.write(riova + 10n, new Uint8Array([1, 2, 3]));
});
expect('a read of the read-only mapping works', access.read(riova, 3).length, 3);

lab.mark('teardown');
access.close();
ctx.close();
lab.checkRefs(buf, LEN, 0);
lab.checkRefs(rbuf, 4 * PAGE, 0);
lab.log('ok: the fast path copies through the user VA, bypassing every tier');
