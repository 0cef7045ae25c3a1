/**
 * An AppHost held in memory, for tests: files by handle, autosave by id, the
 * recent list, every state the renderer reported, and `emit` to play a host
 * command (a menu item, a file handed over by the OS). `nextOpen` / `nextSaveAs`
 * script what the next dialog answers (a file, `null` = cancelled, or an error).
 */
import type {
  AppHost,
  AppState,
  AutosavedDocument,
  FileKind,
  FileRef,
  HostCommand,
  HostResult,
  OpenedFile,
  RecentFile,
} from '../../electron/shared/app-host';
import type { WireError } from '../../engine/worker/protocol';

export interface MemoryAppHost extends AppHost {
  files: Map<string, string | Uint8Array>;
  autosaved: Map<string, AutosavedDocument>;
  recent: RecentFile[];
  states: AppState[];
  /** What the next openFile dialog answers: a handle in `files`, null (cancel), or an error. */
  nextOpen: string | null | WireError;
  /** What the next saveFileAs dialog answers: a handle to write, null (cancel), or an error. */
  nextSaveAs: string | null | WireError | undefined;
  emit(cmd: HostCommand): void;
}

const baseName = (h: string): string => h.split('/').pop() ?? h;

export function memoryAppHost(): MemoryAppHost {
  const listeners = new Set<(cmd: HostCommand) => void>();
  const ok = <T>(value: T): HostResult<T> => ({ ok: true, value });
  const note = (ref: FileRef, kind: FileKind): void => {
    host.recent = [{ ...ref, kind, openedAt: Date.now() }, ...host.recent.filter((r) => r.handle !== ref.handle)].slice(0, 10);
  };
  const read = (handle: string): HostResult<OpenedFile> => {
    const data = host.files.get(handle);
    if (data === undefined) return { ok: false, error: { errno: 'ENOENT', message: `${handle}: no such file` } };
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    return ok({ handle, name: baseName(handle), text });
  };
  const host: MemoryAppHost = {
    files: new Map(),
    autosaved: new Map(),
    recent: [],
    states: [],
    nextOpen: null,
    nextSaveAs: undefined,
    emit(cmd) {
      for (const l of listeners) l(cmd);
    },
    async openFile(kind) {
      const n = host.nextOpen;
      if (n === null) return ok(null);
      if (typeof n !== 'string') return { ok: false, error: n };
      const r = read(n);
      if (r.ok) note(r.value, kind);
      return r;
    },
    async readFile(handle) {
      return read(handle);
    },
    async saveFile(handle, data) {
      host.files.set(handle, data);
      return ok({ handle, name: baseName(handle) });
    },
    async saveFileAs(suggestedName, data, kind) {
      const n = host.nextSaveAs === undefined ? suggestedName : host.nextSaveAs;
      if (n === null) return ok(null);
      if (typeof n !== 'string') return { ok: false, error: n };
      host.files.set(n, data);
      const ref = { handle: n, name: baseName(n) };
      if (kind === 'scenario' || kind === 'run') note(ref, kind);
      return ok(ref);
    },
    async recentFiles() {
      return ok([...host.recent]);
    },
    async clearRecentFiles() {
      host.recent = [];
      return ok(null);
    },
    async autosaveList() {
      return ok([...host.autosaved.values()].sort((a, b) => a.order - b.order));
    },
    async autosavePut(doc) {
      host.autosaved.set(doc.id, { ...doc });
      return ok(null);
    },
    async autosaveRemove(id) {
      host.autosaved.delete(id);
      return ok(null);
    },
    setState(state) {
      host.states.push(state);
    },
    onCommand(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return host;
}
