/**
 * `tsx oracle/guest/cli.ts COMMAND`: the runner from a shell (CI, by hand).
 *   build            ensureOracleBuilt, printing progress and the result as JSON
 *   prune            build, then delete every kernel-KEY and guest-KEY folder of the cache but the current two
 *   run FILE...      run operation scripts (the driver) in one boot; prints each output, exits 1 unless ok
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureOracleBuilt, runScripts } from './runner';

const log = (line: string) => console.error(`[oracle] ${line}`);

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'build' || cmd === 'prune') {
    const t0 = Date.now();
    const b = await ensureOracleBuilt({ log });
    console.log(JSON.stringify({ ...b, ms: Date.now() - t0 }, null, 2));
    if (cmd === 'prune') {
      const keep = new Set([basename(join(b.kernel, '..')), basename(join(b.initramfsBase, '..'))]);
      for (const name of readdirSync(b.cacheDir))
        if (/^(kernel|guest)-/.test(name) && !keep.has(name)) {
          log(`removing ${name}`);
          rmSync(join(b.cacheDir, name), { recursive: true, force: true });
        }
    }
    return 0;
  }
  if (cmd === 'run' && rest.length > 0) {
    const run = await runScripts(
      rest.map((f) => ({ name: f, text: readFileSync(f, 'utf8') })),
      { log },
    );
    for (const [name, out] of run.outputs) console.log(`=== ${name}\n${out}`);
    console.log(`boot ${run.bootMs} ms, total ${run.totalMs} ms`);
    if (!run.ok) console.error(run.error);
    return run.ok ? 0 : 1;
  }
  console.error('usage: tsx oracle/guest/cli.ts build | prune | run FILE...');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
