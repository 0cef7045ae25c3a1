// The shell: app name, the engine in a Web Worker under SES, Monaco with the
// scenario API declarations, Run of the default scenario, pinging the engine.
import { join } from 'node:path';
import { assert, until } from '../lib/harness.mjs';
import { hook, openApp, problemsOf, runToEnd, selectTab } from '../lib/app.mjs';

export default async function shell({ context, base, test, outDir, problems }) {
  const page = await openApp(context, { base, problems });
  const editorLines = page.locator('[data-testid="editor"] .monaco-editor .view-lines').first();
  const typeAtEnd = async (text) => {
    await editorLines.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('End');
    await page.keyboard.type(text);
  };

  await test('app shell renders with the app name', async () => {
    await page.getByRole('heading', { name: 'PFN Lab' }).waitFor();
    assert((await page.title()) === 'PFN Lab', `title is ${await page.title()}`);
  });

  await test('version round trip through the Web Worker, under SES lockdown', async () => {
    const badge = await page.getByTestId('engine-version').innerText();
    assert(/^engine \d+\.\d+\.\d+$/.test(badge), `header badge: ${badge}`);
    await selectTab(page, 'output');
    const text = await page.getByTestId('version-roundtrip').innerText();
    assert(/engine \d+\.\d+\.\d+/.test(text), `round trip line: ${text}`);
    assert(text.includes('SES hardened'), `worker not hardened: ${text}`);
    assert((await page.getByTestId('output').innerText()).includes('via Web Worker'), 'not via Web Worker');
  });

  await test('Monaco editor shows the default scenario with no type errors', async () => {
    await page.locator('.monaco-editor .view-line', { hasText: 'lab.open()' }).first().waitFor();
    const { source } = await hook(page, 'scenario');
    assert(source.includes('lab.open()'), `default scenario: ${source.slice(0, 80)}`);
    const found = await problemsOf(page, source);
    assert(found.length === 0, `problems: ${JSON.stringify(found)}`);
    const text = await page.getByTestId('problems').innerText();
    assert(/\b0 errors?\b/.test(text), `problems summary: ${text}`);
  });

  await test('Run executes the default scenario in the Web Worker engine', async () => {
    const r = await runToEnd(page);
    assert(r.status === 'done', `run status ${r.status}: ${JSON.stringify(r.error ?? r.engineError)}`);
    assert(r.length > 0 && r.seq === r.length, `events: ${r.length}, seq ${r.seq}`);
    await selectTab(page, 'output');
    const text = (await page.getByTestId('run-result').innerText()).trim();
    assert(text.startsWith('✓ ok'), `run result: ${text}`);
    const logs = await page.getByTestId('run-log').allInnerTexts();
    assert(
      logs.some((l) => l.startsWith('mapped at')),
      `run log: ${logs.join(' | ')}`,
    );
  });

  await test('lab.nope() gets an error marker from the scenario API declarations', async () => {
    await typeAtEnd('\nlab.nope();');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor();
    const problem = page.getByTestId('problem').filter({ hasText: "'nope'" }).first();
    await problem.waitFor();
    const msg = await problem.innerText();
    assert(msg.includes("Property 'nope' does not exist on type 'Lab'"), `marker message: ${msg}`);
    const lines = (await hook(page, 'scenario')).problems
      .filter((p) => p.message.includes("'nope'"))
      .map((p) => p.line);
    const want =
      (await page.evaluate(() => document.querySelectorAll('[data-testid="editor"] .view-line').length)) > 0;
    assert(want && lines.length === 1, `store problems for nope: ${JSON.stringify(lines)}`);
    const attr = await problem.getAttribute('data-line');
    assert(attr === String(lines[0]), `problem data-line ${attr}, store line ${lines[0]}`);
  });

  await test('lab. offers the API in the completion list', async () => {
    await typeAtEnd('\nlab.');
    const widget = page.locator('.suggest-widget.visible');
    await widget.waitFor();
    await page.waitForTimeout(300);
    let labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
    if (!labels.includes('checkRefs')) {
      await page.keyboard.type('checkR');
      await page.waitForTimeout(300);
      labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
    }
    assert(labels.includes('checkRefs'), `suggestions: ${labels.join(', ')}`);
    await page.screenshot({ path: join(outDir, 'app.png') });
    await page.keyboard.press('Escape');
  });

  await test('clicking the engine badge repeats the round trip', async () => {
    const before = await page.getByTestId('version-roundtrip').innerText();
    await page.getByTestId('engine-version').click();
    await until(
      async () => /^engine \d/.test(await page.getByTestId('engine-version').innerText()),
      'badge lost after ping',
    );
    const after = await page.getByTestId('version-roundtrip').innerText();
    assert(after === before, `round trip line changed: ${before} → ${after}`);
  });
}
