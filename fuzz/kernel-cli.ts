/**
 * The `--against kernel` half of the CLI: SES lockdown (the oracle's engine
 * runs are scenario runs), then kernelRun through oracle/replay's
 * oracleReplay, one boot per `perBoot` sequences; on a divergence the report,
 * a shrink against the kernel (each round one boot) and the scenario
 * DIR/fuzz-kernel-seed-S.ts, which `pfnlab oracle FILE` reports as differing.
 */
import '../engine/scenario/testing/lockdown';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clip, kernelRun, kernelSequence, kernelShrink, type Replay } from './kernel';

const show = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? '0x' + x.toString(16) : x));

export async function kernelMain(o: {
  ops: number;
  seed: number;
  seeds: number;
  out: string;
  perBoot: number;
}): Promise<number> {
  const { oracleReplay } = await import('../oracle/replay/replay');
  const dry = process.env.PFNLAB_FUZZ_KERNEL_DRY === '1';
  const replay: Replay = (items) => oracleReplay(items, { dryRun: dry });
  const log = (l: string): void => void process.stderr.write(`${l}\n`);
  const t0 = Date.now();
  const r = await kernelRun({ seed: o.seed, count: o.seeds, ops: o.ops, perBoot: o.perBoot, replay, log });
  const w = process.stdout;
  for (const x of r.modelDivergences) w.write(`model divergence (run --against model to shrink it): ${x}\n`);
  for (const x of r.errors) w.write(`error: ${x.name}: ${x.reason}\n`);
  for (const x of r.notRunnable) w.write(`not kernel-runnable: ${x.name}: ${x.reason}\n`);
  const first = r.divergences[0];
  if (first) {
    const dv = first.report.divergence;
    w.write(
      `seed ${first.seed}: KERNEL DIVERGENCE at fuzz op #${first.index} ${first.op ? show(first.op) : ''}\n` +
        (dv
          ? `  line ${dv.line} ${dv.op}: ${dv.what}\n  script: ${dv.script}\n  engine: ${clip(dv.engine)}\n  kernel: ${clip(dv.kernel)}\n`
          : ''),
    );

    const q = kernelSequence(first.seed, o.ops);
    if ('ops' in q) {
      const sh = await kernelShrink(first, q.ops, replay, { maxBoots: 12, log });
      mkdirSync(o.out, { recursive: true });
      const file = join(o.out, `fuzz-kernel-seed-${first.seed}.ts`);
      writeFileSync(file, sh.source);
      const d2 = sh.report.divergence;
      w.write(
        `shrunk to ${sh.ops.length} op(s) in ${sh.boots} boot(s)${d2 ? `: line ${d2.line} ${d2.op}: engine ${clip(d2.engine)}, kernel ${clip(d2.kernel)}` : ''}\nscenario: ${file} (pfnlab oracle ${file})\n`,
      );
    }
  }
  w.write(
    `${r.ops} ops in ${r.sequences} sequence(s) against the kernel${dry ? ' (DRY RUN: the engine answered)' : ''}: ` +
      `${r.identical} identical, ${r.compared} result lines compared, ${r.allowed} allow-listed, ` +
      `${r.notRunnable.length} not runnable, ${r.errors.length} error(s), ${r.divergences.length} divergence(s), ` +
      `${r.modelDivergences.length} model divergence(s) (${Date.now() - t0} ms)\n`,
  );
  return r.divergences.length + r.errors.length + r.modelDivergences.length > 0 ? 1 : 0;
}
