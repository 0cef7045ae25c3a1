/**
 * The study as one self-contained HTML file: inline CSS, charts as inline
 * SVG (svg.ts), the full table; no script, no external font, image or
 * style sheet, so it opens anywhere offline and can be mailed as is.
 * Charts: per operation, wall time and × floor by backing and strategy at
 * the largest size and domain count measured, and the IOMMU driver calls
 * (map, unmap, iova→phys, batch) of the same cells.
 */
import type { StudyCell, StudyFile } from '../../../engine/scenario/study-file';
import { sizeLabel } from '../spec';
import { MD_COLUMNS, cellColumns, cellOrder, leakyGroups } from './markdown';
import { baselineKey, baselines, ratio } from './ratios';
import { barChartSvg, esc } from './svg';

function chartsFor(f: StudyFile, op: string): string[] {
  const ok = f.cells.filter((c) => c.operation === op && c.status === 'ok');
  if (ok.length === 0) return [];
  const out: string[] = [];
  const sizes = [...new Set(ok.map((c) => c.size))].sort((a, b) => a - b);
  const domains = Math.max(...ok.map((c) => c.domains));
  for (const size of sizes) {
    const at = ok.filter((c) => c.size === size && c.domains === domains);
    if (at.length === 0) continue;
    const backings = f.axes.backings.filter((b) => at.some((c) => c.backing === b));
    const strategies = f.axes.strategies.filter((s) => at.some((c) => c.strategy === s));
    const get = (b: string, s: string): StudyCell | undefined =>
      at.find((c) => c.backing === b && c.strategy === s);
    const values = (fn: (c: StudyCell) => number): (number | null)[][] =>
      backings.map((b) =>
        strategies.map((s) => {
          const c = get(b, s);
          return c === undefined ? null : fn(c);
        }),
      );
    const where = `${op}, ${sizeLabel(size)}, ${domains} domain${domains > 1 ? 's' : ''}`;
    out.push(
      barChartSvg({
        title: `wall time: ${where}`,
        yLabel: 'ms',
        groups: backings,
        series: strategies,
        values: values((c) => c.wallMs),
      }),
    );
    out.push(
      barChartSvg({
        title: `× floor: ${where}`,
        yLabel: 'wall / floor',
        groups: backings,
        series: strategies,
        values: values((c) => ratio(c.wallMs, c.floorMs) ?? 0),
      }),
    );
    out.push(
      barChartSvg({
        title: `IOMMU driver calls (map + unmap + iova→phys + readPfns + mapPfnList): ${where}`,
        yLabel: 'calls',
        groups: backings,
        series: strategies,
        values: values((c) => {
          const k = c.counters;
          return (
            k.iommuMapCalls + k.iommuUnmapCalls + k.iovaToPhysCalls + k.readPfnsCalls + k.mapPfnListCalls
          );
        }),
      }),
    );
  }
  return out;
}

function tableRow(c: StudyCell, base: StudyCell | undefined): string {
  const cells = cellColumns(c, base);
  return `<tr>${cells.map((x, i) => `<td${i >= 4 ? ' class="n"' : ''}>${esc(x)}</td>`).join('')}</tr>`;
}

export function studyHtml(f: StudyFile): string {
  const base = baselines(f.cells);
  const order = cellOrder(f.axes);
  const body: string[] = [];
  body.push(`<h1>PFN Lab performance study (${esc(f.mode)})</h1>`);
  body.push(
    `<p>${esc(f.createdAt)} · engine ${esc(f.engineVersion)} · ${esc(f.machine.cpuModel)} (${f.machine.cpus} CPUs, ${f.machine.workers} workers) · Node ${esc(f.machine.node)} · ${f.cells.length} cells in ${(f.wallMs / 1000).toFixed(1)} s</p>`,
  );
  if (f.notes?.length) body.push(`<ul>${f.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  const leaky = leakyGroups(f.cells);
  if (leaky.length)
    body.push(
      `<h2>Leaks after the sequence (teardownCheck)</h2><ul>${leaky
        .map(([l, w]) => `<li><b>${esc(l)}</b>: ${esc(w.join('; '))}</li>`)
        .join('')}</ul>`,
    );
  for (const op of f.axes.operations) {
    body.push(`<h2>${esc(op)}</h2>`);
    body.push(`<div class="charts">${chartsFor(f, op).join('')}</div>`);
    const cells = f.cells.filter((c) => c.operation === op).sort(order);
    const ok = cells.filter((c) => c.status === 'ok');
    if (ok.length)
      body.push(
        `<table><thead><tr>${MD_COLUMNS.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${ok
          .map((c) => tableRow(c, base.get(baselineKey(c))))
          .join('')}</tbody></table>`,
      );
    const rest = cells.filter((c) => c.status !== 'ok');
    if (rest.length)
      body.push(
        `<details><summary>${rest.length} cells not measured</summary><ul>${rest
          .map(
            (c) =>
              `<li>${esc(`${c.strategy} ${c.domains}d ${c.backing} ${sizeLabel(c.size)}: ${c.status}: ${c.reason ?? ''}`)}</li>`,
          )
          .join('')}</ul></details>`,
      );
  }
  const css =
    'body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;font-size:12px;margin:.5em 0 1.5em}' +
    'th,td{border:1px solid #ccc;padding:2px 6px}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}' +
    '.charts svg{margin:4px;border:1px solid #eee}';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>PFN Lab study (${esc(f.mode)})</title><style>${css}</style></head><body>${body.join('\n')}</body></html>\n`;
}
