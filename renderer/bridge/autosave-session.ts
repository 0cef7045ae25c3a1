/**
 * Which autosaved documents belong to this browser tab.
 *
 * All tabs of one origin share one IndexedDB. Without sessions, two tabs
 * of the app restored the same documents and overwrote each other's
 * autosave (closing a tab in one removed it in the other). Now each tab
 * holds a session: an id kept in its sessionStorage (so a reload keeps it)
 * and a Web Lock named after it, held for the page's life (so the other
 * tabs can see which sessions are alive). Records are keyed
 * `session/docId`. A tab lists only its own documents; a tab that has none
 * (a new tab) adopts the documents of sessions nobody holds any more (tabs
 * that were closed, and records from before sessions), so nothing a user
 * typed is ever left behind. A duplicated tab copies sessionStorage, finds
 * the lock of that id held by the original, and takes a new id.
 *
 * Without the Web Locks API (older browsers, tests that do not give one)
 * there is one shared session, as before.
 */

const ID_KEY = 'pfnlab.autosave-session';
const LOCK_PREFIX = 'pfnlab-autosave:';
const ADOPT_LOCK = 'pfnlab-autosave-adopt';
/** How long to wait for our own session's lock: a reload's old page lets it go within this. */
const RECLAIM_WAIT_MS = 1000;

/** The part of the Web Locks API we use (navigator.locks). */
export interface SessionLocks {
  /** Hold `name` until the page dies; false when it stayed taken for `waitMs`. */
  hold(name: string, waitMs: number): Promise<boolean>;
  /** Names of every lock held now, by any tab of the origin. */
  held(): Promise<Set<string>>;
  /** Run fn holding `name` exclusively. */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal },
    cb: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown>;
  request(name: string, cb: (lock: unknown) => Promise<unknown> | unknown): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

export function webLocks(nav: unknown): SessionLocks | null {
  const locks = (nav as { locks?: LockManagerLike } | undefined)?.locks;
  if (!locks || typeof locks.request !== 'function' || typeof locks.query !== 'function') return null;
  return {
    hold: (name, waitMs) =>
      new Promise<boolean>((resolve) => {
        const signal = AbortSignal.timeout(waitMs);
        locks
          .request(name, { signal }, () => {
            resolve(true);
            return new Promise<never>(() => {});
          })
          .catch(() => resolve(false));
      }),
    held: async () => new Set(((await locks.query()).held ?? []).map((l) => l.name ?? '')),
    exclusive: <T>(name: string, fn: () => Promise<T>) => locks.request(name, fn) as Promise<T>,
  };
}

export interface SessionStore {
  get(): string | null;
  set(id: string): void;
}

export function sessionStore(storage: Storage | undefined): SessionStore {
  return {
    get: () => {
      try {
        return storage?.getItem(ID_KEY) ?? null;
      } catch {
        return null;
      }
    },
    set: (id) => {
      try {
        storage?.setItem(ID_KEY, id);
      } catch {
        // No sessionStorage: a reload starts a new session and adopts this one's documents.
      }
    },
  };
}

/** A stored autosave record: the document plus the session that owns it. */
export interface SessionRecord<T> {
  key: string;
  value: T & { session?: string };
}

export interface AutosaveSession {
  /** This tab's session id ('' without Web Locks: one shared session). */
  readonly id: string;
  keyOf(docId: string): string;
  /**
   * This tab's records; when it has none, the orphaned ones re-keyed to it.
   * `rekey(oldKey, newKey, value)` moves a record (the caller's storage).
   */
  mine<T>(
    all: SessionRecord<T>[],
    rekey: (oldKey: string, newKey: string, value: T & { session: string }) => Promise<void>,
  ): Promise<(T & { session?: string })[]>;
}

export async function claimSession(
  locks: SessionLocks | null,
  store: SessionStore,
  newId: () => string,
): Promise<AutosaveSession> {
  if (!locks) {
    return { id: '', keyOf: (docId) => docId, mine: async (all) => all.map((r) => r.value) };
  }
  let id = store.get() ?? newId();
  if (!(await locks.hold(LOCK_PREFIX + id, RECLAIM_WAIT_MS))) {
    // A duplicated tab: the original still holds this id.
    id = newId();
    await locks.hold(LOCK_PREFIX + id, RECLAIM_WAIT_MS);
  }
  store.set(id);
  const keyOf = (docId: string): string => `${id}/${docId}`;
  return {
    id,
    keyOf,
    mine: async (all, rekey) => {
      const own = all.filter((r) => r.value.session === id).map((r) => r.value);
      if (own.length > 0) return own;
      // Serialised, so that two new tabs never adopt the same documents.
      return locks.exclusive(ADOPT_LOCK, async () => {
        const live = await locks.held();
        const adopted: (typeof all)[number]['value'][] = [];
        for (const r of all) {
          const s = r.value.session;
          if (s !== undefined && (s === id || live.has(LOCK_PREFIX + s))) continue;
          const value = { ...r.value, session: id };
          await rekey(r.key, keyOf(docIdOf(r)), value);
          adopted.push(value);
        }
        return adopted;
      });
    },
  };
}

function docIdOf(r: SessionRecord<unknown>): string {
  const slash = r.key.indexOf('/');
  return slash < 0 ? r.key : r.key.slice(slash + 1);
}
