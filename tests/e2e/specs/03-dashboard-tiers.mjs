// Bundled scenarios 03 and 10 opened from the examples list, run, then stepped
// through with the scrubber buttons: at every step the inspect store's tier
// summaries and the dashboard's drawn tiers agree with what the run's digest
// says, and at the steps that teach something the canvas pixels of known
// indexes have the tier's colour.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, until } from '../lib/harness.mjs';
import {
  canvasPixel,
  events,
  hook,
  inspectedAt,
  near,
  openApp,
  openExample,
  rgb,
  runToEnd,
} from '../lib/app.mjs';

// renderer/theme/palette.ts TIER_COLORS (none, domain, xarray, both): parsed, not copied.
function tierColors(root) {
  const src = readFileSync(join(root, 'renderer/theme/palette.ts'), 'utf8');
  const block = /TIER_COLORS = \[([\s\S]*?)\]/.exec(src)?.[1] ?? '';
  const cols = [...block.matchAll(/'(#[0-9a-fA-F]{6})'/g)].map((m) => rgb(m[1]));
  assert(cols.length === 4, `TIER_COLORS not found in palette.ts (${cols.length})`);
  return cols;
}
const TIER = { none: 0, domain: 1, xarray: 2, both: 3 };

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
  let sel = await hook(page, 'selection');
  if (step < sel.step || sel.step === 0) {
    await page.getByTestId('step-first').click();
    sel = await hook(page, 'selection');
  }
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

/** At the selected step: digest vs inspect store vs dashboard, for each sample index (one round trip). */
async function checkStores(page, step, indexes) {
  const rows = await page.evaluate(
    ([st, idx]) =>
      idx.map((i) => {
        const want = window.__pfnlab.digestTiers(st, i);
        const keys = want.map((p) => p.key);
        return {
          i,
          want: want.filter((p) => p.tier !== null).map((p) => [p.id, p.tier]),
          got: window.__pfnlab
            .inspectTiers(i)
            .filter((p) => p.tier !== null)
            .map((p) => [p.pages, p.tier]),
          // A key two pages objects share (two maps of one buffer) is ambiguous for tierAt.
          drawn: want
            .filter((p) => p.tier !== null && keys.indexOf(p.key) === keys.lastIndexOf(p.key))
            .map((p) => [p.key, p.tier, window.__pfnlabDashboard.tierAt(p.key, i)]),
        };
      }),
    [step, indexes],
  );
  for (const r of rows) {
    assertEqual(r.got, r.want, `step ${step} index ${r.i}: inspect tiers by pages id (vs digest)`);
    for (const [key, want, drawn] of r.drawn)
      assertEqual(drawn, want, `step ${step} index ${r.i}: dashboard tierAt(${key})`);
  }
  return rows.reduce((n, r) => n + r.want.length + r.drawn.length, 0);
}

/** Canvas colour of page `index` in strip `key` (zooming the strip to [vs, ve) first when given). */
async function pixelOf(page, key, index) {
  const strips = await dash(page, 'strips');
  const s = strips.find((x) => x.key === key);
  assert(s, `no strip ${key} in ${JSON.stringify(strips.map((x) => x.key))}`);
  assert(index >= s.start && index < s.end, `index ${index} outside the strip's view ${s.start}..${s.end}`);
  const x = s.x0 + ((index + 0.5 - s.start) / (s.end - s.start)) * (s.x1 - s.x0);
  return canvasPixel(page, 'dashboard-canvas', x, s.y);
}

async function checkPixels(page, colors, key, expect, what) {
  for (const [index, tier] of expect) {
    const px = await pixelOf(page, key, index);
    assert(
      near(px, colors[tier]),
      `${what}: pixel of index ${index} is rgb(${px.slice(0, 3)}), want tier ${tier} rgb(${colors[tier]})`,
    );
  }
}

/** Zoom strip `key` to [start, end) and wait for its redraw. */
async function zoom(page, key, start, end) {
  await dash(page, 'setView', key, start, end);
  await until(async () => {
    const s = (await dash(page, 'strips')).find((x) => x.key === key);
    return s && Math.round(s.start) === start && Math.round(s.end) === end;
  }, `strip ${key} did not zoom to ${start}..${end}`);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export default async function dashboardTiers({ context, base, test, outDir, root, problems }) {
  const colors = tierColors(root);
  const page = await openApp(context, { base, problems });

  await test('scenario 03 opens from the examples list and runs', async () => {
    await openExample(page, '03-four-domains.ts');
    const r = await runToEnd(page);
    assert(r.status === 'done', `status ${r.status}: ${JSON.stringify(r.error ?? r.engineError)}`);
    assert(r.length > 30, `only ${r.length} events`);
  });

  await test('scenario 03: at every step the inspect store and the dashboard show the tiers of the digest', async () => {
    const evs = await events(page);
    let compared = 0;
    for (let s = 1; s <= evs.length; s++) {
      await stepTo(page, s);
      compared += await checkStores(page, s, [0, 15, 31]);
    }
    assert(compared > evs.length * 3, `only ${compared} tier comparisons over ${evs.length} steps`);
  });

  await test('scenario 03: after the map with four domains every page is drawn as domain', async () => {
    const evs = await events(page);
    const map = evs.find((e) => e.op === 'ioas.map');
    assert(map, 'no ioas.map event');
    await stepTo(page, map.seq);
    const [p] = await hook(page, 'digestTiers', map.seq, 0);
    assert(p && p.tier === TIER.domain, `digest: ${JSON.stringify(p)}`);
    await checkPixels(
      page,
      colors,
      p.key,
      [
        [0, 1],
        [16, 1],
        [31, 1],
      ].map(([i]) => [i, TIER.domain]),
      'after map',
    );
    await page.getByTestId('dashboard').screenshot({ path: join(outDir, 'dashboard-03.png') });
  });

  await test('scenario 10 opens from the examples list and runs', async () => {
    await openExample(page, '10-last-domain-with-access-in-huge-page.ts');
    const r = await runToEnd(page);
    assert(r.status === 'done', `status ${r.status}: ${JSON.stringify(r.error ?? r.engineError)}`);
  });

  await test('scenario 10: at every step the inspect store and the dashboard show the tiers of the digest', async () => {
    const evs = await events(page);
    let compared = 0;
    for (let s = 1; s <= evs.length; s++) {
      await stepTo(page, s);
      compared += await checkStores(page, s, [0, 1, 2, 511, 512, 1023]);
    }
    assert(compared > evs.length * 6, `only ${compared} tier comparisons over ${evs.length} steps`);
  });

  await test('scenario 10: index 1 is xarray+domain after the access pin, xarray only after the last detach', async () => {
    const evs = await events(page);
    const pin = evs.find((e) => e.op === 'access.pin');
    const detach = evs.find((e) => e.op === 'domain.detach');
    const unpin = evs.find((e) => e.op === 'access.unpin');
    assert(pin && detach && unpin, `ops: ${evs.map((e) => e.op).join(' ')}`);

    await stepTo(page, pin.seq);
    const [p] = await hook(page, 'digestTiers', pin.seq, 1);
    assert(p && p.npages === 1024, `pages after pin: ${JSON.stringify(p)}`);
    assertEqual(p.tier, TIER.both, 'digest tier of index 1 after the pin');
    assertEqual(await dash(page, 'tierAt', p.key, 1), TIER.both, 'dashboard tier of index 1 after the pin');
    assertEqual(await dash(page, 'tierAt', p.key, 0), TIER.domain, 'dashboard tier of index 0 after the pin');
    await checkPixels(page, colors, p.key, [[700, TIER.domain]], 'after pin, whole strip');
    await zoom(page, p.key, 0, 16);
    await checkPixels(
      page,
      colors,
      p.key,
      [
        [0, TIER.domain],
        [1, TIER.both],
        [2, TIER.domain],
      ],
      'after pin, zoomed',
    );
    await page.getByTestId('dashboard').screenshot({ path: join(outDir, 'dashboard-10-pin-zoomed.png') });
    await page.getByTestId('dashboard-reset').click();

    await stepTo(page, detach.seq);
    for (const [i, t] of [
      [0, TIER.none],
      [1, TIER.xarray],
      [2, TIER.none],
      [1023, TIER.none],
    ]) {
      assertEqual(
        (await hook(page, 'digestTiers', detach.seq, i))[0]?.tier,
        t,
        `digest tier of ${i} after detach`,
      );
      assertEqual(await dash(page, 'tierAt', p.key, i), t, `dashboard tier of index ${i} after detach`);
    }
    await checkPixels(page, colors, p.key, [[700, TIER.none]], 'after detach, whole strip');
    await page.getByTestId('dashboard').screenshot({ path: join(outDir, 'dashboard.png') });
    await zoom(page, p.key, 0, 16);
    await checkPixels(
      page,
      colors,
      p.key,
      [
        [0, TIER.none],
        [1, TIER.xarray],
        [2, TIER.none],
      ],
      'after detach, zoomed',
    );
    await page.getByTestId('dashboard-reset').click();

    await stepTo(page, unpin.seq);
    assertEqual(await dash(page, 'tierAt', p.key, 1), TIER.none, 'dashboard tier of index 1 after the unpin');
  });
}
