/**
 * Browser mode's AppHost (electron/shared/app-host.ts):
 *
 * - files: the File System Access API where the browser has it (a picked
 *   file's handle is kept in IndexedDB under an opaque id, so Save and the
 *   recent files work after a reload; permission is asked again when the
 *   browser has forgotten it), else — and always with `?files=fallback` in
 *   the page URL — a hidden file input to open and a download to save.
 *   A file opened or saved that way has no handle to write back to: its
 *   FileRef.handle is '' (the caller then saves with Save As) and it is not
 *   a recent file (it could not be reopened).
 * - autosave and recent files: IndexedDB. Where it is unavailable (private
 *   browsing, a blocked profile) those calls fail EIO with the reason, and
 *   files still open and save; handles are then kept for this page only.
 * - setState, onCommand: the browser has no menus; accepted and silent.
 */
import type {
  AppHost,
  AutosavedDocument,
  FileKind,
  FileRef,
  HostResult,
  OpenedFile,
  RecentFile,
} from '../../electron/shared/app-host';
import type { WireErrno, WireError } from '../../engine/worker/protocol';
import { download, pickFile, type PickedFile } from './file-fallback';
import {
  acceptOf,
  ensurePermission,
  fsaPickers,
  pickerTypes,
  type FsaFileHandle,
  type FsaPickers,
} from './fsa';
import {
  claimSession,
  sessionStore,
  webLocks,
  type AutosaveSession,
  type SessionLocks,
  type SessionStore,
} from './autosave-session';
import { idbKv, type Kv } from './kv';

const MAX_RECENT = 10;

export interface WebAppHostOptions {
  kv?: Kv;
  /** The pickers (default: the window's, unless absent or `?files=fallback`); null forces the fallback. */
  pickers?: FsaPickers | null;
  /** Fallback dialogs (default: file input and download in `document`). */
  pick?: (accept: string) => Promise<PickedFile | null>;
  save?: (name: string, data: string | Uint8Array) => void;
  newId?: () => string;
  now?: () => number;
  /** Web Locks for per-tab autosave sessions (default navigator.locks; null: one shared session). */
  locks?: SessionLocks | null;
  /** Where this tab keeps its session id (default sessionStorage). */
  session?: SessionStore;
}

const ok = <T>(value: T): HostResult<T> => ({ ok: true, value });
const fail = (errno: WireErrno, message: string): { ok: false; error: WireError } => ({
  ok: false,
  error: { errno, message },
});

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function domName(e: unknown): string {
  return typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
}

/** A picker's error as a HostResult: the user's cancel is `null`, never an error. */
function pickerError<T>(e: unknown, what: string): HostResult<T | null> {
  const n = domName(e);
  if (n === 'AbortError') return ok(null);
  if (n === 'NotAllowedError' || n === 'SecurityError')
    return fail('EACCES', `${what}: not allowed (${reason(e)})`);
  return fail('EIO', `${what}: ${reason(e)}`);
}

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function createWebAppHost(opts: WebAppHostOptions = {}): AppHost {
  const kv = opts.kv ?? idbKv(typeof indexedDB === 'undefined' ? undefined : indexedDB);
  const pickers =
    opts.pickers !== undefined
      ? opts.pickers
      : typeof window === 'undefined'
        ? null
        : fsaPickers(window, window.location.search);
  const pick = opts.pick ?? ((accept: string) => pickFile(document, accept));
  const save = opts.save ?? ((name: string, data: string | Uint8Array) => download(document, name, data));
  const newId = opts.newId ?? randomId;
  const now = opts.now ?? Date.now;
  /** Handles of this page (also the only copy when IndexedDB is unavailable). */
  const handles = new Map<string, FsaFileHandle>();
  const locks =
    opts.locks !== undefined
      ? opts.locks
      : webLocks(typeof navigator === 'undefined' ? undefined : navigator);
  const idStore =
    opts.session ?? sessionStore(typeof sessionStorage === 'undefined' ? undefined : sessionStorage);
  let session: Promise<AutosaveSession> | undefined;
  const ownSession = (): Promise<AutosaveSession> => (session ??= claimSession(locks, idStore, newId));

  const storeError = (what: string, e: unknown): { ok: false; error: WireError } =>
    fail('EIO', `${what} unavailable: ${reason(e)}`);

  const handleOf = async (id: string): Promise<FsaFileHandle | undefined> => {
    const h = handles.get(id);
    if (h) return h;
    try {
      const stored = await kv.get<FsaFileHandle>('handles', id);
      if (stored) handles.set(id, stored);
      return stored;
    } catch {
      return undefined;
    }
  };

  /** The id of a handle: the one already given to the same file, else a new one (kept in IndexedDB if possible). */
  const remember = async (h: FsaFileHandle): Promise<string> => {
    const same = async (known: FsaFileHandle): Promise<boolean> =>
      known.isSameEntry ? known.isSameEntry(h).catch(() => false) : false;
    for (const [id, known] of handles) if (await same(known)) return id;
    // Handles of earlier pages (a reload): the same file keeps its id and its one recent entry.
    const stored = await kv.getAll<FsaFileHandle>('handles').catch(() => []);
    for (const { key, value } of stored)
      if (await same(value)) {
        handles.set(key, value);
        return key;
      }
    const id = `fsa:${newId()}`;
    handles.set(id, h);
    await kv.put('handles', id, h).catch(() => {});
    return id;
  };

  const noteRecent = async (ref: FileRef, kind: FileKind): Promise<void> => {
    if (ref.handle === '') return;
    const entry: RecentFile = { ...ref, kind, openedAt: now() };
    await kv.put('recent', ref.handle, entry).catch(() => {});
  };

  const write = async (h: FsaFileHandle, data: string | Uint8Array): Promise<void> => {
    const w = await h.createWritable();
    await w.write(data as string | Uint8Array<ArrayBuffer>);
    await w.close();
  };

  return {
    async openFile(kind) {
      if (!pickers) {
        try {
          const f = await pick(acceptOf(kind));
          return ok(f ? { handle: '', name: f.name, text: f.text } : null);
        } catch (e) {
          return fail('EIO', `open: ${reason(e)}`);
        }
      }
      let h: FsaFileHandle;
      try {
        const picked = await pickers.showOpenFilePicker({ types: pickerTypes(kind), multiple: false });
        if (!picked[0]) return ok(null);
        h = picked[0];
      } catch (e) {
        return pickerError(e, 'open');
      }
      try {
        const text = await (await h.getFile()).text();
        const ref = { handle: await remember(h), name: h.name };
        await noteRecent(ref, kind);
        return ok({ ...ref, text });
      } catch (e) {
        return fail('EIO', `${h.name}: cannot read (${reason(e)})`);
      }
    },

    async readFile(handle): Promise<HostResult<OpenedFile>> {
      const h = await handleOf(handle);
      if (!h) return fail('ENOENT', `no such file here (${handle || 'a downloaded file'}): open it again`);
      try {
        if (!(await ensurePermission(h, 'read')))
          return fail('EACCES', `${h.name}: permission to read was not granted`);
        const text = await (await h.getFile()).text();
        return ok({ handle, name: h.name, text });
      } catch (e) {
        const n = domName(e);
        if (n === 'NotFoundError') return fail('ENOENT', `${h.name}: the file is gone`);
        if (n === 'NotAllowedError') return fail('EACCES', `${h.name}: permission to read was not granted`);
        return fail('EIO', `${h.name}: cannot read (${reason(e)})`);
      }
    },

    async saveFile(handle, data): Promise<HostResult<FileRef>> {
      const h = await handleOf(handle);
      if (!h) return fail('EINVAL', 'this document has no file to write back to: use Save As');
      try {
        if (!(await ensurePermission(h, 'readwrite')))
          return fail('EACCES', `${h.name}: permission to write was not granted`);
        await write(h, data);
        return ok({ handle, name: h.name });
      } catch (e) {
        const n = domName(e);
        if (n === 'NotAllowedError') return fail('EACCES', `${h.name}: permission to write was not granted`);
        if (n === 'QuotaExceededError') return fail('EIO', `${h.name}: the disk is full`);
        return fail('EIO', `${h.name}: cannot write (${reason(e)})`);
      }
    },

    async saveFileAs(suggestedName, data, kind) {
      if (!pickers) {
        try {
          save(suggestedName, data);
          return ok({ handle: '', name: suggestedName });
        } catch (e) {
          return fail('EIO', `${suggestedName}: the download failed (${reason(e)})`);
        }
      }
      let h: FsaFileHandle;
      try {
        h = await pickers.showSaveFilePicker({ suggestedName, types: pickerTypes(kind) });
      } catch (e) {
        return pickerError(e, 'save');
      }
      try {
        await write(h, data);
        const ref = { handle: await remember(h), name: h.name };
        if (kind === 'scenario' || kind === 'run') await noteRecent(ref, kind);
        return ok(ref);
      } catch (e) {
        return fail('EIO', `${h.name}: cannot write (${reason(e)})`);
      }
    },

    async recentFiles() {
      try {
        const all = (await kv.getAll<RecentFile>('recent')).map((r) => r.value);
        all.sort((a, b) => b.openedAt - a.openedAt);
        for (const old of all.slice(MAX_RECENT)) await kv.delete('recent', old.handle);
        return ok(all.slice(0, MAX_RECENT));
      } catch (e) {
        return storeError('recent files', e);
      }
    },

    async clearRecentFiles() {
      try {
        for (const r of await kv.getAll<RecentFile>('recent')) await kv.delete('recent', r.key);
        return ok(null);
      } catch (e) {
        return storeError('recent files', e);
      }
    },

    async autosaveList() {
      try {
        const s = await ownSession();
        const all = await kv.getAll<AutosavedDocument & { session?: string }>('autosave');
        const docs = await s.mine(all, async (oldKey, newKey, value) => {
          await kv.put('autosave', newKey, value);
          if (oldKey !== newKey) await kv.delete('autosave', oldKey);
        });
        return ok(docs.map(({ session: _, ...d }) => d).sort((a, b) => a.order - b.order));
      } catch (e) {
        return storeError('autosave', e);
      }
    },

    async autosavePut(doc) {
      try {
        const s = await ownSession();
        await kv.put('autosave', s.keyOf(doc.id), s.id === '' ? { ...doc } : { ...doc, session: s.id });
        return ok(null);
      } catch (e) {
        return storeError('autosave', e);
      }
    },

    async autosaveRemove(id) {
      try {
        await kv.delete('autosave', (await ownSession()).keyOf(id));
        return ok(null);
      } catch (e) {
        return storeError('autosave', e);
      }
    },

    setState() {
      // No menus or window title to update in the browser.
    },

    onCommand() {
      // The browser sends no host commands (no menus, no file associations).
      return () => {};
    },
  };
}
