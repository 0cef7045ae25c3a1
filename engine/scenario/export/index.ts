/** A run's exports shared by the CLI and the app: per-op counter CSV, Chrome/Perfetto trace. */
export { toCsv } from './csv';
export { toTrace, type TraceEvent, type TraceFile } from './trace';
export type { ExportableRun } from './types';
