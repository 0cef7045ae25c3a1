/**
 * What the domain view shows: every attached domain at the step, from the
 * digest (kind, device, IOAS, mapped runs with their page sizes, entries,
 * mapped and table bytes) joined with the inspect store's DomainAnswer (the
 * per-domain work counters, which digests do not hold). Pure.
 */
import type { DomainAnswer } from '../../engine/base/inspect-types';
import type { MachineDigest } from '../../engine/iommufd/digest';
import { formatBytes, formatCount } from '../counters/format';
import { fitView, hexLabel, type BarRange, type IovaView } from '../ioas/iova-bar';
import { AREA_COLORS, HUGETLB_COLOR, THP_COLOR } from '../theme/palette';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Colour of a leaf / IO page size (same size, same colour in every domain). */
export function pageSizeColor(size: number): string {
  if (size <= 2 * KiB) return AREA_COLORS[0]; // mock IO page: sky blue
  if (size <= 4 * KiB) return AREA_COLORS[3]; // 4 KiB leaf: blue
  if (size <= 2 * MiB) return THP_COLOR; // 2 MiB leaf: green
  if (size <= GiB) return HUGETLB_COLOR; // 1 GiB leaf: yellow
  return AREA_COLORS[5];
}

export function pageSizeLabel(size: number, kind: string): string {
  const s = formatBytes(size);
  return kind === 'mock' && size === 2 * KiB ? `${s} (mock IO page)` : `${s} ${kind === 'mock' ? 'IO pages' : 'leaves'}`;
}

export interface RunRow {
  start: bigint;
  last: bigint;
  length: bigint;
  pageSize: number;
  text: string;
  lengthText: string;
  pages: string;
  color: string;
}

export interface SizeTotal {
  pageSize: number;
  label: string;
  color: string;
  runs: number;
  bytes: bigint;
  pages: bigint;
}

export interface DomainModel {
  key: string;
  id: number;
  ioas: number;
  deviceId: number;
  kind: string;
  entries: number;
  mappedBytes: number;
  tableBytes: number;
  runs: RunRow[];
  sizes: SizeTotal[];
  bar: BarRange[];
  fits: { label: string; view: IovaView }[];
  /** Work counters at the step (null: not known yet). */
  stats: Record<string, number> | null;
}

function runRows(mapped: readonly [string, string, number][]): RunRow[] {
  return mapped.map(([iova, length, pageSize]) => {
    const start = BigInt(iova);
    const len = BigInt(length);
    const last = start + len - 1n;
    return {
      start,
      last,
      length: len,
      pageSize,
      text: `${hexLabel(start)}–${hexLabel(last)}`,
      lengthText: formatBytes(len),
      pages: formatCount(Number(len / BigInt(Math.max(1, pageSize)))),
      color: pageSizeColor(pageSize),
    };
  });
}

export function domainModels(d: MachineDigest | null, answer: DomainAnswer | null): DomainModel[] {
  if (!d) return [];
  const stats = new Map<string, Record<string, number>>();
  for (const a of answer?.domains ?? []) stats.set(`${a.ioas}:${a.id}`, a.stats);
  const out: DomainModel[] = [];
  for (const ctx of d.contexts)
    for (const io of ctx.ioas)
      for (const dm of io.domains) {
        const runs = runRows(dm.mapped);
        const bySize = new Map<number, SizeTotal>();
        for (const r of runs) {
          let t = bySize.get(r.pageSize);
          if (!t) {
            t = { pageSize: r.pageSize, label: pageSizeLabel(r.pageSize, dm.kind), color: r.color, runs: 0, bytes: 0n, pages: 0n };
            bySize.set(r.pageSize, t);
          }
          t.runs++;
          t.bytes += r.length;
          t.pages += r.length / BigInt(Math.max(1, r.pageSize));
        }
        const key = `${io.id}:${dm.id}`;
        out.push({
          key,
          id: dm.id,
          ioas: io.id,
          deviceId: dm.deviceId,
          kind: dm.kind,
          entries: dm.entries,
          mappedBytes: dm.stats.mappedBytes,
          tableBytes: dm.stats.tableBytes,
          runs,
          sizes: [...bySize.values()].sort((a, b) => a.pageSize - b.pageSize),
          bar: runs.map((r, i) => ({
            id: `m${i}`,
            start: r.start,
            last: r.last,
            kind: 'fill' as const,
            color: r.color,
            short: `${r.pages} × ${formatBytes(r.pageSize)}`,
            label: `${r.text} (${r.lengthText})\n${r.pages} × ${pageSizeLabel(r.pageSize, dm.kind)}`,
          })),
          fits: [{ label: 'fit', view: fitView(runs.map((r) => ({ start: r.start, last: r.last }))) }],
          stats: stats.get(key) ?? null,
        });
      }
  return out;
}

/** Work counters worth a row, in a fixed order first; sizes formatted. */
export const STAT_ORDER = [
  'mapCalls',
  'unmapCalls',
  'mapPagesCalls',
  'unmapPagesCalls',
  'ioPagesMapped',
  'ioPagesUnmapped',
  'pteWrites',
  'iotlbFlushes',
  'iovaToPhysCalls',
  'readPfnsCalls',
  'mapPfnListCalls',
  'tableBytesPeak',
];
/** Shown in the totals line instead. */
const IN_TOTALS = ['mappedBytes', 'tableBytes', 'entries'];

export function statRows(stats: Record<string, number>): { name: string; value: string; raw: number }[] {
  const names = [
    ...STAT_ORDER.filter((n) => n in stats),
    ...Object.keys(stats)
      .filter((n) => !STAT_ORDER.includes(n) && !IN_TOTALS.includes(n))
      .sort(),
  ];
  return names.map((name) => {
    const v = stats[name] as number;
    return { name, raw: v, value: /Bytes(Peak)?$/.test(name) ? formatBytes(v) : formatCount(v) };
  });
}
