// Driving the app the way a user does (the data-testids of the views), plus
// read-only looks at its stores through window.__pfnlab (renderer/test-hooks.ts).
import { assert, until } from './harness.mjs';

/** Call a hook of window.__pfnlab in the page: hook(page, 'runs'), hook(page, 'event', 3). */
export function hook(page, name, ...args) {
  return page.evaluate(
    ([n, a]) => {
      const h = window.__pfnlab;
      if (!h) throw new Error('window.__pfnlab missing (renderer/test-hooks.ts not installed)');
      return h[n](...a);
    },
    [name, args],
  );
}

/** A fresh page on the app, engine ready and the editor loaded. */
export async function openApp(ctx, { base, problems }) {
  const page = await ctx.newPage();
  page.setDefaultTimeout(30000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.goto(base);
  await page
    .getByTestId('engine-version')
    .filter({ hasText: /^engine \d/ })
    .waitFor();
  await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().waitFor();
  return page;
}

/** Open a bundled scenario from the toolbar's examples list. */
export async function openExample(page, name) {
  await page.getByTestId('examples').selectOption(name);
  await until(async () => (await hook(page, 'scenario')).name === name, `example ${name} not opened`);
  await page.locator('[data-testid="editor"] .monaco-editor .view-line').first().waitFor();
}

/** Replace the editor's text by pasting `text` (select all, then a paste event as the clipboard would send). */
export async function pasteSource(page, text) {
  await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  // The focused element takes the paste: Monaco's textarea or its EditContext node.
  await page.evaluate((t) => {
    const el = document.activeElement;
    if (!el || !el.closest('[data-testid="editor"]')) throw new Error('the editor does not have the focus');
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
  const want = text.replace(/\r\n/g, '\n').length;
  await until(
    async () => (await hook(page, 'scenario')).length === want,
    'pasted text did not reach the scenario store',
  );
}

const SENTINEL = "const __e2eSentinel: number = 'not a number';";
const isSentinel = (p) =>
  /'string' is not assignable to type 'number'/.test(p.message) && p.line === SENTINEL_LINE.n;
const SENTINEL_LINE = { n: 0 };

/**
 * The editor's problems for `text`, once Monaco's TypeScript worker has
 * validated exactly that text. Validation is asynchronous and an empty answer
 * looks like no answer, so: paste `text` plus a line with a known type error,
 * wait for that error (the whole file's diagnostics arrive together), then
 * paste `text` alone and wait for it to go. Returns the problems of `text`.
 */
export async function problemsOf(page, text, { timeout = 30000 } = {}) {
  const body = text.replace(/\r\n/g, '\n');
  SENTINEL_LINE.n = body.split('\n').length + 1;
  await pasteSource(page, `${body}\n${SENTINEL}`);
  const withSentinel = await until(
    async () => {
      const s = await hook(page, 'scenario');
      return s.problems.some(isSentinel) ? s.problems : null;
    },
    'the type checker never reported the sentinel error',
    { timeout },
  );
  await pasteSource(page, body);
  const s = await until(
    async () => {
      const x = await hook(page, 'scenario');
      return x.problems.some(isSentinel) ? null : x;
    },
    'the sentinel error never went away',
    { timeout },
  );
  const before = JSON.stringify(withSentinel.filter((p) => !isSentinel(p)));
  const after = JSON.stringify(s.problems);
  if (before !== after)
    throw new Error(`problems differ with and without the sentinel: ${before} vs ${after}`);
  return s.problems;
}

/** Click Run and wait for the run to end; returns the runs snapshot. */
export async function runToEnd(page, { timeout = 60000 } = {}) {
  const before = await hook(page, 'runs');
  const btn = page.getByTestId('run');
  await until(() => btn.isEnabled(), 'Run stays disabled', { timeout: 20000 });
  await btn.click();
  const r = await until(
    async () => {
      const s = await hook(page, 'runs');
      return s.version !== before.version && !s.running && s.status !== 'idle' ? s : null;
    },
    'run did not end',
    { timeout },
  );
  return r;
}

/** Wait until the inspect store answers for the selected step (and the next paint). */
export async function inspectedAt(page, step, { timeout = 15000 } = {}) {
  await until(
    async () => {
      const i = await hook(page, 'inspect');
      return i.step === step && !i.loading;
    },
    async () => `inspect never answered step ${step}: ${JSON.stringify(await hook(page, 'inspect'))}`,
    { timeout },
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function selectTab(page, id) {
  await page.getByTestId(`tab-${id}`).click();
  await page.getByTestId(id).first().waitFor();
}

/** RGBA of a canvas pixel at CSS coordinates (x, y) relative to the canvas box. */
export function canvasPixel(page, testid, x, y) {
  return page.evaluate(
    ([id, cx, cy]) => {
      const c = document.querySelector(`[data-testid="${id}"]`);
      if (!(c instanceof HTMLCanvasElement)) throw new Error(`${id} is not a canvas`);
      const r = c.getBoundingClientRect();
      const px = Math.floor((cx * c.width) / r.width);
      const py = Math.floor((cy * c.height) / r.height);
      const ctx = c.getContext('2d');
      if (!ctx) throw new Error(`${id}: no 2d context`);
      return Array.from(ctx.getImageData(px, py, 1, 1).data);
    },
    [testid, x, y],
  );
}

/** `#rrggbb` → [r, g, b]. */
export function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function near(px, color, tol = 24) {
  return (
    Math.abs(px[0] - color[0]) <= tol &&
    Math.abs(px[1] - color[1]) <= tol &&
    Math.abs(px[2] - color[2]) <= tol
  );
}

/** The run's events (plain) 1..length. */
export async function events(page) {
  return page.evaluate(() => {
    const h = window.__pfnlab;
    const n = h.runs().length;
    const out = [];
    for (let s = 1; s <= n; s++) out.push(h.event(s));
    return out;
  });
}

/** Line numbers (1-based) of the source whose text matches `re`. */
export function linesMatching(source, re) {
  const out = [];
  source.split('\n').forEach((l, i) => {
    if (re.test(l)) out.push(i + 1);
  });
  assert(out.length > 0, `no line matches ${re}`);
  return out;
}
