/**
 * Monaco follows the app's theme. Monaco's theme is global (every editor),
 * and an editor created with a `theme` option sets it again: so the theme
 * is applied now and again after each editor is created. The two themes are
 * Monaco's 'vs' / 'vs-dark' with the editor's background set to the panel
 * colour of the app's theme.
 */
import type { ResolvedTheme } from './theme-names';
import { THEME_COLORS } from './colors';

/** The part of Monaco's API this module uses (a fake in tests). */
export interface MonacoThemeApi {
  editor: {
    defineTheme(
      name: string,
      data: { base: 'vs' | 'vs-dark'; inherit: boolean; rules: never[]; colors: Record<string, string> },
    ): void;
    setTheme(name: string): void;
    onDidCreateEditor(fn: () => void): { dispose(): void };
  };
}

export const MONACO_THEMES: Readonly<Record<ResolvedTheme, string>> = {
  light: 'pfnlab-light',
  dark: 'pfnlab-dark-ui',
};

function define(m: MonacoThemeApi): void {
  for (const t of ['light', 'dark'] as const) {
    const c = THEME_COLORS[t];
    m.editor.defineTheme(MONACO_THEMES[t], {
      base: t === 'light' ? 'vs' : 'vs-dark',
      inherit: true,
      rules: [],
      colors: {
        'editor.background': c.bg,
        'editorGutter.background': c.bg,
        'editor.lineHighlightBackground': t === 'light' ? '#f3f5f8' : '#20242b',
      },
    });
  }
}

/** Keep Monaco on `theme()`; returns the binding (apply again on a change, dispose). */
export function bindMonacoTheme(
  m: MonacoThemeApi,
  theme: () => ResolvedTheme,
): { apply(): void; dispose(): void } {
  define(m);
  const apply = (): void => m.editor.setTheme(MONACO_THEMES[theme()]);
  apply();
  const sub = m.editor.onDidCreateEditor(() => queueMicrotask(apply));
  return { apply, dispose: () => sub.dispose() };
}
