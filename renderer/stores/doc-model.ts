/**
 * The documents store's plain pieces (no Pinia): an open document, its dirty
 * rule, the untitled names, what autosave keeps of it, and how a saved run
 * is told from a scenario.
 */
import type { AutosavedDocument } from '../../electron/shared/app-host';

export interface DocState {
  /** Stable id of the tab (not of the file). */
  id: string;
  name: string;
  text: string;
  /** The file to save back to without a dialog; null: none (new, example, shared, downloaded). */
  handle: string | null;
  /**
   * The text as last saved / opened (or the example's or template's text);
   * null: never saved anywhere (a shared scenario, a restored unsaved one).
   */
  savedText: string | null;
  /** Bumped when the text is replaced from outside the editor (open into this tab). */
  loads: number;
}

export const NEW_SCENARIO = `// A new PFN Lab scenario. \`lab\` is the only global: hover any call for its documentation,
// or open the gallery for the bundled scenarios and what each one teaches.
const MiB = 1024 * 1024;

const buf = lab.process.mmap(MiB, { populate: true });
const ictx = lab.open();
const ioas = ictx.ioasAlloc();
ioas.attachDomain();
const iova = ioas.map(buf, MiB);
lab.log('mapped at', iova);
ioas.unmap(iova, MiB);
`;

export const isDirty = (d: DocState): boolean => d.text !== d.savedText;

/** A tab whose text can be replaced without losing anything: no file behind it and no change. */
export const isReplaceable = (d: DocState): boolean => d.handle === null && !isDirty(d);

/** `untitled.ts`, else the first free `untitled-N.ts`. */
export function untitledName(taken: readonly string[], base = 'untitled'): string {
  const names = new Set(taken);
  if (!names.has(`${base}.ts`)) return `${base}.ts`;
  for (let n = 2; ; n++) if (!names.has(`${base}-${n}.ts`)) return `${base}-${n}.ts`;
}

/** A tab name as typed: trimmed, no path, `.ts` added when it has no extension; null when empty. */
export function cleanName(typed: string): string | null {
  const base = typed.trim().split(/[\\/]/).pop()?.trim() ?? '';
  if (base === '' || base === '.' || base === '..') return null;
  return /\.[A-Za-z0-9]+$/.test(base) ? base : `${base}.ts`;
}

/** Whether a file's text is a PFN Lab saved run (JSON with `"format": "pfnlab-run"`) rather than a scenario. */
export function isRunText(text: string): boolean {
  const t = text.trimStart();
  if (!t.startsWith('{')) return false;
  if (/"format"\s*:\s*"pfnlab-run"/.test(t.slice(0, 4096))) return true;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === 'pfnlab-run';
  } catch {
    return false;
  }
}

export function toAutosaved(d: DocState, order: number, now: number): AutosavedDocument {
  return {
    id: d.id,
    name: d.name,
    text: d.text,
    handle: d.handle,
    savedText: d.savedText,
    order,
    updatedAt: now,
  };
}

export function fromAutosaved(a: AutosavedDocument): DocState {
  return { id: a.id, name: a.name, text: a.text, handle: a.handle || null, savedText: a.savedText, loads: 0 };
}

/** What autosave last wrote of a document: a change of any field (or of its place) writes it again. */
export function autosaveKey(d: DocState, order: number): string {
  return JSON.stringify([d.name, d.handle, d.savedText, order, d.text.length]) + d.text;
}

export function newDocId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
