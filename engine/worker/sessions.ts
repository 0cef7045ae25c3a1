/**
 * The worker's memory of finished runs, for `inspect`: the last few runs as
 * sessions keyed by a runId this worker assigns (source, options, digests,
 * the digest index of every event, the final machine), and a small LRU of
 * machines replayed to a past step. A runId this worker does not hold (it
 * restarted, or the session was evicted) is ESTALE: the app runs the
 * scenario again with `stopAfter` to recreate it.
 */
import type { EngineMachine } from '../scenario/engine-types';
import type { Json } from '../scenario/facade/values';

/** What a replay needs to rebuild the state at any step. */
export interface ReplaySpec {
  source: string;
  fileName?: string;
  seed?: number;
  /** RunParams.strategy of the run (already validated); undefined → the default machine. */
  strategy?: string;
}

export interface Session {
  runId: number;
  spec: ReplaySpec;
  /** Last event of the run (its final state is the state after it). */
  lastSeq: number;
  /** Stored digests, and the digest index after each event (index seq - 1; -1: none). */
  digests: Json[];
  eventDigest: Int32Array;
  /** The machine at lastSeq; null once dropped to stay within the byte budget. */
  machine: EngineMachine | null;
}

export const SESSIONS = 4;
export const REPLAYS = 2;
/** Frame-metadata bytes of retained machines (final and replayed) before the oldest are dropped. */
export const RETAINED_BYTES = 256 << 20;

export function staleError(runId: number): Error {
  return Object.assign(
    new Error(`run ${runId} is not held by this engine (restarted or evicted): run it again`),
    {
      errno: 'ESTALE',
    },
  );
}

const bytesOf = (m: EngineMachine | null): number => (m === null ? 0 : (m.retainedBytes?.() ?? 0));

export class SessionStore {
  private nextId = 1;
  /** Insertion order = age (Map iteration order); re-inserted when used. */
  private readonly sessions = new Map<number, Session>();
  private readonly replays = new Map<string, EngineMachine>();

  constructor(
    private readonly maxSessions = SESSIONS,
    private readonly maxReplays = REPLAYS,
    private readonly maxBytes = RETAINED_BYTES,
  ) {}

  add(s: Omit<Session, 'runId'>): Session {
    const session: Session = { ...s, runId: this.nextId++ };
    this.sessions.set(session.runId, session);
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value as number;
      this.drop(oldest);
    }
    this.trim();
    return session;
  }

  get(runId: number): Session {
    const s = this.sessions.get(runId);
    if (s === undefined) throw staleError(runId);
    this.sessions.delete(runId);
    this.sessions.set(runId, s);
    return s;
  }

  has(runId: number): boolean {
    return this.sessions.has(runId);
  }

  replayed(runId: number, step: number): EngineMachine | undefined {
    const k = `${runId}:${step}`;
    const m = this.replays.get(k);
    if (m !== undefined) {
      this.replays.delete(k);
      this.replays.set(k, m);
    }
    return m;
  }

  keepReplay(runId: number, step: number, m: EngineMachine): void {
    this.replays.set(`${runId}:${step}`, m);
    while (this.replays.size > this.maxReplays)
      this.replays.delete(this.replays.keys().next().value as string);
    this.trim();
  }

  private drop(runId: number): void {
    this.sessions.delete(runId);
    for (const k of [...this.replays.keys()]) if (k.startsWith(`${runId}:`)) this.replays.delete(k);
  }

  /** Drop replays, then the oldest sessions' final machines, until the retained bytes fit. */
  private trim(): void {
    let total = 0;
    for (const s of this.sessions.values()) total += bytesOf(s.machine);
    for (const m of this.replays.values()) total += bytesOf(m);
    const newestReplay = [...this.replays.keys()].pop();
    for (const [k, m] of this.replays) {
      if (total <= this.maxBytes || k === newestReplay) break;
      total -= bytesOf(m);
      this.replays.delete(k);
    }
    const sessions = [...this.sessions.values()];
    for (let i = 0; i < sessions.length - 1 && total > this.maxBytes; i++) {
      const s = sessions[i] as Session;
      total -= bytesOf(s.machine);
      s.machine = null;
    }
  }
}
