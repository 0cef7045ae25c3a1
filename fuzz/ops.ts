/**
 * The fuzzer's operation vocabulary: plain JSON data (no bigint, no engine
 * objects), so a sequence can be stored, shrunk and turned into a scenario.
 * Objects are named by handles: the n-th IOAS / domain / access / mmap region
 * created in the sequence (creation order). An op naming a handle that does not
 * exist or is gone is skipped on both sides (so shrinking may drop creators).
 * Area selectors (`area`) pick the k-th area (mod count) of the IOAS in IOVA
 * order, resolved against the model's state.
 */

/** IOVA window the generator aims at: inside the mock aperture, small so ops collide. */
export const IOVA_BASE = 0x1000000;
export const IOVA_WINDOW_PAGES = 4096;
export const PAGE = 4096;
export const HPAGE = 2 * 1024 * 1024;

export type UnmapHow = 'area' | 'all' | 'range' | 'partial' | 'span';

export type Op =
  | { k: 'mmap'; pages: number; thp?: boolean; populate?: boolean; shared?: boolean }
  | { k: 'munmap'; region: number; off: number; pages: number }
  /** `child`: the n-th forked process writes / reads (its copy of the region), else the main process. */
  | { k: 'touch'; region: number; off: number; pages: number; v?: number; child?: number }
  | { k: 'pread'; region: number; off: number; pages: number; byteOff: number; child?: number }
  | { k: 'fork' }
  | { k: 'exit'; child: number }
  | { k: 'ioasAlloc' }
  | { k: 'ioasDestroy'; ioas: number }
  | { k: 'map'; ioas: number; region: number; off: number; pages: number; iova?: number; readOnly?: boolean }
  | { k: 'unmap'; ioas: number; how: UnmapHow; a: number; b: number }
  | { k: 'copy'; dst: number; src: number; area: number; off: number; pages: number; iova?: number }
  | { k: 'allow'; ioas: number; ranges: [number, number][] }
  | { k: 'reserve'; ioas: number; start: number; pages: number }
  | { k: 'hugePages'; ioas: number; value: number }
  | { k: 'attach'; ioas: number; kind?: 'pagetable'; format?: 'arm64_4k'; batch?: boolean }
  | { k: 'detach'; domain: number }
  | { k: 'accessCreate'; ioas: number; needsPin: boolean; onUnmap: 'unpin' | 'ignore' }
  | { k: 'pin'; access: number; area: number; off: number; pages: number; write: boolean }
  | { k: 'unpin'; access: number; item: number }
  | { k: 'accessClose'; access: number }
  | {
      k: 'rw';
      access: number;
      area: number;
      off: number;
      bytes: number;
      byteOff: number;
      v: number;
      slow: boolean;
    }
  | { k: 'tempLimit'; bytes: number }
  | { k: 'memlock'; pages: number | null }
  | { k: 'rlimitMode'; value: number }
  | { k: 'capIpcLock'; value: boolean }
  | { k: 'ranges'; ioas: number }
  | { k: 'inject'; n: number; op: Op };

/** An op made concrete against the current state: the arguments of the engine call. */
export type Call =
  | { k: 'mmap'; length: number; thp: boolean; populate: boolean; shared: boolean }
  | { k: 'munmap'; uptr: number; length: number }
  | { k: 'touch'; uptr: number; length: number; v: number; child: number | null }
  | { k: 'pread'; uptr: number; length: number; child: number | null }
  | { k: 'fork' }
  | { k: 'exit'; child: number }
  | { k: 'ioasAlloc' }
  | { k: 'ioasDestroy'; ioas: number }
  | { k: 'map'; ioas: number; uptr: number; length: number; iova: number | null; write: boolean }
  | { k: 'unmap'; ioas: number; iova: bigint; length: bigint }
  | { k: 'copy'; dst: number; src: number; srcIova: bigint; length: number; iova: number | null }
  | { k: 'allow'; ioas: number; ranges: { start: bigint; last: bigint }[] }
  | { k: 'reserve'; ioas: number; start: bigint; length: bigint }
  | { k: 'hugePages'; ioas: number; value: number }
  | { k: 'attach'; ioas: number; kind: 'mock' | 'pagetable'; format: 'x86_64' | 'arm64_4k'; batch: boolean }
  | { k: 'detach'; domain: number }
  | { k: 'accessCreate'; ioas: number; needsPin: boolean; onUnmap: 'unpin' | 'ignore' }
  | { k: 'pin'; access: number; iova: bigint; length: number; write: boolean }
  | { k: 'unpin'; access: number; itemId: number }
  | { k: 'accessClose'; access: number }
  /** v = 0: read (the outcome value is digest() of the bytes), else write bytes of value v */
  | { k: 'rw'; access: number; iova: bigint; length: number; v: number; slow: boolean }
  | { k: 'tempLimit'; bytes: number }
  | { k: 'memlock'; bytes: number }
  | { k: 'rlimitMode'; value: number }
  | { k: 'capIpcLock'; value: boolean }
  /** IOMMU_IOAS_IOVA_RANGES: the outcome value is rangesDigest() of the answer */
  | { k: 'ranges'; ioas: number };

/** What a call returned: a value the model checks, or an errno. */
export type Outcome = { ok: true; value?: number | bigint } | { ok: false; errno: string; message?: string };

export function describeOp(op: Op): string {
  return JSON.stringify(op);
}

/** A number standing for a byte string (reads are compared by it). */
export function digest(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}

/** A number standing for an iovaRanges answer. */
export function rangesDigest(ranges: readonly { start: bigint; last: bigint }[], alignment: bigint): number {
  const t =
    ranges.map((r) => `${r.start.toString(16)}-${r.last.toString(16)}`).join(',') +
    '@' +
    alignment.toString(16);
  // the same bytes as the scenario's rangesDigest (scenario.ts): a sandbox has no TextEncoder
  return digest(Uint8Array.from(t, (ch) => ch.charCodeAt(0)));
}
