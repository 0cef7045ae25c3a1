/**
 * Reused typed arrays for the temporary buffers of pages.c (pfn_batch's
 * runs, pfn_reader_user's upages). Each map and unmap takes one or two of
 * them; allocating (and, under SES lockdown, re-prototyping with
 * `unfrozen`) a fresh pair per call cost more than the call's work in
 * map/unmap loops. The emulated temp_kmalloc accounting is unchanged (the
 * callers still charge `kernel.tempMemory`); this only recycles the host
 * memory. Arrays come in power-of-two lengths ≥ the request, with stale
 * contents (every user tracks its own fill level). Two per size are
 * kept, up to 64 Ki elements; larger ones are left to the GC.
 */
import { unfrozen } from '../../base/typed';

const KEEP = 2;
const MAX_KEPT = 1 << 16;

const f64: Float64Array[][] = [];
const u32: Uint32Array[][] = [];

function bucket(n: number): number {
  return n <= 1 ? 0 : 32 - Math.clz32(n - 1);
}

export function takeF64(n: number): Float64Array {
  const b = bucket(n);
  const a = f64[b]?.pop();
  return a ?? unfrozen(new Float64Array(2 ** b));
}

export function takeU32(n: number): Uint32Array {
  const b = bucket(n);
  const a = u32[b]?.pop();
  return a ?? unfrozen(new Uint32Array(2 ** b));
}

/** Give an array from takeF64 back; the caller must not touch it again. */
export function giveF64(a: Float64Array): void {
  if (a.length > MAX_KEPT) return;
  const b = bucket(a.length);
  const list = (f64[b] ??= []);
  if (list.length < KEEP) list.push(a);
}

export function giveU32(a: Uint32Array): void {
  if (a.length > MAX_KEPT) return;
  const b = bucket(a.length);
  const list = (u32[b] ??= []);
  if (list.length < KEEP) list.push(a);
}
