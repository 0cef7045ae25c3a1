/** Public surface of engine/worker for hosts (not the entry: that one is started as a worker). */
export * from './protocol';
export { EngineClient, type Endpoint, type RequestOptions } from './client';
export {
  createServer,
  toWireError,
  type Handler,
  type Handlers,
  type RequestContext,
  type Server,
} from './server';
