/**
 * Starts serving the protocol on the host port. Loaded by entry.ts only after
 * lockdown, through a dynamic import, so that no engine module (nor a chunk a
 * bundler shares with the host) is evaluated before the primordials freeze.
 */
import { handlers, versionInfo } from './handlers';
import type { HostPort } from './host';
import { createServer } from './server';

export function start(port: HostPort): void {
  const server = createServer(handlers, port.post);
  port.listen((data) => void server.handle(data));
  server.emit('ready', versionInfo());
}
