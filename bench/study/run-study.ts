/**
 * runStudy(options): the sweep (spec.ts) run on the worker pool, as a
 * StudyFile, written to `out` as JSON, Markdown, CSV and HTML. The entry of
 * `npm run bench -- study` (../study.ts) and `npx pfnlab bench`
 * (cli/commands/bench.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_VERSION } from '../../engine/version';
import type { StudyBacking, StudyFile } from '../../engine/scenario/study-file';
import { blankCell } from './blank-cell';
import { writeStudy } from './outputs/write';
import { groupLabel, runPool } from './pool';
import { makeProgress } from './progress';
import { FULL_AXES, machineFor, QUICK_AXES, repeatsFor, type GroupSpec, type StudyAxes } from './spec';

export interface StudyOptions {
  mode: 'quick' | 'full' | 'custom';
  /** Overrides of the mode's axes. */
  axes?: Partial<StudyAxes>;
  /** Layout files by name (backing `layout:NAME`); the shipped ones are found by themselves. */
  layouts?: Record<string, string>;
  workers?: number;
  /** Per group, ms (default 10 min; 2 min in quick mode). */
  timeLimitMs?: number;
  /** Repeats per group (default by size: repeatsFor). */
  repeats?: number;
  /** Output folder; nothing written when absent. */
  out?: string;
  /** An untimed warm-up run per strategy × backing and worker (default true). */
  warmUp?: boolean;
  /** Progress on stderr (default true). */
  progress?: boolean;
  log?: (s: string) => void;
}

/** The shipped layouts folder: beside the sources (bench/study/ → ../../) or the bundled CLI (dist-cli/ → ../). */
function shippedLayout(name: string): string | null {
  for (const rel of ['../../scenarios/layouts/', '../scenarios/layouts/']) {
    const p = fileURLToPath(new URL(`${rel}${name}.layout.json`, import.meta.url));
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  return null;
}

/** `layout:NAME` for a layout file path (the name its backing is known by). */
export function layoutName(path: string): string {
  return basename(path).replace(/\.layout\.json$|\.json$/, '');
}

export function studyGroups(
  axes: StudyAxes,
  quick: boolean,
  layoutTexts: Map<string, string | null>,
  repeats?: number,
  warmUp = true,
): GroupSpec[] {
  const groups: GroupSpec[] = [];
  for (const strategy of axes.strategies)
    for (const domains of axes.domains)
      for (const backing of axes.backings)
        for (const size of axes.sizes) {
          const layoutText = backing.startsWith('layout:')
            ? (layoutTexts.get(backing.slice(7)) ?? undefined)
            : undefined;
          groups.push({
            index: groups.length,
            strategy,
            domains,
            backing,
            size,
            operations: axes.operations,
            repeats: repeats ?? repeatsFor(size, quick),
            machine: machineFor(backing, size),
            ...(warmUp ? {} : { warmUp: false }),
            ...(layoutText === undefined ? {} : { layoutText }),
          });
        }
  return groups;
}

export async function runStudy(o: StudyOptions): Promise<{ study: StudyFile; files: string[] }> {
  const quick = o.mode === 'quick';
  const axes: StudyAxes = { ...(quick ? QUICK_AXES : FULL_AXES), ...o.axes };
  const t0 = performance.now();
  const texts = new Map<string, string | null>();
  for (const b of axes.backings as StudyBacking[])
    if (b.startsWith('layout:')) {
      const name = b.slice(7);
      texts.set(name, o.layouts?.[name] ?? shippedLayout(name));
    }
  const groups = studyGroups(axes, quick, texts, o.repeats, o.warmUp !== false);
  const workers = Math.max(1, o.workers ?? availableParallelism());
  const timeLimitMs = o.timeLimitMs ?? (quick ? 120_000 : 600_000);
  const progress = o.progress === false ? null : makeProgress(groups.length);
  const missing = [...texts].filter(([, t]) => t === null).map(([n]) => n);
  const cells = await runPool(
    groups.filter((g) => !(g.backing.startsWith('layout:') && g.layoutText === undefined)),
    {
      workers,
      timeLimitMs,
      onGroup: (g, _c, ms, failed) => progress?.done(groupLabel(g), ms, failed),
    },
  );
  progress?.end();
  // a layout backing whose file is not here: its cells say so
  for (const g of groups)
    if (g.backing.startsWith('layout:') && g.layoutText === undefined)
      for (const op of g.operations)
        cells.push(
          blankCell(
            g,
            op,
            'skipped',
            `no layout file ${g.backing.slice(7)}.layout.json (scenarios/layouts/, or --layout FILE)`,
          ),
        );
  const study: StudyFile = {
    format: 'pfnlab-study',
    version: 1,
    createdAt: new Date().toISOString(),
    engineVersion: ENGINE_VERSION,
    mode: o.mode,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      workers,
    },
    axes,
    cells,
    wallMs: performance.now() - t0,
    timeLimitMs,
    notes: [
      `wall: the operation alone, median of the repeats, each on a fresh machine${o.warmUp === false ? '' : ' (after one untimed warm-up run per strategy × backing and worker)'}; pagetable domains, x86_64 format.`,
      'floor: N PFNs copied between typed arrays once per target (map, unmap: once per domain; attach, detach-last: once; access-pin: the 64 MiB once), best of several, same worker, same run.',
      'operations of a group run in sequence on one machine: map, access-pin (4 × 16 MiB, then unpinned), detach-last, attach (the IOAS then holds D - 1 domains), unmap.',
      'layout:NAME: the captured layout tiled to the size (copy k shifted by k × 2^22 frames: every 2 MiB / 1 GiB phase kept).',
      ...(missing.length ? [`layouts not found: ${missing.join(', ')}`] : []),
    ],
  };
  const files = o.out === undefined ? [] : writeStudy(o.out, study);
  return { study, files };
}
