/**
 * The part of CanvasRenderingContext2D the dashboard draws with: a real
 * canvas context satisfies it, and tests pass a recording fake (happy-dom
 * has no 2D canvas).
 */
import { themeColors, type ThemeColors } from '../theme/colors';

export type Ctx2D = Pick<
  CanvasRenderingContext2D,
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'font'
  | 'textAlign'
  | 'textBaseline'
  | 'globalAlpha'
  | 'fillRect'
  | 'strokeRect'
  | 'clearRect'
  | 'fillText'
  | 'measureText'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'save'
  | 'restore'
  | 'rect'
  | 'clip'
  | 'setLineDash'
>;

/** Colours of the canvas chrome: the current theme's (theme/colors.ts, read at draw time). */
export const CHROME: Readonly<ThemeColors> = themeColors;

export const UI_FONT = "'Inter', 'Segoe UI', 'DejaVu Sans', system-ui, sans-serif";
export const MONO_FONT = "'JetBrains Mono', 'Fira Code', 'DejaVu Sans Mono', monospace";
