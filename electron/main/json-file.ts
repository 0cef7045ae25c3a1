/** Small JSON files of the app's own (recent files, window state, autosave): never fatal to read. */
import { readFile } from 'node:fs/promises';

export type JsonRead = { ok: true; value: unknown } | { ok: false; missing: boolean; problem: string };

export async function readJsonFile(path: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const missing = (e as { code?: unknown }).code === 'ENOENT';
    return { ok: false, missing, problem: `${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return {
      ok: false,
      missing: false,
      problem: `${path}: corrupt JSON (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
