/**
 * `npm run bench -- study [--quick] [options]`: the offline performance
 * study (bench/study/, docs/performance.md). Writes study.{json,md,csv,html}
 * to --out (default bench/results/study-MODE/, not committed) and prints the
 * Markdown table. Options: bench/study/args.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseStudyArgs, StudyUsageError } from './study/args';
import { runStudy } from './study/run-study';

export async function run(args: readonly string[] = []): Promise<void> {
  let parsed;
  try {
    parsed = parseStudyArgs(args, (mode) =>
      fileURLToPath(new URL(`./results/study-${mode}/`, import.meta.url)),
    );
  } catch (e) {
    if (!(e instanceof StudyUsageError)) throw e;
    console.error(`bench study: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  const { study, files } = await runStudy(parsed.options);
  const md = files.find((f) => f.endsWith('.md'));
  if (md) console.log(readFileSync(md, 'utf8'));
  const ok = study.cells.filter((c) => c.status === 'ok').length;
  console.log(`study: ${study.cells.length} cells (${ok} measured) in ${(study.wallMs / 1000).toFixed(1)} s`);
  for (const f of files) console.log(`  wrote ${f}`);
  // a cell that failed or leaked fails the run (CI runs --quick)
  const bad = study.cells.filter((c) => c.status === 'error' || (c.warnings?.length ?? 0) > 0);
  for (const c of bad.slice(0, 10))
    console.error(
      `study: ${c.strategy} × ${c.domains} × ${c.backing} × ${c.size} × ${c.operation}: ${c.status === 'error' ? (c.reason ?? 'error') : (c.warnings ?? []).join('; ')}`,
    );
  if (bad.length > 0) {
    console.error(`study: ${bad.length} cell(s) failed or leaked`);
    process.exitCode = 1;
  }
}

/** In the whole suite (`npm run bench` with no names) the study runs quick. */
export const suiteArgs = ['--quick'];
