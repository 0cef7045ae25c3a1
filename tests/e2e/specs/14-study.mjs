// Study results: a study file (renderer/study/fixtures/small.pfnstudy.json,
// 48 cells, 16 skipped, 1 error) opened through the header's Study button and
// the fallback file chooser (`?files=fallback`): header, every cell in the
// table with the skipped and error reasons, the chart drawn (bars in the
// strategies' colours), filters, metric and sort, CSV export (a download).
// A corrupt study (opened, and dropped on the window) shows the error banner
// and changes nothing: the open study, the documents, the editor's text.
// Screenshots of the view in both themes (study-dark.png, study-light.png).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, assertEqual, until } from '../lib/harness.mjs';
import { hook, openApp } from '../lib/app.mjs';

const FIXTURE = fileURLToPath(
  new URL('../../../renderer/study/fixtures/small.pfnstudy.json', import.meta.url),
);
// Okabe–Ito (theme/palette.ts AREA_COLORS): iommufd, iommufd+batch-api, naive, vfio-type1
const STRATEGY_COLORS = ['#56b4e9', '#009e73', '#d55e00', '#cc79a7'];

async function chooseFile(page, testid, path) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId(testid).click()]);
  await chooser.setFiles(path);
}

/** How many canvas pixels are near each strategy colour. */
function colourCounts(page) {
  return page.evaluate((colors) => {
    const c = document.querySelector('[data-testid="study-chart"]');
    if (!(c instanceof HTMLCanvasElement)) throw new Error('no study chart canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const want = colors.map((h) => {
      const n = parseInt(h.slice(1), 16);
      return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    });
    const counts = want.map(() => 0);
    for (let i = 0; i < d.length; i += 4)
      want.forEach((w, k) => {
        if (Math.abs(d[i] - w[0]) < 8 && Math.abs(d[i + 1] - w[1]) < 8 && Math.abs(d[i + 2] - w[2]) < 8)
          counts[k]++;
      });
    return counts;
  }, STRATEGY_COLORS);
}

/** Where the focus is: the testid of the dialog holding it, or null. */
const focusDialog = (page) =>
  page.evaluate(
    () => document.activeElement?.closest('[role="dialog"]')?.getAttribute('data-testid') ?? null,
  );

const rowCount = (page) => page.getByTestId('study-row').count();
const docsOf = (page) => hook(page, 'documents');

export default async function study({ context, base, test, outDir, problems }) {
  const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-e2e-study-'));
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  const page = await openApp(context, { base: `${base}?files=fallback`, problems });
  await page.setViewportSize({ width: 1500, height: 950 });

  await test('Study → a study file: header, every cell with skipped and error reasons, the chart drawn', async () => {
    await chooseFile(page, 'study-button', FIXTURE);
    await page.getByTestId('study-view').waitFor();
    const s = await hook(page, 'study');
    assertEqual(s.name, 'small.pfnstudy.json', 'study name');
    assertEqual(s.cells, fixture.cells.length, 'cells in the store');
    assertEqual(await rowCount(page), fixture.cells.length, 'table rows');
    const header = await page.getByTestId('study-header').innerText();
    assert(
      header.includes('Test CPU @ 2.0GHz') && header.includes('quick') && header.includes('0.9.0'),
      header,
    );
    assert(header.includes('48 (31 ok, 16 skipped, 1 error)'), header);
    const skipped = page.locator('[data-testid="study-row"][data-status="skipped"]');
    assertEqual(await skipped.count(), 16, 'skipped rows');
    assert(
      (await skipped.first().innerText()).includes('1 GiB hugetlb needs a 1 GiB-aligned size'),
      'skip reason',
    );
    const err = await page.locator('[data-testid="study-row"][data-status="error"]').innerText();
    assert(err.includes('ENOMEM'), `error row: ${err}`);
    // a naive row's ratio to iommufd as the file's numbers give it
    const cell = fixture.cells.find(
      (c) => c.strategy === 'naive' && c.operation === 'map' && c.backing === 'thp' && c.domains === 4,
    );
    const base = fixture.cells.find(
      (c) => c.strategy === 'iommufd' && c.operation === 'map' && c.backing === 'thp' && c.domains === 4,
    );
    const want = (cell.wallMs / base.wallMs).toFixed(2);
    const rows = await page.getByTestId('study-row').allInnerTexts();
    assert(
      rows.some((r) => /^naive\s+map\s+thp\s+64 MiB\s+4\s+ok/.test(r) && r.includes(`${want}×`)),
      `no naive map thp 4-domain row with ${want}×`,
    );
    await until(
      async () => (await page.getByTestId('study-chart').getAttribute('data-bars')) === '8',
      'chart bars',
    );
    const counts = await colourCounts(page);
    assert(
      counts.every((n) => n > 50),
      `bar pixels per strategy colour: ${counts}`,
    );
    await page.screenshot({ path: join(outDir, 'study-dark.png') });
  });

  await test('filters, metric (log scale) and sort; Export CSV downloads the shown rows', async () => {
    await page.getByTestId('study-filter-strategy-naive').click();
    assertEqual(await rowCount(page), 36, 'rows without naive');
    await until(
      async () => (await page.getByTestId('study-chart').getAttribute('data-bars')) === '6',
      'bars',
    );
    assertEqual((await colourCounts(page))[2], 0, 'naive pixels after hiding it');
    await page.getByTestId('study-metric').selectOption('map-calls');
    await page.getByText('log scale').waitFor();
    await page.getByTestId('study-sort-mapCalls').click();
    await page.getByTestId('study-sort-mapCalls').click();
    const first = await page.getByTestId('study-row').first().innerText();
    assert(/frag-4k/.test(first), `largest map calls first: ${first}`);
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('study-export-csv').click(),
    ]);
    assertEqual(dl.suggestedFilename(), 'small.csv', 'CSV name');
    const csv = readFileSync(await dl.path(), 'utf8')
      .trimEnd()
      .split('\r\n');
    assertEqual(csv.length, 37, 'CSV lines');
    assert(csv[0].startsWith('strategy,operation,backing,sizeBytes,domains,status,wallMs'), csv[0]);
    assert(!csv.some((l) => l.startsWith('naive,')), 'hidden strategy in the CSV');
    await page.getByTestId('study-filter-reset').click();
    await page.getByTestId('study-metric').selectOption('vs-iommufd');
    // grouped by backing: frag-4k and thp have bars for the 4 strategies, hugetlb-1g (all skipped) none
    await page.getByTestId('study-group-by').selectOption('backing');
    await until(
      async () => (await page.getByTestId('study-chart').getAttribute('data-bars')) === '8',
      'bars by backing',
    );
    await page.screenshot({ path: join(outDir, 'study-by-backing.png') });
    await page.getByTestId('study-group-by').selectOption('operation');
  });

  await test('light theme: the view drawn with the light colours', async () => {
    await page.getByTestId('theme-toggle').selectOption('light');
    await until(
      async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === 'light',
      'light',
    );
    await page.waitForTimeout(200);
    const corner = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="study-chart"]');
      return Array.from(c.getContext('2d').getImageData(2, 2, 1, 1).data);
    });
    assert(corner[0] > 240 && corner[1] > 240 && corner[2] > 240, `chart background on light: ${corner}`);
    await page.screenshot({ path: join(outDir, 'study-light.png') });
    // the naive bar of the map group (bar-layout.ts: 64 px left pad, 12 right, bars ≤ 56 px centred)
    const box = await page.getByTestId('study-chart').boundingBox();
    const x = 64 + (box.width - 76) / 4 + 28;
    await page.getByTestId('study-chart').hover({ position: { x, y: box.height - 40 } });
    const tip = await page.getByTestId('study-tip').innerText();
    assert(tip.includes('naive · map') && tip.includes('median 3.50×') && tip.includes('4 cells'), tip);
    await page.screenshot({ path: join(outDir, 'study-light-hover.png') });
    await page.getByTestId('theme-toggle').selectOption('dark');
  });

  await test('a corrupt study (opened, then dropped): the error banner; study, documents and editor unchanged', async () => {
    const docs = await docsOf(page);
    const source = (await hook(page, 'scenario')).source;
    const bad = join(tmp, 'corrupt.pfnstudy.json');
    writeFileSync(bad, readFileSync(FIXTURE, 'utf8').slice(0, 2000));
    await chooseFile(page, 'study-open', bad);
    const banner = page.getByTestId('study-error');
    await banner.waitFor();
    const text = await banner.innerText();
    assert(text.includes('corrupt.pfnstudy.json') && text.includes('not JSON'), text);
    await page.screenshot({ path: join(outDir, 'study-error.png') });
    await page.getByTestId('study-error-dismiss').click();
    await banner.waitFor({ state: 'detached' });
    // dropped on the window: the same, no new tab
    await page.evaluate((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'dropped.pfnstudy.json', { type: 'application/json' }));
      document.body.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
      document.body.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    }, '{"format": "pfnlab-study", "version": 1, "cells": []}');
    await banner.waitFor();
    assert(
      (await banner.innerText()).includes('dropped.pfnstudy.json: createdAt: expected a string'),
      'drop banner',
    );
    const s = await hook(page, 'study');
    assertEqual(s.name, 'small.pfnstudy.json', 'the open study');
    assertEqual(s.cells, 48, 'its cells');
    assertEqual(await rowCount(page), 48, 'table rows');
    assertEqual(JSON.stringify(await docsOf(page)), JSON.stringify(docs), 'documents');
    assertEqual((await hook(page, 'scenario')).source, source, 'editor text');
    await page.getByTestId('study-error-dismiss').click();
  });

  await test('Close hides the view (the lab as it was); Study shows it again; a dropped good study opens; Escape hides it', async () => {
    await page.getByTestId('study-close').click();
    await page.getByTestId('study-view').waitFor({ state: 'detached' });
    await page.getByTestId('editor').waitFor();
    await page.getByTestId('study-button').click();
    await page.getByTestId('study-view').waitFor();
    const text = JSON.stringify({ ...fixture, cells: fixture.cells.slice(0, 12) });
    await page.evaluate((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'twelve.pfnstudy.json', { type: 'application/json' }));
      document.body.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    }, text);
    await until(async () => (await hook(page, 'study')).name === 'twelve.pfnstudy.json', 'dropped study');
    assertEqual(await rowCount(page), 12, 'rows of the dropped study');
    // the view took the focus; Escape goes back to the lab
    await page.keyboard.press('Escape');
    await page.getByTestId('study-view').waitFor({ state: 'detached' });
  });

  await test('every dialog (one shared frame): focus inside, Tab kept in, Escape closes, both themes', async () => {
    // the share dialog shows when the clipboard refuses the link
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new Error('refused for the test'));
    });
    await page.getByTestId('doc-new').click();
    await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n// changed');
    const tab = (await docsOf(page)).active;
    await page.getByTestId(`doc-dirty-${tab}`).waitFor();
    const DIALOGS = [
      ['gallery', () => page.getByTestId('doc-gallery').click()],
      ['close-dialog', () => page.getByTestId(`doc-tab-close-${tab}`).click()],
      ['share-dialog', () => page.getByTestId('doc-share').click()],
      [
        'shortcuts-overlay',
        async () => (await page.locator('h1').click(), page.keyboard.press('Shift+Slash')),
      ],
      [
        'emulated-panel',
        async () => (
          await page.getByTestId('help-button').click(),
          page.getByTestId('help-emulated').click()
        ),
      ],
      [
        'docs-panel',
        async () => (await page.getByTestId('help-button').click(), page.getByTestId('help-docs').click()),
      ],
      [
        'about-box',
        async () => (await page.getByTestId('help-button').click(), page.getByTestId('help-about').click()),
      ],
    ];
    for (const theme of ['dark', 'light']) {
      await page.getByTestId('theme-toggle').selectOption(theme);
      for (const [id, open] of DIALOGS) {
        await open();
        const dlg = page.getByTestId(id);
        await dlg.waitFor();
        await until(async () => (await focusDialog(page)) === id, `${id}: the focus is not inside`);
        for (let k = 0; k < 6; k++) await page.keyboard.press(k % 2 ? 'Shift+Tab' : 'Tab');
        for (let k = 0; k < 9; k++) await page.keyboard.press('Tab');
        assertEqual(await focusDialog(page), id, `${id}: Tab left the dialog`);
        await page.waitForTimeout(150);
        await page.screenshot({ path: join(outDir, `dialog-${id}-${theme}.png`) });
        await page.keyboard.press('Escape');
        await dlg.waitFor({ state: 'detached' });
        assertEqual(await focusDialog(page), null, `${id}: focus left in a closed dialog`);
      }
    }
    assertEqual(
      (await docsOf(page)).tabs[tab]?.dirty,
      true,
      'Escape on the close dialog cancelled the close',
    );
    await page.getByTestId(`doc-tab-close-${tab}`).click();
    await page.getByTestId('close-discard').click();
    await page.getByTestId('theme-toggle').selectOption('dark');
  });
}
