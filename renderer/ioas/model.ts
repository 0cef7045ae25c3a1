/**
 * What the IOAS view shows, derived from one step's MachineDigest: per
 * context and IOAS the areas (IOVA range as bigints and hex, the pages
 * slice, prot, storage domain, accesses), reserved and allowed ranges,
 * attached domains, accesses and their items — and the ranges of the IOVA
 * bar with its preset views. Pure (no stores).
 */
import type { MachineDigest, PagesDigest } from '../../engine/iommufd/digest';
import { formatBytes } from '../counters/format';
import { AREA_COLORS } from '../theme/palette';
import { fitView, hexLabel, type BarRange, type IovaView, type Range } from './iova-bar';

export const IOMMU_READ = 1;
export const IOMMU_WRITE = 2;

export function protText(prot: number): string {
  return `${prot & IOMMU_READ ? 'r' : '-'}${prot & IOMMU_WRITE ? 'w' : '-'}`;
}

export interface AreaRow {
  /** Stable within the IOAS at this step: `a<ioas>:<iova>`. */
  id: string;
  start: bigint;
  last: bigint;
  length: bigint;
  iovaHex: string;
  lastHex: string;
  lengthText: string;
  color: string;
  pagesId: number;
  /** PagesKey of the pages object ('' when the digest does not know it). */
  pagesKey: string;
  pagesLabel: string;
  index: number;
  lastIndex: number;
  pageOffset: number;
  prot: string;
  storageDomain: number | null;
  numAccesses: number;
  preventAccess: boolean;
}

export interface IoasModel {
  ctx: number;
  owner: number;
  id: number;
  iovaAlignment: number;
  hugePages: boolean;
  areas: AreaRow[];
  /** One row per distinct range; `owner` lists every owner, `nodes` counts reserved_itree nodes. */
  reserved: { start: bigint; last: bigint; owner: string; nodes: number; text: string }[];
  allowed: { start: bigint; last: bigint; text: string }[];
  domains: { id: number; deviceId: number; kind: string; mappedBytes: number }[];
  accesses: { id: number; needsPinPages: boolean; items: { id: number; iova: bigint; length: bigint; text: string }[] }[];
  bar: BarRange[];
  fits: { label: string; view: IovaView }[];
}

export function rangeText(start: bigint, last: bigint): string {
  return `${hexLabel(start)}–${hexLabel(last)}`;
}

export function pagesKeyOf(p: PagesDigest | undefined): string {
  return p ? `${p.pid}:${p.uptr}:${p.npages}` : '';
}

export function ioasModels(d: MachineDigest | null): IoasModel[] {
  if (!d) return [];
  const pages = new Map(d.pages.map((p) => [p.id, p]));
  const out: IoasModel[] = [];
  for (const ctx of d.contexts)
    for (const io of ctx.ioas) {
      const areas: AreaRow[] = io.areas.map((a, i) => {
        const start = BigInt(a.iova);
        const length = BigInt(a.length);
        const last = start + length - 1n;
        const p = pages.get(a.pages);
        return {
          id: `a${io.id}:${a.iova}`,
          start,
          last,
          length,
          iovaHex: hexLabel(start),
          lastHex: hexLabel(last),
          lengthText: formatBytes(length),
          color: AREA_COLORS[i % AREA_COLORS.length] as string,
          pagesId: a.pages,
          pagesKey: pagesKeyOf(p),
          pagesLabel: p ? `#${a.pages} uptr 0x${p.uptr.toString(16)}` : `#${a.pages}`,
          index: a.index,
          lastIndex: a.lastIndex,
          pageOffset: a.pageOffset,
          prot: protText(a.prot),
          storageDomain: a.storageDomain,
          numAccesses: a.numAccesses,
          preventAccess: a.preventAccess,
        };
      });
      // Several owners reserve the same range (one per attached mock domain): one row, owners listed.
      const reserved: IoasModel['reserved'] = [];
      const byRange = new Map<string, IoasModel['reserved'][number]>();
      for (const [s, l, owner] of io.reserved) {
        const k = `${s}:${l}`;
        const seen = byRange.get(k);
        if (seen) {
          seen.owner += `, ${owner}`;
          seen.nodes++;
          continue;
        }
        const start = BigInt(s);
        const last = BigInt(l);
        const row = { start, last, owner, nodes: 1, text: rangeText(start, last) };
        byRange.set(k, row);
        reserved.push(row);
      }
      const allowed = io.allowed.map(([s, l]) => {
        const start = BigInt(s);
        const last = BigInt(l);
        return { start, last, text: rangeText(start, last) };
      });
      const accesses = io.accesses.map((acc) => ({
        id: acc.id,
        needsPinPages: acc.needsPinPages,
        items: acc.items.map(([id, iova, length]) => {
          const s = BigInt(iova);
          const n = BigInt(length);
          return { id, iova: s, length: n, text: `${rangeText(s, s + n - 1n)} (${formatBytes(n)})` };
        }),
      }));
      const bar: BarRange[] = [
        ...reserved.map((r, i) => ({
          id: `r${i}`,
          start: r.start,
          last: r.last,
          kind: 'reserved' as const,
          label: `reserved ${r.text}\nowner ${r.owner}`,
        })),
        ...allowed.map((r, i) => ({
          id: `w${i}`,
          start: r.start,
          last: r.last,
          kind: 'allowed' as const,
          label: `allowed ${r.text}`,
        })),
        ...areas.map((a) => ({
          id: a.id,
          start: a.start,
          last: a.last,
          kind: 'fill' as const,
          color: a.color,
          short: `#${a.pagesId} ${a.lengthText}`,
          label:
            `area ${a.iovaHex}–${a.lastHex} (${a.lengthText})\n` +
            `pages ${a.pagesLabel} [${a.index}..${a.lastIndex}] · ${a.prot}\n` +
            `storage domain ${a.storageDomain ?? '—'} · ${a.numAccesses} access pins`,
        })),
        ...accesses.flatMap((acc) =>
          acc.items.map((it) => ({
            id: `i${acc.id}:${it.id}`,
            start: it.iova,
            last: it.iova + it.length - 1n,
            kind: 'item' as const,
            label: `access ${acc.id} item ${it.id}\n${it.text}`,
          })),
        ),
      ];
      const areaRanges: Range[] = areas.map((a) => ({ start: a.start, last: a.last }));
      const all: Range[] = [...areaRanges, ...reserved, ...allowed];
      const fits = [{ label: 'fit', view: fitView(all) }];
      if (areaRanges.length > 0) fits.push({ label: 'areas', view: fitView(areaRanges) });
      out.push({
        ctx: ctx.serial,
        owner: ctx.owner,
        id: io.id,
        iovaAlignment: io.iovaAlignment,
        hugePages: !io.disableLargePages,
        areas,
        reserved,
        allowed,
        domains: io.domains.map((dm) => ({
          id: dm.id,
          deviceId: dm.deviceId,
          kind: dm.kind,
          mappedBytes: dm.stats.mappedBytes,
        })),
        accesses,
        bar,
        fits,
      });
    }
  return out;
}
