/**
 * Interval tree with overlapping nodes (lib/interval_tree.c, used by
 * access_itree, domains_itree and the io_pagetable trees). Implemented as a
 * treap ordered by (start, insertion sequence) and augmented with the maximum
 * `last` of every subtree, so that insert, remove, iterFirst and iterNext are
 * O(log n) expected. Keys are numbers (page indexes) or bigints (IOVAs); the
 * two are never mixed in one tree.
 */
export interface ItNode<K extends number | bigint, V> {
  readonly start: K;
  readonly last: K;
  readonly value: V;
}

class Node<K extends number | bigint, V> implements ItNode<K, V> {
  left: Node<K, V> | null = null;
  right: Node<K, V> | null = null;
  maxLast: K;
  /** The tree this node is in; null once removed. */
  owner: IntervalTree<K, V> | null;
  constructor(
    readonly start: K,
    readonly last: K,
    readonly value: V,
    readonly seq: number,
    readonly prio: number,
    owner: IntervalTree<K, V>,
  ) {
    this.maxLast = last;
    this.owner = owner;
  }
}

function walk<K extends number | bigint, V, C>(
  t: Node<K, V> | null,
  fn: (n: ItNode<K, V>, ctx: C) => void,
  ctx: C,
): void {
  while (t !== null) {
    if (t.left !== null) walk(t.left, fn, ctx);
    fn(t, ctx);
    t = t.right;
  }
}

/** a before b in tree order */
function before<K extends number | bigint, V>(a: Node<K, V>, b: Node<K, V>): boolean {
  return a.start < b.start || (a.start === b.start && a.seq < b.seq);
}

function pull<K extends number | bigint, V>(n: Node<K, V>): void {
  let m = n.last;
  if (n.left !== null && n.left.maxLast > m) m = n.left.maxLast;
  if (n.right !== null && n.right.maxLast > m) m = n.right.maxLast;
  n.maxLast = m;
}

export class IntervalTree<K extends number | bigint, V> {
  private root: Node<K, V> | null = null;
  private count = 0;
  private seq = 0;
  private prng = 0x2545f491;

  get size(): number {
    return this.count;
  }

  isEmpty(): boolean {
    return this.count === 0;
  }

  insert(start: K, last: K, value: V): ItNode<K, V> {
    if (start > last) throw new RangeError(`interval tree: start ${start} > last ${last}`);
    // xorshift32: deterministic priorities, same shape for the same inputs
    let x = this.prng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.prng = x >>> 0;
    const n = new Node<K, V>(start, last, value, this.seq++, this.prng, this);
    this.root = this.ins(this.root, n);
    this.count++;
    return n;
  }

  private ins(t: Node<K, V> | null, n: Node<K, V>): Node<K, V> {
    if (t === null) return n;
    if (before(n, t)) {
      t.left = this.ins(t.left, n);
      if (t.left.prio > t.prio) {
        const l = t.left;
        t.left = l.right;
        l.right = t;
        pull(t);
        pull(l);
        return l;
      }
    } else {
      t.right = this.ins(t.right, n);
      if (t.right.prio > t.prio) {
        const r = t.right;
        t.right = r.left;
        r.left = t;
        pull(t);
        pull(r);
        return r;
      }
    }
    pull(t);
    return t;
  }

  remove(node: ItNode<K, V>): void {
    const n = node as Node<K, V>;
    if (!(n instanceof Node) || n.owner !== this) throw new Error('interval tree: node is not in this tree');
    this.root = this.del(this.root, n);
    n.owner = null;
    n.left = n.right = null;
    this.count--;
  }

  private del(t: Node<K, V> | null, n: Node<K, V>): Node<K, V> | null {
    if (t === null) throw new Error('interval tree: node not found');
    if (t === n) return this.merge(t.left, t.right);
    if (before(n, t)) t.left = this.del(t.left, n);
    else t.right = this.del(t.right, n);
    pull(t);
    return t;
  }

  private merge(a: Node<K, V> | null, b: Node<K, V> | null): Node<K, V> | null {
    if (a === null) return b;
    if (b === null) return a;
    if (a.prio > b.prio) {
      a.right = this.merge(a.right, b);
      pull(a);
      return a;
    }
    b.left = this.merge(a, b.left);
    pull(b);
    return b;
  }

  /** Whether `node` is currently in this tree. */
  contains(node: ItNode<K, V>): boolean {
    return node instanceof Node && node.owner === this;
  }

  /** First node in ascending start order intersecting [start, last]. */
  iterFirst(start: K, last: K): ItNode<K, V> | null {
    return this.firstFrom(this.root, null, start, last);
  }

  /** Next node after `node` (in tree order) intersecting [start, last]. */
  iterNext(node: ItNode<K, V>, start: K, last: K): ItNode<K, V> | null {
    return this.firstFrom(this.root, node as Node<K, V>, start, last);
  }

  /**
   * Leftmost node of subtree `t` that comes after `after` (null: no bound)
   * and intersects [s, l]. Prunes subtrees whose max last is below s and
   * stops at starts beyond l.
   */
  private firstFrom(t: Node<K, V> | null, after: Node<K, V> | null, s: K, l: K): Node<K, V> | null {
    while (t !== null) {
      if (t.maxLast < s) return null;
      if (after !== null && !before(after, t)) {
        // t and its left subtree are not after `after`
        t = t.right;
        continue;
      }
      if (t.left !== null && t.left.maxLast >= s) {
        const r = this.firstFrom(t.left, after, s, l);
        if (r !== null) return r;
      }
      if (t.start > l) return null;
      if (t.last >= s) return t;
      t = t.right;
    }
    return null;
  }

  /**
   * fn(node, ctx) for every node in tree order: no allocation and no key
   * compares (iterFirst / iterNext compare keys at every step; bigint
   * compares are slow), for walks of a whole tree.
   */
  forEachNode<C>(fn: (n: ItNode<K, V>, ctx: C) => void, ctx: C): void {
    walk(this.root, fn, ctx);
  }

  *[Symbol.iterator](): IterableIterator<ItNode<K, V>> {
    const stack: Node<K, V>[] = [];
    let t = this.root;
    while (t !== null || stack.length > 0) {
      while (t !== null) {
        stack.push(t);
        t = t.left;
      }
      const n = stack.pop() as Node<K, V>;
      yield n;
      t = n.right;
    }
  }

  /** Approximate bytes the kernel's rb-tree nodes would cost (for benchmarks). */
  nodeBytes(bytesPerNode = 48): number {
    return this.count * bytesPerNode;
  }
}
