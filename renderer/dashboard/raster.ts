/**
 * Pixel fills of a tier bar. A bar frame is thousands of small rectangles
 * (four tiers per pixel column at worst); canvas fillRect costs microseconds
 * each in a software-rendered canvas, so bars are filled into an ImageData
 * (TypedArray.fill per row) and put once. `ctxFill` is the same interface
 * over fillRect (tests with a recording context, translucent "gone" strips).
 */
import type { Ctx2D } from './ctx';

export interface Fill {
  /** Fill [x, x + w) × [y, y + h) (device px, canvas coordinates) with `color` (#rrggbb). */
  rect(x: number, y: number, w: number, h: number, color: string): void;
}

export function ctxFill(ctx: Ctx2D): Fill {
  return {
    rect(x, y, w, h, color) {
      ctx.fillStyle = color;
      ctx.fillRect(x, y, w, h);
    },
  };
}

const packed = new Map<string, number>();

/** #rrggbb as an opaque RGBA pixel in the platform's (little-endian) byte order. */
export function pixelOf(color: string): number {
  let v = packed.get(color);
  if (v === undefined) {
    const n = parseInt(color.slice(1, 7), 16);
    v = ((0xff << 24) | ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff)) >>> 0;
    packed.set(color, v);
  }
  return v;
}

/** Minimal ImageData: what a Raster writes into (a real ImageData in the browser). */
export interface PixelBuffer {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export class Raster implements Fill {
  readonly px: Uint32Array;
  /** Canvas position of the buffer's top-left pixel. */
  x0 = 0;
  y0 = 0;

  constructor(readonly img: PixelBuffer) {
    this.px = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
  }

  get width(): number {
    return this.img.width;
  }

  get height(): number {
    return this.img.height;
  }

  rect(x: number, y: number, w: number, h: number, color: string): void {
    const W = this.img.width;
    const xa = Math.max(0, Math.round(x - this.x0));
    const xb = Math.min(W, Math.round(x + w - this.x0));
    const ya = Math.max(0, Math.round(y - this.y0));
    const yb = Math.min(this.img.height, Math.round(y + h - this.y0));
    if (xb <= xa || yb <= ya) return;
    const v = pixelOf(color);
    const px = this.px;
    if (xb - xa <= 8) {
      // Narrow (a pixel column): plain stores beat a fill() call per row.
      for (let r = ya; r < yb; r++) {
        const o = r * W;
        for (let x = xa; x < xb; x++) px[o + x] = v;
      }
      return;
    }
    for (let r = ya; r < yb; r++) px.fill(v, r * W + xa, r * W + xb);
  }
}

let cached: Raster | null = null;

/** A raster of at least w × h px for `ctx` (reused between frames and strips), placed at (x0, y0). */
export function rasterFor(
  ctx: Ctx2D & Pick<CanvasRenderingContext2D, 'createImageData'>,
  w: number,
  h: number,
  x0: number,
  y0: number,
): Raster {
  if (!cached || cached.width !== w || cached.height < h) cached = new Raster(ctx.createImageData(w, h));
  cached.x0 = x0;
  cached.y0 = y0;
  return cached;
}
