/**
 * `--against kernel`: generated sequences (engine and model agreeing, as in
 * the model run) written as scenarios and replayed through the kernel
 * oracle's export (oracle/replay: the engine run is recorded, translated to
 * an operation script and compared with Linux's answer line by line), many
 * sequences per guest boot. On a divergence: the fuzz op it is at, both
 * results, and a shrink where every round's candidates go through one boot.
 *
 * The replay function is injected (the CLI passes oracleReplay, after SES
 * lockdown; tests pass it with a dry run or a planted engine bug).
 */
import { generateOp } from './generate';
import type { Op } from './ops';
import { FuzzRng } from './rng';
import { runOps, runSequence } from './run';
import { writeScenario } from './scenario';
import { removeRenumbered, simpler } from './shrink';

/** What this file needs of oracle/replay's OracleReport (kept structural: no import of the oracle here). */
/** A result for a log line: read results are hex of up to 1 GiB. */
export function clip(v: string, max = 160): string {
  return v.length <= max ? v : `${v.slice(0, max)}… (${v.length} characters)`;
}

export interface KernelReport {
  name: string;
  status: 'identical' | 'differs' | 'not-runnable' | 'error';
  reason?: string;
  compared: number;
  allowed: readonly unknown[];
  divergence?: {
    seq: number;
    op: string;
    line: number;
    script: string;
    engine: string;
    kernel: string;
    what: string;
  };
  notes: string[];
}

export type Replay = (items: { name: string; source: string; seed: number }[]) => Promise<KernelReport[]>;

export interface KernelDivergence {
  seed: number;
  /** The fuzz op the diverging scenario line belongs to (-1: before the first op). */
  index: number;
  op: Op | null;
  report: KernelReport;
}

export interface KernelSeq {
  seed: number;
  ops: Op[];
  source: string;
}

/** Generate one sequence for the kernel (engine and model must agree: else it is a model-run finding). */
export function kernelSequence(
  seed: number,
  nOps: number,
): KernelSeq | { seed: number; modelDivergence: string } {
  const rng = new FuzzRng(seed);
  const { report, ops } = runOps((s, i) => (i < nOps ? generateOp(s, rng, { kernel: true }) : null), {
    seed,
    fullEvery: 64,
    deepEvery: 0,
  });
  if (report.divergence)
    return {
      seed,
      modelDivergence: `op #${report.divergence.index}: ${report.divergence.engine} / ${report.divergence.model}`,
    };
  return { seed, ops, source: writeScenario(ops, report.steps, null, title(seed)) };
}

const title = (seed: number): { seed: number; title: string } => ({
  seed,
  title: `fuzz sequence for the kernel oracle, seed ${seed}`,
});

function sourceOf(ops: readonly Op[], seed: number): string {
  const r = runSequence(ops, { seed, fullEvery: 1_000_000, deepEvery: 0 });
  return writeScenario(ops, r.steps, null, title(seed));
}

/** The fuzz op index a scenario line belongs to (the `// #i` comment before it). */
export function opAtLine(source: string, line: number): number {
  const lines = source.split('\n');
  for (let l = Math.min(line, lines.length) - 1; l >= 0; l--) {
    const m = /^\/\/ #(\d+) /.exec(lines[l]);
    if (m) return Number(m[1]);
  }
  return -1;
}

export interface KernelRunResult {
  sequences: number;
  ops: number;
  /** Kernel result lines compared (oracle's count). */
  compared: number;
  identical: number;
  allowed: number;
  notRunnable: { name: string; reason: string }[];
  errors: { name: string; reason: string }[];
  modelDivergences: string[];
  divergences: KernelDivergence[];
}

/** Replay seeds [seed, seed+count) with nOps each, `perBoot` sequences per boot. */
export async function kernelRun(o: {
  seed: number;
  count: number;
  ops: number;
  perBoot: number;
  replay: Replay;
  log?: (l: string) => void;
}): Promise<KernelRunResult> {
  const res: KernelRunResult = {
    sequences: 0,
    ops: 0,
    compared: 0,
    identical: 0,
    allowed: 0,
    notRunnable: [],
    errors: [],
    modelDivergences: [],
    divergences: [],
  };
  for (let b = o.seed; b < o.seed + o.count; b += o.perBoot) {
    const batch: KernelSeq[] = [];
    for (let s = b; s < Math.min(b + o.perBoot, o.seed + o.count); s++) {
      const q = kernelSequence(s, o.ops);
      if ('modelDivergence' in q) res.modelDivergences.push(`seed ${s}: ${q.modelDivergence}`);
      else batch.push(q);
    }
    o.log?.(`boot for seeds ${b}..${b + batch.length - 1} (${batch.length} sequences)`);
    const reports = await o.replay(
      batch.map((q) => ({ name: `fuzz-seed-${q.seed}.ts`, source: q.source, seed: q.seed })),
    );
    batch.forEach((q, i) => {
      const r = reports[i];
      res.sequences++;
      res.ops += q.ops.length;
      if (!r) return void res.errors.push({ name: `fuzz-seed-${q.seed}.ts`, reason: 'no report' });
      res.compared += r.compared;
      res.allowed += r.allowed.length;
      if (r.status === 'identical') res.identical++;
      else if (r.status === 'not-runnable') res.notRunnable.push({ name: r.name, reason: r.reason ?? '' });
      else if (r.status === 'error') res.errors.push({ name: r.name, reason: r.reason ?? '' });
      else {
        const index = r.divergence ? opAtLine(q.source, r.divergence.line) : -1;
        res.divergences.push({
          seed: q.seed,
          index,
          op: index >= 0 ? (q.ops[index] ?? null) : null,
          report: r,
        });
        const dv = r.divergence;
        o.log?.(
          `  seed ${q.seed}: DIVERGENCE at fuzz op #${index} ${JSON.stringify(q.ops[index] ?? null)}` +
            (dv
              ? `: line ${dv.line} ${dv.op} (${dv.what}) script \`${dv.script}\` engine ${clip(dv.engine)} kernel ${clip(dv.kernel)}`
              : ''),
        );
      }
    });
    o.log?.(
      `  ${res.sequences} sequences, ${res.ops} ops, ${res.compared} lines compared, ${res.divergences.length} divergence(s)`,
    );
  }
  return res;
}

const sameBug = (a: KernelReport, b: KernelReport): boolean =>
  b.status === 'differs' &&
  a.divergence?.op === b.divergence?.op &&
  a.divergence?.what === b.divergence?.what;

/**
 * Delta debugging against the kernel: each round tries every candidate
 * (a chunk removed, later handles renumbered; then one op simpler) in one
 * boot and keeps the first that still differs the same way.
 */
export async function kernelShrink(
  d: KernelDivergence,
  ops: readonly Op[],
  replay: Replay,
  o: { maxBoots: number; maxPerBoot?: number; log?: (l: string) => void },
): Promise<{ ops: Op[]; source: string; report: KernelReport; boots: number }> {
  let cur = ops.slice(0, d.index + 1);
  let best = { ops: cur, source: sourceOf(cur, d.seed), report: d.report };
  let boots = 0;
  let chunk = Math.max(1, cur.length >> 1);
  const per = o.maxPerBoot ?? 64;
  while (boots < o.maxBoots) {
    const cands: Op[][] = [];
    if (chunk >= 1) for (let i = 0; i < cur.length; i += chunk) cands.push(removeRenumbered(cur, i, chunk));
    if (chunk === 1)
      for (let i = 0; i < cur.length; i++)
        for (const x of simpler(cur[i])) cands.push([...cur.slice(0, i), x, ...cur.slice(i + 1)]);
    const list = cands.filter((c) => c.length > 0).slice(0, per);
    if (list.length === 0) break;
    const items = list.map((c, i) => ({
      name: `shrink-${d.seed}-${boots}-${i}.ts`,
      source: sourceOf(c, d.seed),
      seed: d.seed,
    }));
    boots++;
    const reports = await replay(items);
    const hit = reports.findIndex((r) => sameBug(d.report, r));
    o.log?.(
      `shrink boot ${boots}: ${list.length} candidates of ${cur.length} ops, chunk ${chunk}: ${hit >= 0 ? 'smaller' : 'none'}`,
    );
    if (hit >= 0) {
      const r = reports[hit];
      const idx = r.divergence ? opAtLine(items[hit].source, r.divergence.line) : -1;
      cur = idx >= 0 ? list[hit].slice(0, idx + 1) : list[hit];
      best = { ops: cur, source: sourceOf(cur, d.seed), report: r };
      chunk = Math.min(chunk, Math.max(1, cur.length >> 1));
    } else if (chunk > 1) chunk >>= 1;
    else break;
  }
  return { ...best, boots };
}
