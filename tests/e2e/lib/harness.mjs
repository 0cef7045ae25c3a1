// The end-to-end harness: a static server for the built app, Debian's Chromium
// through playwright-core, and a tiny test registry that prints one line per
// test and the closing "N passed, N failed".
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const FLAGS = [
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

/** Serve `dir` on 127.0.0.1 (a free port); resolves to the server. */
export function serve(dir) {
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

/** Launch Chromium with a fresh profile in `userDataDir`. */
export function launch(userDataDir, viewport = { width: 1600, height: 1000 }) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    // Headless Chromium reports a light system; the specs expect the app's dark look
    // unless they switch (specs/13-help-themes.mjs emulates both).
    colorScheme: 'dark',
  });
}

export class AssertionError extends Error {}

export function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}

export function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${what}: expected ${e}, got ${a}`);
}

/** Poll `fn` until it returns a truthy value; throws `message()` after `timeout` ms. */
export async function until(fn, message, { timeout = 15000, every = 50 } = {}) {
  const t0 = Date.now();
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() - t0 > timeout)
      throw new AssertionError(typeof message === 'function' ? String(await message()) : message);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** The test registry: results in order, a line each. */
export function createRegistry() {
  const results = [];
  async function test(name, fn) {
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      results.push({ name, ok: false });
      const msg =
        e instanceof AssertionError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.log(`FAIL ${name}: ${msg}`);
    }
  }
  return { results, test };
}
