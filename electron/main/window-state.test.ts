import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Rectangle } from 'electron';
import { clampToDisplay, loadWindowState, parseWindowState, trackWindowState } from './window-state';

vi.mock('electron', () => ({}));

const screenOf = (...areas: Rectangle[]) => ({
  getAllDisplays: () => areas.map((workArea) => ({ workArea })) as never,
  getPrimaryDisplay: () => ({ workArea: areas[0]! }) as never,
});
const fhd = { x: 0, y: 0, width: 1920, height: 1080 };
const right = { x: 1920, y: 0, width: 1280, height: 1024 };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pfnlab-winstate-'));
});

describe('window state', () => {
  it('restores bounds that are on a display', () => {
    const b = { x: 100, y: 50, width: 1200, height: 800 };
    expect(clampToDisplay(b, screenOf(fhd, right))).toEqual(b);
    const onRight = { x: 2000, y: 100, width: 1000, height: 700 };
    expect(clampToDisplay(onRight, screenOf(fhd, right))).toEqual(onRight);
  });

  it('centres on the primary display when the saved display is gone', () => {
    expect(clampToDisplay({ x: 2000, y: 100, width: 1000, height: 700 }, screenOf(fhd))).toEqual({
      x: 460,
      y: 190,
      width: 1000,
      height: 700,
    });
    expect(clampToDisplay(null, screenOf(fhd))).toEqual({ x: 260, y: 90, width: 1400, height: 900 });
  });

  it('moves a partly visible window inside and shrinks one larger than the display', () => {
    expect(clampToDisplay({ x: 1500, y: -200, width: 1000, height: 700 }, screenOf(fhd))).toEqual({
      x: 920,
      y: 0,
      width: 1000,
      height: 700,
    });
    expect(clampToDisplay({ x: 10, y: 10, width: 3000, height: 2000 }, screenOf(fhd))).toEqual(fhd);
  });

  it('parses only well-formed state; a corrupt file gives the default, reported', async () => {
    expect(parseWindowState({ bounds: { x: 1, y: 2, width: 3, height: 4 }, maximized: true })).toEqual({
      bounds: { x: 1, y: 2, width: 3, height: 4 },
      maximized: true,
    });
    expect(parseWindowState({ bounds: { x: 1, y: 2, width: -3, height: 4 }, maximized: true })).toBeNull();
    expect(parseWindowState({ bounds: { x: 1, y: 2, width: 3, height: 4 } })).toBeNull();
    const p = join(dir, 'window-state.json');
    await writeFile(p, 'not json');
    const log: string[] = [];
    await expect(loadWindowState(p, screenOf(fhd), (m) => log.push(m))).resolves.toEqual({
      bounds: { x: 260, y: 90, width: 1400, height: 900 },
      maximized: false,
    });
    expect(log).toHaveLength(1);
  });

  it('saves the normal bounds and maximized on close, and debounced on move; restores them', async () => {
    const p = join(dir, 'window-state.json');
    const on = new Map<string, () => void>();
    let bounds = { x: 10, y: 20, width: 1000, height: 700 };
    let maximized = false;
    const win = {
      on: (e: string, fn: () => void) => on.set(e, fn),
      getNormalBounds: () => bounds,
      isMaximized: () => maximized,
      isMinimized: () => false,
      isDestroyed: () => false,
    };
    vi.useFakeTimers();
    try {
      trackWindowState(win as never, p, { debounceMs: 100 });
      on.get('move')?.();
      await vi.advanceTimersByTimeAsync(150);
    } finally {
      vi.useRealTimers();
    }
    await vi.waitFor(async () => expect(JSON.parse(await readFile(p, 'utf8')).bounds).toEqual(bounds));
    bounds = { x: 30, y: 40, width: 1100, height: 800 };
    maximized = true;
    on.get('close')?.();
    await vi.waitFor(async () =>
      expect(JSON.parse(await readFile(p, 'utf8'))).toEqual({ bounds, maximized: true }),
    );
    await expect(loadWindowState(p, screenOf(fhd))).resolves.toEqual({ bounds, maximized: true });
  });
});
