// Compare two runs: scenario 01 with seed 1, pinned; seed 2 (another PFN
// layout: other contiguous runs, so other map and batch counts), run again;
// the Compare tab's differences must be the two runs' own counters as their
// Counters tab showed them at the last step. Screenshots of the tab in both
// themes (test-results/e2e/compare.png, compare-light.png).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, assertEqual, until } from '../lib/harness.mjs';
import { hook, openApp, openExample, runToEnd, selectTab } from '../lib/app.mjs';

const SCENARIO = '01-fill-one-domain.ts';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function setSeed(page, seed) {
  const input = page.getByTestId('seed');
  await input.fill(String(seed));
  await input.dispatchEvent('change');
  await until(async () => (await input.inputValue()) === String(seed), `seed ${seed} not set`);
}

/** Every counter's value at the selected (last) step, read from the Counters tab. */
async function countersTab(page) {
  await selectTab(page, 'counters');
  await page.locator('[data-testid="counter-row"]').first().waitFor();
  return page.evaluate(() => {
    const out = {};
    for (const row of document.querySelectorAll('[data-testid="counter-row"]')) {
      const v = row.querySelector('[data-testid="counter-value"]');
      out[row.getAttribute('data-name')] = Number(v?.getAttribute('data-value'));
    }
    return out;
  });
}

export default async function compare({ context, base, test, outDir, problems }) {
  const page = await openApp(context, { base, problems });
  await page.setViewportSize({ width: 1500, height: 950 });
  let a = null;
  let b = null;

  await test('the Compare tab says what to do before a run is pinned', async () => {
    await selectTab(page, 'compare');
    const text = await page.getByTestId('compare-empty').innerText();
    assert(/Pin a run \(Ctrl\+Shift\+P\), then run again to compare/.test(text), text);
  });

  await test('scenario 01 with seed 1 runs, its counters are read and the run is pinned', async () => {
    await openExample(page, SCENARIO);
    await setSeed(page, 1);
    const r = await runToEnd(page);
    assertEqual(r.status, 'done', `run 1 status (${JSON.stringify(r.error ?? r.engineError)})`);
    a = await countersTab(page);
    assert(Object.keys(a).length >= 20, `counters read: ${Object.keys(a).length}`);
    await page.getByTestId('pin-run').click();
    await until(
      async () => /Pinned/.test(await page.getByTestId('pin-run').innerText()),
      'pin button never says Pinned',
    );
  });

  await test('seed 2 runs again with other counters', async () => {
    await setSeed(page, 2);
    const r = await runToEnd(page);
    assertEqual(r.status, 'done', 'run 2 status');
    assertEqual((await hook(page, 'selection')).step, r.length, 'selection at the last event');
    b = await countersTab(page);
    const differ = Object.keys(a).filter((k) => a[k] !== b[k]);
    assert(differ.length >= 1, 'seed 2 changed no counter: nothing to compare');
  });

  await test('Compare shows seed 1 → 2 and exactly the differing counters with B − A', async () => {
    await selectTab(page, 'compare');
    await page.getByTestId('compare-table').waitFor();
    const params = await page.getByTestId('compare-params').innerText();
    assert(/seed\s+1\s+→\s+2/.test(params), `params: ${params}`);
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid^="compare-row-"]')].map((r) => ({
        name: r.getAttribute('data-testid').slice('compare-row-'.length),
        baseEnd: Number(r.getAttribute('data-base-end')),
        otherEnd: Number(r.getAttribute('data-other-end')),
        absEnd: Number(r.getAttribute('data-abs-end')),
        baseStep: Number(r.getAttribute('data-base-step')),
        otherStep: Number(r.getAttribute('data-other-step')),
        absText: r.querySelectorAll('[data-testid="compare-abs-end"]')[0]?.textContent.trim() ?? '',
      })),
    );
    const differ = Object.keys(a).filter((k) => a[k] !== b[k]);
    assertEqual(
      rows
        .map((r) => r.name)
        .sort()
        .join(),
      differ.sort().join(),
      'rows shown (only differences)',
    );
    for (const r of rows) {
      assertEqual(r.baseEnd, a[r.name], `${r.name}: A at the end`);
      assertEqual(r.otherEnd, b[r.name], `${r.name}: B at the end`);
      assertEqual(r.absEnd, b[r.name] - a[r.name], `${r.name}: B − A`);
      // the selected step is run 2's last: both runs have 86 events, so the step is the end in both
      assertEqual(r.baseStep, r.baseEnd, `${r.name}: A at the step`);
      assertEqual(r.otherStep, r.otherEnd, `${r.name}: B at the step`);
      const sign = r.absEnd > 0 ? '+' : '−';
      assert(r.absText.startsWith(sign), `${r.name}: shown ${r.absText} for ${r.absEnd}`);
    }
  });

  await test('both tier dashboards, the overlaid charts and the state differences are drawn', async () => {
    const strips = await page.evaluate(() =>
      ['base', 'other'].map((s) =>
        Number(
          document.querySelector(`[data-testid="compare-dashboard-${s}"]`)?.getAttribute('data-strips') ?? -1,
        ),
      ),
    );
    assert(strips[0] >= 0 && strips[1] >= 0 && strips[0] === strips[1], `strips: ${strips}`);
    const plots = await page.locator('[data-testid="compare-chart"] .u-over').count();
    assert(plots >= 1, `charts: ${plots}`);
    await page.getByTestId('compare-diff').waitFor();
    // stepping back changes the compared step in both runs
    await page.getByTestId('step-first').click();
    await until(
      async () => /at step #1\b/.test(await page.getByTestId('compare-step').innerText()),
      'the compared step does not follow the selection',
    );
    await page.getByTestId('step-last').click();
    await until(async () => (await hook(page, 'selection')).step > 1, 'back to the last step');
  });

  await test('swap flips B − A', async () => {
    await page.getByTestId('compare-swap').click();
    const r = page.locator('[data-testid^="compare-row-"]').first();
    const name = (await r.getAttribute('data-testid')).slice('compare-row-'.length);
    assertEqual(Number(await r.getAttribute('data-abs-end')), a[name] - b[name], `${name} after swap`);
    await page.getByTestId('compare-swap').click();
  });

  await test('at a step with the buffer mapped: both dashboards have strips, the states differ', async () => {
    // the last ioas.map of the scenario (the second IOAS_MAP of the same memory)
    const seq = await page.evaluate(() => {
      const h = window.__pfnlab;
      let last = 0;
      for (let s = 1; s <= h.runs().length; s++) if (h.event(s)?.op === 'ioas.map') last = s;
      return last;
    });
    assert(seq > 0, 'no ioas.map event');
    await page.getByTestId('scrubber').fill(String(seq));
    await until(async () => (await hook(page, 'selection')).step === seq, `step ${seq} not selected`);
    await until(
      async () =>
        Number(await page.getByTestId('compare-dashboard-base').getAttribute('data-strips')) >= 1 &&
        Number(await page.getByTestId('compare-dashboard-other').getAttribute('data-strips')) >= 1,
      'no strips at the map step',
    );
    await page.getByTestId('compare-diff-step').click();
    await until(
      async () => Number(await page.getByTestId('compare-diff').getAttribute('data-count')) > 0,
      'seed 1 and 2 states do not differ at the map step (PFN layout)',
    );
  });

  await test('screenshots of the Compare tab in both themes', async () => {
    // more room for the tab: the dashboard divider up (put back afterwards: the profile is shared)
    const divider = page.getByTestId('divider-dashboard-views');
    await divider.focus();
    for (let i = 0; i < 8; i++) await divider.press('ArrowUp');
    const toggle = page.getByTestId('theme-toggle');
    const themes = (await toggle.count()) > 0 ? ['dark', 'light'] : [null];
    for (const theme of themes) {
      if (theme) await toggle.selectOption(theme);
      await page.evaluate(() => new Promise((r) => setTimeout(() => requestAnimationFrame(r), 300)));
      const sfx = theme === 'light' ? '-light' : '';
      // from the top of the tab (the element shots below scroll it)
      await page.locator('[data-testid="compare"] .body').evaluate((el) => (el.scrollTop = 0));
      await page.screenshot({ path: join(outDir, `compare-app${sfx}.png`) });
      await page.getByTestId('compare').screenshot({ path: join(outDir, `compare${sfx}.png`) });
      await page
        .getByTestId('compare-dashboards')
        .screenshot({ path: join(outDir, `compare-dashboards${sfx}.png`) });
      await page.getByTestId('compare-diff').screenshot({ path: join(outDir, `compare-diff${sfx}.png`) });
    }
    if (themes[0]) await toggle.selectOption('system');
    await divider.focus();
    for (let i = 0; i < 8; i++) await divider.press('ArrowDown');
  });

  await test('a saved run file (pfnlab run --save, seed 3) pinned against the current run (seed 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pfnlab-e2e-compare-'));
    try {
      const file = join(dir, 'seed3.pfnrun.json');
      const out = execFileSync(
        process.execPath,
        [
          join(ROOT, 'bin', 'pfnlab.mjs'),
          'run',
          join(ROOT, 'scenarios', SCENARIO),
          '--seed',
          '3',
          '--save',
          file,
          '--json',
        ],
        { encoding: 'utf8', timeout: 120000 },
      );
      const saved = JSON.parse(out).counters;
      const p2 = await openApp(context, { base: `${base}?files=fallback`, problems });
      await p2.setViewportSize({ width: 1500, height: 950 });
      await openExample(p2, SCENARIO);
      await setSeed(p2, 1);
      assertEqual((await runToEnd(p2)).status, 'done', 'run with seed 1');
      const cur = await countersTab(p2);
      await selectTab(p2, 'compare');
      const chooser = p2.waitForEvent('filechooser');
      await p2.getByTestId('compare-pin-saved').click();
      await (await chooser).setFiles(file);
      await p2.getByTestId('compare-table').waitFor();
      const base2 = await p2.getByTestId('compare-run-base').innerText();
      assert(/saved seed3\.pfnrun\.json: 01-fill-one-domain\.ts · seed 3/.test(base2), `A: ${base2}`);
      const differ = Object.keys(cur).filter((k) => cur[k] !== saved[k]);
      assert(differ.length > 0, 'seed 3 and seed 1 have the same counters');
      for (const name of differ) {
        const row = p2.getByTestId(`compare-row-${name}`);
        assertEqual(Number(await row.getAttribute('data-base-end')), saved[name], `${name}: saved run (A)`);
        assertEqual(Number(await row.getAttribute('data-other-end')), cur[name], `${name}: current run (B)`);
      }
      await p2.getByTestId('compare').screenshot({ path: join(outDir, 'compare-saved.png') });
      await p2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
