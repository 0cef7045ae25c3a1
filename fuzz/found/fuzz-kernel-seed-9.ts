/// <reference path="../../engine/scenario/api/lab.d.ts" />
/*
 * fuzz sequence for the kernel oracle, seed 9
 * Written by the differential fuzzer (fuzz/): seed 9, 3 op(s) after shrinking.
 * The whole sequence, each result the engine and the model agreed on asserted.
 *
 * Found against Linux 6.12 (`npm run fuzz -- --against kernel --ops 300 --seed 1
 * --seeds 20`): a process write running past the end of its mapping fails with
 * EFAULT, and the kernel has written the part before the fault (a CPU store,
 * copy_to_user); the engine wrote nothing, so the read of op #2 gave zeros in
 * the engine and 'A's in the kernel. Fixed in engine/mm/uaccess.ts (copies go
 * page by page and stop at the fault); `npm run oracle` replays this file.
 */
lab.configure({ physicalMemory: 268435456, hugetlbPages2M: 4, seed: 9 });
function expectEq(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}
function expectErrno(what: string, errnos: string[], fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    const errno = (e as { errno?: string }).errno ?? String(e);
    if (!errnos.includes(errno)) throw new Error(`${what}: expected ${errnos.join(' or ')}, got ${errno}`);
    return;
  }
  throw new Error(`${what}: expected ${errnos.join(' or ')}, the call succeeded`);
}
function expectOk<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(`${what}: expected success, got ${(e as { errno?: string }).errno ?? String(e)}`);
  }
}
function digest(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}
function rangesDigest(r: { ranges: { start: bigint; last: bigint }[]; alignment: bigint }): number {
  const t = r.ranges.map((x) => x.start.toString(16) + '-' + x.last.toString(16)).join(',') + '@' + r.alignment.toString(16);
  return digest(Uint8Array.from(t, (ch) => ch.charCodeAt(0)));
}
function expectMapped(d: Domain, iova: bigint): void {
  if (d.iovaToPhys(iova) === null) throw new Error(`iova 0x${iova.toString(16)} of domain ${d.id} is not mapped`);
}

const p = lab.process;
const fd = lab.open();
// #0 {"k":"mmap","pages":13,"shared":true}
const r0 = p.mmap(53248, { shared: true });
// #1 {"k":"touch","region":0,"off":0,"pages":45,"v":65}
expectErrno('fuzz op #1 {"k":"touch","region":0,"off":0,"pages":45,"v":65}', ['EFAULT'], () => p.write(r0 + 0, new Uint8Array(184320).fill(65)));
// #2 {"k":"pread","region":0,"off":1,"pages":6,"byteOff":0}
expectEq('fuzz op #2 {"k":"pread","region":0,"off":1,"pages":6,"byteOff":0}', digest(p.read(r0 + 4096 + 0, 24576)), 1883667909);
