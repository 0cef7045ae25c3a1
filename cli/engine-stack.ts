/**
 * An engine error's stack (EINTERNAL: a bug in the engine) from the built
 * worker names dist-cli/worker.js lines: SES formats stacks in the worker
 * itself, so Node's --enable-source-maps cannot map them there. This maps
 * each frame of a built file that has a source map beside it (`FILE.map`)
 * back to the TypeScript source, named relative to the package root
 * (`engine/mm/gup.ts:120:5`). Frames of other files are left as they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const maps = new Map<string, SourceMap | null>();

function mapOf(file: string): SourceMap | null {
  let m = maps.get(file);
  if (m !== undefined) return m;
  m = null;
  try {
    if (existsSync(`${file}.map`)) m = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  } catch {
    m = null; // an unreadable map: keep the built positions
  }
  maps.set(file, m);
  return m;
}

/** `file:///x/dist-cli/worker.js:12:5` or `/x/dist-cli/worker.js:12:5` → `engine/…/y.ts:3:9` (or unchanged). */
function mapPosition(where: string, file: string, line: number, column: number): string {
  const path = file.startsWith('file://') ? fileURLToPath(file) : file;
  const map = mapOf(path);
  if (!map) return where;
  const e = map.findEntry(line - 1, column - 1) as {
    originalSource?: string;
    originalLine?: number;
    originalColumn?: number;
  };
  if (e.originalSource === undefined || e.originalLine === undefined || e.originalColumn === undefined)
    return where;
  const source = new URL(e.originalSource, pathToFileURL(path));
  const shown =
    source.protocol === 'file:' ? relative(dirname(dirname(path)), fileURLToPath(source)) : source.href;
  return `${shown}:${e.originalLine + 1}:${e.originalColumn + 1}`;
}

const FRAME = /((?:file:\/\/)?\/[^\s():]+\.m?js):(\d+):(\d+)/g;

export function mapEngineStack(stack: string): string {
  return stack.replace(FRAME, (where, file: string, line: string, column: string) =>
    mapPosition(where, file, Number(line), Number(column)),
  );
}
