/**
 * Maps and sets over integer keys whose copy is cheap: the keys are cut into
 * chunks of 64 and a copy shares every chunk with the original until one of
 * them changes it (that side then copies the one chunk). The model copies its
 * process memory, shared pages and page contents on every op that changes
 * them; with plain Maps that copy was O(every page) per op.
 *
 * Iteration: chunk by chunk in the order chunks were created, keys ascending
 * inside a chunk (not insertion order). Values must not be `undefined`.
 */
const CHUNK = 64;

export class CowMap<V> {
  private chunks: Map<number, (V | undefined)[]>;
  /** Chunks this instance created or copied: the only ones it changes in place. */
  private mine = new Set<(V | undefined)[]>();
  private n: number;

  constructor(from?: CowMap<V>) {
    this.chunks = from ? new Map(from.chunks) : new Map();
    this.n = from ? from.n : 0;
  }

  /** A copy sharing every chunk (O(chunks)). */
  copy(): CowMap<V> {
    return new CowMap(this);
  }

  get size(): number {
    return this.n;
  }

  get(k: number): V | undefined {
    const c = this.chunks.get(Math.floor(k / CHUNK));
    return c === undefined ? undefined : c[k - Math.floor(k / CHUNK) * CHUNK];
  }

  has(k: number): boolean {
    return this.get(k) !== undefined;
  }

  private writable(ci: number): (V | undefined)[] {
    let c = this.chunks.get(ci);
    if (c === undefined) c = new Array<V | undefined>(CHUNK).fill(undefined);
    else if (this.mine.has(c)) return c;
    else c = c.slice();
    this.chunks.set(ci, c);
    this.mine.add(c);
    return c;
  }

  set(k: number, v: V): this {
    const ci = Math.floor(k / CHUNK);
    const c = this.writable(ci);
    const i = k - ci * CHUNK;
    if (c[i] === undefined) this.n++;
    c[i] = v;
    return this;
  }

  delete(k: number): boolean {
    if (!this.has(k)) return false;
    const ci = Math.floor(k / CHUNK);
    this.writable(ci)[k - ci * CHUNK] = undefined;
    this.n--;
    return true;
  }

  /** Calls fn on every entry until it returns true; whether one did (no iterator objects: the full compare's hot loop). */
  some(fn: (k: number, v: V) => boolean): boolean {
    for (const [ci, c] of this.chunks)
      for (let i = 0; i < CHUNK; i++) {
        const v = c[i];
        if (v !== undefined && fn(ci * CHUNK + i, v)) return true;
      }
    return false;
  }

  *[Symbol.iterator](): IterableIterator<[number, V]> {
    for (const [ci, c] of this.chunks)
      for (let i = 0; i < CHUNK; i++) {
        const v = c[i];
        if (v !== undefined) yield [ci * CHUNK + i, v];
      }
  }
}

export class CowSet {
  private readonly m: CowMap<true>;

  constructor(from?: CowSet) {
    this.m = from ? from.m.copy() : new CowMap<true>();
  }

  copy(): CowSet {
    return new CowSet(this);
  }

  get size(): number {
    return this.m.size;
  }

  has(k: number): boolean {
    return this.m.has(k);
  }

  add(k: number): this {
    this.m.set(k, true);
    return this;
  }

  delete(k: number): boolean {
    return this.m.delete(k);
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (const [k] of this.m) yield k;
  }
}
