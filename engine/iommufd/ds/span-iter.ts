/**
 * interval_tree_span_iter (lib/interval_tree.c; IOMMUFD-ALGORITHMS.md §2.1):
 * walks [firstIndex, lastIndex] of a tree and reports maximal alternating
 * spans. A used span is fully covered by the union of nodes that overlap or
 * touch (prev.last + 1 == next.start); a hole intersects no node. The spans
 * tile the range exactly.
 *
 *   isHole = 1  → [startHole, lastHole] is a hole
 *   isHole = 0  → [startUsed, lastUsed] is used
 *   isHole = -1 → done
 *
 * startHole/startUsed are one field, as are lastHole/lastUsed (the kernel's
 * unions).
 */
import type { IntervalTree, ItNode } from './interval-tree';
import { keyDec, keyInc } from './keys';

export class SpanIter<K extends number | bigint> {
  isHole = -1;
  firstIndex!: K;
  lastIndex!: K;
  private s!: K;
  private l!: K;
  private tree!: IntervalTree<K, unknown>;
  /** After a hole: first node of the run that follows it (null: none). */
  private pendingRun: ItNode<K, unknown> | null = null;
  /** After a used span: first node of the next run (null: none). */
  private nextRun: ItNode<K, unknown> | null = null;

  get startHole(): K {
    return this.s;
  }
  set startHole(v: K) {
    this.s = v;
  }
  get startUsed(): K {
    return this.s;
  }
  set startUsed(v: K) {
    this.s = v;
  }
  get lastHole(): K {
    return this.l;
  }
  set lastHole(v: K) {
    this.l = v;
  }
  get lastUsed(): K {
    return this.l;
  }
  set lastUsed(v: K) {
    this.l = v;
  }

  /** Whether the current span is used (isHole === 0). */
  get isUsed(): boolean {
    return this.isHole === 0;
  }

  done(): boolean {
    return this.isHole === -1;
  }

  first<V>(tree: IntervalTree<K, V>, firstIndex: K, lastIndex: K): this {
    this.tree = tree as IntervalTree<K, unknown>;
    this.firstIndex = firstIndex;
    this.lastIndex = lastIndex;
    this.pendingRun = null;
    this.nextRun = null;
    const node = this.tree.iterFirst(firstIndex, lastIndex);
    if (node === null) {
      this.isHole = 1;
      this.s = firstIndex;
      this.l = lastIndex;
      return this;
    }
    if (node.start > firstIndex) {
      this.isHole = 1;
      this.s = firstIndex;
      this.l = keyDec(node.start);
      this.pendingRun = node;
      return this;
    }
    this.isHole = 0;
    this.s = firstIndex;
    this.l = this.mergeRun(node);
    return this;
  }

  /**
   * next_gap: merge the run of overlapping or touching nodes starting at
   * `node`; returns the run's last (clipped to lastIndex) and records the
   * first node of the next run in nextRun.
   */
  private mergeRun(node: ItNode<K, unknown>): K {
    let maxLast = node.last;
    let cur = node;
    this.nextRun = null;
    while (maxLast < this.lastIndex) {
      const nxt = this.tree.iterNext(cur, this.firstIndex, this.lastIndex);
      if (nxt === null) break;
      if (nxt.start > keyInc(maxLast)) {
        this.nextRun = nxt;
        break;
      }
      if (nxt.last > maxLast) maxLast = nxt.last;
      cur = nxt;
    }
    return maxLast < this.lastIndex ? maxLast : this.lastIndex;
  }

  next(): void {
    if (this.isHole === -1) return;
    if (this.l === this.lastIndex) {
      this.isHole = -1;
      return;
    }
    if (this.isHole === 1) {
      const run = this.pendingRun as ItNode<K, unknown>;
      this.s = keyInc(this.l);
      this.isHole = 0;
      this.l = this.mergeRun(run);
      this.pendingRun = null;
      return;
    }
    this.s = keyInc(this.l);
    this.isHole = 1;
    if (this.nextRun !== null) {
      this.l = keyDec(this.nextRun.start);
      this.pendingRun = this.nextRun;
      this.nextRun = null;
    } else {
      this.l = this.lastIndex;
      this.pendingRun = null;
    }
  }

  /** Move the cursor forward to newIndex (interval_tree_span_iter_advance). */
  advance(newIndex: K): void {
    if (this.isHole === -1) return;
    this.firstIndex = newIndex;
    if (newIndex > this.lastIndex) {
      this.isHole = -1;
      return;
    }
    if (this.s <= newIndex && newIndex <= this.l) {
      this.s = newIndex;
      return;
    }
    if (newIndex === keyInc(this.l)) this.next();
    else this.first(this.tree, newIndex, this.lastIndex);
  }
}
