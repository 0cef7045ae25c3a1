// End-to-end tests of the BUILT browser-mode app (dist-web/, `npm run build:web`) in
// Debian's Chromium, driven by playwright-core. A small static server on 127.0.0.1
// serves the build; Chromium starts headless with a fresh user data dir. Each spec
// file in specs/ (in name order) gets its own pages; screenshots go to
// test-results/e2e/. Prints "N passed, N failed"; exits non-zero if any failed or
// none ran.
//
//   node tests/e2e/run.mjs                 every spec
//   node tests/e2e/run.mjs stop live       only specs whose file name contains a word
//   PFNLAB_E2E_WEB=/tmp/web node tests/e2e/run.mjs   serve another build directory
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROMIUM, createRegistry, launch, serve } from './lib/harness.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../..');
const webRoot = resolve(process.env.PFNLAB_E2E_WEB ?? join(root, 'dist-web'));
const outDir = join(root, 'test-results', 'e2e');
const wanted = process.argv.slice(2);

const { results, test } = createRegistry();
let server;
let context;
const userDataDir = mkdtempSync(join(tmpdir(), 'pfnlab-e2e-'));
const t0 = Date.now();
try {
  if (!existsSync(join(webRoot, 'index.html')))
    throw new Error(`${webRoot}/index.html missing: run npm run build:web`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
  mkdirSync(outDir, { recursive: true });
  server = await serve(webRoot);
  const base = `http://127.0.0.1:${server.address().port}/`;
  context = await launch(userDataDir);
  const specs = readdirSync(join(here, 'specs'))
    .filter((f) => f.endsWith('.mjs'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
    .sort();
  for (const file of specs) {
    console.log(`# ${file}`);
    const mod = await import(pathToFileURL(join(here, 'specs', file)).href);
    const problems = [];
    try {
      await mod.default({ context, base, test, outDir, root, problems });
    } catch (e) {
      await test(`${file}: spec ran to its end`, () => {
        throw e;
      });
    }
    // Every spec also proves the app logged no error while it ran.
    await test(`${file}: no page errors, console errors or failed requests`, async () => {
      if (problems.length > 0) throw new Error(problems.join('\n'));
    });
    for (const p of context.pages()) await p.close().catch(() => {});
    // A spec that crashed the browser must not take the next ones with it.
    if (
      (await context.newPage().then(
        (p) => p.close(),
        () => 'dead',
      )) === 'dead'
    ) {
      console.log('# the browser is gone: starting a new one');
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
      context = await launch(userDataDir);
    }
  }
} catch (e) {
  results.push({ name: 'e2e harness', ok: false });
  console.log(`FAIL e2e harness: ${e instanceof Error ? e.stack : String(e)}`);
} finally {
  await context?.close().catch(() => {});
  server?.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`(e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in test-results/e2e/)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
