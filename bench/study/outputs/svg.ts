/**
 * A grouped bar chart as inline SVG text (no script, no font files): groups
 * along x, one bar per series in each group, a log-10 y axis (the study's
 * figures span six decades). Missing values leave a gap.
 */
export interface BarChart {
  title: string;
  yLabel: string;
  groups: string[];
  series: string[];
  /** values[group][series], null when not measured. */
  values: (number | null)[][];
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function barChartSvg(c: BarChart): string {
  const W = 760;
  const H = 300;
  const left = 64;
  const right = 12;
  const top = 28;
  const bottom = 70;
  const pw = W - left - right;
  const ph = H - top - bottom;
  const vals = c.values.flat().filter((v): v is number => v !== null && v > 0);
  const lo = vals.length ? Math.floor(Math.log10(Math.min(...vals))) : 0;
  const hi = vals.length ? Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...vals)))) : 1;
  const y = (v: number): number => top + ph - ((Math.log10(v) - lo) / (hi - lo)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(c.title)}" font-family="sans-serif" font-size="11">`,
  );
  parts.push(
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${esc(c.title)}</text>`,
  );
  for (let e = lo; e <= hi; e++) {
    const yy = y(10 ** e);
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${left - 4}" y="${yy + 4}" text-anchor="end">${10 ** e >= 1 ? String(10 ** e) : (10 ** e).toPrecision(1)}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(14 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)} (log)</text>`,
  );
  const gw = pw / Math.max(1, c.groups.length);
  const bw = (gw * 0.8) / Math.max(1, c.series.length);
  c.groups.forEach((g, gi) => {
    const x0 = left + gi * gw + gw * 0.1;
    c.series.forEach((s, si) => {
      const v = c.values[gi]?.[si] ?? null;
      if (v === null || !(v > 0)) return;
      const yy = y(v);
      parts.push(
        `<rect x="${(x0 + si * bw).toFixed(1)}" y="${yy.toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(top + ph - yy).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(`${g}, ${s}: ${v.toPrecision(4)}`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(left + gi * gw + gw / 2).toFixed(1)}" y="${top + ph + 14}" text-anchor="middle">${esc(g)}</text>`,
    );
  });
  parts.push(`<line x1="${left}" x2="${W - right}" y1="${top + ph}" y2="${top + ph}" stroke="#333"/>`);
  c.series.forEach((s, si) => {
    const lx = left + si * 170;
    parts.push(`<rect x="${lx}" y="${H - 26}" width="10" height="10" fill="${COLORS[si % COLORS.length]}"/>`);
    parts.push(`<text x="${lx + 14}" y="${H - 17}">${esc(s)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
