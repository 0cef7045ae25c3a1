import { afterEach, describe, expect, it } from 'vitest';
import { applyThemeColors, THEME_COLORS, themeColors } from './colors';
import { THEME as CHART_THEME } from '../charts/chart-options';
import { OVERLAY_COLORS } from '../charts/overlays';
import { CHROME } from '../dashboard/ctx';
import { mixColor } from '../physical/frames';
import { AREA_COLORS, FRAME_COLORS, HIGHLIGHT_COLOR, rgb, TIER_COLORS } from './palette';

function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

describe('theme colours', () => {
  afterEach(() => applyThemeColors('dark'));

  it('text stays legible on the panels of both themes', () => {
    for (const t of ['dark', 'light'] as const) {
      const c = THEME_COLORS[t];
      expect(contrast(c.text, c.bg)).toBeGreaterThan(7);
      expect(contrast(c.muted, c.bg)).toBeGreaterThan(4.5);
      expect(contrast(c.muted, c.bar)).toBeGreaterThan(4.5);
      expect(contrast(c.faint, c.bg)).toBeGreaterThan(2.5);
      expect(contrast(c.hover, c.bg)).toBeGreaterThan(10);
      // A free frame differs from the canvas, and pinned data from free frames.
      expect(contrast(c.freeFrame, c.bg)).toBeGreaterThan(1.1);
      expect(contrast(TIER_COLORS[2], c.freeFrame)).toBeGreaterThan(1.5);
      expect(contrast(c.accessInk, c.bg)).toBeGreaterThan(3.5);
    }
    // Area / IOAS colours label brackets and bars: each must read on the panel.
    for (const t of ['dark', 'light'] as const) {
      applyThemeColors(t);
      for (const a of AREA_COLORS) expect([t, a, contrast(a, THEME_COLORS[t].bg) > 2.2]).toEqual([t, a, true]);
    }
  });

  it('switching rewrites the live colours and the neutral palette entries in place', () => {
    const tiers = TIER_COLORS;
    applyThemeColors('light');
    expect(themeColors.text).toBe(THEME_COLORS.light.text);
    expect(TIER_COLORS).toBe(tiers);
    expect(TIER_COLORS[0]).toBe(THEME_COLORS.light.unpinned);
    expect(TIER_COLORS[1]).toBe('#56b4e9');
    expect(FRAME_COLORS[0]).toBe(THEME_COLORS.light.freeFrame);
    expect(HIGHLIGHT_COLOR).toBe(THEME_COLORS.light.hover);
    applyThemeColors('dark');
    expect(themeColors.bg).toBe('#181b20');
    expect(HIGHLIGHT_COLOR).toBe('#ffffff');
  });

  it('every canvas view reads the current theme: dashboard chrome, physical mixes, chart axes and overlays', () => {
    applyThemeColors('dark');
    expect(mixColor(1, 0, 0)).toEqual(rgb(THEME_COLORS.dark.freeFrame));
    expect([CHROME.bg, CHART_THEME.axis, OVERLAY_COLORS.markText]).toEqual([
      THEME_COLORS.dark.bg,
      THEME_COLORS.dark.axis,
      THEME_COLORS.dark.text,
    ]);
    applyThemeColors('light');
    // The physical view's cached rgb of the frame states follows the switch.
    expect(mixColor(1, 0, 0)).toEqual(rgb(THEME_COLORS.light.freeFrame));
    expect(mixColor(0, 1, 0)).toEqual(rgb(THEME_COLORS.light.usedFrame));
    expect([CHROME.bg, CHROME.text, CHART_THEME.axis, CHART_THEME.grid, OVERLAY_COLORS.step]).toEqual([
      THEME_COLORS.light.bg,
      THEME_COLORS.light.text,
      THEME_COLORS.light.axis,
      THEME_COLORS.light.grid,
      THEME_COLORS.light.hover,
    ]);
  });
});
