/**
 * The `--against model` half of the CLI: seeds S..S+K-1, N generated ops
 * each, against the reference model; per seed a line, on a divergence the
 * first diverging op, the shrunk sequence and its scenario DIR/fuzz-seed-S.ts.
 * cli.ts runs this file from an esbuild bundle (bundle.ts), not through tsx.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeDivergence, fuzz } from './fuzz';

export function modelMain(o: { ops: number; seed: number; seeds: number; out: string }): number {
  let total = 0;
  let found = 0;
  const stats = new Map<string, number>();
  const t0 = Date.now();
  for (let s = o.seed; s < o.seed + o.seeds; s++) {
    const t = Date.now();
    const r = fuzz({ seed: s, ops: o.ops, shrinkMs: 180_000 });
    total += r.opsRun;
    for (const [k, v] of r.stats) stats.set(k, (stats.get(k) ?? 0) + v);
    if (!r.divergence) {
      process.stdout.write(`seed ${s}: ${r.opsRun} ops, no divergence (${Date.now() - t} ms)\n`);
      continue;
    }
    found++;
    process.stdout.write(
      `seed ${s}: DIVERGENCE after ${r.opsRun} ops\n${describeDivergence(r.divergence)}\n`,
    );
    if (r.shrunk) {
      mkdirSync(o.out, { recursive: true });
      const file = join(o.out, `fuzz-seed-${s}.ts`);
      writeFileSync(file, r.shrunk.scenario);
      process.stdout.write(
        `shrunk to ${r.shrunk.ops.length} op(s) in ${r.shrunk.runs} runs:\n${describeDivergence(r.shrunk.divergence)}\nscenario: ${file}\n`,
      );
    }
  }
  const reached = [...stats].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k}: ${v}`);
  process.stdout.write(`outcomes: ${reached.join(', ')}\n`);
  const secs = (Date.now() - t0) / 1000;
  process.stdout.write(
    `${total} ops over ${o.seeds} seed(s), ${found} divergence(s), ${secs.toFixed(1)} s (${Math.round(total / Math.max(secs, 0.001))} ops/s)\n`,
  );
  return found > 0 ? 1 : 0;
}
