/**
 * The engine worker entry, for both hosts: a Node worker thread (Electron
 * main imports it `?nodeWorker`; tests and the CLI start it with tsx, see
 * spawn-node.ts) and a browser Web Worker (the renderer's web bridge imports
 * it `?worker`).
 *
 * Order matters: SES lockdown runs first. The host port listens right away
 * (a browser drops messages that find no listener) and queues what arrives
 * while the engine loads. The engine is imported dynamically after the
 * freeze, so no bundler chunk ordering can evaluate engine code (or protocol
 * code shared with the host bundle) before it.
 */
import './lockdown';
import { findHostPort } from './host';

const port = findHostPort();
const { start } = await import('./start');
start(port);
