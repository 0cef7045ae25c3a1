/**
 * Command-line parsing for pfnlab: `--flag`, `--opt value`, `--opt=value`,
 * positionals, and `--` to end options. Errors are UsageError (exit 2).
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** Boolean switches, e.g. 'json', 'check'. */
  flags: readonly string[];
  /** Options that take a value: name → kind. */
  values: Readonly<Record<string, 'string' | 'number' | 'int'>>;
}

export interface Parsed {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string | number>;
}

/** Edit distance (options are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let x = 1; x <= a.length; x++) {
    const row = [x];
    for (let y = 1; y <= b.length; y++) {
      const sub = (prev[y - 1] as number) + (a[x - 1] === b[y - 1] ? 0 : 1);
      row.push(Math.min((prev[y] as number) + 1, (row[y - 1] as number) + 1, sub));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** ` (did you mean --seed?)` for a misspelled option: the one option at most 2 edits away. */
function didYouMean(name: string, spec: OptionSpec): string {
  const near = [...spec.flags, ...Object.keys(spec.values)].filter((o) => distance(name, o) <= 2);
  return near.length === 1 ? ` (did you mean --${near[0]}?)` : '';
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): Parsed {
  const out: Parsed = { positional: [], flags: new Set(), values: new Map() };
  let i = 0;
  while (i < argv.length) {
    const a = argv[i++] as string;
    if (a === '--') {
      out.positional.push(...argv.slice(i));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      if (a.startsWith('-') && a.length > 1) throw new UsageError(`unknown option ${a}`);
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.flags.add(name);
      continue;
    }
    const kind = spec.values[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}${didYouMean(name, spec)}`);
    const raw: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[i++];
    if (raw === undefined || raw === '') throw new UsageError(`--${name} needs a value`);
    if (kind === 'string') {
      out.values.set(name, raw);
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || (kind === 'int' && !Number.isSafeInteger(n))) {
      throw new UsageError(
        `--${name} must be a non-negative ${kind === 'int' ? 'integer' : 'number'}, got ${raw}`,
      );
    }
    out.values.set(name, n);
  }
  return out;
}

export function numberOpt(p: Parsed, name: string): number | undefined {
  const v = p.values.get(name);
  return typeof v === 'number' ? v : undefined;
}

export function stringOpt(p: Parsed, name: string): string | undefined {
  const v = p.values.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Exactly one positional FILE. */
export function oneFile(p: Parsed, command: string): string {
  if (p.positional.length !== 1) {
    throw new UsageError(
      `${command} takes exactly one FILE (got ${p.positional.length}); see pfnlab ${command} --help`,
    );
  }
  return p.positional[0] as string;
}
