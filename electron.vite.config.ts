/**
 * Three builds: electron/main → out/main/index.js (ESM; the engine worker is
 * its own chunk through the `?nodeWorker` import), electron/preload →
 * out/preload/index.cjs (CommonJS: the window is sandboxed), renderer/ →
 * out/renderer/index.html.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './build/vite-renderer';

const at = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      rolldownOptions: {
        input: { index: at('electron/main/index.ts') },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      // Bundle everything but electron: a sandboxed preload can require nothing else.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: at('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: (() => {
    const cfg = rendererConfig('out/renderer');
    return {
      ...cfg,
      build: { ...cfg.build, rolldownOptions: { input: at('renderer/index.html') } },
    };
  })(),
});
