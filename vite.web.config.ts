/**
 * Browser mode: the same renderer as a static site (dist-web/), the engine in
 * a Web Worker behind the web bridge. `npm run dev:web` serves it with HMR.
 */
import { defineConfig } from 'vite';
import { rendererConfig } from './build/vite-renderer';

export default defineConfig(rendererConfig('dist-web'));
