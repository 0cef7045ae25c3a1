/**
 * A sparse index → PFN map standing in for the kernel's xarray of value
 * entries (pages.pinned_pfns). Storage is one 64-slot leaf (Float64Array,
 * -1 = empty) per populated chunk, like the kernel's leaf nodes, so that
 * `nodeBytes()` can report what the kernel's radix tree would cost: 64-slot
 * nodes of XA_NODE_BYTES, one per populated chunk at every level up to the
 * root. A single entry at index 0 lives in the head and costs no node.
 */
import { sortedKeys } from '../../base/arrays';
import { unfrozen } from '../../base/typed';
export const XA_CHUNK_SHIFT = 6;
export const XA_CHUNK_SIZE = 1 << XA_CHUNK_SHIFT;
/** sizeof(struct xa_node) on 64-bit: 64 slots + marks + header. */
export const XA_NODE_BYTES = 576;

interface Leaf {
  count: number;
  slots: Float64Array;
}

export class Xarray {
  private leaves = new Map<number, Leaf>();
  private n = 0;

  /** Number of present entries. */
  get size(): number {
    return this.n;
  }

  isEmpty(): boolean {
    return this.n === 0;
  }

  /** The PFN at `index`, or -1 when the slot is empty. */
  load(index: number): number {
    const leaf = this.leaves.get(Math.floor(index / XA_CHUNK_SIZE));
    if (leaf === undefined) return -1;
    return leaf.slots[index % XA_CHUNK_SIZE];
  }

  /** Store `pfn` at `index`; returns the previous entry (-1 = empty). */
  store(index: number, pfn: number): number {
    const key = Math.floor(index / XA_CHUNK_SIZE);
    let leaf = this.leaves.get(key);
    if (leaf === undefined) {
      leaf = { count: 0, slots: unfrozen(new Float64Array(XA_CHUNK_SIZE)).fill(-1) };
      this.leaves.set(key, leaf);
    }
    const slot = index % XA_CHUNK_SIZE;
    const old = leaf.slots[slot];
    leaf.slots[slot] = pfn;
    if (old === -1) {
      leaf.count++;
      this.n++;
    }
    return old;
  }

  /** Erase the entry at `index`; returns it (-1 = was empty). */
  erase(index: number): number {
    const key = Math.floor(index / XA_CHUNK_SIZE);
    const leaf = this.leaves.get(key);
    if (leaf === undefined) return -1;
    const slot = index % XA_CHUNK_SIZE;
    const old = leaf.slots[slot];
    if (old === -1) return -1;
    leaf.slots[slot] = -1;
    this.n--;
    if (--leaf.count === 0) this.leaves.delete(key);
    return old;
  }

  /** Erase every entry in [start, last]; returns how many were present. */
  eraseRange(start: number, last: number): number {
    let erased = 0;
    if (this.n === 0 || last < start) return 0;
    if ((last - start) / XA_CHUNK_SIZE > this.leaves.size) {
      // sparse: visit only the populated leaves in range
      const keys = sortedKeys(this.leaves);
      for (const key of keys) {
        const base = key * XA_CHUNK_SIZE;
        if (base + XA_CHUNK_SIZE - 1 < start || base > last) continue;
        erased += this.eraseRange(Math.max(start, base), Math.min(last, base + XA_CHUNK_SIZE - 1));
      }
      return erased;
    }
    let i = start;
    while (i <= last) {
      const key = Math.floor(i / XA_CHUNK_SIZE);
      const chunkLast = Math.min(last, key * XA_CHUNK_SIZE + XA_CHUNK_SIZE - 1);
      const leaf = this.leaves.get(key);
      if (leaf !== undefined) {
        for (let j = i; j <= chunkLast; j++) {
          const slot = j % XA_CHUNK_SIZE;
          if (leaf.slots[slot] !== -1) {
            leaf.slots[slot] = -1;
            leaf.count--;
            this.n--;
            erased++;
          }
        }
        if (leaf.count === 0) this.leaves.delete(key);
      }
      i = chunkLast + 1;
    }
    return erased;
  }

  /** Present entries in [start, last], ascending. */
  *entries(start = 0, last = Number.MAX_SAFE_INTEGER): IterableIterator<[number, number]> {
    const keys = sortedKeys(this.leaves);
    for (const key of keys) {
      const base = key * XA_CHUNK_SIZE;
      if (base + XA_CHUNK_SIZE - 1 < start || base > last) continue;
      const leaf = this.leaves.get(key);
      if (leaf === undefined) continue;
      for (let s = 0; s < XA_CHUNK_SIZE; s++) {
        const i = base + s;
        if (i < start || i > last) continue;
        const v = leaf.slots[s];
        if (v !== -1) yield [i, v];
      }
    }
  }

  /** Number of present entries in [start, last]. */
  countRange(start: number, last: number): number {
    if (last < start || this.n === 0) return 0;
    const k0 = Math.floor(start / XA_CHUNK_SIZE);
    const k1 = Math.floor(last / XA_CHUNK_SIZE);
    let c = 0;
    const one = (key: number, leaf: Leaf): void => {
      const base = key * XA_CHUNK_SIZE;
      if (base >= start && base + XA_CHUNK_SIZE - 1 <= last) {
        c += leaf.count;
        return;
      }
      const lo = Math.max(start, base) - base;
      const hi = Math.min(last, base + XA_CHUNK_SIZE - 1) - base;
      for (let s = lo; s <= hi; s++) if (leaf.slots[s] !== -1) c++;
    };
    if (k1 - k0 + 1 > this.leaves.size) {
      for (const [key, leaf] of this.leaves) if (key >= k0 && key <= k1) one(key, leaf);
    } else {
      for (let key = k0; key <= k1; key++) {
        const leaf = this.leaves.get(key);
        if (leaf !== undefined) one(key, leaf);
      }
    }
    return c;
  }

  /** Radix nodes the kernel's xarray would hold for the present entries. */
  nodeCount(): number {
    if (this.n === 0) return 0;
    let maxKey = 0;
    for (const k of this.leaves.keys()) if (k > maxKey) maxKey = k;
    if (maxKey === 0 && this.n === 1 && this.load(0) !== -1) return 0; // entry in the head
    let nodes = this.leaves.size;
    let level = new Set<number>(this.leaves.keys());
    let top = maxKey;
    while (top > 0) {
      const up = new Set<number>();
      for (const k of level) up.add(Math.floor(k / XA_CHUNK_SIZE));
      nodes += up.size;
      level = up;
      top = Math.floor(top / XA_CHUNK_SIZE);
    }
    return nodes;
  }

  /** Bytes of radix nodes (XA_NODE_BYTES each). */
  nodeBytes(): number {
    return this.nodeCount() * XA_NODE_BYTES;
  }
}
