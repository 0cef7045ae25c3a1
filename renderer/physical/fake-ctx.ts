/**
 * A recording 2-D context for tests (happy-dom has no canvas): every path
 * filled or stroked is kept with the style it was painted in.
 */
import type { Ctx2D } from './draw';

export interface Painted {
  op: 'fill' | 'stroke' | 'fillRect' | 'strokeRect';
  style: string;
  alpha: number;
  rects: [number, number, number, number][];
}

export class RecordingCtx implements Ctx2D {
  fillStyle: string | CanvasGradient | CanvasPattern = '#000';
  strokeStyle: string | CanvasGradient | CanvasPattern = '#000';
  lineWidth = 1;
  globalAlpha = 1;
  font = '';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  textAlign: CanvasTextAlign = 'start';
  painted: Painted[] = [];
  texts: { text: string; x: number; y: number; style: string }[] = [];
  private path: [number, number, number, number][] = [];

  setTransform(): void {}
  clearRect(): void {
    this.painted = [];
    this.texts = [];
  }
  beginPath(): void {
    this.path = [];
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.path.push([x, y, w, h]);
  }
  moveTo(): void {}
  lineTo(): void {}
  fill(): void {
    this.painted.push({ op: 'fill', style: String(this.fillStyle), alpha: this.globalAlpha, rects: this.path });
  }
  stroke(): void {
    this.painted.push({ op: 'stroke', style: String(this.strokeStyle), alpha: this.globalAlpha, rects: this.path });
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.painted.push({ op: 'fillRect', style: String(this.fillStyle), alpha: this.globalAlpha, rects: [[x, y, w, h]] });
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.painted.push({ op: 'strokeRect', style: String(this.strokeStyle), alpha: this.globalAlpha, rects: [[x, y, w, h]] });
  }
  fillText(text: string, x: number, y: number): void {
    this.texts.push({ text, x, y, style: String(this.fillStyle) });
  }

  /** Rects painted in `style` by `op` ('fill' covers path fills and fillRect). */
  rectsOf(style: string, op: Painted['op'] = 'fill'): [number, number, number, number][] {
    const ops: Painted['op'][] = op === 'fill' ? ['fill', 'fillRect'] : [op];
    return this.painted.filter((p) => ops.includes(p.op) && p.style === style).flatMap((p) => p.rects);
  }
}
