/**
 * Paint a laid-out bar chart (bar-layout.ts) on a 2D context already scaled
 * to CSS pixels (the component sets the devicePixelRatio transform). Colours
 * come from the theme at draw time; the component redraws on a theme change.
 */
import { themeColors } from '../theme/colors';
import type { ChartLayout } from './bar-layout';
import type { ChartData } from './chart-data';
import { strategyColor } from './colors';
import type { MetricDef } from './metrics';
import { metricTick } from './format';

/** The part of CanvasRenderingContext2D this draws with (tests pass a recorder). */
export type Ctx2D = Pick<
  CanvasRenderingContext2D,
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'font'
  | 'textAlign'
  | 'textBaseline'
  | 'fillRect'
  | 'clearRect'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'fillText'
  | 'measureText'
  | 'setLineDash'
  | 'save'
  | 'restore'
>;

export const FONT = "11px 'DejaVu Sans Mono', 'JetBrains Mono', monospace";

export function drawChart(
  ctx: Ctx2D,
  l: ChartLayout,
  d: ChartData,
  metric: MetricDef,
  size: { width: number; height: number },
  hover: { group: number; bar: number } | null,
): void {
  const c = themeColors;
  const { plot } = l;
  const bottom = plot.top + plot.height;
  ctx.fillStyle = c.bg;
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.font = FONT;
  // grid and y ticks
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of l.ticks) {
    const y = Math.round(t.y) + 0.5;
    ctx.strokeStyle = c.grid;
    ctx.beginPath();
    ctx.moveTo(plot.left, y);
    ctx.lineTo(plot.left + plot.width, y);
    ctx.stroke();
    ctx.fillStyle = c.axis;
    ctx.fillText(metricTick(t.v, metric.unit), plot.left - 6, y);
  }
  // bars
  for (const b of l.bars) {
    const color = strategyColor(b.strategy, d.strategies);
    const hot = hover !== null && hover.group === b.group && hover.bar === b.bar;
    if (b.empty) {
      ctx.fillStyle = c.faint;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText('–', b.x + b.w / 2, bottom - 2);
      continue;
    }
    ctx.fillStyle = color;
    ctx.fillRect(b.x + 1, b.y, Math.max(1, b.w - 2), Math.max(1, b.h));
    if (hot) {
      ctx.strokeStyle = c.hover;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(b.x + 0.5, bottom);
      ctx.lineTo(b.x + 0.5, b.y - 0.5);
      ctx.lineTo(b.x + b.w - 0.5, b.y - 0.5);
      ctx.lineTo(b.x + b.w - 0.5, bottom);
      ctx.stroke();
      ctx.lineWidth = 1;
    }
    if (b.whisker) {
      const [hi, lo] = b.whisker;
      const x = Math.round(b.x + b.w / 2) + 0.5;
      ctx.strokeStyle = c.strong;
      ctx.beginPath();
      ctx.moveTo(x, hi);
      ctx.lineTo(x, lo);
      ctx.moveTo(x - 3, hi);
      ctx.lineTo(x + 3, hi);
      ctx.moveTo(x - 3, lo);
      ctx.lineTo(x + 3, lo);
      ctx.stroke();
    }
  }
  // values over the bars (the median: just above its bar, on a backdrop so a whisker through it stays readable)
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  for (const b of l.bars) {
    if (b.value === null) continue;
    const text = metricTick(b.value, metric.unit);
    const tw = ctx.measureText(text).width;
    if (tw > b.w + 2) continue; // would run into its neighbours
    const y = Math.max(b.y - 3, plot.top + 10);
    ctx.fillStyle = c.labelBg;
    ctx.fillRect(b.x + b.w / 2 - tw / 2 - 2, y - 12, tw + 4, 12);
    ctx.fillStyle = c.strong;
    ctx.fillText(text, b.x + b.w / 2, y);
  }
  // the ratio's baseline (1× = iommufd, or the floor; the legend names it)
  if (l.reference !== null && metric.reference) {
    const y = Math.round(l.reference) + 0.5;
    ctx.save();
    ctx.strokeStyle = c.muted;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(plot.left, y);
    ctx.lineTo(plot.left + plot.width, y);
    ctx.stroke();
    ctx.restore();
  }
  // axis and group labels
  ctx.strokeStyle = c.axis;
  ctx.beginPath();
  ctx.moveTo(plot.left, Math.round(bottom) + 0.5);
  ctx.lineTo(plot.left + plot.width, Math.round(bottom) + 0.5);
  ctx.stroke();
  ctx.fillStyle = c.text;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const g of l.groupLabels) ctx.fillText(g.text, g.x, bottom + 7);
}
