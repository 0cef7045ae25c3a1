/**
 * The main window's bounds and maximized state, saved to JSON in the app's
 * data folder and restored on the next start — clamped to a display that is
 * still there (a monitor unplugged since must not leave the window off-screen).
 */
import type { BrowserWindow, Rectangle, Screen } from 'electron';
import { writeFileAtomic } from './files';
import { isRecord, readJsonFile } from './json-file';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 } as const;
export const MIN_SIZE = { width: 900, height: 600 } as const;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function parseWindowState(v: unknown): WindowState | null {
  if (!isRecord(v) || !isRecord(v['bounds']) || typeof v['maximized'] !== 'boolean') return null;
  const { x, y, width, height } = v['bounds'];
  if (!isInt(x) || !isInt(y) || !isInt(width) || !isInt(height) || width <= 0 || height <= 0) return null;
  return { bounds: { x, y, width, height }, maximized: v['maximized'] };
}

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Bounds that fit the work area of the display the saved bounds overlap most
 * (else the primary display, centred): never larger than it, never outside it.
 */
export function clampToDisplay(
  saved: Rectangle | null,
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'>,
): Rectangle {
  const displays = screen.getAllDisplays();
  let best = screen.getPrimaryDisplay().workArea;
  let bestArea = 0;
  if (saved) {
    for (const d of displays) {
      const a = overlap(saved, d.workArea);
      if (a > bestArea) [best, bestArea] = [d.workArea, a];
    }
  }
  const width = Math.min(saved?.width ?? DEFAULT_SIZE.width, best.width);
  const height = Math.min(saved?.height ?? DEFAULT_SIZE.height, best.height);
  if (!saved || bestArea === 0) {
    // Off every display (or never saved): the saved size, centred on the primary display.
    return {
      x: best.x + Math.round((best.width - width) / 2),
      y: best.y + Math.round((best.height - height) / 2),
      width,
      height,
    };
  }
  const x = Math.min(Math.max(saved.x, best.x), best.x + best.width - width);
  const y = Math.min(Math.max(saved.y, best.y), best.y + best.height - height);
  return { x, y, width, height };
}

export async function loadWindowState(
  path: string,
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'>,
  log: (msg: string) => void = () => {},
): Promise<WindowState> {
  const r = await readJsonFile(path);
  const saved = r.ok ? parseWindowState(r.value) : null;
  if (!r.ok && !r.missing) log(`window state: ${r.problem}`);
  else if (r.ok && saved === null) log(`window state: ${path}: not a window state; using the default`);
  return { bounds: clampToDisplay(saved?.bounds ?? null, screen), maximized: saved?.maximized ?? false };
}

type TrackedWindow = Pick<
  BrowserWindow,
  'on' | 'getNormalBounds' | 'isMaximized' | 'isMinimized' | 'isDestroyed'
>;

/**
 * Save the window's state on every move / resize / (un)maximize, debounced,
 * and at once on close. Returns a flush for the close path and tests.
 */
export function trackWindowState(
  win: TrackedWindow,
  path: string,
  opts: { debounceMs?: number; log?: (msg: string) => void } = {},
): () => Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  const save = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (win.isDestroyed() || win.isMinimized()) return;
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
    const body = JSON.stringify(state);
    if (body === last) return;
    last = body;
    const w = await writeFileAtomic(path, body);
    if (!w.ok) opts.log?.(`window state: ${w.error.message}`);
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void save(), opts.debounceMs ?? 500);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e as 'resize', later);
  win.on('close', () => void save());
  return save;
}
