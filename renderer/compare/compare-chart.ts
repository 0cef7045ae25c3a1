/**
 * One uPlot chart of the Compare tab: the charts tab's options
 * (charts/chart-options.ts) with each counter drawn twice, the pinned run's
 * line dashed, gaps spanned (the two runs' x positions interleave), and the
 * compared step as a line (charts/overlays.ts). A click hands back the x.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { lineChartOptions, type LineChartSpec } from '../charts/chart-options';
import { drawOverlays, layoutOverlays } from '../charts/overlays';
import type { Aligned } from './chart-data';

export interface CompareChartSpec extends Omit<LineChartSpec, 'axis' | 'syncKey'> {
  /** Per series: dashed (the pinned run's). */
  dashed: readonly boolean[];
}

/** Dash pattern of the pinned run's lines, CSS px. */
export const PINNED_DASH = [6, 4];

export function compareChartOptions(
  spec: CompareChartSpec,
  paths: uPlot.Series.PathBuilder | undefined,
  hooks: uPlot.Hooks.Arrays,
): uPlot.Options {
  const opts = lineChartOptions({ ...spec, axis: 'seq', syncKey: 'pfnlab-compare' }, paths, hooks);
  opts.series = opts.series.map((s, i) => {
    if (i === 0) return s;
    const dashed = spec.dashed[i - 1] === true;
    // two lines per counter: no fills, whatever the count
    const { fill: _fill, ...rest } = s;
    void _fill;
    return { ...rest, spanGaps: true, ...(dashed ? { dash: PINNED_DASH } : {}) };
  });
  return opts;
}

export class CompareChart {
  private readonly u: uPlot;
  private step = 0;
  private xs = new Float64Array(0);
  private downX = Number.NaN;

  constructor(
    el: HTMLElement,
    spec: CompareChartSpec,
    private readonly pick: (x: number) => void,
  ) {
    const hooks: uPlot.Hooks.Arrays = { draw: [(u) => this.paintStep(u)] };
    const stepped = uPlot.paths.stepped?.({ align: 1 });
    const empty: uPlot.AlignedData = [[], ...spec.series.map(() => [])];
    this.u = new uPlot(compareChartOptions(spec, stepped, hooks), empty, el);
    this.u.over.addEventListener('mousedown', this.onDown);
    this.u.over.addEventListener('mouseup', this.onUp);
  }

  private readonly onDown = (e: MouseEvent): void => {
    this.downX = e.clientX;
  };

  private readonly onUp = (e: MouseEvent): void => {
    if (!(Math.abs(e.clientX - this.downX) < 3)) return;
    const rect = this.u.over.getBoundingClientRect();
    this.pick(this.u.posToVal(e.clientX - rect.left, 'x'));
  };

  private paintStep(u: uPlot): void {
    const px = uPlot.pxRatio || 1;
    const lay = layoutOverlays(
      { axis: 'seq', marks: [], spans: [], xs: this.xs, step: this.step, labels: false },
      u.bbox,
      (v) => u.valToPos(v, 'x', true),
      (t) => t.length * 6.4 * px,
    );
    drawOverlays(u.ctx, lay, u.bbox, px);
  }

  setData(d: Aligned): void {
    this.u.setData([d.x, ...d.ys] as uPlot.AlignedData);
  }

  /** The compared step (an event index: x = step). */
  setStep(step: number): void {
    this.step = step;
    if (this.xs.length <= step) {
      this.xs = new Float64Array(Math.max(step + 1, this.xs.length * 2));
      for (let i = 0; i < this.xs.length; i++) this.xs[i] = i;
    }
    this.u.redraw(false, false);
  }

  setSize(width: number, height: number): void {
    this.u.setSize({ width: Math.max(1, Math.floor(width)), height: Math.max(1, Math.floor(height)) });
  }

  destroy(): void {
    this.u.over.removeEventListener('mousedown', this.onDown);
    this.u.over.removeEventListener('mouseup', this.onUp);
    this.u.destroy();
  }
}
