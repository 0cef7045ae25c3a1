/**
 * The engine worker entry, for both hosts: a Node worker thread (Electron
 * main imports it `?nodeWorker`; tests and the CLI start it with tsx) and a
 * browser Web Worker (the renderer's web bridge imports it `?worker`).
 *
 * Order matters: ./lockdown is imported first so SES freezes the primordials
 * before any engine module is evaluated.
 */
import './lockdown';
import { handlers, versionInfo } from './handlers';
import { findHostPort } from './host';
import { createServer } from './server';

const port = findHostPort();
const server = createServer(handlers, port.post);
port.listen((data) => void server.handle(data));
server.emit('ready', versionInfo());
