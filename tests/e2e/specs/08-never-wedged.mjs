// Requests during a run are answered or refused, never left hanging: clicking
// the engine badge (a version round trip) during a long run keeps the badge and
// the buttons usable, and after the run the engine answers as before.
import { assert, until } from '../lib/harness.mjs';
import { hook, openApp, pasteSource, runToEnd } from '../lib/app.mjs';
import { LONG } from './06-live.mjs';

export default async function neverWedged({ context, base, test, problems }) {
  const page = await openApp(context, { base, problems });

  await test('pinging the engine during a long run does not wedge the app', async () => {
    await pasteSource(page, LONG);
    await page.getByTestId('run').click();
    await until(async () => (await hook(page, 'runs')).running, 'the run never started');
    const badge = page.getByTestId('engine-version');
    for (let i = 0; i < 3; i++) {
      await badge.click();
      await until(
        async () => /^engine \d/.test(await badge.innerText()),
        async () => `badge after ping ${i + 1}: ${await badge.innerText()}`,
        { timeout: 3000 },
      );
    }
    assert((await hook(page, 'runs')).running, 'the run ended early (want the pings to happen during it)');
    assert(await page.getByTestId('stop').isEnabled(), 'Stop disabled during the run');
    await page.getByTestId('stop').click();
    await until(async () => !(await hook(page, 'runs')).running, 'Stop did not end the run');
    await until(() => page.getByTestId('run').isEnabled(), 'Run stays disabled after the run');
    await badge.click();
    await until(async () => /^engine \d/.test(await badge.innerText()), 'badge after the run');
    await pasteSource(page, 'const c = lab.open();\nc.ioasAlloc();\n');
    const r = await runToEnd(page);
    assert(r.status === 'done', `next run: ${r.status} ${JSON.stringify(r.error ?? r.engineError)}`);
  });
}
