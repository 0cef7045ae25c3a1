/**
 * The UI figures, in Debian's Chromium on the BUILT browser app (dist-web/,
 * built here when missing; PFNLAB_BENCH_WEB serves another build):
 *   1. a tier-dashboard frame at 1 M and 16 M pages (target < 16 ms),
 *   2. a physical-view frame of a 64 GiB machine (target < 16 ms),
 *      both through the views' own frame benchmarks (window.__pfnlab),
 *   3. through the real app: a step jump in a finished 10 000-event run —
 *      from setting the scrubber to the dashboard having drawn that step
 *      (target p95 < 100 ms).
 * Live-frame overhead is not measurable from the UI (the app always asks for
 * live frames): bench/inspect.ts measures it in the engine.
 * Figures, targets and ratios are printed; nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
// The end-to-end tests' harness: one static server and one way to launch Chromium.
import { CHROMIUM, launch, serve } from '../tests/e2e/lib/harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** 4 + 4 998 × 2 = 10 000 events. */
const RUN_10K = `const ictx = lab.open();
const ioas = ictx.ioasAlloc();
ioas.attachDomain();
const LEN = 64 * 1024;
const buf = lab.process.mmap(LEN, { populate: true });
for (let i = 0; i < 4998; i++) {
  const iova = ioas.map(buf, LEN);
  ioas.unmap(iova, LEN);
}
`;

function line(label: string, value: number, target: number): void {
  console.log(
    `  ${label}: ${value.toFixed(2)} ms (target < ${target} ms, ratio ${(value / target).toFixed(2)})`,
  );
}

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

function webRoot(): string {
  const dir = resolve(process.env.PFNLAB_BENCH_WEB ?? join(root, 'dist-web'));
  if (!existsSync(join(dir, 'index.html'))) {
    console.log(`  (building the browser app into ${dir})`);
    const r = spawnSync(
      'npx',
      ['vite', 'build', '--config', 'vite.web.config.ts', '--outDir', dir, '--emptyOutDir'],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (r.status !== 0) throw new Error('vite build failed');
  }
  return dir;
}

/**
 * Run `fn` (the source of a function of one JSON argument) in the page. The
 * page's code is text here: this file is type-checked against Node's
 * libraries, which have no DOM.
 */
function inPage(page: Page, fn: string, arg: unknown): Promise<unknown> {
  return page.evaluate(`(${fn})(${JSON.stringify(arg)})`);
}

/** Poll `fn` (function source, no argument) in the page until it returns true (the app's CSP forbids waitForFunction's eval). */
async function waitIn(page: Page, fn: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while ((await inPage(page, fn, null)) !== true) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${fn}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Replace the editor's text with a paste, as a user would. */
async function paste(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await inPage(
    page,
    `(t) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', t);
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }`,
    text,
  );
  await waitIn(page, `() => window.__pfnlab.scenario().length === ${text.length}`, 30000);
}

async function viewFrames(page: Page): Promise<void> {
  for (const npages of [1 << 20, 1 << 24]) {
    const r = (await inPage(page, '(n) => window.__pfnlab.benchDashboardFrame(n, 2048)', npages)) as {
      msPerFrame: number;
      msFirstFrame: number;
      width: number;
      dpr: number;
    };
    const M = npages >> 20;
    line(`dashboard frame, ${M} M pages, 2 048 buckets, ${r.width} px × dpr ${r.dpr}`, r.msPerFrame, 16);
    line(`dashboard first frame of a new step, ${M} M pages`, r.msFirstFrame, 16);
  }
  const p = (await inPage(page, '(n) => window.__pfnlab.benchPhysicalFrame(n, 2048)', 16 << 20)) as {
    meanMs: number;
    p95Ms: number;
  };
  line('physical view frame, 64 GiB (16 M frames), 2 048 buckets, mean', p.meanMs, 16);
  line('physical view frame, 64 GiB, p95', p.p95Ms, 16);
}

async function stepJumps(page: Page): Promise<void> {
  await page.getByTestId('check').uncheck();
  await page.getByTestId('budget').fill('300');
  await page.getByTestId('budget').press('Tab');
  await paste(page, RUN_10K);
  await page.getByTestId('run').click();
  const t0 = Date.now();
  await waitIn(page, '() => window.__pfnlab.runs().length > 0 && !window.__pfnlab.runs().running', 300000);
  const run = (await inPage(page, '() => window.__pfnlab.runs()', null)) as {
    status: string;
    length: number;
  };
  if (!run || run.status !== 'done') throw new Error(`10 000-event run: ${JSON.stringify(run)}`);
  console.log(
    `  (10 000-event run: ${run.length} events, ${((Date.now() - t0) / 1000).toFixed(1)} s in the app)`,
  );
  // With the physical view shown (phys + domains answers too: replayed) and with
  // only the dashboard asking (tiers from the digests: the Output tab).
  for (const [tab, what] of [
    ['physical', 'with the physical view'],
    ['output', 'dashboard only'],
  ] as const) {
    await page.getByTestId(`tab-${tab}`).click();
    await jumps(page, run.length, what);
  }
}

async function jumps(page: Page, length: number, what: string): Promise<void> {
  // Deterministic targets spread over the run, each different from the last.
  const targets: number[] = [];
  let s = 12345;
  for (let i = 0; i < 40; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    targets.push(1 + (s % length));
  }
  const ms = (await inPage(
    page,
    `async (ts) => {
      const el = document.querySelector('[data-testid="scrubber"]');
      if (!el) throw new Error('no scrubber');
      const out = [];
      for (const t of ts) {
        const t0 = performance.now();
        el.value = String(t);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((ok, fail) => {
          const f = () => {
            if (window.__pfnlabDashboard && window.__pfnlabDashboard.step() === t) ok();
            else if (performance.now() - t0 > 10000) fail(new Error('step ' + t + ' never drawn'));
            else requestAnimationFrame(f);
          };
          f();
        });
        out.push(performance.now() - t0);
      }
      return out;
    }`,
    targets,
  )) as number[];
  line(`step jump ${what}, scrubber → dashboard drawn (${ms.length} jumps), p50`, pct(ms, 50), 100);
  line(`step jump ${what}, p95`, pct(ms, 95), 100);
  console.log(`  step jump ${what}, max: ${Math.max(...ms).toFixed(1)} ms`);
}

export async function run(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`  ${CHROMIUM} missing: apt-get install -y chromium (skipping the UI figures)`);
    return;
  }
  const server = await serve(webRoot());
  const profile = mkdtempSync(join(tmpdir(), 'pfnlab-bench-ui-'));
  const ctx = await launch(profile);
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const addr = server.address();
    await page.goto(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`);
    await page
      .getByTestId('engine-version')
      .filter({ hasText: /^engine \d/ })
      .waitFor({ timeout: 60000 });
    await page
      .locator('[data-testid="editor"] .monaco-editor .view-lines')
      .first()
      .waitFor({ timeout: 60000 });
    await viewFrames(page);
    await stepJumps(page);
    console.log(
      '  live-frame overhead on a 100 000-op run: not switchable in the app; see bench/inspect.ts (engine)',
    );
  } finally {
    await ctx.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
