/**
 * Finer data for zoomed strips. The full-range answers (≤ 2048 buckets)
 * serve until a strip is zoomed in past about twice their resolution; then
 * the visible range (with some overscan, so small pans need nothing new) is
 * asked for again: re-bucketed, or — once it is at most DETAIL_MAX pages —
 * with per-page detail. Requests are debounced and the latest wins; the
 * previous step's data over the same range comes along for change marks.
 */
import type { InspectAnswer, InspectQuery, TierAnswer } from '../../engine/base/inspect-types';
import { bucketSize } from './summary';
import type { ViewRange } from './view';

/** Largest range asked for with per-page detail (the inspect store's bucket count). */
export const DETAIL_MAX = 2048;

/** Where an answer was taken: run (local id) and step. */
export interface At {
  run: number;
  step: number;
}

export interface ZoomEntry extends At {
  answer: TierAnswer;
  /** Same range at step - 1 (null: the pages object did not exist, or not asked). */
  prev: TierAnswer | null;
}

export interface ZoomNeed {
  /** Strip id (changes.ts StripEntry.key). */
  key: string;
  /** Digest id of the pages object at the step. */
  pages: number;
  start: number;
  end: number;
  buckets: number;
  /** Its digest id at step - 1, to ask the same range there (null: it did not exist or is not known). */
  prevPages: number | null;
}

/** Pages per bucket a view wants: at least min(pixels, DETAIL_MAX / 2) buckets across it. */
export function desiredBucketSize(view: ViewRange, px: number): number {
  return (view.end - view.start) / Math.max(1, Math.min(px, DETAIL_MAX / 2));
}

/** Whether `a` draws `view` well enough (covers it; per-page detail when the view is ≤ DETAIL_MAX pages). */
export function adequate(a: TierAnswer, view: ViewRange, px: number): boolean {
  const s = Math.floor(view.start);
  const e = Math.ceil(view.end);
  if (a.start > s || a.end < e) return false;
  if (e - s <= DETAIL_MAX) return a.detail !== undefined && a.detail.start <= s && a.detail.end >= e;
  return bucketSize(a) <= 2 * desiredBucketSize(view, px) * (1 + 1e-9);
}

/**
 * What to ask for a strip, or null when the full answer (or the zoom entry
 * already held for this run and step) suffices.
 */
export function planZoom(
  full: TierAnswer,
  view: ViewRange,
  px: number,
  have: ZoomEntry | undefined,
  at: At,
  prevPages: number | null,
  key: string = full.key,
): ZoomNeed | null {
  if (adequate(full, view, px)) return null;
  if (have && have.run === at.run && have.step === at.step && adequate(have.answer, view, px)) return null;
  const n = full.npages;
  const span = view.end - view.start;
  let start: number;
  let end: number;
  let buckets: number;
  if (Math.ceil(view.end) - Math.floor(view.start) <= DETAIL_MAX) {
    const ext = Math.max(0, Math.min(span / 2, (DETAIL_MAX - span) / 2 - 1));
    start = Math.max(0, Math.floor(view.start - ext));
    end = Math.min(n, Math.ceil(view.end + ext));
    if (end - start > DETAIL_MAX) end = start + DETAIL_MAX;
    buckets = DETAIL_MAX;
  } else {
    start = Math.max(0, Math.floor(view.start - span / 2));
    end = Math.min(n, Math.ceil(view.end + span / 2));
    buckets = Math.min(DETAIL_MAX, Math.ceil((end - start) / desiredBucketSize(view, px)));
  }
  return { key, pages: full.pages, start, end, buckets, prevPages };
}

export type QueryFn = (queries: InspectQuery[], step: number) => Promise<InspectAnswer[] | null>;

/**
 * Debounced, latest-wins fetching of zoom needs. `request` with the same
 * needs as the pending or last sent ones does nothing.
 */
export class ZoomFetcher {
  readonly entries = new Map<string, ZoomEntry>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private token = 0;
  private lastSig = '';
  /** Keys with a request in flight or scheduled. */
  readonly loading = new Set<string>();

  constructor(
    private readonly query: QueryFn,
    private readonly onData: () => void,
    private readonly delayMs = 80,
  ) {}

  request(needs: readonly ZoomNeed[], at: At): void {
    const sig = `${at.run}:${at.step}:${needs.map((n) => `${n.key}/${n.start}/${n.end}/${n.buckets}/${n.prevPages}`).join('|')}`;
    if (sig === this.lastSig) return;
    this.lastSig = sig;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.token++;
    this.loading.clear();
    if (needs.length === 0) return;
    for (const n of needs) this.loading.add(n.key);
    const my = this.token;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.send(needs, at, my);
    }, this.delayMs);
  }

  private async send(needs: readonly ZoomNeed[], at: At, my: number): Promise<void> {
    const cur = this.query(
      needs.map((n) => ({ kind: 'tiers', pages: n.pages, start: n.start, end: n.end, buckets: n.buckets })),
      at.step,
    );
    const withPrev = needs.filter((n) => n.prevPages !== null && at.step > 0);
    const prev =
      withPrev.length > 0
        ? this.query(
            withPrev.map((n) => ({
              kind: 'tiers',
              pages: n.prevPages as number,
              start: n.start,
              end: n.end,
              buckets: n.buckets,
            })),
            at.step - 1,
          )
        : Promise.resolve([]);
    const [a, b] = await Promise.all([cur, prev]);
    if (my !== this.token) return;
    this.loading.clear();
    if (a === null) {
      // Failed: the same needs are not asked again (a new view or step will).
      this.onData();
      return;
    }
    const prevByKey = new Map<string, TierAnswer>();
    for (const p of b ?? []) if (p.kind === 'tiers') prevByKey.set(p.key, p);
    for (const ans of a) {
      if (ans.kind !== 'tiers') continue;
      this.entries.set(ans.key, {
        run: at.run,
        step: at.step,
        answer: ans,
        prev: prevByKey.get(ans.key) ?? null,
      });
    }
    this.onData();
  }

  /** Drop everything (a new run). */
  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.token++;
    this.lastSig = '';
    this.entries.clear();
    this.loading.clear();
  }

  dispose(): void {
    this.clear();
  }
}
