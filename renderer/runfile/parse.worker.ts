/**
 * The run-file parser's Web Worker (`./parse.worker?worker`): parseRunFile
 * off the main thread, the run posted back in pieces (parse-protocol.ts).
 * One file per worker; the page ends it after the last reply.
 */
import type { ParseReply, ParseRequest } from './parse-protocol';
import { parseReplies } from './parse-job';

/** The part of the worker's global scope used here (the page's DOM lib types `self` as a Window). */
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ParseRequest>) => void) | null;
  postMessage(r: ParseReply): void;
};

scope.onmessage = (e) => {
  for (const r of parseReplies(e.data.text)) scope.postMessage(r);
};
