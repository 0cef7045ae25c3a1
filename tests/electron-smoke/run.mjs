// Smoke test of the built desktop app (`npm run build` first) with Playwright's
// _electron driver, as a person would meet it: the app starts hardened (app://,
// sandboxed and isolated window, window.lab the only bridge, version round trip
// through IPC to the SES-hardened engine worker thread, no window.open or
// foreign navigation), then a bundled scenario is opened from the examples list,
// run, its result read and the dashboard checked against the run (app-checks.mjs).
// Screenshots go to test-results/electron/. Prints "N passed, N failed"; exits
// non-zero if any failed or none ran.
//
// Needs the Electron binary, so it runs in .github/workflows/release.yml (Linux
// under xvfb-run), not in the local CI. It drives the UNPACKAGED build with the
// stock Electron: the packaged app's fuses turn off the --inspect switch that
// _electron connects through (scripts/check-fuses.ts checks those instead).
//
//   node tests/electron-smoke/run.mjs            the Electron app
//   node tests/electron-smoke/run.mjs --browser  the same app checks on the browser
//                                                build (dist-web/) in Chromium, to
//                                                check the checks where Electron cannot run
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from 'playwright-core';
import { assert, createRegistry, launch, serve } from '../e2e/lib/harness.mjs';
import { selectTab } from '../e2e/lib/app.mjs';
import { appChecks } from './app-checks.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const browserMode = process.argv.includes('--browser');
const outDir = join(root, 'test-results', browserMode ? 'electron-smoke-browser' : 'electron');
// --browser serves dist-web/, or PFNLAB_E2E_WEB (as tests/e2e/run.mjs does)
const webRoot = resolve(process.env.PFNLAB_E2E_WEB ?? join(root, 'dist-web'));
/** What window.lab may expose (electron/shared/lab-api.ts LabApi) and must. */
const LAB_KEYS = ['app', 'call', 'cancel', 'host', 'stop'];
const LAB_REQUIRED = ['call', 'cancel', 'host', 'stop'];

const { results, test } = createRegistry();
const errors = [];
function watch(page) {
  page.setDefaultTimeout(30000);
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
}

/** The Electron-only checks: hardening and the IPC bridge. */
async function electronChecks(app, page) {
  await test('the app is served from app://lab/', async () => {
    assert(page.url().startsWith('app://lab/'), `url: ${page.url()}`);
  });

  await test('the window is sandboxed and isolated, without Node', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0].webContents;
      return wc.getLastWebPreferences();
    });
    assert(prefs.sandbox === true, 'sandbox is off');
    assert(prefs.contextIsolation === true, 'contextIsolation is off');
    assert(prefs.nodeIntegration === false, 'nodeIntegration is on');
  });

  await test('window.lab is the only bridge; no Node in the page', async () => {
    const seen = await page.evaluate(() => ({
      keys: Object.keys(window.lab ?? {}).sort(),
      host: window.lab?.host,
      require: typeof globalThis.require,
      process: typeof globalThis.process,
    }));
    const extra = seen.keys.filter((k) => !LAB_KEYS.includes(k));
    const missing = LAB_REQUIRED.filter((k) => !seen.keys.includes(k));
    assert(
      extra.length === 0 && missing.length === 0,
      `lab keys: ${seen.keys} (extra ${extra}, missing ${missing})`,
    );
    assert(seen.host === 'electron', `host: ${seen.host}`);
    assert(seen.require === 'undefined' && seen.process === 'undefined', 'Node globals leak into the page');
  });

  await test('version round trip through IPC and the engine worker thread, hardened', async () => {
    await selectTab(page, 'output');
    const line = page.getByTestId('version-roundtrip');
    await line.waitFor();
    const text = await line.innerText();
    assert(/engine \d+\.\d+\.\d+/.test(text) && text.includes('SES hardened'), `round trip: ${text}`);
    assert((await page.getByTestId('output').innerText()).includes('Electron IPC'), 'not via Electron IPC');
  });

  await test('window.open and foreign navigation are refused', async () => {
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    assert(opened, 'window.open was allowed');
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    assert(page.url().startsWith('app://lab/'), `navigated to ${page.url()}`);
    assert(app.windows().length === 1, `${app.windows().length} windows`);
  });
}

let app;
let context;
let server;
const userDataDir = mkdtempSync(join(tmpdir(), 'pfnlab-electron-smoke-')); // --browser: Chromium's profile
try {
  mkdirSync(outDir, { recursive: true });
  let page;
  if (browserMode) {
    if (!existsSync(join(webRoot, 'index.html')))
      throw new Error(`${webRoot}/index.html missing: run npm run build:web`);
    server = await serve(webRoot);
    context = await launch(userDataDir);
    page = await context.newPage();
    watch(page);
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
  } else {
    if (!existsSync(join(root, 'out/main/index.js')))
      throw new Error('out/main/index.js missing: run npm run build');
    app = await electron.launch({ args: ['.'], cwd: root, timeout: 60000 });
    page = await app.firstWindow();
    watch(page);
    await page.setViewportSize({ width: 1600, height: 1000 }).catch(() => {});
  }
  await page.waitForLoadState('domcontentloaded');
  await page
    .getByTestId('engine-version')
    .filter({ hasText: /^engine \d/ })
    .waitFor();
  await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().waitFor();

  if (app) await electronChecks(app, page);
  await appChecks({ page, test, root, outDir });

  await test('no page errors or console errors', async () => {
    assert(errors.length === 0, errors.join('\n'));
  });
} catch (e) {
  results.push({ name: 'electron smoke harness', ok: false });
  console.log(`FAIL electron smoke harness: ${e instanceof Error ? e.stack : String(e)}`);
} finally {
  // A quit prompt (unsaved documents) must not hold the job: kill after 10 s.
  if (app) {
    const closed = app.close().then(
      () => true,
      () => false,
    );
    const timedOut = new Promise((ok) => setTimeout(() => ok(false), 10000));
    if (!(await Promise.race([closed, timedOut]))) app.process().kill();
  }
  await context?.close().catch(() => {});
  server?.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

const passed = results.filter((r) => r.ok).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(results.length === passed && passed > 0 ? 0 : 1);
