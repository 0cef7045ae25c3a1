/**
 * `npm run bench`: runs every benchmark module in this folder (or the ones
 * named on the command line: `npm run bench -- mm iommu`). Each module exports
 * `run(args): Promise<void>` and prints its own figures and ratios. Options
 * after the names go to the modules (`npm run bench -- study --quick`); a
 * module's `suiteArgs` are what it gets when it runs as part of the whole
 * suite (study: --quick). Benchmarks assert nothing about time: machines are
 * noisy; the figures are for people.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  run(args?: readonly string[]): Promise<void>;
  suiteArgs?: readonly string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const firstOption = argv.findIndex((a) => a.startsWith('--'));
const wanted = firstOption < 0 ? argv : argv.slice(0, firstOption);
const options = firstOption < 0 ? [] : argv.slice(firstOption);
const names = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

for (const name of names) {
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as BenchModule;
  console.log(`\n=== bench: ${name} ===`);
  const t0 = performance.now();
  await mod.run(wanted.length === 0 && options.length === 0 ? (mod.suiteArgs ?? []) : options);
  console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
