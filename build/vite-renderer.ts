/**
 * Vite settings shared by the two renderer builds: the Electron renderer
 * (electron.vite.config.ts → out/renderer/) and the browser-mode static site
 * (vite.web.config.ts → dist-web/). Same app; only the LabApi behind it differs.
 */
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import type { Plugin, UserConfig } from 'vite';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const rendererRoot = fileURLToPath(new URL('../renderer', import.meta.url));

/**
 * The CSP of the built renderer as a <meta> tag (the Electron app also sends
 * it as a header). Not in dev: the dev server needs its HMR socket. Monaco
 * needs inline styles; nothing needs eval; workers come from 'self'.
 */
export const RENDERER_CSP = [
  `default-src 'none'`,
  `script-src 'self'`,
  `style-src 'self' 'unsafe-inline'`,
  `img-src 'self' data:`,
  `font-src 'self' data:`,
  `worker-src 'self' blob:`,
  `connect-src 'self'`,
  `base-uri 'none'`,
  `form-action 'none'`,
  `object-src 'none'`,
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'pfnlab:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export function rendererConfig(outDir: string): UserConfig {
  return {
    root: rendererRoot,
    base: './',
    plugins: [vue(), cspMeta()],
    worker: { format: 'es' },
    server: { fs: { allow: [root] } },
    // Pre-bundle up front what the app and its workers load, so the dev server does
    // not discover dependencies at run time and reload the page (and restart the engine).
    optimizeDeps: { include: ['vue', 'pinia', 'monaco-editor', 'ses', 'sucrase'] },
    build: {
      outDir: fileURLToPath(new URL(`../${outDir}`, import.meta.url)),
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 8000,
      reportCompressedSize: false,
    },
  };
}
