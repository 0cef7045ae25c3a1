/**
 * interval_tree_double_span_iter (double_span.h; IOMMUFD-ALGORITHMS.md §2.2):
 * walks the union of two trees over [first, last].
 *
 *   isUsed = 0  → hole in both trees
 *   isUsed = 1  → covered by tree 1 (tree 1 wins when both cover)
 *   isUsed = 2  → covered by tree 2 but not tree 1
 *   isUsed = -1 → done
 */
import type { IntervalTree } from './interval-tree';
import { SpanIter } from './span-iter';

export class DoubleSpanIter<K extends number | bigint> {
  isUsed = -1;
  readonly spans: [SpanIter<K>, SpanIter<K>] = [new SpanIter<K>(), new SpanIter<K>()];
  private s!: K;
  private l!: K;
  private lastIndex!: K;

  get startHole(): K {
    return this.s;
  }
  get startUsed(): K {
    return this.s;
  }
  get lastHole(): K {
    return this.l;
  }
  get lastUsed(): K {
    return this.l;
  }

  done(): boolean {
    return this.isUsed === -1;
  }

  first<V1, V2>(tree1: IntervalTree<K, V1>, tree2: IntervalTree<K, V2>, firstIndex: K, lastIndex: K): this {
    this.lastIndex = lastIndex;
    this.spans[0].first(tree1, firstIndex, lastIndex);
    this.spans[1].first(tree2, firstIndex, lastIndex);
    this.update();
    return this;
  }

  private update(): void {
    let lastHole: K | null = null;
    for (let i = 0; i < 2; i++) {
      const sp = this.spans[i];
      if (sp.done()) {
        this.isUsed = -1;
        return;
      }
      if (sp.isHole === 1) {
        if (lastHole === null || sp.lastHole < lastHole) lastHole = sp.lastHole;
        continue;
      }
      this.isUsed = i + 1;
      this.s = sp.startUsed;
      this.l = lastHole !== null && lastHole < sp.lastUsed ? lastHole : sp.lastUsed;
      return;
    }
    this.isUsed = 0;
    const a = this.spans[0].lastHole;
    const b = this.spans[1].lastHole;
    this.s = this.spans[0].startHole;
    this.l = a < b ? a : b;
  }

  next(): void {
    if (this.isUsed === -1 || this.l === this.lastIndex) {
      this.isUsed = -1;
      return;
    }
    const n = (typeof this.l === 'bigint' ? this.l + 1n : (this.l as number) + 1) as K;
    this.spans[0].advance(n);
    this.spans[1].advance(n);
    this.update();
  }
}
