/**
 * A compact view of a study for people: per operation, one row per backing,
 * one column per strategy — wall ms and the ratio to iommufd — at one size
 * and domain count. study.md opens with it; docs/performance.md quotes it.
 */
import type { StudyFile } from '../../../engine/scenario/study-file';
import { sizeLabel } from '../spec';
import { fmtMs, fmtRatio, ratio } from './ratios';

export function summaryMarkdown(f: StudyFile, size: number, domains: number): string {
  const cells = f.cells.filter((c) => c.status === 'ok' && c.size === size && c.domains === domains);
  if (cells.length === 0) return '';
  const strategies = f.axes.strategies.filter((s) => cells.some((c) => c.strategy === s));
  const out: string[] = [`Wall ms (× iommufd; × floor), ${sizeLabel(size)}, ${domains} domains:`, ''];
  for (const op of f.axes.operations) {
    const rows = f.axes.backings
      .map((b) => {
        const base = cells.find((c) => c.operation === op && c.backing === b && c.strategy === 'iommufd');
        const vals = strategies.map((s) => {
          const c = cells.find((x) => x.operation === op && x.backing === b && x.strategy === s);
          if (!c) return '';
          const vsBase = s === 'iommufd' ? '' : ` (${fmtRatio(base ? ratio(c.wallMs, base.wallMs) : null)})`;
          return `${fmtMs(c.wallMs)}${vsBase}; ${fmtRatio(ratio(c.wallMs, c.floorMs))}`;
        });
        return vals.some((v) => v !== '') ? `| ${op} | ${b} | ${vals.join(' | ')} |` : '';
      })
      .filter((r) => r !== '');
    if (rows.length === 0) continue;
    if (out.length === 2)
      out.push(
        `| operation | backing | ${strategies.join(' | ')} |`,
        `|${[0, 1, ...strategies].map(() => ' --- ').join('|')}|`,
      );
    out.push(...rows);
  }
  return out.join('\n');
}
