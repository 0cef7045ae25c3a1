/**
 * The engine worker entry, for both hosts: a Node worker thread (Electron
 * main imports it `?nodeWorker`; tests and the CLI start it with tsx, see
 * spawn-node.ts) and a browser Web Worker (the renderer's web bridge imports
 * it `?worker`).
 *
 * Order matters: SES lockdown runs first; everything else is imported
 * dynamically after it, so no bundler chunk ordering can evaluate engine
 * code (or protocol code shared with the host bundle) before the freeze.
 */
import './lockdown';

const { start } = await import('./start');
start();
