/**
 * parseRunFile off the main thread: a dedicated Web Worker (parse.worker.ts)
 * parses and posts the run back in pieces; `onProgress` hears the share of
 * events received. Where there is no Worker (tests in happy-dom), or the
 * worker cannot start, the same job runs here, synchronously. A bad file
 * rejects with the reader's message either way.
 */
import type { SavedRun } from '../../engine/scenario/run-file';
import { parseReplies, RunAssembler } from './parse-job';
import type { ParseReply, ParseRequest } from './parse-protocol';
import ParseWorker from './parse.worker?worker';

/** The part of a DOM Worker used here (tests pass fakes). */
export interface ParserWorkerLike {
  postMessage(m: ParseRequest): void;
  onmessage: ((e: MessageEvent<ParseReply>) => void) | null;
  onerror: ((e: Event) => void) | null;
  terminate(): void;
}

export type ParserWorkerFactory = () => ParserWorkerLike;

function defaultFactory(): ParserWorkerFactory | null {
  return typeof Worker === 'undefined' ? null : () => new ParseWorker() as unknown as ParserWorkerLike;
}

let factory: ParserWorkerFactory | null | undefined;

/** Tests: the worker to use (null: parse synchronously); undefined: back to the default. */
export function setParserWorkerFactory(f: ParserWorkerFactory | null | undefined): void {
  factory = f;
}

/** On the calling thread (the fallback). */
export function parseHere(text: string): SavedRun {
  const asm = new RunAssembler();
  for (const r of parseReplies(text)) {
    const run = asm.take(r);
    if (run !== null) return run;
  }
  throw new Error('run file parser: no reply');
}

export function parseRunFileOffThread(text: string, onProgress?: (share: number) => void): Promise<SavedRun> {
  const make = factory === undefined ? defaultFactory() : factory;
  if (make === null) return Promise.resolve().then(() => parseHere(text));
  let w: ParserWorkerLike;
  try {
    w = make();
  } catch {
    return Promise.resolve().then(() => parseHere(text));
  }
  return new Promise<SavedRun>((resolve, reject) => {
    const asm = new RunAssembler();
    const end = (): void => {
      w.onmessage = null;
      w.onerror = null;
      w.terminate();
    };
    w.onmessage = (e) => {
      let run: SavedRun | null;
      try {
        run = asm.take(e.data);
      } catch (err) {
        end();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (run !== null) {
        end();
        resolve(run);
      } else if (asm.total > 0) onProgress?.(asm.received / asm.total);
    };
    // the worker did not load (or died): parse here rather than not at all
    w.onerror = (e) => {
      e.preventDefault();
      end();
      try {
        resolve(parseHere(text));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    w.postMessage({ text });
  });
}
