import { describe, expect, it } from 'vitest';
import { drawOverlays, layoutOverlays, type OverlayContext } from './overlays';
import { fakeContext, mark, span, type Recorded } from './test-fixtures';

const box = { left: 100, top: 10, width: 1000, height: 200 };
// x value v → canvas x: 100 px + 10 px per unit
const toPx = (v: number): number => 100 + v * 10;
const width = (t: string): number => t.length * 6;
const xs = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

describe('overlay layout', () => {
  it('puts marks at their event, the selected step at its point and spans as bands from the state before their first event', () => {
    const lay = layoutOverlays(
      { axis: 'seq', marks: [mark(3, 'setup')], spans: [span('map', 4, 6, {})], xs, step: 7, labels: true },
      box,
      toPx,
      width,
    );
    expect(lay.marks).toEqual([{ x: 130, label: 'setup', showLabel: true, labelX: 133 }]);
    expect(lay.step).toBe(170);
    expect(lay.bands).toEqual([{ x0: 130, x1: 160 }]);
  });

  it('uses the mark and span times on the run-time axis', () => {
    const lay = layoutOverlays(
      {
        axis: 'time',
        marks: [mark(3, 'm', 2.5)],
        spans: [{ ...span('s', 1, 2, {}), t: 4, dur: 2 }],
        xs,
        step: 0,
        labels: true,
      },
      box,
      toPx,
      width,
    );
    expect(lay.marks[0]!.x).toBe(125);
    expect(lay.bands).toEqual([{ x0: 140, x1: 160 }]);
    expect(lay.step).toBe(100);
  });

  it('hides a label that would overlap the previous one, keeps its line, and skips what is off the plot', () => {
    const lay = layoutOverlays(
      {
        axis: 'seq',
        marks: [mark(1, 'first mark'), mark(2, 'second'), mark(9, 'far'), mark(500, 'outside')],
        spans: [span('empty', 5, 4, {})],
        xs,
        step: 99,
        labels: true,
      },
      box,
      toPx,
      width,
    );
    expect(lay.marks.map((m) => [m.label, m.showLabel])).toEqual([
      ['first mark', true],
      ['second', false],
      ['far', true],
    ]);
    expect(lay.bands).toEqual([]);
    expect(lay.step).toBeNull();
  });

  it('puts a label that would not fit on the right to the left of its line', () => {
    const lay = layoutOverlays(
      { axis: 'seq', marks: [mark(99, 'compare')], spans: [], xs, step: 0, labels: true },
      box,
      toPx,
      width,
    );
    // line at 1090, plot ends at 1100: the 42 px label goes left of it
    expect(lay.marks).toEqual([{ x: 1090, label: 'compare', showLabel: true, labelX: 1045 }]);
  });

  it('draws no labels on charts below the top one', () => {
    const lay = layoutOverlays(
      { axis: 'seq', marks: [mark(1, 'a')], spans: [], xs, step: 0, labels: false },
      box,
      toPx,
      width,
    );
    expect(lay.marks).toEqual([{ x: 110, label: 'a', showLabel: false, labelX: 113 }]);
  });

  it('draws bands, dashed mark lines with labels and a solid step line', () => {
    const log: Recorded[] = [];
    const ctx = fakeContext(log) as unknown as OverlayContext;
    drawOverlays(
      ctx,
      {
        bands: [{ x0: 130, x1: 160 }],
        marks: [{ x: 130, label: 'setup', showLabel: true, labelX: 134 }],
        step: 170,
      },
      box,
      2,
    );
    const names = log.map((c) => c[0]);
    expect(log).toContainEqual(['fillRect', 130, 10, 30, 200]);
    expect(log).toContainEqual(['setLineDash', [6, 6]]);
    expect(log).toContainEqual(['fillText', 'setup', 138, 15]);
    expect((ctx as unknown as { textAlign: string }).textAlign).toBe('left');
    expect(log).toContainEqual(['moveTo', 170, 10]);
    expect(log).toContainEqual(['lineTo', 170, 210]);
    expect(names[0]).toBe('save');
    expect(names[names.length - 1]).toBe('restore');
  });
});
