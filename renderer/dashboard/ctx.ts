/**
 * The part of CanvasRenderingContext2D the dashboard draws with: a real
 * canvas context satisfies it, and tests pass a recording fake (happy-dom
 * has no 2D canvas).
 */
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

/** Colours of the canvas chrome (the CSS theme's, styles.css). */
export const CHROME = {
  bg: '#181b20',
  bar: '#1e2228',
  border: '#2a2f37',
  text: '#d7dbe0',
  muted: '#8a929d',
  faint: '#5c636d',
  hover: '#ffffff',
} as const;

export const UI_FONT = "'Inter', 'Segoe UI', 'DejaVu Sans', system-ui, sans-serif";
export const MONO_FONT = "'JetBrains Mono', 'Fira Code', 'DejaVu Sans Mono', monospace";
