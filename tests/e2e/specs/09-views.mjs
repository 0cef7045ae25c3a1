// Every view at a step that has something to show (scenario 10 right after the
// access pin: one 1024-page buffer in a domain, index 1 also in the xarray),
// saved as test artifacts in test-results/e2e/ — and each view must have drawn
// that step: its panel shows the run's objects, not an empty state.
import { join } from 'node:path';
import { assert, until } from '../lib/harness.mjs';
import { events, hook, inspectedAt, openApp, openExample, runToEnd, selectTab } from '../lib/app.mjs';

export default async function views({ context, base, test, outDir, problems }) {
  const page = await openApp(context, { base, problems });
  await openExample(page, '10-last-domain-with-access-in-huge-page.ts');
  const r = await runToEnd(page);
  const pin = (await events(page)).find((e) => e.op === 'access.pin');

  await test('scenario 10 ran and its access pin is selectable from the timeline', async () => {
    assert(r.status === 'done' && pin, `status ${r.status}`);
    await page.getByTestId('step-first').click();
    for (let s = 1; s < pin.seq; s++) await page.getByTestId('step-next').click();
    await until(async () => (await hook(page, 'selection')).step === pin.seq, 'the pin step is not selected');
    await inspectedAt(page, pin.seq);
    await page.getByTestId('timeline').screenshot({ path: join(outDir, 'timeline.png') });
    await page.getByTestId('dashboard').screenshot({ path: join(outDir, 'dashboard-10-pin.png') });
    await page.screenshot({ path: join(outDir, 'app-scenario-10.png') });
  });

  await test('physical view draws the machine with the pinned frames', async () => {
    await selectTab(page, 'physical');
    await page.getByTestId('physical-canvas').waitFor();
    await until(async () => (await page.getByTestId('physical-totals').innerText()).length > 0, 'no totals');
    const totals = await page.getByTestId('physical-totals').innerText();
    assert(/pinned/i.test(totals), `physical totals: ${totals}`);
    const b = await page.evaluate(() => window.__pfnlabPhysical?.view() ?? null);
    assert(b && b.end > b.start, `physical hook view: ${JSON.stringify(b)}`);
    await page.getByTestId('physical').screenshot({ path: join(outDir, 'physical.png') });
  });

  await test('IOAS view shows the area', async () => {
    await selectTab(page, 'ioas');
    const area = page.getByTestId('ioas-area').first();
    await area.waitFor();
    const text = await area.innerText();
    assert(/0x/i.test(text), `area: ${text}`);
    await page.getByTestId('ioas').screenshot({ path: join(outDir, 'ioas.png') });
  });

  await test('domain view shows the mock domain and its mapped range', async () => {
    await selectTab(page, 'domains');
    await page.getByTestId('domain').first().waitFor();
    const mapped = await page.getByTestId('domain-mapped').first().innerText();
    assert(/0x/i.test(mapped), `mapped: ${mapped}`);
    await page.getByTestId('domains').screenshot({ path: join(outDir, 'domains.png') });
  });

  await test('counters view shows the cumulative counters and the pin’s deltas', async () => {
    await selectTab(page, 'counters');
    const row = page.locator('[data-testid="counter-row"][data-name="xarrayStores"]');
    await row.waitFor();
    const delta = await row.getByTestId('counter-delta').innerText();
    assert(/\+?1\b/.test(delta), `xarrayStores delta at the pin: ${delta}`);
    const pinned = await page
      .locator('[data-testid="counter-row"][data-name="pagesPinned"] [data-testid="counter-value"]')
      .innerText();
    assert(/1\s?024/.test(pinned), `pagesPinned at the pin: ${pinned}`);
    await page.getByTestId('counters').screenshot({ path: join(outDir, 'counters.png') });
  });
}
