/**
 * Messages of the run-file parser worker (parse.worker.ts). The parsed run
 * comes back in pieces: the run without its events, then the events in
 * slices, so that the main thread never decodes (structured clone) the whole
 * run in one task — each message is its own task, and the UI paints between
 * them (and shows how far it got).
 */
import type { SavedRun } from '../../engine/scenario/run-file';

/** Events per reply: a slice decodes in a few ms on the main thread. */
export const EVENTS_PER_REPLY = 5000;

export interface ParseRequest {
  text: string;
}

export type ParseReply =
  /** The run with `timeline.events` empty; `events` is how many follow. */
  | { kind: 'head'; run: SavedRun; events: number }
  | { kind: 'events'; events: SavedRun['timeline']['events'] }
  | { kind: 'done' }
  /** The file does not read: the reader's message (what and where). */
  | { kind: 'error'; message: string };
