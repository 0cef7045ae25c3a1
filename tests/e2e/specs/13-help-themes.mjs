// Help, shortcuts and themes: `?` opens the shortcuts overlay (listing
// Ctrl+Enter), Ctrl+Enter runs with the editor focused, Alt+Right steps, the
// light and dark themes (whole-app screenshots of every view in both), the
// "What is emulated" panel, and theme = system following prefers-color-scheme.
import { join } from 'node:path';
import { assert, until } from '../lib/harness.mjs';
import { events, hook, inspectedAt, openApp, openExample, selectTab } from '../lib/app.mjs';

const theme = (page) => page.evaluate(() => document.documentElement.dataset.theme ?? null);
const bg = (page, testid) =>
  page.evaluate((t) => getComputedStyle(document.querySelector(`[data-testid="${t}"]`)).backgroundColor, testid);

/** Screenshots of the whole app on each view tab, and one of the editor's hover. */
async function shootViews(page, outDir, name) {
  // The profile is shared with earlier specs: start from the physical tab whatever they left.
  await selectTab(page, 'physical');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(outDir, `theme-${name}.png`) });
  for (const view of ['dashboard', 'physical', 'timeline'])
    await page.getByTestId(view).screenshot({ path: join(outDir, `theme-${name}-${view}-view.png`) });
  for (const tab of ['ioas', 'domains', 'counters', 'charts']) {
    await selectTab(page, tab);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(outDir, `theme-${name}-${tab}.png`) });
  }
  await selectTab(page, 'physical');
  await page.waitForTimeout(300);
}

export default async function helpThemes({ context, base, test, outDir, problems }) {
  const page = await openApp(context, { base, problems });
  await page.evaluate(() => localStorage.removeItem('pfnlab.settings.v1'));

  await test('? opens the shortcuts overlay, which lists Ctrl+Enter; Esc closes it', async () => {
    await page.locator('h1').click();
    await page.keyboard.press('Shift+Slash');
    const overlay = page.getByTestId('shortcuts-overlay');
    await overlay.waitFor();
    const text = await overlay.innerText();
    assert(/Run\s+Ctrl\+Enter/.test(text), `overlay: ${text.slice(0, 400)}`);
    assert(text.includes('Alt+→') && text.includes('Step Forward'), 'no Alt+Right in the overlay');
    await page.screenshot({ path: join(outDir, 'shortcuts-overlay.png') });
    await page.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached' });
  });

  await test('? typed in the editor is text, not the overlay', async () => {
    await page.locator('[data-testid="editor"] .monaco-editor .view-lines').click();
    await page.keyboard.press('End');
    await page.keyboard.type('// ?');
    await page.waitForTimeout(200);
    assert((await page.getByTestId('shortcuts-overlay').count()) === 0, 'the overlay opened from the editor');
    assert((await hook(page, 'scenario')).source.includes('// ?'), 'the ? did not reach the editor');
  });

  await openExample(page, '10-last-domain-with-access-in-huge-page.ts');

  await test('Ctrl+Enter with the editor focused runs the scenario (once)', async () => {
    const before = await hook(page, 'runs');
    await page.locator('[data-testid="editor"] .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+Enter');
    const r = await until(
      async () => {
        const s = await hook(page, 'runs');
        return s.version !== before.version && !s.running && s.status !== 'idle' ? s : null;
      },
      'Ctrl+Enter did not run',
      { timeout: 60000 },
    );
    assert(r.status === 'done', `status ${r.status}`);
    const text = (await hook(page, 'scenario')).source;
    assert(!/\n\n\n$/.test(text) && (await page.getByTestId('run').isEnabled()), 'the editor took the Enter too');
  });

  await test('Alt+Left / Alt+Right step through the run', async () => {
    await page.getByTestId('step-first').click();
    const s0 = (await hook(page, 'selection')).step;
    await page.keyboard.press('Alt+ArrowRight');
    await page.keyboard.press('Alt+ArrowRight');
    await until(async () => (await hook(page, 'selection')).step === s0 + 2, 'Alt+Right did not step');
    await page.keyboard.press('Alt+ArrowLeft');
    await until(async () => (await hook(page, 'selection')).step === s0 + 1, 'Alt+Left did not step back');
    // Scenario 10's access pin: every view has something to show.
    const pin = (await events(page)).find((e) => e.op === 'access.pin');
    assert(pin, 'no access.pin event');
    for (let s = s0 + 1; s < pin.seq; s++) await page.keyboard.press('Alt+ArrowRight');
    await until(async () => (await hook(page, 'selection')).step === pin.seq, 'Alt+Right did not reach the pin');
    const step = (await hook(page, 'selection')).step;
    await inspectedAt(page, step);
  });

  await test('dark and light themes: every view, screenshots', async () => {
    assert((await theme(page)) === 'dark', `headless default theme: ${await theme(page)}`);
    await shootViews(page, outDir, 'dark');
    const darkPanel = await bg(page, 'dashboard');
    await page.getByTestId('theme-toggle').selectOption('light');
    await until(async () => (await theme(page)) === 'light', 'light theme not applied');
    await page.waitForTimeout(400);
    const lightPanel = await bg(page, 'dashboard');
    assert(darkPanel !== lightPanel && /255, 255, 255/.test(lightPanel), `panel ${darkPanel} → ${lightPanel}`);
    const editorBg = await page.evaluate(
      () => getComputedStyle(document.querySelector('[data-testid="editor"] .monaco-editor-background')).backgroundColor,
    );
    assert(/255, 255, 255/.test(editorBg), `editor background in light: ${editorBg}`);
    await shootViews(page, outDir, 'light');
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('pfnlab.settings.v1') ?? '{}').theme);
    assert(saved === 'light', `saved theme ${saved}`);
  });

  await test('the What is emulated panel names the kernel version and what is left out', async () => {
    await page.getByTestId('help-button').click();
    await page.getByTestId('help-emulated').click();
    const panel = page.getByTestId('emulated-panel');
    await panel.waitFor();
    const text = await panel.innerText();
    assert(text.includes('v6.2') && text.includes('No real DMA') && /IOTLB/.test(text), text.slice(0, 300));
    await page.screenshot({ path: join(outDir, 'emulated-panel-light.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('theme-toggle').selectOption('dark');
    await page.getByTestId('help-button').click();
    await page.getByTestId('help-emulated').click();
    await panel.waitFor();
    await page.screenshot({ path: join(outDir, 'emulated-panel.png') });
    await page.keyboard.press('Escape');
  });

  await test('theme = system follows prefers-color-scheme', async () => {
    await page.getByTestId('theme-toggle').selectOption('system');
    await page.emulateMedia({ colorScheme: 'light' });
    await until(async () => (await theme(page)) === 'light', 'system light not followed');
    await page.emulateMedia({ colorScheme: 'dark' });
    await until(async () => (await theme(page)) === 'dark', 'system dark not followed');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByTestId('engine-version').filter({ hasText: /^engine \d/ }).waitFor();
    assert((await theme(page)) === 'light', 'a light system at start is ignored');
    await page.getByTestId('theme-toggle').selectOption('dark');
    await until(async () => (await theme(page)) === 'dark', 'dark choice does not win over a light system');
    await page.emulateMedia({ colorScheme: null });
  });

  await test('hover docs in the editor name the kernel function', async () => {
    await page.getByTestId('theme-toggle').selectOption('light');
    // A new scenario (Alt+N, the browser's New) starts with the API's first calls on screen.
    const tabs = (await hook(page, 'scenario')).name;
    await page.locator('h1').click();
    await page.keyboard.press('Alt+N');
    await until(async () => (await hook(page, 'scenario')).name !== tabs, 'Alt+N opened no new scenario');
    const KERNEL = {
      map: 'iopt_map_user_pages',
      attachDomain: 'iopt_table_add_domain',
      ioasAlloc: 'iopt_init_table',
      mmap: 'do_mmap',
      open: 'iommufd_fops_open',
    };
    const box = await until(
      () =>
        page.evaluate((names) => {
          for (const line of document.querySelectorAll('[data-testid="editor"] .view-line')) {
            const m = new RegExp(`\\.(${names.join('|')})\\(`).exec(line.textContent);
            if (!m) continue;
            const at = m.index + 1;
            const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
            let offset = 0;
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const len = n.textContent.length;
              if (at < offset + len) {
                const r = document.createRange();
                r.setStart(n, at - offset);
                r.setEnd(n, Math.min(len, at - offset + 2));
                const b = r.getBoundingClientRect();
                return { x: b.x + b.width / 2, y: b.y + b.height / 2, name: m[1] };
              }
              offset += len;
            }
          }
          return null;
        }, Object.keys(KERNEL)),
      async () =>
        `no lab call on screen: ${JSON.stringify(
          await page.evaluate(() =>
            [...document.querySelectorAll('[data-testid="editor"] .view-line')].slice(0, 12).map((l) => l.textContent),
          ),
        )}`,
    );
    // The TypeScript worker may still be busy (a loaded machine): hover again until it answers.
    const hover = page.locator('.monaco-hover-content', { hasText: 'Kernel:' }).first();
    await until(
      async () => {
        await page.mouse.move(box.x, box.y - 40);
        await page.mouse.move(box.x, box.y);
        return hover.waitFor({ timeout: 3000 }).then(
          () => true,
          () => false,
        );
      },
      'no hover with a Kernel: line',
      { timeout: 45000 },
    );
    const text = await hover.innerText();
    assert(text.includes(KERNEL[box.name]), `hover of ${box.name}: ${text}`);
    await page.screenshot({ path: join(outDir, 'hover-kernel.png') });
  });
}
