/**
 * The app's host services beside the engine: files (open / save / save as,
 * recent files), autosave of open documents, the app state the host needs
 * (menus' enabled states, the quit prompt, the window title) and the commands
 * the host sends (menus, file associations, a second instance, recent files).
 *
 * Two implementations, one contract: electron/main + preload (native dialogs,
 * the app's data folder) and renderer/bridge (File System Access API where
 * present, else a file input and a download; IndexedDB). Errors come back as
 * values, as in LabApi (`LabResult`): EACCES, ENOENT, EIO, EINVAL, with a
 * message naming the file and what is wrong. A cancelled dialog is `null`,
 * never an error.
 */
import type { CommandId } from './commands';
import type { WireError } from '../../engine/worker/protocol';

export type HostResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** What a file dialog filters for (and the extension a save suggests). */
export type FileKind = 'scenario' | 'run' | 'study' | 'csv' | 'trace' | 'png' | 'json';

/** The file-name extensions of each kind (without the dot), first = default. */
export const FILE_KINDS: Readonly<Record<FileKind, { label: string; extensions: readonly string[] }>> = {
  scenario: { label: 'Scenario', extensions: ['ts'] },
  run: { label: 'PFN Lab run', extensions: ['pfnrun.json', 'pfnrun', 'json'] },
  /** A study result (`npm run bench -- study`, `pfnlab bench`: engine/scenario/study-file). */
  study: { label: 'PFN Lab study', extensions: ['pfnstudy.json', 'json'] },
  csv: { label: 'CSV', extensions: ['csv'] },
  trace: { label: 'Perfetto trace', extensions: ['json'] },
  png: { label: 'PNG image', extensions: ['png'] },
  json: { label: 'JSON', extensions: ['json'] },
};

/**
 * A file the host can read or write again without a dialog. `handle` is the
 * path in the desktop app and an opaque id in the browser (backed by a
 * FileSystemFileHandle kept in IndexedDB; a file opened from a file input or
 * saved as a download has handle `''` there: nothing to write back to, so a
 * Save becomes a Save As).
 */
export interface FileRef {
  handle: string;
  /** The file's base name, for tabs and menus. */
  name: string;
}

export interface OpenedFile extends FileRef {
  text: string;
}

export interface RecentFile extends FileRef {
  kind: FileKind;
  /** ms since the epoch */
  openedAt: number;
}

/** One open document as autosave keeps it (every open tab, saved or not). */
export interface AutosavedDocument {
  /** Stable id of the tab (not the file). */
  id: string;
  name: string;
  text: string;
  /** The file it was opened from / saved to, if any. */
  handle: string | null;
  /** The text as last saved to / opened from that file (dirty = text !== savedText). */
  savedText: string | null;
  /** Position of the tab, left to right. */
  order: number;
  /** ms since the epoch */
  updatedAt: number;
}

/** What the host must know of the renderer: menus' enabled and checked states, the quit prompt, the title. */
export interface AppState {
  /** Names of the open documents with unsaved changes (the quit prompt lists them). */
  dirtyDocuments: string[];
  activeDocument: string | null;
  running: boolean;
  hasRun: boolean;
  canStepBack: boolean;
  canStepForward: boolean;
  theme: 'system' | 'light' | 'dark';
}

/** A command from the host: a menu item, or a file to open (recent, file association, second instance, drop). */
export type HostCommand = { id: CommandId } | { id: 'file.openHandle'; handle: string };

export interface AppHost {
  /** Show an Open dialog for this kind; `null` when cancelled. Adds the file to the recent list. */
  openFile(kind: FileKind): Promise<HostResult<OpenedFile | null>>;
  /** Read a file the host knows (a recent file, a file handed over by the OS). */
  readFile(handle: string): Promise<HostResult<OpenedFile>>;
  /** Write to a file opened or saved before, without a dialog. */
  saveFile(handle: string, data: string): Promise<HostResult<FileRef>>;
  /** Show a Save dialog (suggested name, filtered by kind) and write; `null` when cancelled. */
  saveFileAs(suggestedName: string, data: string | Uint8Array, kind: FileKind): Promise<HostResult<FileRef | null>>;
  /** Most recent first, at most 10. */
  recentFiles(): Promise<HostResult<RecentFile[]>>;
  clearRecentFiles(): Promise<HostResult<null>>;
  /** Every autosaved document (the tabs to restore), in `order`. */
  autosaveList(): Promise<HostResult<AutosavedDocument[]>>;
  /** Write one document's autosave (create or replace by id). */
  autosavePut(doc: AutosavedDocument): Promise<HostResult<null>>;
  /** Forget one document (its tab was closed). */
  autosaveRemove(id: string): Promise<HostResult<null>>;
  /** Tell the host the renderer's state (fire and forget; the latest wins). */
  setState(state: AppState): void;
  /** Listen for host commands; returns the unsubscribe. */
  onCommand(listener: (cmd: HostCommand) => void): () => void;
  /**
   * The handle of a file the user dropped on the window (desktop only: its
   * path, which `readFile` then accepts); `null` for a file without one.
   */
  handleForFile?(file: File): string | null;
}
