/**
 * `npm run oracle`: replay every bundled scenario (scenarios/*.ts) in the
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
 */
import '../engine/scenario/testing/lockdown';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: string[]): Promise<number> {
  const { oracleReplay } = await import('./replay/replay');
  const { formatReport, formatSummary, summarize } = await import('./replay/format');
  const json = argv.includes('--json');
  const dry = argv.includes('--dry-run');
  const keepAt = argv.indexOf('--keep');
  const keep = keepAt >= 0 ? argv[keepAt + 1] : undefined;
  const filters = argv.filter((a, i) => !a.startsWith('--') && (keepAt < 0 || i !== keepAt + 1));
  const dir = join(ROOT, 'scenarios');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && /^\d/.test(f))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  const items = files.map((f) => ({ name: f, source: readFileSync(join(dir, f), 'utf8') }));
  const t0 = performance.now();
  const log = json ? undefined : (l: string): void => void process.stderr.write(`${l}\n`);
  const reports = await oracleReplay(items, {
    log,
    keepText: keep !== undefined,
    dryRun: dry,
  });
  const wallMs = Math.round(performance.now() - t0);
  if (keep !== undefined) {
    mkdirSync(keep, { recursive: true });
    for (const r of reports) {
      if (r.script !== undefined) writeFileSync(join(keep, `${r.name}.script`), r.script);
      if (r.kernelOutput !== undefined) writeFileSync(join(keep, `${r.name}.out`), r.kernelOutput);
    }
  }
  const summary = summarize(reports);
  if (json) {
    process.stdout.write(`${JSON.stringify({ reports, summary, wallMs, dryRun: dry })}\n`);
  } else {
    for (const r of reports) process.stdout.write(formatReport(r));
    process.stdout.write(formatSummary(summary));
    process.stdout.write(
      `oracle: ${(wallMs / 1000).toFixed(1)} s${dry ? ' (dry run: the engine answered for the kernel)' : ''}\n`,
    );
  }
  return summary.differs + summary.errors > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`oracle: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
