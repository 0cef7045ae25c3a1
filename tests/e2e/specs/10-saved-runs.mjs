// Saved runs: scenario 05 run, its run file exported (a download), the page
// reloaded, the file opened again (the file input of `?files=fallback`): the
// same steps show the same counters and the same dashboard tiers, with the
// saved-run badge and without a run. A truncated file shows the error banner
// and leaves the open run and document as they were. The CSV, Perfetto trace
// and PNG exports are downloads that parse.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, assertEqual, until } from '../lib/harness.mjs';
import { hook, inspectedAt, openApp, openExample, runToEnd, selectTab } from '../lib/app.mjs';

const SCENARIO = '05-access-pin-with-domain.ts';

const dash = (page, fn, ...args) =>
  page.evaluate(
    ([f, a]) => {
      const d = window.__pfnlabDashboard;
      if (!d) throw new Error('window.__pfnlabDashboard missing');
      return d[f](...a);
    },
    [fn, args],
  );

/** Go to `step` with the scrubber buttons (first, then next…) and wait until inspect and the dashboard show it. */
async function stepTo(page, step) {
  await page.getByTestId('step-first').click();
  let sel = await until(async () => {
    const s = await hook(page, 'selection');
    return s.step <= 1 ? s : null;
  }, 'step-first did not go to the first step');
  while (sel.step < step) {
    await page.getByTestId('step-next').click();
    sel = await until(async () => {
      const s = await hook(page, 'selection');
      return s.step > sel.step ? s : null;
    }, `step-next did not advance from ${sel.step}`);
  }
  assertEqual(sel.step, step, 'selected step');
  await inspectedAt(page, step);
  await until(async () => (await dash(page, 'step')) === step, `dashboard never drew step ${step}`);
}

/** What the views show at the selected step: the Counters tab's values and the dashboard's tiers at sample pages. */
async function shown(page) {
  await selectTab(page, 'counters');
  await page.locator('[data-testid="counter-row"]').first().waitFor();
  const counters = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid="counter-row"]')].map((row) => [
        row.getAttribute('data-name'),
        row.querySelector('[data-testid="counter-value"]')?.textContent?.trim(),
      ]),
    ),
  );
  const strips = await dash(page, 'strips');
  const tiers = {};
  for (const s of strips)
    for (let k = 0; k < 8; k++) {
      const i = Math.floor(s.start + ((s.end - s.start) * (k + 0.5)) / 8);
      tiers[`${s.id}@${i}`] = await dash(page, 'tierAt', s.id, i);
    }
  const step = await page
    .getByTestId('counters-step')
    .innerText()
    .catch(() => '');
  return { counters, strips: strips.map((s) => s.id), tiers, step };
}

async function downloadOf(page, testid) {
  await page.getByTestId('export-menu').click();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

async function openRunFile(page, path) {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByTestId('open-run').click(),
  ]);
  await chooser.setFiles(path);
}

export default async function savedRuns({ context, base, test, outDir, problems }) {
  const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-e2e-runs-'));
  const page = await openApp(context, { base: `${base}?files=fallback`, problems });
  await page.setViewportSize({ width: 1500, height: 950 });
  let steps = [];
  let last = 0;
  const before = {};
  let runPath = '';

  await test('scenario 05 runs; what two steps show is read', async () => {
    await openExample(page, SCENARIO);
    const r = await runToEnd(page);
    assertEqual(r.status, 'done', `run status (${JSON.stringify(r.error ?? r.engineError)})`);
    // two steps with IoptPages on the dashboard: the first and the last that have any
    const withPages = [];
    for (let st = 1; st <= r.length; st++)
      if ((await hook(page, 'digestTiers', st, 0)).length > 0) withPages.push(st);
    assert(withPages.length >= 2, `steps with pages: ${withPages}`);
    steps = [withPages[0], withPages[withPages.length - 1]];
    last = r.length;
    for (const s of steps) {
      await stepTo(page, s);
      before[s] = await shown(page);
      assert(before[s].strips.length > 0, `no dashboard strips at step ${s}`);
    }
  });

  await test('Export ▾ → Run file downloads a run file of this run', async () => {
    const { name, bytes } = await downloadOf(page, 'export-run');
    assertEqual(name, '05-access-pin-with-domain.pfnrun.json', 'suggested name');
    const saved = JSON.parse(bytes.toString('utf8'));
    assertEqual(saved.format, 'pfnlab-run', 'format');
    assertEqual(saved.version, 1, 'version');
    assertEqual(saved.scenario.fileName, SCENARIO, 'scenario name');
    assertEqual(saved.timeline.events.length, last, 'events');
    assert(saved.timeline.digests.length > 0, 'no digests');
    runPath = join(tmp, name);
    writeFileSync(runPath, bytes);
  });

  await test('CSV, Perfetto trace and PNG downloads are non-empty and well-formed', async () => {
    const csv = await downloadOf(page, 'export-csv');
    const rows = csv.bytes.toString('utf8').trimEnd().split('\n');
    assert(/^seq,op,target,line,errno,t_ms,dur_ms,/.test(rows[0]), `CSV header: ${rows[0]}`);
    assertEqual(rows.length, last + 1, 'CSV rows');
    const trace = JSON.parse((await downloadOf(page, 'export-trace')).bytes.toString('utf8'));
    const ops = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat?.startsWith('op'));
    assertEqual(ops.length, last, 'trace ops');
    const png = await downloadOf(page, 'export-png');
    assertEqual(png.name, '05-access-pin-with-domain.png', 'PNG name');
    assert(png.bytes.length > 1000, `PNG of ${png.bytes.length} bytes`);
    assertEqual(png.bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
    writeFileSync(join(outDir, 'saved-run-dashboard.png'), png.bytes);
  });

  await test('after a reload, Open run… shows the same steps exactly as they ran, without running', async () => {
    await page.reload();
    await page
      .getByTestId('engine-version')
      .filter({ hasText: /^engine \d/ })
      .waitFor();
    assertEqual((await hook(page, 'runs')).status, 'idle', 'no run after the reload');
    await openRunFile(page, runPath);
    await until(async () => (await hook(page, 'runs')).status === 'done', 'the saved run never showed');
    const badge = await page.getByTestId('saved-run-badge').innerText();
    assert(/^saved run 05-access-pin-with-domain\.pfnrun\.json · ran .* · engine \d/.test(badge), badge);
    assertEqual((await hook(page, 'runs')).length, last, 'events shown');
    for (const s of steps) {
      await stepTo(page, s);
      const now = await shown(page);
      assertEqual(JSON.stringify(now), JSON.stringify(before[s]), `step ${s} as it ran`);
    }
    await page.screenshot({ path: join(outDir, 'saved-run.png') });
  });

  await test('a truncated file: the error banner, and the open run and document are unchanged', async () => {
    const runs = await hook(page, 'runs');
    const doc = await hook(page, 'scenario');
    const cut = join(tmp, 'cut.pfnrun.json');
    writeFileSync(cut, readFileSync(runPath).subarray(0, 4000));
    await openRunFile(page, cut);
    const banner = page.getByTestId('runfile-error');
    await banner.waitFor();
    const text = await banner.innerText();
    assert(/cut\.pfnrun\.json: not JSON \(truncated at byte 4000\?\)/.test(text), text);
    await page.screenshot({ path: join(outDir, 'saved-run-error.png') });
    assertEqual(JSON.stringify(await hook(page, 'runs')), JSON.stringify(runs), 'runs store');
    assertEqual(JSON.stringify(await hook(page, 'scenario')), JSON.stringify(doc), 'open document');
    await page.getByTestId('runfile-error-dismiss').click();
    await until(async () => (await banner.count()) === 0, 'the banner did not go');
    assert(await page.getByTestId('saved-run-badge').isVisible(), 'the saved run is still shown');
  });
  await page.close();
}
