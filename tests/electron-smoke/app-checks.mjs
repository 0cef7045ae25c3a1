// What a person does first with the installed app, on a page of it: open a
// bundled scenario from the examples list, run it, read the result, and see the
// dashboard draw the tiers the run's digest says. Host-neutral (run.mjs calls it
// on the Electron window, and on the browser build with --browser to check the
// checks themselves where Electron cannot start). Uses the e2e helpers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, until } from '../e2e/lib/harness.mjs';
import {
  canvasPixel,
  events,
  hook,
  inspectedAt,
  near,
  openExample,
  rgb,
  runToEnd,
  selectTab,
} from '../e2e/lib/app.mjs';

export const SCENARIO = '03-four-domains.ts';
const TIER_DOMAIN = 1;

/** renderer/theme/palette.ts TIER_COLORS[TIER_DOMAIN], parsed (the data colours are the same in both themes). */
function domainColor(root) {
  const src = readFileSync(join(root, 'renderer/theme/palette.ts'), 'utf8');
  const block = /TIER_COLORS[^=]*= \[([\s\S]*?)\]/.exec(src)?.[1] ?? '';
  const cols = [...block.matchAll(/'(#[0-9a-fA-F]{6})'/g)].map((m) => rgb(m[1]));
  assert(cols.length === 4, `TIER_COLORS not found in palette.ts (${cols.length})`);
  return cols[TIER_DOMAIN];
}

const dash = (page, fn, ...args) =>
  page.evaluate(
    ([f, a]) => {
      const d = window.__pfnlabDashboard;
      if (!d) throw new Error('window.__pfnlabDashboard missing (is the dashboard shown?)');
      return d[f](...a);
    },
    [fn, args],
  );

/** Select `step` with the timeline's buttons (first, then next…) and wait for inspect and the dashboard. */
async function stepTo(page, step) {
  await page.getByTestId('step-first').click();
  let sel = await until(async () => {
    const s = await hook(page, 'selection');
    return s.step === 1 ? s : null;
  }, 'step-first did not select step 1');
  while (sel.step < step) {
    const from = sel.step;
    await page.getByTestId('step-next').click();
    sel = await until(async () => {
      const s = await hook(page, 'selection');
      return s.step > from ? s : null;
    }, `step-next did not advance from ${from}`);
  }
  assertEqual(sel.step, step, 'selected step');
  await inspectedAt(page, step);
  await until(async () => (await dash(page, 'step')) === step, `the dashboard never drew step ${step}`);
}

/** Canvas pixel of page `index` in the dashboard strip `key`. */
async function pixelOf(page, key, index) {
  const strips = await dash(page, 'strips');
  const s = strips.find((x) => x.key === key);
  assert(s, `no strip ${key} in ${JSON.stringify(strips.map((x) => x.key))}`);
  const x = s.x0 + ((index + 0.5 - s.start) / (s.end - s.start)) * (s.x1 - s.x0);
  return canvasPixel(page, 'dashboard-canvas', x, s.y);
}

/** The checks, registered with `test` (tests/e2e/lib/harness.mjs createRegistry). */
export async function appChecks({ page, test, root, outDir }) {
  await test(`the bundled scenario ${SCENARIO} opens from the examples list`, async () => {
    await openExample(page, SCENARIO);
    const s = await hook(page, 'scenario');
    const file = readFileSync(join(root, 'scenarios', SCENARIO), 'utf8').replace(/\r\n/g, '\n');
    assertEqual(s.source === file, true, 'the editor holds the bundled file');
  });

  await test('it runs to the end: ok, its ops in the timeline, its counters in the output', async () => {
    const r = await runToEnd(page);
    assert(r.status === 'done', `status ${r.status}: ${JSON.stringify(r.error ?? r.engineError)}`);
    assert(r.length > 30, `only ${r.length} events`);
    const ops = (await events(page)).map((e) => e.op);
    for (const op of ['ioas.map', 'ioas.unmap']) assert(ops.includes(op), `no ${op} in ${ops.join(' ')}`);
    await selectTab(page, 'output');
    const result = await page.getByTestId('run-result').innerText();
    assert(/✓ ok · \d+ ops/.test(result), `run result: ${result}`);
    const counters = await page.locator('[data-testid="run-output"] table.counters tr').count();
    assert(counters > 0, 'no counters after the run');
    assert(
      /done|ok/i.test(await page.getByTestId('status-run').innerText()),
      'status bar does not say the run is done',
    );
  });

  await test('the dashboard draws every page in the domains after the map with four domains', async () => {
    const map = (await events(page)).find((e) => e.op === 'ioas.map');
    assert(map, 'no ioas.map event');
    await stepTo(page, map.seq);
    const [p] = await hook(page, 'digestTiers', map.seq, 0);
    assert(p && p.tier === TIER_DOMAIN, `digest at the map: ${JSON.stringify(p)}`);
    const color = domainColor(root);
    for (const i of [0, 16, p.npages - 1]) {
      assertEqual(await dash(page, 'tierAt', p.key, i), TIER_DOMAIN, `dashboard tier of page ${i}`);
      const px = await pixelOf(page, p.key, i);
      assert(
        near(px, color),
        `pixel of page ${i} is rgb(${px.slice(0, 3)}), want the domain colour rgb(${color})`,
      );
    }
    await page.getByTestId('dashboard').screenshot({ path: join(outDir, 'dashboard.png') });
    await page.screenshot({ path: join(outDir, 'app.png') });
  });
}
