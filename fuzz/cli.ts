/**
 * `npm run fuzz -- --ops N --seed S [--seeds K] [--against model|kernel] [--out DIR]`:
 * runs seeds S..S+K-1 with N generated ops each against the reference model.
 * On a divergence: prints the first diverging op (index, op, engine result,
 * model result), shrinks it and writes the failing scenario to
 * DIR/fuzz-seed-S.ts (default fuzz/found). Exit 0: no divergence, 1: a
 * divergence, 2: usage. `--against kernel` (kernel-cli.ts): the same seeds
 * replayed through the QEMU kernel oracle, `--per-boot B` sequences a boot.
 * Engine modules load lazily: the kernel run needs SES lockdown first; the
 * model run loads from an esbuild bundle (bundle.ts).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importBundled } from './bundle';

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
  // the model run is CPU-bound: an esbuild bundle of model-cli.ts, not tsx's per-module transform
  const { modelMain } = await importBundled<typeof import('./model-cli')>(
    fileURLToPath(new URL('./model-cli.ts', import.meta.url)),
    () => import('./model-cli'),
  );
  return modelMain({ ops, seed, seeds, out });
}

void main(process.argv.slice(2)).then((c) => {
  process.exitCode = c;
});
