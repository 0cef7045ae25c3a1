/**
 * Autosave of the open documents: one JSON file per document id under
 * `<userData>/autosave/`, each written atomically. Listing skips a corrupt
 * file — reported through `log` and moved aside to `*.corrupt` so it is
 * reported once and kept for the user — and is never fatal.
 */
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AutosavedDocument, HostResult } from '../shared/app-host';
import { byteLength, MAX_FILE_BYTES, writeFileAtomic } from './files';
import { fsError, hostError, ok } from './host-errors';
import { isRecord, readJsonFile } from './json-file';

export const MAX_ID_CHARS = 200;
export const MAX_NAME_CHARS = 1024;

export function isDocId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_CHARS;
}

const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Exactly the AutosavedDocument fields, with their types (no extra keys: they would be stored as given). */
export function isAutosavedDocument(v: unknown): v is AutosavedDocument {
  if (!isRecord(v)) return false;
  const keys = Object.keys(v).sort().join(',');
  return (
    keys === 'handle,id,name,order,savedText,text,updatedAt' &&
    isDocId(v['id']) &&
    typeof v['name'] === 'string' &&
    v['name'].length <= MAX_NAME_CHARS &&
    typeof v['text'] === 'string' &&
    isNullableString(v['handle']) &&
    isNullableString(v['savedText']) &&
    isFiniteNumber(v['order']) &&
    isFiniteNumber(v['updatedAt'])
  );
}

/** A file name any id maps to (base64url: no separators, no dots, no traversal). */
export function autosaveFileName(id: string): string {
  return `${Buffer.from(id, 'utf8').toString('base64url')}.json`;
}

export class AutosaveStore {
  /** The latest write or removal of each id: the next one waits for it, so the last call wins on disk. */
  private readonly pending = new Map<string, Promise<HostResult<null>>>();

  constructor(
    readonly dir: string,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  async list(): Promise<HostResult<AutosavedDocument[]>> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return ok([]);
      return fsError(e, this.dir);
    }
    const docs: AutosavedDocument[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const path = join(this.dir, name);
      const r = await readJsonFile(path);
      if (r.ok && isAutosavedDocument(r.value) && autosaveFileName(r.value.id) === name) {
        docs.push(r.value);
        continue;
      }
      if (!r.ok && r.missing) continue; // removed meanwhile
      this.log(`autosave: skipped ${r.ok ? `${path}: not an autosaved document` : r.problem}`);
      await rename(path, `${path}.corrupt`).catch(() => {});
    }
    docs.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
    return ok(docs);
  }

  put(doc: AutosavedDocument): Promise<HostResult<null>> {
    if (!isAutosavedDocument(doc))
      return Promise.resolve(hostError('EINVAL', 'autosave: not an autosaved document'));
    const body = JSON.stringify(doc);
    if (byteLength(body) > MAX_FILE_BYTES) {
      return Promise.resolve(
        hostError('EINVAL', `autosave of ${doc.name}: larger than the ${MAX_FILE_BYTES / 2 ** 20} MiB limit`),
      );
    }
    return this.serial(doc.id, async () => {
      try {
        await mkdir(this.dir, { recursive: true });
      } catch (e) {
        return fsError(e, this.dir);
      }
      return writeFileAtomic(join(this.dir, autosaveFileName(doc.id)), body);
    });
  }

  /** Resolves once every write and removal asked for so far is on disk (the app waits for it before it exits). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending.values());
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  private serial(id: string, op: () => Promise<HostResult<null>>): Promise<HostResult<null>> {
    const next = (this.pending.get(id) ?? Promise.resolve(ok(null))).then(op, op);
    this.pending.set(id, next);
    void next.then(() => {
      if (this.pending.get(id) === next) this.pending.delete(id);
    });
    return next;
  }

  async remove(id: string): Promise<HostResult<null>> {
    if (!isDocId(id)) return hostError('EINVAL', 'autosave: a document id is a non-empty string');
    const path = join(this.dir, autosaveFileName(id));
    return this.serial(id, async () => {
      try {
        await unlink(path);
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'ENOENT') return fsError(e, path);
      }
      return ok(null);
    });
  }
}
