/**
 * `npm run oracle`: replay every bundled scenario (scenarios/*.ts) and every
 * fuzzer regression (fuzz/found/fuzz-*.ts) in the
 * real kernel, all in one guest boot, and print per scenario identical /
 * differs / not kernel-runnable with the reason, then a summary with the
 * number of operations compared. Exit 1 on an unexplained divergence or an
 * error, 0 otherwise.
 *
 *   npm run oracle                    # all bundled scenarios
 *   npm run oracle -- 01 17           # those whose file name contains 01 or 17
 *   npm run oracle -- --json          # one JSON object { reports, summary, wallMs }
 *   npm run oracle -- --dry-run       # no guest: the engine answers for the kernel (checks the translation)
 *   npm run oracle -- --keep DIR      # write each script and driver output to DIR
 *   npm run oracle -- --seed N        # machine seed of every engine run
 *
 * `--file PATH` (what `pfnlab oracle FILE` runs, in a process of its own so
 * that SES lockdown never touches the CLI's): that one scenario; `--json`
 * then prints its report alone, `--script` the script sent, and the exit
 * status is 0 only when it replayed identical.
 */
import '../engine/scenario/testing/lockdown';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Args {
  json: boolean;
  dry: boolean;
  script: boolean;
  keep?: string;
  seed?: number;
  file?: string;
  filters: string[];
}

function parse(argv: string[]): Args {
  const a: Args = { json: false, dry: false, script: false, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i] as string;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${x} needs a value`);
      return v;
    };
    if (x === '--json') a.json = true;
    else if (x === '--dry-run') a.dry = true;
    else if (x === '--script') a.script = true;
    else if (x === '--keep') a.keep = next();
    else if (x === '--file') a.file = next();
    else if (x === '--seed') a.seed = Number(next());
    else if (x.startsWith('--')) throw new Error(`unknown option ${x}`);
    else a.filters.push(x);
  }
  return a;
}

async function main(argv: string[]): Promise<number> {
  const { oracleReplay } = await import('./replay/replay');
  const { formatReport, formatSummary, summarize } = await import('./replay/format');
  const a = parse(argv);
  let items: { name: string; source: string; seed?: number }[];
  if (a.file !== undefined) {
    items = [{ name: basename(a.file), source: readFileSync(a.file, 'utf8'), seed: a.seed }];
  } else {
    // the bundled scenarios, then the regressions the fuzzer found (fuzz/found/)
    const pick = (dir: string, re: RegExp): { name: string; source: string; seed?: number }[] =>
      readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith('.ts') && re.test(f))
        .filter((f) => a.filters.length === 0 || a.filters.some((x) => f.includes(x)))
        .sort()
        .map((f) => ({ name: f, source: readFileSync(join(ROOT, dir, f), 'utf8'), seed: a.seed }));
    items = [...pick('scenarios', /^\d/), ...pick(join('fuzz', 'found'), /^fuzz-/)];
  }
  const t0 = performance.now();
  const log = a.json ? undefined : (l: string): void => void process.stderr.write(`${l}\n`);
  const reports = await oracleReplay(items, {
    log,
    keepText: a.keep !== undefined || a.script || (a.json && a.file !== undefined),
    dryRun: a.dry,
  });
  const wallMs = Math.round(performance.now() - t0);
  if (a.keep !== undefined) {
    mkdirSync(a.keep, { recursive: true });
    for (const r of reports) {
      if (r.script !== undefined) writeFileSync(join(a.keep, `${r.name}.script`), r.script);
      if (r.kernelOutput !== undefined) writeFileSync(join(a.keep, `${r.name}.out`), r.kernelOutput);
    }
  }
  if (a.file !== undefined) {
    const r = reports[0];
    if (!r) return 1;
    if (a.json) process.stdout.write(`${JSON.stringify({ ...r, wallMs, dryRun: a.dry })}\n`);
    else {
      if (a.script && r.script !== undefined) process.stdout.write(r.script);
      process.stdout.write(formatReport(r));
    }
    return r.status === 'identical' ? 0 : 1;
  }
  const summary = summarize(reports);
  if (a.json) {
    process.stdout.write(`${JSON.stringify({ reports, summary, wallMs, dryRun: a.dry })}\n`);
  } else {
    for (const r of reports) process.stdout.write(formatReport(r));
    process.stdout.write(formatSummary(summary));
    process.stdout.write(
      `oracle: ${(wallMs / 1000).toFixed(1)} s${a.dry ? ' (dry run: the engine answered for the kernel)' : ''}\n`,
    );
  }
  return summary.differs + summary.errors > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`oracle: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
