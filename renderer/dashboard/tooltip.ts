/**
 * What the tooltip says about a hit: at page level (per-page detail under
 * the pointer) the index, tier, PFN, holders and pin count and what changed
 * at this step; at bucket level the index range and its tier counts; for a
 * bracket the area or access it stands for; for the header the pages object.
 * Also the index range the hover outline should cover.
 */
import { TIER_COUNT, TIER_NAMES, type PageDetail, type TierAnswer } from '../../engine/base/inspect-types';
import { CHANGED_HOLDERS, CHANGED_PFN, CHANGED_PIN, CHANGED_TIER, XARRAY_BIT } from './changes';
import { count, hex, hexLast, humanBytes, PAGE_SIZE } from './format';
import type { Hit } from './hit';
import type { StripLayout } from './layout';
import { bucketOf, prepare } from './summary';
import type { Layer } from './tier-strip';

export interface TooltipRow {
  label: string;
  value: string;
  /** Colour swatch (tier) or emphasis. */
  tier?: number;
  changed?: boolean;
}

export interface Tooltip {
  title: string;
  rows: TooltipRow[];
  /** Index range to outline on the bar. */
  range: { lo: number; hi: number } | null;
  /** Page-level (per-page detail) or bucket-level. */
  level: 'page' | 'bucket' | 'other';
}

export function holdersText(d: PageDetail, i: number): string {
  const h = (d.holders[i] as number) >>> 0;
  const doms: number[] = [];
  d.domainIds.forEach((id, b) => {
    if (h & (1 << b)) doms.push(id);
  });
  const parts: string[] = [];
  if (doms.length) parts.push(`${doms.length === 1 ? 'domain' : 'domains'} ${doms.join(', ')}`);
  if (h & XARRAY_BIT) parts.push('xarray');
  return parts.length ? parts.join(' · ') : 'none';
}

function pfnText(pfn: number): string {
  return pfn < 0 ? '— (not faulted in)' : hex(pfn);
}

/** The finest layer covering `index` (later layers are finer). */
function layerAt(layers: readonly Layer[], index: number): Layer | null {
  for (let k = layers.length - 1; k >= 0; k--) {
    const L = layers[k] as Layer;
    if (index >= L.answer.start && index < L.answer.end) return L;
  }
  return null;
}

function areasAt(a: TierAnswer, index: number): TooltipRow[] {
  return a.areas
    .filter((r) => index >= r.index && index <= r.lastIndex)
    .map((r) => {
      let iova: string;
      try {
        const base = BigInt(r.iova);
        const page = base - (base % BigInt(PAGE_SIZE)) + BigInt(index - r.index) * BigInt(PAGE_SIZE);
        iova = hex(page);
      } catch {
        iova = '?';
      }
      return {
        label: `IOAS ${r.ioas}`,
        value: `IOVA ${iova}${r.storageDomain === null ? '' : ` · storage dom ${r.storageDomain}`}`,
      };
    });
}

function pageTip(L: Layer, d: PageDetail, index: number, changes: Uint8Array | null): Tooltip {
  const i = index - d.start;
  const tier = d.tier[i] as number;
  const flags = changes ? (changes[i] as number) : 0;
  const pd =
    L.prev?.detail && L.prev.detail.start === d.start && L.prev.detail.end === d.end ? L.prev.detail : null;
  const was = (f: number, now: string, before: () => string): string =>
    flags & f && pd ? `${before()} → ${now}` : now;
  const tierName = TIER_NAMES[tier] ?? '?';
  const rows: TooltipRow[] = [
    {
      label: 'tier',
      value: was(CHANGED_TIER, tierName, () => TIER_NAMES[pd?.tier[i] as number] ?? '?'),
      tier,
      changed: !!(flags & CHANGED_TIER),
    },
    {
      label: 'PFN',
      value: was(CHANGED_PFN, pfnText(d.pfn[i] as number), () => pfnText(pd?.pfn[i] as number)),
      changed: !!(flags & CHANGED_PFN),
    },
    {
      label: 'holders',
      value: was(CHANGED_HOLDERS, holdersText(d, i), () => (pd ? holdersText(pd, i) : '')),
      changed: !!(flags & CHANGED_HOLDERS),
    },
    {
      label: 'pin count',
      value: was(CHANGED_PIN, String(d.pin[i]), () => String(pd?.pin[i])),
      changed: !!(flags & CHANGED_PIN),
    },
    ...areasAt(L.answer, index),
  ];
  return { title: `page ${count(index)}`, rows, range: { lo: index, hi: index + 1 }, level: 'page' };
}

function bucketTip(L: Layer, hit: Hit, loadingDetail: boolean): Tooltip {
  const a = L.answer;
  const p = prepare(a);
  const b0 = bucketOf(p, Math.max(a.start, hit.lo));
  const b1 = Math.max(b0, bucketOf(p, Math.min(a.end, hit.hi) - 1e-9));
  const lo = p.bounds[b0] as number;
  const hi = p.bounds[b1 + 1] as number;
  const rows: TooltipRow[] = [];
  let changed = false;
  for (let t = 0; t < TIER_COUNT; t++) {
    const n = (p.cum[(b1 + 1) * TIER_COUNT + t] as number) - (p.cum[b0 * TIER_COUNT + t] as number);
    let before: number | null = null;
    const prev = L.prev && L.prev.buckets === a.buckets && L.prev.start === a.start ? prepare(L.prev) : null;
    if (prev)
      before = (prev.cum[(b1 + 1) * TIER_COUNT + t] as number) - (prev.cum[b0 * TIER_COUNT + t] as number);
    const diff = before !== null && before !== n;
    changed ||= diff;
    const pct = hi > lo ? ` (${((100 * n) / (hi - lo)).toFixed(n === hi - lo || n === 0 ? 0 : 1)}%)` : '';
    rows.push({
      label: TIER_NAMES[t] as string,
      value: diff ? `${count(before as number)} → ${count(n)}${pct}` : `${count(n)}${pct}`,
      tier: t,
      changed: diff,
    });
  }
  if (changed) rows.push({ label: 'changed', value: 'at this step', changed: true });
  if (loadingDetail) rows.push({ label: '', value: 'loading page detail…' });
  const title =
    hi - lo === 1 ? `page ${count(lo)}` : `pages ${count(lo)}–${count(hi - 1)} (${count(hi - lo)})`;
  return { title, rows, range: { lo, hi }, level: 'bucket' };
}

export function describeHit(
  l: StripLayout,
  layers: readonly Layer[],
  hit: Hit,
  loadingDetail = false,
): Tooltip | null {
  const a = l.entry.answer;
  if (hit.zone === 'header') {
    return {
      title: `pages #${a.pages}${l.entry.status === 'same' ? '' : ` (${l.entry.status} at this step)`}`,
      rows: [
        { label: 'user VA', value: `${hex(a.uptr)}–${hex(a.uptr + a.npages * PAGE_SIZE - 1)}` },
        { label: 'size', value: `${humanBytes(a.npages * PAGE_SIZE)} (${count(a.npages)} pages)` },
        { label: 'process', value: `pid ${a.pid}` },
        { label: 'npinned', value: count(a.npinned) },
        { label: 'last_npinned', value: count(a.lastNpinned) },
        { label: 'areas', value: String(a.areas.length) },
        { label: 'accesses', value: String(a.accesses.length) },
      ],
      range: null,
      level: 'other',
    };
  }
  if (hit.zone === 'access' && hit.access !== undefined) {
    const n = a.accesses[hit.access];
    if (!n) return null;
    return {
      title: `access [${n.start}, ${n.last}]`,
      rows: [
        {
          label: 'pages',
          value: `${count(n.last - n.start + 1)} (${humanBytes((n.last - n.start + 1) * PAGE_SIZE)})`,
        },
        { label: 'users', value: String(n.users) },
        { label: 'holds', value: 'pinned, PFNs in the pinned_pfns xarray' },
      ],
      range: { lo: n.start, hi: n.last + 1 },
      level: 'other',
    };
  }
  if (hit.zone === 'area' && hit.area !== undefined) {
    const r = a.areas[hit.area];
    if (!r) return null;
    const prot = `${r.prot & 1 ? 'R' : '-'}${r.prot & 2 ? 'W' : '-'}`;
    return {
      title: `area of IOAS ${r.ioas}`,
      rows: [
        { label: 'IOVA', value: `${hex(r.iova)}–${hexLast(r.iova, r.length)}` },
        { label: 'length', value: humanBytes(Number(r.length)) },
        { label: 'pages', value: `${count(r.index)}–${count(r.lastIndex)}` },
        { label: 'prot', value: prot },
        {
          label: 'storage domain',
          value: r.storageDomain === null ? 'none (no domain attached)' : String(r.storageDomain),
        },
        { label: 'access pins', value: String(r.numAccesses) },
      ],
      range: { lo: r.index, hi: r.lastIndex + 1 },
      level: 'other',
    };
  }
  if (hit.zone !== 'bar' && hit.zone !== 'ruler') return null;
  const L = layerAt(layers, hit.index);
  if (!L) return null;
  const d = L.answer.detail;
  const onePage = hit.hi - hit.lo <= 1;
  if (d && onePage && hit.index >= d.start && hit.index < d.end)
    return pageTip(L, d, hit.index, L.changes?.pages ?? null);
  return bucketTip(L, hit, loadingDetail && onePage);
}
