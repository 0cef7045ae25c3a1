/**
 * The parts of the File System Access API the browser AppHost uses
 * (Chromium-only, not in TypeScript's DOM library), and where to find them.
 */
import { FILE_KINDS, type FileKind } from '../../electron/shared/app-host';

export type FsaMode = 'read' | 'readwrite';

export interface FsaWritable {
  write(data: string | Uint8Array<ArrayBuffer>): Promise<void>;
  close(): Promise<void>;
}

export interface FsaFileHandle {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
  createWritable(): Promise<FsaWritable>;
  isSameEntry?(other: FsaFileHandle): Promise<boolean>;
  queryPermission?(d: { mode: FsaMode }): Promise<PermissionState>;
  requestPermission?(d: { mode: FsaMode }): Promise<PermissionState>;
}

export interface FsaPickerType {
  description: string;
  accept: Record<string, string[]>;
}

export interface FsaPickers {
  showOpenFilePicker(o: {
    types: FsaPickerType[];
    multiple: false;
    excludeAcceptAllOption?: boolean;
  }): Promise<FsaFileHandle[]>;
  showSaveFilePicker(o: { suggestedName: string; types: FsaPickerType[] }): Promise<FsaFileHandle>;
}

/** The pickers, or null where the browser has none (Firefox, Safari) or the page asked for `?files=fallback`. */
export function fsaPickers(win: object, search: string): FsaPickers | null {
  if (new URLSearchParams(search).get('files') === 'fallback') return null;
  const w = win as Partial<FsaPickers>;
  if (typeof w.showOpenFilePicker !== 'function' || typeof w.showSaveFilePicker !== 'function') return null;
  return {
    showOpenFilePicker: (o) => (w.showOpenFilePicker as FsaPickers['showOpenFilePicker']).call(win, o),
    showSaveFilePicker: (o) => (w.showSaveFilePicker as FsaPickers['showSaveFilePicker']).call(win, o),
  };
}

/** Picker filter of a kind. Chromium takes one-dot extensions only: 'pfnrun.json' is offered as '.json'. */
export function pickerTypes(kind: FileKind): FsaPickerType[] {
  const k = FILE_KINDS[kind];
  const exts = [...new Set(k.extensions.map((e) => `.${e.split('.').pop() ?? e}`))];
  const mime =
    kind === 'png'
      ? 'image/png'
      : kind === 'csv'
        ? 'text/csv'
        : kind === 'scenario'
          ? 'text/plain'
          : 'application/json';
  return [{ description: k.label, accept: { [mime]: exts } }];
}

/** The `accept` attribute of a file input for a kind. */
export function acceptOf(kind: FileKind): string {
  return FILE_KINDS[kind].extensions.map((e) => `.${e}`).join(',');
}

/** Ask for access to a handle kept from an earlier session (a prompt only when not granted yet). */
export async function ensurePermission(h: FsaFileHandle, mode: FsaMode): Promise<boolean> {
  if (!h.queryPermission || !h.requestPermission) return true;
  if ((await h.queryPermission({ mode })) === 'granted') return true;
  return (await h.requestPermission({ mode })) === 'granted';
}
