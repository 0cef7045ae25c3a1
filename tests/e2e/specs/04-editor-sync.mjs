// Editor ↔ timeline: selecting an event highlights its line in Monaco (the
// pfn-step-line decoration, on the event's line number); putting the cursor on
// a line selects that line's events in the timeline.
import { join } from 'node:path';
import { assert, assertEqual, until } from '../lib/harness.mjs';
import { hook, openApp, openExample, runToEnd } from '../lib/app.mjs';

/** Line number of the step-line decoration in the editor (null when none is shown). */
function highlightedLine(page) {
  return page.evaluate(() => {
    const ed = document.querySelector('[data-testid="editor"] .monaco-editor');
    const deco = ed?.querySelector('.view-overlays .pfn-step-line');
    if (!ed || !deco) return null;
    const top = deco.parentElement?.style.top;
    for (const n of ed.querySelectorAll('.margin-view-overlays > div')) {
      if (n instanceof HTMLElement && n.style.top === top) {
        const num = n.querySelector('.line-numbers')?.textContent?.trim();
        return num ? Number(num) : null;
      }
    }
    return null;
  });
}

export default async function editorSync({ context, base, test, outDir, problems }) {
  const page = await openApp(context, { base, problems });
  await openExample(page, '10-last-domain-with-access-in-huge-page.ts');
  const r = await runToEnd(page);

  await test('scenario 10 ran (the editor-sync tests need its events)', async () => {
    assert(r.status === 'done', `status ${r.status}`);
  });

  await test('clicking a timeline event selects it and highlights its line in the editor', async () => {
    const rows = page.getByTestId('timeline-row');
    await rows.first().waitFor();
    const seqs = (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))))).filter(
      (s) => s > 0,
    );
    assert(seqs.length >= 3, `only ${seqs.length} rows rendered`);
    const tried = [];
    for (const seq of [seqs[2], seqs[seqs.length - 1], seqs[0]]) {
      const ev = await hook(page, 'event', seq);
      if (!ev || ev.line <= 0) continue;
      await page.locator(`[data-testid="timeline-row"][data-seq="${seq}"]`).click();
      await until(
        async () => (await hook(page, 'selection')).step === seq,
        `row ${seq} click did not select it`,
      );
      assertEqual(
        await page.locator(`[data-testid="timeline-row"][data-seq="${seq}"]`).getAttribute('aria-selected'),
        'true',
        `row ${seq} aria-selected`,
      );
      const line = await until(
        async () => ((await highlightedLine(page)) === ev.line ? ev.line : null),
        async () =>
          `event ${seq} (${ev.op}) is on line ${ev.line}, editor highlights ${await highlightedLine(page)}`,
      );
      tried.push(`${seq}→${line}`);
    }
    assert(tried.length >= 2, `checked only ${tried.join(', ')}`);
    await page.screenshot({ path: join(outDir, 'timeline-and-editor.png') });
  });

  await test('putting the cursor on a line selects its events in the timeline', async () => {
    // The helper phys() (one line, called twice) produced two events.
    const evs = [];
    for (let s = 1; s <= r.length; s++) evs.push(await hook(page, 'event', s));
    const byLine = new Map();
    for (const e of evs) if (e.line > 0) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e.seq]);
    const [line, seqs] = [...byLine].find(([, v]) => v.length >= 2) ?? [];
    assert(line, 'no line with two events');
    assertEqual(await hook(page, 'eventsOfLine', line), seqs, `events of line ${line}`);
    // Away from that line first, then Ctrl+G to it (Monaco's go-to-line).
    await page.locator('[data-testid="editor"] .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(line));
    await page.keyboard.press('Enter');
    const sel = await until(async () => {
      const s = await hook(page, 'selection');
      return s.cursorLine === line ? s : null;
    }, `cursor line never became ${line}`);
    assertEqual(sel.lineEvents, seqs, 'selection.lineEvents');
    assert(seqs.includes(sel.step), `selected step ${sel.step} is not one of line ${line}'s events ${seqs}`);
    for (const s of seqs) {
      const row = page.locator(`[data-testid="timeline-row"][data-seq="${s}"]`);
      await row.waitFor();
      assert(
        /\bonline\b/.test((await row.getAttribute('class')) ?? ''),
        `row ${s} not marked as on the line`,
      );
    }
    assertEqual(
      await page
        .locator(`[data-testid="timeline-row"][data-seq="${sel.step}"]`)
        .getAttribute('aria-selected'),
      'true',
      'selected row',
    );
    assertEqual(await highlightedLine(page), line, 'highlighted line');
  });
}
