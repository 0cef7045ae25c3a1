// Smoke test of the built desktop app (`npm run build` first) with Playwright's
// _electron driver: the window is hardened, window.lab is the only bridge, the
// version round trip goes renderer → preload → IPC → main → engine worker thread
// (under SES lockdown) and back, and Monaco flags `lab.nope()`. Needs the Electron
// binary, so it runs in .github/workflows/installers.yml, not in the local CI.
// Prints "N passed, N failed"; exits non-zero if any failed or none ran.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, 'test-results', 'electron');

const results = [];
async function test(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

let app;
try {
  if (!existsSync(join(root, 'out/main/index.js')))
    throw new Error('out/main/index.js missing: run npm run build');
  mkdirSync(outDir, { recursive: true });
  app = await electron.launch({ args: ['.'], cwd: root, timeout: 60000 });
  const page = await app.firstWindow();
  page.setDefaultTimeout(30000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.waitForLoadState('domcontentloaded');

  await test('the app is served from app://lab/', async () => {
    assert(page.url().startsWith('app://lab/'), `url: ${page.url()}`);
  });

  await test('the window is sandboxed and isolated', async () => {
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
    assert(
      JSON.stringify(seen.keys) === JSON.stringify(['call', 'cancel', 'host', 'stop']),
      `lab keys: ${seen.keys}`,
    );
    assert(seen.host === 'electron', `host: ${seen.host}`);
    assert(seen.require === 'undefined' && seen.process === 'undefined', 'Node globals leak into the page');
  });

  await test('version round trip through IPC and the engine worker thread, hardened', async () => {
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
  });

  await test('the editor flags lab.nope()', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nlab.nope();');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await page.getByTestId('problem').filter({ hasText: "'nope'" }).first().waitFor();
    await page.screenshot({ path: join(outDir, 'app.png') });
  });

  await test('no page errors', async () => {
    assert(errors.length === 0, errors.join('\n'));
  });
} catch (e) {
  results.push(false);
  console.log(`FAIL electron smoke harness: ${e instanceof Error ? e.stack : String(e)}`);
} finally {
  await app?.close().catch(() => {});
}

const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(results.length === passed && passed > 0 ? 0 : 1);
