// A failing scenario shows its error where the user must look: an ENOENT from
// ioas.unmap on a line with a trailing comment → the run's problem and the
// error marker on that line, in the code (not in the comment); an Error thrown
// by the scenario's own expect() helper → the problem on the caller's line,
// with the scenario's stack frames listed (innermost first) and clickable.
import { join } from 'node:path';
import { assert, assertEqual, until } from '../lib/harness.mjs';
import { hook, linesMatching, openApp, pasteSource, runToEnd } from '../lib/app.mjs';

const UNMAP = `const ictx = lab.open();
const ioas = ictx.ioasAlloc();
ioas.attachDomain();
lab.log('about to unmap nothing');
ioas.unmap(0x100000n, 4096n); // nothing is mapped here: the kernel says ENOENT
lab.log('not reached');
`;

const HELPER = `function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(\`\${what}: expected \${String(expected)}, got \${String(actual)}\`);
}

const ictx = lab.open();
const ioas = ictx.ioasAlloc();
expect('the answer', 41, 42);
lab.log('not reached');
`;

/** Markers Monaco shows on a line (via the glyph/squiggle decorations' line numbers). */
function errorSquiggleLines(page) {
  return page.evaluate(() => {
    const ed = document.querySelector('[data-testid="editor"] .monaco-editor');
    if (!ed) return [];
    const tops = new Set(
      [...ed.querySelectorAll('.view-overlays .squiggly-error')].map((e) => e.parentElement?.style.top),
    );
    const out = [];
    for (const n of ed.querySelectorAll('.margin-view-overlays > div'))
      if (n instanceof HTMLElement && tops.has(n.style.top))
        out.push(Number(n.querySelector('.line-numbers')?.textContent));
    return out;
  });
}

/** Line of Monaco's cursor, from the current-line highlight in the margin. */
function cursorLine(page) {
  return page.evaluate(() => {
    const ed = document.querySelector('[data-testid="editor"] .monaco-editor');
    const cur = ed?.querySelector('.margin-view-overlays .current-line');
    const row = cur?.parentElement;
    const n = row?.querySelector('.line-numbers')?.textContent?.trim();
    return n ? Number(n) : null;
  });
}

export default async function errors({ context, base, test, outDir, problems }) {
  const page = await openApp(context, { base, problems });

  await test('ENOENT from ioas.unmap with a trailing comment: marker and problem at that line, in the code', async () => {
    await pasteSource(page, UNMAP);
    const r = await runToEnd(page);
    const [line] = linesMatching(UNMAP, /ioas\.unmap\(/);
    assertEqual(r.status, 'failed', 'status');
    assertEqual(r.error?.errno, 'ENOENT', 'errno');
    assertEqual(r.error?.line, line, 'error line');
    const code = UNMAP.split('\n')[line - 1];
    assert(
      r.error.column >= 1 && r.error.column < code.indexOf('//'),
      `column ${r.error.column} is not in the code (comment at ${code.indexOf('//') + 1})`,
    );
    const p = page.locator(`[data-testid="problem"][data-source="run"]`).first();
    await p.waitFor();
    assertEqual(await p.getAttribute('data-line'), String(line), 'problem data-line');
    assert((await p.innerText()).includes('ENOENT'), `problem text: ${await p.innerText()}`);
    await until(
      async () => (await errorSquiggleLines(page)).includes(line),
      async () => `error squiggle on lines ${await errorSquiggleLines(page)}, want ${line}`,
    );
  });

  await test('clicking the run problem selects its failed event', async () => {
    const r = await hook(page, 'runs');
    const failed = await hook(page, 'event', r.length);
    assertEqual(failed?.errno, 'ENOENT', 'last event errno');
    await page.getByTestId('step-first').click();
    await page.locator(`[data-testid="problem"][data-source="run"] button`).first().click();
    await until(
      async () => (await hook(page, 'selection')).step === r.length,
      'the failed event is not selected',
    );
  });

  await test('an Error thrown in the scenario helper expect() points at the caller, frames listed', async () => {
    await pasteSource(page, HELPER);
    const r = await runToEnd(page);
    const [caller] = linesMatching(HELPER, /^expect\('the answer'/);
    const [thrower] = linesMatching(HELPER, /throw new Error/);
    assertEqual(r.status, 'failed', 'status');
    assertEqual(r.error?.line, caller, 'error line (the caller)');
    assert(/the answer: expected 42, got 41/.test(r.error?.message ?? ''), `message: ${r.error?.message}`);
    const p = page.locator(`[data-testid="problem"][data-source="run"]`).first();
    await p.waitFor();
    assertEqual(await p.getAttribute('data-line'), String(caller), 'problem data-line');
    const frames = await p
      .getByTestId('problem-frame')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line'))));
    assertEqual(frames.slice(0, 2), [thrower, caller], 'problem frames, innermost first');
    await page.screenshot({ path: join(outDir, 'problems.png') });
    await page.locator('ul[aria-label="Problems"]').screenshot({ path: join(outDir, 'problems-list.png') });
    // A frame is clickable: it puts the editor's cursor on its line (the current-line highlight moves there).
    await p.getByTestId('problem-frame').first().click();
    await until(
      async () => (await cursorLine(page)) === thrower,
      async () => `editor cursor on line ${await cursorLine(page)}, want ${thrower}`,
    );
  });
}
