import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSettings, resolveTheme, useSettingsStore } from '../stores/settings';
import { themeColors, THEME_COLORS } from './colors';
import { installTheme } from './install';
import { MONACO_THEMES, type MonacoThemeApi } from './monaco-theme';

/** A prefers-color-scheme: light query the test flips. */
function fakeMedia(light: boolean) {
  const listeners = new Set<() => void>();
  const mql = {
    matches: light,
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
  };
  return {
    mql,
    listeners,
    set(v: boolean) {
      mql.matches = v;
      for (const l of listeners) l();
    },
  };
}

function fakeMonaco() {
  const set: string[] = [];
  const defined: string[] = [];
  let created: (() => void) | null = null;
  const m: MonacoThemeApi = {
    editor: {
      defineTheme: (name) => defined.push(name),
      setTheme: (name) => set.push(name),
      onDidCreateEditor: (fn) => {
        created = fn;
        return { dispose: () => (created = null) };
      },
    },
  };
  return { m, set, defined, create: () => created?.() };
}

describe('theme', () => {
  let media: ReturnType<typeof fakeMedia>;
  beforeEach(() => {
    localStorage.clear();
    media = fakeMedia(true);
    vi.stubGlobal('matchMedia', () => media.mql);
    setActivePinia(createPinia());
  });
  afterEach(() => vi.unstubAllGlobals());

  it('resolves the setting against the system', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(parseSettings(JSON.stringify({ theme: 'light' })).theme).toBe('light');
    expect(parseSettings(JSON.stringify({ theme: 'sepia' })).theme).toBe('system');
    expect(parseSettings(null).theme).toBe('system');
  });

  it('follows a light system by default, and the system when it changes', async () => {
    const mon = fakeMonaco();
    const settings = useSettingsStore();
    const off = installTheme({ monaco: async () => mon.m });
    await flushPromises();
    expect(settings.resolvedTheme).toBe('light');
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(themeColors.bg).toBe(THEME_COLORS.light.bg);
    expect(mon.defined).toEqual([MONACO_THEMES.light, MONACO_THEMES.dark]);
    expect(mon.set.at(-1)).toBe(MONACO_THEMES.light);
    media.set(false);
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(mon.set.at(-1)).toBe(MONACO_THEMES.dark);
    expect(themeColors.bg).toBe(THEME_COLORS.dark.bg);
    off();
    expect(media.listeners.size).toBe(0);
  });

  it('a chosen theme wins over the system, and persists', async () => {
    const mon = fakeMonaco();
    const settings = useSettingsStore();
    const off = installTheme({ monaco: async () => mon.m });
    await flushPromises();
    settings.setTheme('dark');
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('dark');
    media.set(true);
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(JSON.parse(localStorage.getItem('pfnlab.settings.v1')!).theme).toBe('dark');
    // An editor created later (with its own theme option) gets the app's theme again.
    mon.set.length = 0;
    mon.create();
    await flushPromises();
    expect(mon.set).toEqual([MONACO_THEMES.dark]);
    off();
  });

  it('without Monaco (a stand-in editor) the page theme still applies', async () => {
    const off = installTheme({ monaco: async () => null });
    await flushPromises();
    expect(document.documentElement.style.colorScheme).toBe('light');
    off();
  });
});
