/**
 * The theme names, apart from the settings store so that pure theme modules
 * (colors.ts, read by a Node-side test too) need no store and no DOM types.
 */
export type ThemeSetting = 'system' | 'light' | 'dark';
export type ResolvedTheme = 'light' | 'dark';
