// scripts/package-contents.ts: the asar reader (on an archive laid out as
// @electron/asar writes it) and the scan of the packages the built main loads.
import { describe, expect, it } from 'vitest';
import { readAsar, runtimeImports } from '../../../scripts/package-contents';

/** An asar archive: a pickle holding the header's size, a pickle holding the JSON header, then the files' data. */
function asar(files: Record<string, string>): Buffer {
  const data: Buffer[] = [];
  let offset = 0;
  const root: { files: Record<string, unknown> } = { files: {} };
  for (const [path, text] of Object.entries(files)) {
    const parts = path.split('/');
    let dir = root;
    for (const p of parts.slice(0, -1)) dir = (dir.files[p] ??= { files: {} }) as typeof root;
    const bytes = Buffer.from(text);
    dir.files[parts[parts.length - 1]] = { size: bytes.length, offset: String(offset) };
    data.push(bytes);
    offset += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(root));
  const padded = Buffer.alloc(Math.ceil(json.length / 4) * 4);
  json.copy(padded);
  const header = Buffer.alloc(8);
  header.writeUInt32LE(4 + padded.length, 0); // payload size
  header.writeUInt32LE(json.length, 4); // string length
  const size = Buffer.alloc(8);
  size.writeUInt32LE(4, 0);
  size.writeUInt32LE(header.length + padded.length, 4);
  return Buffer.concat([size, header, padded, ...data]);
}

describe('readAsar', () => {
  it('lists nested files and reads each one', () => {
    const archive = readAsar(
      asar({
        'package.json': '{"main":"out/main/index.js"}',
        'out/main/index.js': 'x',
        'node_modules/@a/b/i.js': 'yz',
      }),
    );
    expect([...archive.keys()]).toEqual(['package.json', 'out/main/index.js', 'node_modules/@a/b/i.js']);
    expect(archive.get('package.json')?.().toString()).toBe('{"main":"out/main/index.js"}');
    expect(archive.get('node_modules/@a/b/i.js')?.().toString()).toBe('yz');
  });
});

describe('runtimeImports', () => {
  it('finds static, side-effect and dynamic imports and require, as package names', () => {
    const js = [
      'import "ses";',
      "import { transform } from 'sucrase';",
      'import x from "@scope/pkg/deep/file.js";',
      'const y = await import("lazy-thing");',
      "const z = require('cjs-dep/sub');",
    ].join('\n');
    expect(runtimeImports(js)).toEqual(['@scope/pkg', 'cjs-dep', 'lazy-thing', 'sucrase', 'ses'].sort());
  });

  it('leaves out Node built-ins, electron and relative imports', () => {
    const js = [
      'import { Worker } from "node:worker_threads";',
      "import fs from 'fs';",
      'import { app } from "electron";',
      'import "./chunks/entry.js";',
      "import a from '../a.js';",
      // prose in a bundled string that only looks like an import (a specifier has no spaces)
      "const doc = \"import(' is still refused while a real ' and more\";",
    ].join('\n');
    expect(runtimeImports(js)).toEqual([]);
  });
});
