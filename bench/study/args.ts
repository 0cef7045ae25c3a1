/**
 * The study's command-line options, shared by `npm run bench -- study` and
 * `npx pfnlab bench`: --quick, --strategies a,b, --domains 1,2, --backings
 * thp,frag-4k, --sizes 64M,1G, --operations map,unmap, --workers N,
 * --time-limit SECONDS (per group), --repeats N, --out DIR, --layout FILE
 * (repeatable: adds backing layout:NAME). Throws Error with a usage message.
 */
import { readFileSync } from 'node:fs';
import {
  STUDY_OPERATIONS,
  STUDY_STRATEGIES,
  STUDY_SYNTHETIC_BACKINGS,
  type StudyBacking,
  type StudyOperation,
  type StudyStrategy,
} from '../../engine/scenario/study-file';
import { layoutName, type StudyOptions } from './run-study';
import { FULL_AXES, GiB, MiB, QUICK_AXES, type StudyAxes } from './spec';

export class StudyUsageError extends Error {}

export const STUDY_FLAGS = ['quick', 'json', 'no-progress'] as const;
export const STUDY_VALUES = [
  'strategies',
  'domains',
  'backings',
  'sizes',
  'operations',
  'workers',
  'time-limit',
  'repeats',
  'out',
  'layout',
] as const;

function list<T extends string>(raw: string, allowed: readonly T[] | null, what: string): T[] {
  const xs = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (xs.length === 0) throw new StudyUsageError(`--${what} needs at least one value`);
  if (allowed !== null)
    for (const x of xs)
      if (!(allowed as readonly string[]).includes(x))
        throw new StudyUsageError(`--${what}: ${x} is not one of ${allowed.join(', ')}`);
  return xs as T[];
}

function size(s: string): number {
  const m = /^(\d+)([MG])(iB)?$/i.exec(s);
  if (!m) throw new StudyUsageError(`--sizes: ${s} is not a size like 64M or 16G`);
  const v = Number(m[1]) * ((m[2] as string).toUpperCase() === 'G' ? GiB : MiB);
  if (v < 4 * MiB || v % (4 * MiB) !== 0)
    throw new StudyUsageError(`--sizes: ${s} must be a multiple of 4 MiB`);
  return v;
}

function posInt(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new StudyUsageError(`--${what} must be a positive integer, got ${raw}`);
  return n;
}

export interface ParsedStudyArgs {
  options: StudyOptions;
  json: boolean;
}

/** Parse `--name value`, `--name=value` and the flags above. */
export function parseStudyArgs(
  argv: readonly string[],
  defaultOut: (mode: string) => string,
): ParsedStudyArgs {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new StudyUsageError(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if ((STUDY_FLAGS as readonly string[]).includes(name)) {
      flags.add(name);
      continue;
    }
    if (!(STUDY_VALUES as readonly string[]).includes(name))
      throw new StudyUsageError(`unknown option --${name}`);
    const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined || v === '') throw new StudyUsageError(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), v]);
  }
  const one = (n: string): string | undefined => values.get(n)?.at(-1);
  const quick = flags.has('quick');
  const axes: Partial<StudyAxes> = {};
  const base = quick ? QUICK_AXES : FULL_AXES;
  const layouts: Record<string, string> = {};
  for (const path of values.get('layout') ?? []) {
    try {
      layouts[layoutName(path)] = readFileSync(path, 'utf8');
    } catch (e) {
      throw new StudyUsageError(
        `--layout: cannot read ${path} (${(e as { code?: string }).code ?? String(e)})`,
      );
    }
  }
  const s = one('strategies');
  if (s) axes.strategies = list<StudyStrategy>(s, STUDY_STRATEGIES, 'strategies');
  const d = one('domains');
  if (d) axes.domains = list<string>(d, null, 'domains').map((x) => posInt(x, 'domains'));
  const b = one('backings');
  if (b) {
    const bs = list<string>(b, null, 'backings');
    for (const x of bs)
      if (!(STUDY_SYNTHETIC_BACKINGS as readonly string[]).includes(x) && !/^layout:.+/.test(x))
        throw new StudyUsageError(
          `--backings: ${x} is not one of ${STUDY_SYNTHETIC_BACKINGS.join(', ')} or layout:NAME`,
        );
    axes.backings = bs as StudyBacking[];
  }
  const extra = Object.keys(layouts).map((n) => `layout:${n}` as StudyBacking);
  if (extra.length) axes.backings = [...new Set([...(axes.backings ?? base.backings), ...extra])];
  const z = one('sizes');
  if (z) axes.sizes = list<string>(z, null, 'sizes').map(size);
  const op = one('operations');
  if (op) axes.operations = list<StudyOperation>(op, STUDY_OPERATIONS, 'operations');
  const custom = Object.keys(axes).length > 0 && !(Object.keys(axes).length === 1 && extra.length && !b);
  const mode = custom ? 'custom' : quick ? 'quick' : 'full';
  const w = one('workers');
  const t = one('time-limit');
  const r = one('repeats');
  const options: StudyOptions = {
    mode,
    axes,
    layouts,
    out: one('out') ?? defaultOut(mode),
    progress: !flags.has('no-progress'),
    ...(w === undefined ? {} : { workers: posInt(w, 'workers') }),
    ...(t === undefined ? {} : { timeLimitMs: posInt(t, 'time-limit') * 1000 }),
    ...(r === undefined ? {} : { repeats: posInt(r, 'repeats') }),
  };
  if (quick && mode === 'custom') options.mode = 'custom';
  return { options, json: flags.has('json') };
}
