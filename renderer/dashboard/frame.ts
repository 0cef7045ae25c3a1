/**
 * One frame of the dashboard canvas: every strip that is on screen, each
 * with its bar layers, change ticks, overlays, hover and drag selection.
 * Device pixels throughout (layout is CSS px × dpr).
 */
import { CHANGE_COLOR } from '../theme/palette';
import { CHROME, type Ctx2D } from './ctx';
import type { StripLayout } from './layout';
import { drawAccesses, drawAreas, drawHeader, drawRuler, type HeaderInfo } from './overlays';
import { rasterFor } from './raster';
import { drawLayer, type BarBox, type Layer } from './tier-strip';
import type { ViewRange } from './view';

export interface StripFrame {
  layout: StripLayout;
  view: ViewRange;
  /** Coarse to fine; the first is the full-range answer. */
  layers: Layer[];
  info: HeaderInfo;
  /** Index range under the pointer, outlined. */
  hover: { lo: number; hi: number } | null;
  /** Index range being dragged out (range zoom). */
  selection: { lo: number; hi: number } | null;
}

export interface Frame {
  /** Canvas size in CSS px, and the device pixel ratio. */
  width: number;
  height: number;
  dpr: number;
  strips: StripFrame[];
}

export function barBox(l: StripLayout, dpr: number): BarBox {
  return {
    X0: Math.round(l.x0 * dpr),
    X1: Math.round(l.x1 * dpr),
    Y: Math.round(l.barTop * dpr),
    H: Math.round(l.barH * dpr),
    tickY: Math.round((l.changeTop + 1) * dpr),
    tickH: Math.max(2, Math.round((l.barTop - l.changeTop - 1) * dpr)),
    dpr,
  };
}

function xOf(box: BarBox, view: ViewRange, i: number): number {
  return Math.round(box.X0 + ((i - view.start) / (view.end - view.start)) * (box.X1 - box.X0));
}

export function drawStrip(ctx: Ctx2D, s: StripFrame, dpr: number): void {
  const l = s.layout;
  const box = barBox(l, dpr);
  const gone = l.entry.status === 'gone';
  drawHeader(ctx, l, s.view, s.info, dpr);
  if (gone) ctx.globalAlpha = 0.35;
  // Pixels through an ImageData where the context has one (not for the translucent gone strip).
  const raster =
    !gone && 'createImageData' in ctx && 'putImageData' in ctx
      ? rasterFor(
          ctx as Ctx2D & Pick<CanvasRenderingContext2D, 'createImageData'>,
          box.X1 - box.X0,
          box.Y + box.H - box.tickY,
          box.X0,
          box.tickY,
        )
      : null;
  for (const layer of s.layers)
    drawLayer(ctx, gone ? { answer: layer.answer, changes: null } : layer, s.view, box, raster);
  ctx.globalAlpha = 1;
  if (gone) {
    ctx.strokeStyle = CHANGE_COLOR;
    ctx.lineWidth = Math.max(1, Math.round(dpr));
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.strokeRect(box.X0 + 0.5, box.Y + 0.5, box.X1 - box.X0 - 1, box.H - 1);
    ctx.setLineDash([]);
    return;
  }
  drawAccesses(ctx, l, s.view, dpr);
  drawRuler(ctx, l, s.view, dpr);
  drawAreas(ctx, l, s.view, dpr);
  if (s.selection) {
    const xa = Math.max(box.X0, xOf(box, s.view, s.selection.lo));
    const xb = Math.min(box.X1, xOf(box, s.view, s.selection.hi));
    const yb = Math.round((l.rulerTop + 14) * dpr);
    ctx.fillStyle = CHROME.veil;
    ctx.fillRect(xa, box.Y, Math.max(1, xb - xa), yb - box.Y);
    ctx.fillStyle = CHROME.hover;
    ctx.fillRect(xa, box.Y, Math.max(1, Math.round(dpr)), yb - box.Y);
    ctx.fillRect(
      Math.max(xa, xb - Math.max(1, Math.round(dpr))),
      box.Y,
      Math.max(1, Math.round(dpr)),
      yb - box.Y,
    );
  }
  if (s.hover) {
    const xa = Math.max(box.X0, xOf(box, s.view, s.hover.lo));
    const xb = Math.min(box.X1, Math.max(xa + Math.max(1, Math.round(dpr)), xOf(box, s.view, s.hover.hi)));
    ctx.strokeStyle = CHROME.hover;
    ctx.lineWidth = Math.max(1, Math.round(dpr));
    ctx.strokeRect(xa + 0.5, box.Y - 0.5, Math.max(1, xb - xa - 1), box.H + 1);
  }
}

/** Clear and draw the strips that are (at least partly) inside the canvas. */
export function drawFrame(ctx: Ctx2D, f: Frame): void {
  const W = Math.round(f.width * f.dpr);
  const H = Math.round(f.height * f.dpr);
  ctx.fillStyle = CHROME.bg;
  ctx.fillRect(0, 0, W, H);
  for (const s of f.strips) {
    const l = s.layout;
    if (l.top + l.height < 0 || l.top > f.height) continue;
    drawStrip(ctx, s, f.dpr);
    ctx.fillStyle = CHROME.border;
    ctx.fillRect(0, Math.round((l.top + l.height) * f.dpr) - 1, W, Math.max(1, Math.round(f.dpr)));
  }
}
