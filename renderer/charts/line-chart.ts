/**
 * One uPlot line chart and its wiring: data in (aligned Float64Arrays), the
 * overlays drawn in uPlot's `draw` hook, and three gestures out — a click
 * (the x under the pointer), a drag (an x range; uPlot's drag selection with
 * setScale off, so the chart never zooms) and hover (the x under the cursor,
 * or null when it leaves).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { lineChartOptions, type LineChartSpec } from './chart-options';
import { drawOverlays, layoutOverlays, type OverlayInput } from './overlays';

export interface LineChartHandlers {
  pick(x: number): void;
  range(x0: number, x1: number): void;
  hover(x: number | null): void;
  overlay(): OverlayInput | null;
}

/** A press that moves less than this (CSS px) is a click, not a drag. */
const CLICK_SLOP = 3;

export class LineChart {
  private readonly u: uPlot;
  private downX = Number.NaN;
  /** The range shown (x units), re-placed whenever the x scale changes (a live run grows it). */
  private range: [number, number] | null = null;
  /** x of the selected step: uPlot's cursor rests there (its points mark the values) while the pointer is away. */
  private stepX: number | null = null;
  private pointerIn = false;

  constructor(
    el: HTMLElement,
    spec: LineChartSpec,
    private readonly on: LineChartHandlers,
  ) {
    const hooks: uPlot.Hooks.Arrays = {
      draw: [(u) => this.paintOverlays(u)],
      setSelect: [
        (u) => {
          if (u.select.width < CLICK_SLOP) return;
          on.range(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
        },
      ],
      setScale: [
        (_u, key) => {
          if (key === 'x') {
            this.placeRange();
            this.placeStep();
          }
        },
      ],
      setCursor: [
        (u) => {
          if (!this.pointerIn) return; // the cursor resting on the selected step, or another chart's
          const left = u.cursor.left;
          on.hover(left === undefined || left < 0 ? null : u.posToVal(left, 'x'));
        },
      ],
    };
    const stepped = uPlot.paths.stepped?.({ align: 1 });
    const empty: uPlot.AlignedData = [new Float64Array(0), ...spec.series.map(() => new Float64Array(0))];
    this.u = new uPlot(lineChartOptions(spec, stepped, hooks), empty, el);
    this.u.over.addEventListener('mousedown', this.onDown);
    this.u.over.addEventListener('mouseup', this.onUp);
    this.u.over.addEventListener('mouseenter', this.onEnter);
    this.u.over.addEventListener('mouseleave', this.onLeave);
  }

  private readonly onEnter = (): void => {
    this.pointerIn = true;
  };

  private readonly onLeave = (): void => {
    this.pointerIn = false;
    this.on.hover(null);
    // after uPlot has hidden its cursor for the leave
    queueMicrotask(() => this.placeStep());
  };

  private readonly onDown = (e: MouseEvent): void => {
    this.downX = e.clientX;
  };

  private readonly onUp = (e: MouseEvent): void => {
    if (!(Math.abs(e.clientX - this.downX) < CLICK_SLOP)) return;
    this.downX = Number.NaN;
    const rect = this.u.over.getBoundingClientRect();
    this.on.pick(this.u.posToVal(e.clientX - rect.left, 'x'));
  };

  private paintOverlays(u: uPlot): void {
    const inp = this.on.overlay();
    if (!inp) return;
    const px = this.pxRatio();
    const box = u.bbox;
    const lay = layoutOverlays(
      inp,
      box,
      (v) => u.valToPos(v, 'x', true),
      (t) => t.length * 6.4 * px + 8 * px,
    );
    drawOverlays(u.ctx, lay, box, px);
  }

  setData(x: Float64Array, ys: readonly Float64Array[]): void {
    this.u.setData([x, ...ys]);
  }

  setSize(width: number, height: number): void {
    this.u.setSize({ width: Math.max(1, Math.floor(width)), height: Math.max(1, Math.floor(height)) });
  }

  /** Repaint with the current data (the overlays changed: step, marks). */
  redraw(): void {
    this.u.redraw(false, false);
  }

  /** Show [x0, x1] as the drag selection (null hides it) without firing the range handler. */
  showRange(x0: number | null, x1: number | null = x0): void {
    this.range = x0 === null || x1 === null ? null : [Math.min(x0, x1), Math.max(x0, x1)];
    this.placeRange();
  }

  private placeRange(): void {
    const r = this.range;
    if (!r) {
      this.u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      return;
    }
    const a = Math.max(0, this.u.valToPos(r[0], 'x'));
    const b = Math.min(this.u.bbox.width / this.pxRatio(), this.u.valToPos(r[1], 'x'));
    this.u.setSelect(
      { left: a, top: 0, width: Math.max(0, b - a), height: this.u.bbox.height / this.pxRatio() },
      false,
    );
  }

  /** Rest the cursor on x (the selected step) while the pointer is not on this chart. */
  showStep(x: number | null): void {
    this.stepX = x;
    this.placeStep();
  }

  private placeStep(): void {
    if (this.pointerIn || this.stepX === null) return;
    const left = this.u.valToPos(this.stepX, 'x');
    if (!Number.isFinite(left)) return;
    this.u.setCursor({ left, top: 0 }, false);
  }

  /** Canvas pixels per CSS pixel. */
  private pxRatio(): number {
    return uPlot.pxRatio || 1;
  }

  destroy(): void {
    this.u.over.removeEventListener('mousedown', this.onDown);
    this.u.over.removeEventListener('mouseup', this.onUp);
    this.u.over.removeEventListener('mouseenter', this.onEnter);
    this.u.over.removeEventListener('mouseleave', this.onLeave);
    this.u.destroy();
  }
}
