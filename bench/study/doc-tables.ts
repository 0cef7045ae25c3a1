/**
 * The tables of docs/performance.md from one or more study.json files (a
 * sweep run in parts, e.g. 64 MiB + 1 GiB, then 16 GiB): the summaries at 4
 * domains per size and the seed's claims, over their cells merged.
 *
 *   npx tsx bench/study/doc-tables.ts bench/results/study-64M-1G/study.json bench/results/study-16G/study.json
 */
import { readFileSync } from 'node:fs';
import { parseStudyFile, type StudyFile } from '../../engine/scenario/study-file';
import { claimsMarkdown } from './outputs/claims';
import { summaryMarkdown } from './outputs/summary';
const files = process.argv.slice(2).map((p) => parseStudyFile(readFileSync(p, 'utf8')));
const merged: StudyFile = {
  ...(files[0] as StudyFile),
  cells: files.flatMap((f) => f.cells),
  axes: {
    strategies: ['iommufd', 'iommufd+batch-api', 'naive', 'vfio-type1'],
    domains: [1, 2, 4, 8],
    backings: (files[0] as StudyFile).axes.backings,
    sizes: [...new Set(files.flatMap((f) => f.axes.sizes))].sort((a, b) => a - b),
    operations: (files[0] as StudyFile).axes.operations,
  },
};
console.log('=====SUMMARY');
for (const size of merged.axes.sizes) console.log(summaryMarkdown(merged, size, 4), '\n');
console.log('=====CLAIMS');
console.log(claimsMarkdown(merged));
