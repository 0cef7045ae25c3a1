/**
 * Installs the theme (once, by App): the document's `data-theme` (styles.css
 * holds both themes' variables), the canvas colours (colors.ts), Monaco's
 * theme, and the `prefers-color-scheme` listener that keeps
 * `settings.systemDark` current, so theme = 'system' follows the system live.
 */
import { watch } from 'vue';
import { useSettingsStore, type ResolvedTheme } from '../stores/settings';
import { applyThemeColors } from './colors';
import { bindMonacoTheme, type MonacoThemeApi } from './monaco-theme';

/** Monaco, once the editor has loaded it (null: none, e.g. a test double of the editor). */
export type MonacoLoader = () => Promise<MonacoThemeApi | null>;

const loadMonaco: MonacoLoader = async () => {
  const mod: Record<string, unknown> = await import('../monaco/setup');
  // The editor's test doubles replace this module without Monaco.
  return 'monaco' in mod ? (mod.monaco as MonacoThemeApi) : null;
};

export function applyDocumentTheme(doc: Document, theme: ResolvedTheme): void {
  doc.documentElement.dataset.theme = theme;
  doc.documentElement.style.colorScheme = theme;
}

export function installTheme(opts: { monaco?: MonacoLoader } = {}): () => void {
  const settings = useSettingsStore();
  const media =
    typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: light)') : null;
  const onMedia = (): void => {
    settings.systemDark = !(media?.matches ?? false);
  };
  if (media) {
    onMedia();
    media.addEventListener('change', onMedia);
  }
  let monaco: { apply(): void; dispose(): void } | null = null;
  let disposed = false;
  const stop = watch(
    () => settings.resolvedTheme,
    (t) => {
      applyThemeColors(t);
      applyDocumentTheme(document, t);
      monaco?.apply();
    },
    // Sync: the colours are rewritten before any view's watcher redraws with them.
    { immediate: true, flush: 'sync' },
  );
  void (opts.monaco ?? loadMonaco)()
    .then((m) => {
      if (m && !disposed) monaco = bindMonacoTheme(m, () => settings.resolvedTheme);
    })
    .catch(() => undefined);
  return () => {
    disposed = true;
    stop();
    media?.removeEventListener('change', onMedia);
    monaco?.dispose();
  };
}
