// Documents and share links: autosave survives a reload (and says so), several tabs with
// dirty markers, a changed tab's close asks, save through the fallback download, open
// through the file chooser, a share link opens into a new tab of a fresh page, the gallery.
// The page runs with ?files=fallback: Playwright drives file inputs and downloads, not the
// File System Access pickers.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, assertEqual, until } from '../lib/harness.mjs';
import { hook, openApp } from '../lib/app.mjs';

const docsOf = (page) => hook(page, 'documents');

async function typeAtEnd(page, text) {
  await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

/** Wait until the editor shows the active tab's text (tab switches are asynchronous). */
async function activeSource(page) {
  return (await hook(page, 'scenario')).source;
}

export default async function documents({ context, base, test, outDir, problems }) {
  const url = `${base}?files=fallback`;
  const page = await openApp(context, { base: url, problems });
  const marker = `// typed before a reload ${Date.now()}`;

  await test('typed text survives a reload, and the restore notice says so', async () => {
    await page.getByTestId('doc-new').click();
    const d0 = await docsOf(page);
    const name = d0.tabs[d0.active].name;
    await typeAtEnd(page, `\n${marker}`);
    await until(async () => (await activeSource(page)).includes(marker), 'typing did not reach the store');
    // No wait for the 500 ms autosave: the reload's pagehide writes it.
    await page.reload();
    await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().waitFor();
    const d1 = await until(async () => {
      const d = await docsOf(page);
      return d.ready ? d : null;
    }, 'documents never ready after the reload');
    assertEqual(d1.tabs[d1.active].name, name, 'active tab after the reload');
    const src = await activeSource(page);
    assert(src.includes(marker), `the typed text is gone after the reload: …${src.slice(-120)}`);
    const notice = await page.getByTestId('restore-notice').innerText();
    assert(/Restored \d+ documents? from your last session/.test(notice), `restore notice: ${notice}`);
    await page.locator('.monaco-editor .view-line', { hasText: 'typed before a reload' }).first().waitFor();
    await page.getByTestId('restore-dismiss').click();
    await until(async () => (await page.getByTestId('restore-notice').count()) === 0, 'notice not dismissed');
  });

  await test('several tabs: dirty markers only on changed ones, each tab keeps its text', async () => {
    await page.getByTestId('doc-new').click();
    let d = await docsOf(page);
    const a = d.active;
    await page.getByTestId('doc-new').click();
    d = await docsOf(page);
    const b = d.active;
    assert(b === a + 1, `new tabs at ${a}, ${b}`);
    assert((await page.getByTestId(`doc-dirty-${b}`).count()) === 0, 'an untouched new tab is dirty');
    await typeAtEnd(page, '\n// tab b');
    await page.getByTestId(`doc-dirty-${b}`).waitFor();
    assert((await page.getByTestId(`doc-dirty-${a}`).count()) === 0, 'tab a is dirty without a change');
    await page.getByTestId(`doc-tab-${a}`).click();
    await until(async () => !(await activeSource(page)).includes('// tab b'), 'tab a shows tab b’s text');
    await page.getByTestId(`doc-tab-${b}`).click();
    await until(async () => (await activeSource(page)).includes('// tab b'), 'tab b lost its text');
    // Undo history is per tab: Ctrl+Z in b takes back b's typing.
    await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().click();
    for (let i = 0; i < 5 && (await activeSource(page)).includes('// tab b'); i++)
      await page.keyboard.press('Control+Z');
    assert(!(await activeSource(page)).includes('// tab b'), 'undo did not take the typing back');
    await typeAtEnd(page, '\n// tab b again');
    // Closing the changed tab asks, in the app.
    await page.getByTestId(`doc-tab-close-${b}`).click();
    await page.getByTestId('close-dialog').waitFor();
    await page.getByTestId('close-cancel').click();
    assertEqual((await docsOf(page)).tabs.length, d.tabs.length, 'tabs after Cancel');
    await page.getByTestId(`doc-tab-close-${b}`).click();
    await page.getByTestId('close-discard').click();
    await until(async () => (await docsOf(page)).tabs.length === d.tabs.length - 1, 'tab not closed');
    await page.screenshot({ path: join(outDir, 'documents-tabs.png') });
  });

  await test('Save without a file downloads it (fallback), then the tab is clean', async () => {
    await page.getByTestId('doc-new').click();
    await typeAtEnd(page, '\n// saved by download');
    const d = await docsOf(page);
    const name = d.tabs[d.active].name;
    assert(d.tabs[d.active].dirty, 'typed tab not dirty');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('doc-save').click()]);
    assertEqual(dl.suggestedFilename(), name, 'download name');
    const file = await dl.path();
    const text = readFileSync(file, 'utf8');
    assert(text.includes('// saved by download'), `downloaded text: ${text.slice(-80)}`);
    await until(async () => {
      const x = await docsOf(page);
      return !x.tabs[x.active].dirty;
    }, 'tab still dirty after the download');
  });

  await test('Open takes a file from the file chooser into a tab', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pfnlab-e2e-open-'));
    const path = join(dir, 'from-disk.ts');
    const body = '// opened from disk\nconst ictx = lab.open();\nlab.log(String(ictx));\n';
    writeFileSync(path, body);
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByTestId('doc-open').click(),
    ]);
    await chooser.setFiles(path);
    const d = await until(async () => {
      const x = await docsOf(page);
      return x.tabs[x.active].name === 'from-disk.ts' ? x : null;
    }, 'opened file not in a tab');
    assertEqual(await activeSource(page), body, 'opened text');
    assert(!d.tabs[d.active].dirty, 'a just-opened file is dirty');
  });

  await test('a file dropped on the window opens in a tab', async () => {
    const body = '// dropped on the window\nconst ictx = lab.open();\nlab.log(String(ictx));\n';
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.ts', { type: 'text/plain' }));
      const target = document.querySelector('[data-testid="timeline"]') ?? document.body;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, body);
    await until(async () => {
      const x = await docsOf(page);
      return x.tabs[x.active].name === 'dropped.ts';
    }, 'dropped file not in a tab');
    assertEqual(await activeSource(page), body, 'dropped text');
  });

  await test('a share link opens into a new tab of a fresh page, the other tabs untouched', async () => {
    const shared = `// shared scenario ${Date.now()}\nconst ictx = lab.open();\nlab.log(String(ictx));\n`;
    await page.getByTestId('doc-new').click();
    await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(shared);
    await until(async () => (await activeSource(page)) === shared, 'shared text not in the store');
    await page.getByTestId('doc-share').click();
    const share = await until(async () => (await docsOf(page)).share, 'no share link built');
    console.log(`     share link: ${share.length} characters for a ${shared.length}-character scenario`);
    assert(/#s=1\.[A-Za-z0-9_-]+$/.test(share.url), `link: ${share.url}`);
    if (!share.copied) {
      const shown = await page.getByTestId('share-url').inputValue();
      assertEqual(shown, share.url, 'link in the dialog');
      await page.getByTestId('share-done').click();
    }
    await page.waitForTimeout(700); // this page's autosave
    const fresh = await context.newPage();
    fresh.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await fresh.goto(share.url);
    await fresh.locator('[data-testid="editor"] .monaco-editor .view-lines').first().waitFor();
    const d = await until(async () => {
      const x = await docsOf(fresh);
      return x.ready ? x : null;
    }, 'fresh page never ready');
    // A second browser tab has an autosave session of its own: it does not restore (or later
    // overwrite) the first tab's documents, which is still open.
    assert(
      d.tabs.length <= 2,
      `the fresh tab restored another tab's documents: ${d.tabs.map((x) => x.name)}`,
    );
    assertEqual(d.active, d.tabs.length - 1, 'the shared tab is the new last one and active');
    assertEqual(await activeSource(fresh), shared, 'shared source');
    assert(!fresh.url().includes('#s='), `the link stays in the address: ${fresh.url()}`);
    // A damaged link says so and changes nothing.
    const broken = share.url.slice(0, share.url.length - 25);
    await fresh.goto(broken);
    await fresh.locator('[data-testid="editor"] .monaco-editor .view-lines').first().waitFor();
    const msg = await fresh.getByTestId('doc-notice').innerText();
    assert(/cannot be opened.*Nothing was changed/.test(msg), `damaged link notice: ${msg}`);
    await fresh.close();
  });

  await test('two browser tabs keep their own autosave: the first tab reloads to its own tabs', async () => {
    const before = await docsOf(page);
    const other = await context.newPage();
    other.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await other.goto(url);
    await other.locator('[data-testid="editor"] .monaco-editor .view-lines').first().waitFor();
    await until(async () => (await docsOf(other)).ready, 'second tab never ready');
    await typeAtEnd(other, '\n// typed in the second tab');
    await other.waitForTimeout(700); // its autosave
    await other.close();
    await page.reload();
    await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().waitFor();
    const after = await until(async () => {
      const x = await docsOf(page);
      return x.ready ? x : null;
    }, 'documents never ready after the reload');
    assertEqual(
      after.tabs.map((x) => x.name),
      before.tabs.map((x) => x.name),
      'the first tab’s documents after the second tab wrote its own',
    );
    assert(
      !(await activeSource(page)).includes('typed in the second tab'),
      'the second tab overwrote the first',
    );
    if (await page.getByTestId('restore-dismiss').count()) await page.getByTestId('restore-dismiss').click();
  });

  await test('the gallery lists every bundled scenario with what it teaches, and opens one', async () => {
    await page.getByTestId('doc-gallery').click();
    const gallery = page.getByTestId('gallery');
    await gallery.waitFor();
    const item = page.getByTestId('gallery-item-03-four-domains.ts');
    const text = await item.innerText();
    assert(/four domains/i.test(text) && /reads each PFN ONCE/.test(text), `card 03: ${text}`);
    const cards = await gallery.locator('[data-testid^="gallery-item-"]').count();
    assert(cards >= 23, `${cards} cards`);
    await page.screenshot({ path: join(outDir, 'gallery.png') });
    await item.click();
    await until(
      async () => (await hook(page, 'scenario')).name === '03-four-domains.ts',
      'example not opened',
    );
    assert((await page.getByTestId('gallery').count()) === 0, 'the gallery stays open');
    await page.screenshot({ path: join(outDir, 'documents.png') });
  });
}
