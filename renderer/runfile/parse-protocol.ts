/**
 * Messages of the run-file parser worker (parse.worker.ts). The parsed run
 * comes back in pieces: the run without its events (structured clone), then
 * the events in slices, so that the main thread never decodes the whole run
 * in one task — each message is its own task, and the UI paints between them
 * (and shows how far it got). A slice travels as the JSON text of its
 * checked events: the page's JSON.parse of it costs about a third of
 * decoding the same objects from a structured clone (bench/run-file.ts).
 */
import type { SavedRun } from '../../engine/scenario/run-file';

/** Events per reply: a slice decodes in ~15 ms on the main thread (bench/run-file.ts). */
export const EVENTS_PER_REPLY = 1000;

export interface ParseRequest {
  text: string;
}

export type ParseReply =
  /** The run with `timeline.events` empty; `events` is how many follow. */
  | { kind: 'head'; run: SavedRun; events: number }
  /** JSON text of a slice of checked events (TimelineEvent[]), in order. */
  | { kind: 'events'; json: string; count: number }
  | { kind: 'done' }
  /** The file does not read: the reader's message (what and where). */
  | { kind: 'error'; message: string };
