/**
 * Native Open / Save dialogs filtered by FILE_KINDS. A cancelled dialog is
 * `null`; the chosen path is returned as the user picked it (a Save without
 * an extension gets the kind's default one: GTK's dialog adds none).
 */
import { basename, extname, join } from 'node:path';
import type { BrowserWindow, Dialog, FileFilter } from 'electron';
import { FILE_KINDS, type FileKind } from '../shared/app-host';

export type DialogApi = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;

/**
 * Dialog filters of a kind. Electron wants extensions without dots, so a
 * double extension filters by its last part (`pfnrun.json` → `json`; macOS
 * rejects a dotted one).
 */
export function filtersFor(kind: FileKind): FileFilter[] {
  const k = FILE_KINDS[kind];
  const extensions = [...new Set(k.extensions.map((e) => e.split('.').pop() ?? e))];
  return [
    { name: k.label, extensions },
    { name: 'All Files', extensions: ['*'] },
  ];
}

export async function showOpen(
  dialog: DialogApi,
  win: BrowserWindow | null,
  kind: FileKind,
  defaultDir?: string,
): Promise<string | null> {
  const opts = {
    title: `Open ${FILE_KINDS[kind].label}`,
    properties: ['openFile' as const],
    filters: filtersFor(kind),
    ...(defaultDir ? { defaultPath: defaultDir } : {}),
  };
  const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
  const path = r.filePaths[0];
  return r.canceled || path === undefined ? null : path;
}

/** A file name safe to suggest: the base name only, never a path the renderer made up. */
export function suggestedBaseName(name: string, kind: FileKind): string {
  const base = [...basename(name.replace(/\\/g, '/'))]
    .filter((ch) => ch.charCodeAt(0) >= 0x20)
    .join('')
    .trim();
  const ext = FILE_KINDS[kind].extensions[0] ?? 'txt';
  if (base === '' || base === '.' || base === '..') return `untitled.${ext}`;
  return base;
}

export function withDefaultExtension(path: string, kind: FileKind): string {
  const ext = FILE_KINDS[kind].extensions[0];
  return ext === undefined || extname(path) !== '' ? path : `${path}.${ext}`;
}

export async function showSave(
  dialog: DialogApi,
  win: BrowserWindow | null,
  suggestedName: string,
  kind: FileKind,
  defaultDir: string,
): Promise<string | null> {
  const opts = {
    title: `Save ${FILE_KINDS[kind].label}`,
    defaultPath: join(defaultDir, suggestedBaseName(suggestedName, kind)),
    filters: filtersFor(kind),
    properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
  };
  const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
  return r.canceled || !r.filePath ? null : withDefaultExtension(r.filePath, kind);
}
