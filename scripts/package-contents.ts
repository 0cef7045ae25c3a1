/**
 * What a packaged app holds, for scripts/package-dry-run.ts: the files of an
 * asar archive, and the packages the built main process loads at run time.
 */
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

/**
 * An asar archive's files: its header is a pickle (u32 size 4, u32 header
 * size, then u32 payload size, u32 JSON length, the JSON); file data follows
 * the header at each entry's `offset`.
 */
export function readAsar(archive: Buffer): Map<string, () => Buffer> {
  const dataStart = 8 + archive.readUInt32LE(4);
  const length = archive.readUInt32LE(12);
  const header = JSON.parse(archive.subarray(16, 16 + length).toString('utf8')) as AsarDir;
  const out = new Map<string, () => Buffer>();
  const walk = (dir: AsarDir, prefix: string) => {
    for (const [name, entry] of Object.entries(dir.files)) {
      if ('files' in entry) walk(entry, `${prefix}${name}/`);
      else {
        const start = dataStart + Number(entry.offset ?? 0);
        out.set(`${prefix}${name}`, () => archive.subarray(start, start + entry.size));
      }
    }
  };
  walk(header, '');
  return out;
}
interface AsarDir {
  files: Record<string, AsarDir | { size: number; offset?: string; unpacked?: boolean }>;
}

/**
 * The packages the built main process loads at run time: the bare specifiers
 * of its static imports, `import()` and `require()` (electron-vite leaves
 * dependencies external), less Node's built-ins and `electron`.
 */
export function runtimeImports(js: string): string[] {
  const found = new Set<string>();
  for (const m of js.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'./\s][^"'\s]*)["']/g)) {
    const spec = m[1];
    const name = spec
      .split('/')
      .slice(0, spec.startsWith('@') ? 2 : 1)
      .join('/');
    if (spec.startsWith('node:') || builtinModules.includes(name) || name === 'electron') continue;
    found.add(name);
  }
  return [...found].sort();
}

/** Every .js, .mjs and .cjs file under `dir`. */
export function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : /\.[cm]?js$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}
