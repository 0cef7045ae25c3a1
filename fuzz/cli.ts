/**
 * `npm run fuzz -- --ops N --seed S [--seeds K] [--against model|kernel] [--out DIR]`:
 * runs seeds S..S+K-1 with N generated ops each against the reference model.
 * On a divergence: prints the first diverging op (index, op, engine result,
 * model result), shrinks it and writes the failing scenario to
 * DIR/fuzz-seed-S.ts (default fuzz/found). Exit 0: no divergence, 1: a
 * divergence, 2: usage. `--against kernel` (kernel-cli.ts): the same seeds
 * replayed through the QEMU kernel oracle, `--per-boot B` sequences a boot.
 * Engine modules load lazily: the kernel run needs SES lockdown first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function usage(msg: string): never {
  process.stderr.write(
    `${msg}\nusage: npm run fuzz -- --ops N --seed S [--seeds K] [--against model|kernel [--per-boot B]] [--out DIR]\n`,
  );
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  const opt: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
    const v = argv[i + 1];
    if (v === undefined) usage(`${a} needs a value`);
    opt[a.slice(2)] = v;
    i++;
  }
  for (const k of Object.keys(opt))
    if (!['ops', 'seed', 'seeds', 'against', 'out', 'per-boot'].includes(k)) usage(`unknown option --${k}`);
  const against = opt.against ?? 'model';
  if (against !== 'model' && against !== 'kernel') usage(`--against must be model or kernel, got ${against}`);
  const num = (k: string, d: number): number => {
    const n = opt[k] === undefined ? d : Number(opt[k]);
    if (!Number.isSafeInteger(n) || n < 0) usage(`--${k} must be a non-negative integer`);
    return n;
  };
  const ops = num('ops', 1000);
  const seed = num('seed', 1);
  const seeds = Math.max(1, num('seeds', 1));
  const out = opt.out ?? join('fuzz', 'found');
  if (against === 'kernel') {
    const { kernelMain } = await import('./kernel-cli');
    return kernelMain({ ops, seed, seeds, out, perBoot: Math.max(1, num('per-boot', 40)) });
  }
  if (opt['per-boot'] !== undefined) usage('--per-boot is for --against kernel');
  const { describeDivergence, fuzz } = await import('./fuzz');
  let total = 0;
  let found = 0;
  const stats = new Map<string, number>();
  for (let s = seed; s < seed + seeds; s++) {
    const t = Date.now();
    const r = fuzz({ seed: s, ops, shrinkMs: 180_000 });
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
      mkdirSync(out, { recursive: true });
      const file = join(out, `fuzz-seed-${s}.ts`);
      writeFileSync(file, r.shrunk.scenario);
      process.stdout.write(
        `shrunk to ${r.shrunk.ops.length} op(s) in ${r.shrunk.runs} runs:\n${describeDivergence(r.shrunk.divergence)}\nscenario: ${file}\n`,
      );
    }
  }
  const reached = [...stats].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k}: ${v}`);
  process.stdout.write(`outcomes: ${reached.join(', ')}\n`);
  process.stdout.write(`${total} ops over ${seeds} seed(s), ${found} divergence(s)\n`);
  return found > 0 ? 1 : 0;
}

void main(process.argv.slice(2)).then((c) => {
  process.exitCode = c;
});
