/**
 * The fuzzer: generate (seeded, looking at the model) and run in one pass;
 * on a divergence find the exact first diverging op (a re-run with the full
 * comparison after every op), shrink, and write the scenario.
 */
import { generateOp } from './generate';
import type { CallHook } from './engine-driver';
import type { Op } from './ops';
import { FuzzRng } from './rng';
import { runOps, runSequence, type Divergence } from './run';
import { writeScenario } from './scenario';
import { shrink } from './shrink';

export interface FuzzOptions {
  seed: number;
  ops: number;
  hook?: CallHook;
  shrinkMs?: number;
}

export interface FuzzResult {
  seed: number;
  opsRun: number;
  /** The first divergence of the generated sequence (exact index). */
  divergence: Divergence | null;
  /** Outcomes per call kind ('map ok', 'map EEXIST', 'inject-fired', …): what the run reached. */
  stats: Map<string, number>;
  shrunk?: { ops: Op[]; divergence: Divergence; runs: number; scenario: string };
}

export function fuzz(o: FuzzOptions): FuzzResult {
  const rng = new FuzzRng(o.seed);
  const { report, ops } = runOps((s, i) => (i < o.ops ? generateOp(s, rng) : null), {
    seed: o.seed,
    hook: o.hook,
  });
  const stats = new Map<string, number>();
  const bump = (k: string): void => void stats.set(k, (stats.get(k) ?? 0) + 1);
  for (const st of report.steps) {
    if (st.call === null || st.outcome === null) bump('skipped');
    else bump(`${st.call.k} ${st.outcome.ok ? 'ok' : st.outcome.errno}`);
    if (st.fired) bump('fault fired');
  }
  if (report.divergence === null) return { seed: o.seed, opsRun: ops.length, divergence: null, stats };
  // the full comparison and the engine's invariants run every 16 ops, the deep
  // invariants every 64: re-run with them after every op to find the op where it first shows
  const exact =
    runSequence(ops.slice(0, report.divergence.index + 1), {
      seed: o.seed,
      hook: o.hook,
      fullEvery: 1,
      deepEvery: report.divergence.kind === 'invariants' ? 1 : undefined,
    }).divergence ?? report.divergence;
  const sh = shrink(ops, exact, { seed: o.seed, hook: o.hook }, { maxMs: o.shrinkMs ?? 60_000 });
  const final = runSequence(sh.ops, { seed: o.seed, hook: o.hook, fullEvery: 1 });
  const div = final.divergence ?? sh.divergence;
  const scenario = writeScenario(sh.ops, final.steps, div, {
    seed: o.seed,
    title: `fuzz divergence (${div.kind}) at ${div.op ? div.op.k : 'teardown'}`,
  });
  return {
    seed: o.seed,
    opsRun: ops.length,
    divergence: exact,
    stats,
    shrunk: { ...sh, divergence: div, scenario },
  };
}

const show = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? '0x' + x.toString(16) : x));

export function describeDivergence(d: Divergence): string {
  return [
    `first diverging op #${d.index}: ${d.op ? show(d.op) : '(teardown after the last op)'}`,
    d.call ? `  call:   ${show(d.call)}` : '',
    `  kind:   ${d.kind}`,
    `  engine: ${d.engine.split('\n')[0]}`,
    `  model:  ${d.model.split('\n')[0]}`,
  ]
    .filter((x) => x !== '')
    .join('\n');
}
