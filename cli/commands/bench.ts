/**
 * `pfnlab bench [--quick] [options]`: the offline performance study
 * (bench/study/, docs/performance.md) — the sweep of storage strategies ×
 * domains × backings × sizes × operations on a worker pool, written as
 * study.json / .md / .csv / .html. The study's modules load only here (a
 * dynamic import: its own chunk in the built CLI, which its workers start).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../args';
import { EXIT_FAIL, EXIT_OK, stdio, type Io } from './shared';

export const BENCH_HELP = `Usage: pfnlab bench [options]

Run the performance study: strategy x domains x backing x size x operation,
each cell's wall time against a floor loop measured in the same run, with
the IOMMU calls, PTE writes, pins, temporary and engine memory. Writes
study.json (the app opens it), study.md, study.csv and study.html (charts,
self-contained) to the output folder and prints the Markdown.

Options:
  --quick                  the small sweep (64 MiB, 1 and 4 domains; about a minute on 2 idle cores)
  --strategies A,B         iommufd, iommufd+batch-api, naive, vfio-type1 (default all)
  --domains 1,2,4,8        domain counts
  --backings B,C           frag-4k, contig-4k, thp, hugetlb-2m, hugetlb-1g, layout:NAME
  --sizes 64M,1G,16G       mapping sizes (multiples of 4 MiB)
  --operations O,P         map, attach, access-pin, unmap, detach-last
  --layout FILE            add a captured layout (pfnlab capture) as backing layout:NAME (repeatable)
  --workers N              worker threads (default one per core)
  --time-limit S           per group of cells, seconds (default 600; 120 with --quick)
  --repeats N              repeats per cell (default 5 / 3 / 1 by size; 2 with --quick)
  --out DIR                output folder (default a new folder in the system temp dir)
  --json                   print study.json on stdout instead of the Markdown
  --no-progress            no progress on stderr
  --help                   this text

Exit status: 0 done (cells may be skipped), 1 some cell failed, 2 usage error.
`;

export async function benchCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  if (argv.includes('--help')) {
    io.out(BENCH_HELP);
    return EXIT_OK;
  }
  const { parseStudyArgs, StudyUsageError } = await import('../../bench/study/args');
  let parsed;
  try {
    parsed = parseStudyArgs(argv, (mode) => mkdtempSync(join(tmpdir(), `pfnlab-study-${mode}-`)));
  } catch (e) {
    if (e instanceof StudyUsageError) throw new UsageError(e.message);
    throw e;
  }
  const { runStudy } = await import('../../bench/study/run-study');
  const { studyMarkdown } = await import('../../bench/study/outputs/markdown');
  const { serializeStudy } = await import('../../engine/scenario/study-file');
  const { study, files } = await runStudy(parsed.options);
  io.out(parsed.json ? serializeStudy(study) : `${studyMarkdown(study)}\n`);
  const errors = study.cells.filter((c) => c.status === 'error').length;
  const ok = study.cells.filter((c) => c.status === 'ok').length;
  io.err(
    `pfnlab bench: ${study.cells.length} cells (${ok} measured${errors ? `, ${errors} failed` : ''}) in ${(study.wallMs / 1000).toFixed(1)} s\n` +
      files.map((f) => `  wrote ${f}\n`).join(''),
  );
  return errors === 0 ? EXIT_OK : EXIT_FAIL;
}
