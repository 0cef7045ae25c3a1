import { describe, expect, it } from 'vitest';
import { TIER_BOTH, TIER_DOMAIN, TIER_NONE, TIER_XARRAY } from '../../engine/base/inspect-types';
import { TIER_COLORS } from '../theme/palette';
import { compareAnswers } from './changes';
import { pixelOf, Raster } from './raster';
import { makeAnswer, recordingCtx } from './test-fixtures';
import { drawLayer, type BarBox } from './tier-strip';

const box: BarBox = { X0: 10, X1: 810, Y: 26, H: 30, tickY: 20, tickH: 4, dpr: 1 };

function buffer(w: number, h: number) {
  return { width: w, height: h, data: new Uint8ClampedArray(w * h * 4) };
}

describe('raster fills', () => {
  it('packs #rrggbb as opaque RGBA bytes', () => {
    const r = new Raster(buffer(1, 1));
    r.rect(0, 0, 1, 1, '#56b4e9');
    expect([...r.img.data]).toEqual([0x56, 0xb4, 0xe9, 255]);
    expect(pixelOf('#000000') >>> 24).toBe(255);
  });

  it("draws the same pixels as the fillRect path, and puts only the layer's columns", () => {
    const before = makeAnswer({ npages: 1 << 20, buckets: 2048, runs: [[0, 9000, TIER_DOMAIN]] });
    const after = makeAnswer({
      npages: 1 << 20,
      buckets: 2048,
      runs: [
        [0, 9000, TIER_DOMAIN],
        [9000, 9100, TIER_BOTH],
        [400000, 400001, TIER_XARRAY],
      ],
    });
    const layer = { answer: after, changes: compareAnswers(after, before) };
    const view = { start: 0, end: 1 << 20 };
    // fillRect path, rasterized by hand
    const rec = recordingCtx();
    drawLayer(rec, layer, view, box);
    const ref = new Raster(buffer(800, 36));
    ref.x0 = 10;
    ref.y0 = 20;
    for (const o of rec.rects()) ref.rect(...(o.args as [number, number, number, number]), o.fillStyle);
    // raster path
    const puts: number[][] = [];
    const ctx = Object.assign(recordingCtx(), {
      putImageData: (_img: unknown, ...a: number[]) => puts.push(a),
    });
    const r = new Raster(buffer(800, 36));
    r.x0 = 10;
    r.y0 = 20;
    drawLayer(ctx, layer, view, box, r);
    expect(ctx.rects()).toHaveLength(0);
    expect([...r.px]).toEqual([...ref.px]);
    expect(puts).toEqual([[10, 20, 0, 0, 800, 36]]);
    // The bar's middle row: domain at the left, grey far right.
    const row = (26 + 15 - 20) * 800;
    expect(r.px[row + 1]).toBe(pixelOf(TIER_COLORS[TIER_DOMAIN] as string));
    expect(r.px[row + 790]).toBe(pixelOf(TIER_COLORS[TIER_NONE] as string));
  });
});
