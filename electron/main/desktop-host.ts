/**
 * The desktop AppHost's file side, in main: dialogs, reads and atomic writes
 * of the files in the allow-set, the recent list and autosave. Arguments are
 * validated by app-ipc.ts before they get here; this decides which paths may
 * be touched.
 */
import { basename, dirname, extname } from 'node:path';
import type { BrowserWindow } from 'electron';
import {
  FILE_KINDS,
  type AutosavedDocument,
  type FileKind,
  type FileRef,
  type HostResult,
  type OpenedFile,
  type RecentFile,
} from '../shared/app-host';
import type { WireError } from '../shared/lab-api';
import type { AllowedPaths } from './allowed-paths';
import type { AutosaveStore } from './autosave';
import { showOpen, showSave, type DialogApi } from './dialogs';
import { readTextFile, writeFileAtomic } from './files';
import { hostError, ok } from './host-errors';
import type { RecentFiles } from './recent-files';

export interface DesktopHostDeps {
  dialog: DialogApi;
  allowed: AllowedPaths;
  recent: RecentFiles;
  autosave: AutosaveStore;
  /** Where a Save dialog starts when no file was opened or saved yet (app.getPath('documents')). */
  documentsDir: string;
}

/** The kind a file handed over by the OS is listed under in the recent files. */
export function kindOfPath(path: string): FileKind {
  const ext = extname(path).toLowerCase().slice(1);
  if (path.toLowerCase().endsWith(`.${FILE_KINDS.study.extensions[0] ?? 'pfnstudy.json'}`)) return 'study';
  return FILE_KINDS.scenario.extensions.includes(ext) ? 'scenario' : 'run';
}

const remembered = (kind: FileKind): boolean => kind === 'scenario' || kind === 'run';

export class DesktopHost {
  /** The folder of the last file opened or saved: the next dialog starts there. */
  private lastDir: string | undefined;

  constructor(private readonly d: DesktopHostDeps) {}

  /** Load the recent list; its files join the allow-set (the user opened them before). */
  async init(): Promise<void> {
    for (const f of await this.d.recent.load()) this.d.allowed.add(f.handle);
  }

  private refused(path: string): { ok: false; error: WireError } {
    return hostError(
      'EACCES',
      `${path}: not a file you opened or saved in PFN Lab (choose it with File › Open…)`,
    );
  }

  private async read(path: string): Promise<HostResult<OpenedFile>> {
    const r = await readTextFile(path);
    if (!r.ok) return r;
    this.lastDir = dirname(path);
    return ok({ handle: path, name: basename(path), text: r.value });
  }

  async openFile(win: BrowserWindow | null, kind: FileKind): Promise<HostResult<OpenedFile | null>> {
    const path = await showOpen(this.d.dialog, win, kind, this.lastDir);
    if (path === null) return ok(null);
    this.d.allowed.add(path);
    const r = await this.read(path);
    if (r.ok) await this.d.recent.add({ handle: path, name: r.value.name, kind });
    return r;
  }

  async readFile(handle: string): Promise<HostResult<OpenedFile>> {
    if (!this.d.allowed.has(handle)) return this.refused(handle);
    const r = await this.read(handle);
    if (r.ok) {
      await this.d.recent.add({
        handle,
        name: r.value.name,
        kind: this.d.recent.kindOf(handle) ?? kindOfPath(handle),
      });
    }
    return r;
  }

  async saveFile(handle: string, data: string): Promise<HostResult<FileRef>> {
    if (!this.d.allowed.has(handle)) return this.refused(handle);
    const w = await writeFileAtomic(handle, data);
    if (!w.ok) return w;
    this.lastDir = dirname(handle);
    return ok({ handle, name: basename(handle) });
  }

  async saveFileAs(
    win: BrowserWindow | null,
    suggestedName: string,
    data: string | Uint8Array,
    kind: FileKind,
  ): Promise<HostResult<FileRef | null>> {
    const path = await showSave(this.d.dialog, win, suggestedName, kind, this.lastDir ?? this.d.documentsDir);
    if (path === null) return ok(null);
    const w = await writeFileAtomic(path, data);
    if (!w.ok) return w;
    this.d.allowed.add(path);
    this.lastDir = dirname(path);
    const ref = { handle: path, name: basename(path) };
    if (remembered(kind)) await this.d.recent.add({ ...ref, kind });
    return ok(ref);
  }

  async recentFiles(): Promise<HostResult<RecentFile[]>> {
    return ok(this.d.recent.list());
  }

  async clearRecentFiles(): Promise<HostResult<null>> {
    await this.d.recent.clear();
    return ok(null);
  }

  /** The documents to restore; their files join the allow-set (main wrote only allowed handles). */
  async autosaveList(): Promise<HostResult<AutosavedDocument[]>> {
    const r = await this.d.autosave.list();
    if (r.ok) for (const doc of r.value) if (doc.handle !== null) this.d.allowed.add(doc.handle);
    return r;
  }

  async autosavePut(doc: AutosavedDocument): Promise<HostResult<null>> {
    // '' is a file with nothing to write back to (app-host.ts): no path to check.
    if (doc.handle !== null && doc.handle !== '' && !this.d.allowed.has(doc.handle))
      return this.refused(doc.handle);
    return this.d.autosave.put(doc);
  }

  autosaveRemove(id: string): Promise<HostResult<null>> {
    return this.d.autosave.remove(id);
  }
}
