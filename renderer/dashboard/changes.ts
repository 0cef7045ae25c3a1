/**
 * What changed at the selected step: the selected step's TierAnswers
 * against the previous step's, by pages key. A bucket is changed when its
 * tier counts differ; a page (with per-page detail on both sides) when its
 * tier, PFN, holders or pin count differ. Pages objects that appeared or
 * disappeared are whole-strip changes.
 */
import { TIER_COUNT, type PageDetail, type TierAnswer } from '../../engine/base/inspect-types';

export const CHANGED_TIER = 1;
export const CHANGED_PFN = 2;
export const CHANGED_HOLDERS = 4;
export const CHANGED_PIN = 8;

export const XARRAY_BIT = 0x80000000;

export interface Changes {
  /** Per bucket of the current answer: 1 when its counts differ (null: not comparable). */
  buckets: Uint8Array | null;
  /** Per page of the current detail: CHANGED_* flags (null: no detail on both sides). */
  pages: Uint8Array | null;
  /** Changed buckets (or pages). */
  changed: number;
  /** npinned or lastNpinned differ. */
  counters: boolean;
}

export type StripStatus = 'same' | 'new' | 'gone';

export interface StripEntry {
  /**
   * Identity of the strip across steps: the pages key, or `key#n` for the
   * n-th pages object sharing a key at one step (one buffer mapped twice).
   */
  key: string;
  /** The answer drawn: the current one, or for a 'gone' strip the previous step's. */
  answer: TierAnswer;
  prev: TierAnswer | null;
  status: StripStatus;
}

/** Strip ids of answers in order: the key, then key#2, key#3… for repeats. */
export function stripIds(answers: readonly TierAnswer[]): string[] {
  const seen = new Map<string, number>();
  return answers.map((a) => {
    const n = (seen.get(a.key) ?? 0) + 1;
    seen.set(a.key, n);
    return n === 1 ? a.key : `${a.key}#${n}`;
  });
}

/** Match current answers with the previous step's by strip id (prev null: not known yet, nothing is marked). */
export function matchStrips(cur: readonly TierAnswer[], prev: readonly TierAnswer[] | null): StripEntry[] {
  const before = new Map<string, TierAnswer>();
  const prevIds = stripIds(prev ?? []);
  (prev ?? []).forEach((p, i) => before.set(prevIds[i] as string, p));
  const ids = stripIds(cur);
  const out: StripEntry[] = cur.map((a, i) => {
    const id = ids[i] as string;
    const p = before.get(id) ?? null;
    before.delete(id);
    return { key: id, answer: a, prev: p, status: prev === null || p !== null ? 'same' : 'new' };
  });
  for (const [id, p] of before) out.push({ key: id, answer: p, prev: p, status: 'gone' });
  return out;
}

/** Translation of prev's holder bits into cur's domain numbering (-1: the domain is gone). */
function holderMap(cur: readonly number[], prev: readonly number[]): Int8Array | null {
  if (cur.length === prev.length && cur.every((d, i) => prev[i] === d)) return null;
  const m = new Int8Array(prev.length);
  prev.forEach((d, i) => (m[i] = cur.indexOf(d)));
  return m;
}

function remap(mask: number, m: Int8Array | null): number {
  if (m === null) return mask >>> 0;
  let out = mask & XARRAY_BIT ? XARRAY_BIT : 0;
  for (let i = 0; i < m.length; i++) {
    if (mask & (1 << i)) {
      const j = m[i] as number;
      // A holder domain that no longer exists: keep a bit no current domain uses so the masks differ.
      out |= j >= 0 ? 1 << j : 1 << 30;
    }
  }
  return out >>> 0;
}

export function comparePages(cur: PageDetail, prev: PageDetail): Uint8Array | null {
  if (cur.start !== prev.start || cur.end !== prev.end) return null;
  const n = cur.end - cur.start;
  const out = new Uint8Array(n);
  const m = holderMap(cur.domainIds, prev.domainIds);
  for (let i = 0; i < n; i++) {
    let f = 0;
    if (cur.tier[i] !== prev.tier[i]) f |= CHANGED_TIER;
    if (cur.pfn[i] !== prev.pfn[i]) f |= CHANGED_PFN;
    if ((cur.holders[i] as number) >>> 0 !== remap(prev.holders[i] as number, m)) f |= CHANGED_HOLDERS;
    if (cur.pin[i] !== prev.pin[i]) f |= CHANGED_PIN;
    out[i] = f;
  }
  return out;
}

export function compareAnswers(cur: TierAnswer, prev: TierAnswer | null): Changes {
  const none: Changes = { buckets: null, pages: null, changed: 0, counters: false };
  if (prev === null) return none;
  const counters = cur.npinned !== prev.npinned || cur.lastNpinned !== prev.lastNpinned;
  if (cur.start !== prev.start || cur.end !== prev.end || cur.buckets !== prev.buckets)
    return { ...none, counters };
  const buckets = new Uint8Array(cur.buckets);
  let changed = 0;
  for (let b = 0; b < cur.buckets; b++) {
    const o = b * TIER_COUNT;
    for (let t = 0; t < TIER_COUNT; t++) {
      if (cur.counts[o + t] !== prev.counts[o + t]) {
        buckets[b] = 1;
        changed++;
        break;
      }
    }
  }
  let pages: Uint8Array | null = null;
  if (cur.detail && prev.detail) {
    pages = comparePages(cur.detail, prev.detail);
    if (pages) {
      changed = 0;
      for (let i = 0; i < pages.length; i++) if (pages[i]) changed++;
    }
  }
  return { buckets, pages, changed, counters };
}

const cache = new WeakMap<TierAnswer, { prev: TierAnswer | null; ch: Changes }>();

/** compareAnswers, remembered per (cur, prev) pair so a redraw does not recompute it. */
export function changesOf(cur: TierAnswer, prev: TierAnswer | null): Changes {
  const hit = cache.get(cur);
  if (hit && hit.prev === prev) return hit.ch;
  const ch = compareAnswers(cur, prev);
  cache.set(cur, { prev, ch });
  return ch;
}
