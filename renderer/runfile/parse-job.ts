/**
 * The parser worker's job, without the worker: parse a run file and cut the
 * result into replies (parse-protocol.ts); and the other side, putting the
 * replies back together. Pure, so tests and the synchronous fallback use it.
 */
import { parseRunFile, type SavedRun } from '../../engine/scenario/run-file';
import type { TimelineEvent } from '../../engine/scenario/timeline';
import { EVENTS_PER_REPLY, type ParseReply } from './parse-protocol';

/** The replies for one file, in order; a bad file is one 'error' reply. */
export function parseReplies(text: string, perReply = EVENTS_PER_REPLY): ParseReply[] {
  let run: SavedRun;
  try {
    run = parseRunFile(text);
  } catch (e) {
    return [{ kind: 'error', message: e instanceof Error ? e.message : String(e) }];
  }
  const events = run.timeline.events;
  const out: ParseReply[] = [
    { kind: 'head', run: { ...run, timeline: { ...run.timeline, events: [] } }, events: events.length },
  ];
  for (let i = 0; i < events.length; i += perReply) {
    const slice = events.slice(i, i + perReply);
    out.push({ kind: 'events', json: JSON.stringify(slice), count: slice.length });
  }
  out.push({ kind: 'done' });
  return out;
}

/** Puts the replies back together; `take` returns the run once 'done' arrives. */
export class RunAssembler {
  private run: SavedRun | null = null;
  /** Events received so far, and how many the file has. */
  received = 0;
  total = 0;

  /** The run when complete; throws the reader's message on 'error'. */
  take(r: ParseReply): SavedRun | null {
    switch (r.kind) {
      case 'error':
        throw new Error(r.message);
      case 'head':
        this.run = r.run;
        this.total = r.events;
        return null;
      case 'events': {
        if (this.run === null) throw new Error('run file parser: events before the head');
        // checked by the reader in the worker; JSON keeps a "__proto__" key as data, like the reader
        const events = JSON.parse(r.json) as TimelineEvent[];
        if (events.length !== r.count) throw new Error('run file parser: a slice lost events');
        const into = this.run.timeline.events;
        for (const e of events) into.push(e);
        this.received += events.length;
        return null;
      }
      case 'done':
        if (this.run === null || this.received !== this.total)
          throw new Error('run file parser: the reply ended early');
        return this.run;
    }
  }
}
