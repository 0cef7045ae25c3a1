/**
 * The light and dark themes exist twice — CSS variables (renderer/styles.css)
 * for the DOM, renderer/theme/colors.ts for canvas code — and must agree.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { THEME_COLORS, type ThemeColors } from '../../renderer/theme/colors';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const css = readFileSync(join(root, 'renderer/styles.css'), 'utf8');

/** The custom properties of one rule of styles.css. */
function vars(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  expect(start).toBeGreaterThanOrEqual(0);
  const body = css.slice(start, css.indexOf('}', start));
  return new Map([...body.matchAll(/(--[a-z0-9-]+):\s*([^;]+);/g)].map((m) => [m[1] as string, (m[2] as string).trim()]));
}

/** colors.ts field → the CSS variable holding the same colour. */
const SAME: [keyof ThemeColors, string][] = [
  ['page', '--bg'],
  ['bg', '--panel'],
  ['bar', '--panel-2'],
  ['border', '--border'],
  ['text', '--text'],
  ['muted', '--muted'],
  ['faint', '--faint'],
  ['strong', '--strong'],
  ['accent', '--accent'],
  ['hover', '--highlight'],
  ['freeFrame', '--free-frame'],
  ['usedFrame', '--used-frame'],
  ['unpinned', '--unpinned'],
];

describe('theme colours', () => {
  it('the canvas colours equal the CSS variables of both themes', () => {
    const dark = vars(':root');
    const light = vars(":root[data-theme='light']");
    for (const [field, v] of SAME) {
      expect([field, dark.get(v)]).toEqual([field, THEME_COLORS.dark[field]]);
      expect([field, light.get(v)]).toEqual([field, THEME_COLORS.light[field]]);
    }
    // Every variable of the dark theme is redefined by the light one.
    expect([...dark.keys()].filter((k) => !light.has(k))).toEqual([]);
  });

});
