// End-to-end tests of the BUILT browser-mode app (dist-web/, `npm run build:web`) in
// Debian's Chromium, driven by playwright-core. A small static server on 127.0.0.1
// serves the build; Chromium starts headless with a fresh user data dir.
// Prints "N passed, N failed"; exits non-zero if any failed or none ran.
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const webRoot = join(root, 'dist-web');
const outDir = join(root, 'test-results', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

function serve(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '') || 'index.html';
    const file = join(dir, rel);
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const results = [];
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

let server;
let context;
const userDataDir = mkdtempSync(join(tmpdir(), 'pfnlab-e2e-'));
try {
  if (!existsSync(join(webRoot, 'index.html')))
    throw new Error('dist-web/index.html missing: run npm run build:web');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
  mkdirSync(outDir, { recursive: true });
  server = await serve(webRoot);
  const base = `http://127.0.0.1:${server.address().port}/`;
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 860 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.setDefaultTimeout(30000);
  await page.goto(base);

  const editorLines = page.locator('.monaco-editor .view-lines').first();
  const typeAtEnd = async (text) => {
    await editorLines.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('End');
    await page.keyboard.type(text);
  };

  await test('app shell renders with the app name', async () => {
    await page.getByRole('heading', { name: 'PFN Lab' }).waitFor();
    assert((await page.title()) === 'PFN Lab', `title is ${await page.title()}`);
  });

  await test('version round trip through the Web Worker, under SES lockdown', async () => {
    const line = page.getByTestId('version-roundtrip');
    await line.waitFor();
    const text = await line.innerText();
    assert(/engine \d+\.\d+\.\d+/.test(text), `round trip line: ${text}`);
    assert(text.includes('SES hardened'), `worker not hardened: ${text}`);
    const badge = await page.getByTestId('engine-version').innerText();
    assert(/^engine \d+\.\d+\.\d+$/.test(badge), `header badge: ${badge}`);
    assert((await page.getByTestId('output').innerText()).includes('via Web Worker'), 'not via Web Worker');
  });

  await test('Monaco editor shows the default scenario with no type errors', async () => {
    await editorLines.waitFor();
    await page.locator('.monaco-editor .view-line', { hasText: 'lab.open()' }).first().waitFor();
    // The TypeScript worker validates asynchronously; give it time to report.
    await page.waitForTimeout(1500);
    const text = await page.getByTestId('problems').innerText();
    assert(text.includes('0 errors'), `problems: ${text}`);
  });

  await test('Run executes the default scenario in the Web Worker engine', async () => {
    await page.getByTestId('run').click();
    const result = page.getByTestId('run-result');
    await result.waitFor({ timeout: 60000 });
    const text = (await result.innerText()).trim();
    assert(text.startsWith('✓ ok'), `run result: ${text}`);
    const logs = await page.getByTestId('run-log').allInnerTexts();
    assert(
      logs.some((l) => l.startsWith('mapped at')),
      `run log: ${logs.join(' | ')}`,
    );
  });

  await test('lab.nope() gets an error marker from the scenario API declarations', async () => {
    await typeAtEnd('\nlab.nope();');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    const problem = page.getByTestId('problem').filter({ hasText: "'nope'" }).first();
    await problem.waitFor();
    const msg = await problem.innerText();
    assert(msg.includes("Property 'nope' does not exist on type 'Lab'"), `marker message: ${msg}`);
  });

  await test('lab. offers the API in the completion list', async () => {
    await typeAtEnd('\nlab.');
    const widget = page.locator('.suggest-widget.visible');
    await widget.waitFor();
    await page.waitForTimeout(300);
    let labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
    if (!labels.includes('checkRefs')) {
      await page.keyboard.type('checkR');
      await page.waitForTimeout(300);
      labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
    }
    assert(labels.includes('checkRefs'), `suggestions: ${labels.join(', ')}`);
    await page.screenshot({ path: join(outDir, 'app.png') });
    await page.keyboard.press('Escape');
  });

  await test('Ping engine repeats the round trip', async () => {
    await page.getByTestId('ping').click();
    await page.getByTestId('version-roundtrip').waitFor();
    assert((await page.getByTestId('engine-version').innerText()).startsWith('engine '), 'badge lost');
  });

  await test('no page errors, console errors or CSP violations', async () => {
    assert(problems.length === 0, problems.join('\n'));
  });

  if (!existsSync(join(outDir, 'app.png'))) await page.screenshot({ path: join(outDir, 'app.png') });
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
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
