// `npm run build:cli` (and `prepack`): the pfnlab CLI and its engine worker
// built to JavaScript in dist-cli/, so that the command starts without tsx
// and without transpiling ~150 TypeScript files on every run.
//
//   dist-cli/main.js    cli/main.ts and everything it imports; `typescript` stays
//                       external and loads only in its own chunk (typecheck-*.js,
//                       `pfnlab check`), so `run` never pays for it
//   dist-cli/worker.js  engine/worker/entry.ts in ONE file, no shared chunks: SES
//                       lockdown() is evaluated before any engine code (entry.ts)
//   dist-cli/inputs.json  the sources it was built from and when: bin/pfnlab.mjs
//                       runs the build only while no source is newer
//
// All chunks sit at the top of dist-cli/: modules find files by
// `new URL('../engine/…', import.meta.url)`. Source maps name the .ts lines.
// Files are written under a temporary name and renamed, entries last, so a
// `pfnlab` started during a rebuild loads one build or the other, never half.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = join(root, 'dist-cli');

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: OUT_DIR,
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  write: false,
  logLevel: 'warning',
  legalComments: 'none',
  // spawn-node.ts starts this file instead of entry.ts through tsx
  define: { PFNLAB_BUILT_WORKER: JSON.stringify('./worker.js') },
};

/** Build dist-cli/; returns the output files written and the time it took. */
export async function buildCli() {
  const builtAt = Date.now();
  const [cli, worker] = await Promise.all([
    build({
      ...common,
      entryPoints: { main: 'cli/main.ts' },
      splitting: true,
      chunkNames: '[name]-[hash]',
      external: ['typescript'],
    }),
    build({ ...common, entryPoints: { worker: 'engine/worker/entry.ts' }, splitting: false }),
  ]);
  const outputs = [...cli.outputFiles, ...worker.outputFiles];
  const inputs = [...new Set([...Object.keys(cli.metafile.inputs), ...Object.keys(worker.metafile.inputs)])]
    .filter((p) => !p.includes('node_modules/'))
    .sort();
  mkdirSync(OUT_DIR, { recursive: true });
  const isEntry = (p) => ['main.js', 'worker.js'].includes(basename(p));
  const ordered = [...outputs.filter((f) => !isEntry(f.path)), ...outputs.filter((f) => isEntry(f.path))];
  const put = (path, contents) => {
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  };
  for (const f of ordered) {
    mkdirSync(dirname(f.path), { recursive: true });
    put(f.path, f.contents);
  }
  put(join(OUT_DIR, 'inputs.json'), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`);
  const keep = new Set([...outputs.map((f) => basename(f.path)), 'inputs.json']);
  for (const name of readdirSync(OUT_DIR)) {
    if (!keep.has(name) && !name.includes('.tmp-'))
      rmSync(join(OUT_DIR, name), { recursive: true, force: true });
  }
  return {
    files: outputs.map((f) => relative(root, f.path)),
    inputs: inputs.length,
    ms: Date.now() - builtAt,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildCli();
  console.log(
    `dist-cli: ${r.files.filter((f) => f.endsWith('.js')).join(', ')} from ${r.inputs} sources in ${r.ms} ms`,
  );
}
