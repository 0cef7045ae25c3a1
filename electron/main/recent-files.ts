/**
 * The recent files: most recent first, at most 10, one entry per path, kept
 * as JSON in the app's data folder and mirrored to the OS (macOS Dock,
 * Windows jump list) through `app.addRecentDocument`. A corrupt file starts
 * an empty list (reported through `log`), never an error.
 */
import { isAbsolute } from 'node:path';
import type { App } from 'electron';
import { FILE_KINDS, type FileKind, type RecentFile } from '../shared/app-host';
import { writeFileAtomic } from './files';
import { isRecord, readJsonFile } from './json-file';

export const MAX_RECENT = 10;

export function isFileKind(v: unknown): v is FileKind {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(FILE_KINDS, v);
}

function isRecentFile(v: unknown): v is RecentFile {
  return (
    isRecord(v) &&
    typeof v['handle'] === 'string' &&
    isAbsolute(v['handle']) &&
    typeof v['name'] === 'string' &&
    isFileKind(v['kind']) &&
    typeof v['openedAt'] === 'number' &&
    Number.isFinite(v['openedAt'])
  );
}

export class RecentFiles {
  private files: RecentFile[] = [];
  private saving: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly app: Pick<App, 'addRecentDocument' | 'clearRecentDocuments'>,
    private readonly opts: {
      log?: (msg: string) => void;
      onChange?: (files: readonly RecentFile[]) => void;
    } = {},
  ) {}

  async load(): Promise<readonly RecentFile[]> {
    const r = await readJsonFile(this.path);
    if (!r.ok) {
      if (!r.missing) this.opts.log?.(`recent files: ${r.problem}; starting an empty list`);
      this.files = [];
    } else {
      const list = isRecord(r.value) && Array.isArray(r.value['files']) ? r.value['files'] : null;
      if (list === null)
        this.opts.log?.(`recent files: ${this.path}: not a recent-files list; starting an empty list`);
      const seen = new Set<string>();
      this.files = (list ?? [])
        .filter(isRecentFile)
        .filter((f) => !seen.has(f.handle) && seen.add(f.handle))
        .sort((a, b) => b.openedAt - a.openedAt)
        .slice(0, MAX_RECENT);
    }
    this.opts.onChange?.(this.files);
    return this.files;
  }

  list(): RecentFile[] {
    return this.files.map((f) => ({ ...f }));
  }

  has(handle: string): boolean {
    return this.files.some((f) => f.handle === handle);
  }

  kindOf(handle: string): FileKind | undefined {
    return this.files.find((f) => f.handle === handle)?.kind;
  }

  async add(file: Omit<RecentFile, 'openedAt'>, now = Date.now()): Promise<void> {
    const entry: RecentFile = { handle: file.handle, name: file.name, kind: file.kind, openedAt: now };
    this.files = [entry, ...this.files.filter((f) => f.handle !== file.handle)].slice(0, MAX_RECENT);
    this.app.addRecentDocument(file.handle);
    await this.persist();
  }

  async clear(): Promise<void> {
    this.files = [];
    this.app.clearRecentDocuments();
    await this.persist();
  }

  /** Writes one after another, so the file always ends with the latest list. */
  private persist(): Promise<void> {
    this.opts.onChange?.(this.files);
    const body = JSON.stringify({ version: 1, files: this.files }, null, 1);
    const next = this.saving.then(async () => {
      const w = await writeFileAtomic(this.path, body);
      if (!w.ok) this.opts.log?.(`recent files: ${w.error.message}`);
    });
    this.saving = next;
    return next;
  }
}
