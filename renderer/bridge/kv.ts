/**
 * The little key-value storage the browser AppHost needs (autosaved
 * documents, recent files, file handles), behind an interface so that the
 * host is tested without a browser: `idbKv` is IndexedDB, `memoryKv` a Map.
 *
 * IndexedDB may be missing or refuse to open (private browsing, a blocked
 * profile, a test runner): every call then rejects with KvUnavailable, whose
 * message says why; the caller decides what that costs the user.
 */

export type KvStoreName = 'autosave' | 'recent' | 'handles';
const STORES: readonly KvStoreName[] = ['autosave', 'recent', 'handles'];

export interface Kv {
  get<T>(store: KvStoreName, key: string): Promise<T | undefined>;
  getAll<T>(store: KvStoreName): Promise<{ key: string; value: T }[]>;
  put(store: KvStoreName, key: string, value: unknown): Promise<void>;
  delete(store: KvStoreName, key: string): Promise<void>;
}

export class KvUnavailable extends Error {}

export function memoryKv(): Kv & { maps: Record<KvStoreName, Map<string, unknown>> } {
  const maps = { autosave: new Map(), recent: new Map(), handles: new Map() } as Record<
    KvStoreName,
    Map<string, unknown>
  >;
  return {
    maps,
    async get<T>(store: KvStoreName, key: string) {
      return maps[store].get(key) as T | undefined;
    },
    async getAll<T>(store: KvStoreName) {
      return [...maps[store]].map(([key, value]) => ({ key, value: value as T }));
    },
    async put(store, key, value) {
      maps[store].set(key, value);
    },
    async delete(store, key) {
      maps[store].delete(key);
    },
  };
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error ?? new Error('IndexedDB request failed'));
  });
}

/** IndexedDB database `name` (opened on first use; every store keyed by an out-of-line string key). */
export function idbKv(factory: IDBFactory | undefined, name = 'pfnlab'): Kv {
  let db: Promise<IDBDatabase> | null = null;
  const open = (): Promise<IDBDatabase> => {
    db ??= new Promise<IDBDatabase>((ok, fail) => {
      if (!factory) {
        fail(new KvUnavailable('this browser offers no IndexedDB'));
        return;
      }
      let r: IDBOpenDBRequest;
      try {
        r = factory.open(name, 1);
      } catch (e) {
        fail(new KvUnavailable(`IndexedDB refused to open (${e instanceof Error ? e.message : String(e)})`));
        return;
      }
      r.onupgradeneeded = () => {
        for (const s of STORES) if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s);
      };
      r.onsuccess = () => ok(r.result);
      r.onerror = () =>
        fail(new KvUnavailable(`IndexedDB refused to open (${r.error?.message ?? 'unknown error'})`));
      r.onblocked = () => fail(new KvUnavailable('IndexedDB is blocked by another window of PFN Lab'));
    });
    return db;
  };
  let opened: IDBDatabase | null = null;
  const tx = async <T>(
    store: KvStoreName,
    mode: IDBTransactionMode,
    fn: (s: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> => {
    // An open database is used at once: a write from a pagehide handler must be queued
    // before the page goes, and committed explicitly (an unloading page never returns to its
    // event loop, where a transaction would commit on its own).
    const d = opened ?? (opened = await open());
    const t = d.transaction(store, mode);
    const result = req(fn(t.objectStore(store)));
    if (mode === 'readwrite') {
      const done = new Promise<void>((ok, fail) => {
        t.oncomplete = () => ok();
        t.onerror = () => fail(t.error ?? new Error('IndexedDB write failed'));
        t.onabort = () => fail(t.error ?? new Error('IndexedDB write aborted (storage full?)'));
      });
      t.commit?.();
      await done;
    }
    return result;
  };
  return {
    get: <T>(store: KvStoreName, key: string) =>
      tx(store, 'readonly', (s) => s.get(key) as IDBRequest<T | undefined>),
    async getAll<T>(store: KvStoreName) {
      const d = await open();
      const s = d.transaction(store, 'readonly').objectStore(store);
      const [keys, values] = await Promise.all([req(s.getAllKeys()), req(s.getAll())]);
      return keys.map((k, i) => ({ key: String(k), value: values[i] as T }));
    },
    async put(store, key, value) {
      await tx(store, 'readwrite', (s) => s.put(value, key));
    },
    async delete(store, key) {
      await tx(store, 'readwrite', (s) => s.delete(key));
    },
  };
}
