// Live frames: during a long run of map/unmap, the recorded events, the
// timeline and the status bar grow while the Run button still says Running,
// i.e. before the run ends. Then the run is stopped (the rest is not needed).
import { assert, until } from '../lib/harness.mjs';
import { hook, openApp, pasteSource } from '../lib/app.mjs';

export const LONG = `const ictx = lab.open();
const ioas = ictx.ioasAlloc();
ioas.attachDomain();
const LEN = 64 * 1024;
const buf = lab.process.mmap(LEN, { populate: true });
for (let i = 0; i < 200000; i++) {
  const iova = ioas.map(buf, LEN);
  ioas.unmap(iova, LEN);
}
`;

export default async function live({ context, base, test, problems }) {
  const page = await openApp(context, { base, problems });

  await test('live frames arrive during a long run, before it ends', async () => {
    await pasteSource(page, LONG);
    await page.getByTestId('run').click();
    await until(async () => (await hook(page, 'runs')).length > 0, 'no event arrived while running', {
      timeout: 20000,
    });
    // Live frames are throttled to 10–30 per second: over 3 s, the events, the
    // frame count and the status bar must move several times.
    const samples = [];
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) {
      await page.waitForTimeout(500);
      const [r, button, status, rows] = await Promise.all([
        hook(page, 'runs'),
        page.getByTestId('run').innerText(),
        page.getByTestId('status-run').innerText(),
        page.getByTestId('timeline-row').count(),
      ]);
      samples.push({
        ms: Date.now() - t0,
        running: r.running,
        length: r.length,
        frames: r.frames,
        button,
        status,
        rows,
      });
    }
    const text = JSON.stringify(samples);
    const first = samples[0];
    const last = samples[samples.length - 1];
    console.log(
      `     live: ${last.frames - first.frames} frames, ${last.length - first.length} events in ${((last.ms - first.ms) / 1000).toFixed(1)} s while running`,
    );
    assert(
      samples.every((s) => s.running && /Running/.test(s.button)),
      `the run ended or the button changed while sampling: ${text}`,
    );
    let grew = 0;
    for (let i = 1; i < samples.length; i++) {
      if (samples[i].length <= samples[i - 1].length) continue;
      grew++;
      assert(samples[i].frames > samples[i - 1].frames, `events grew without a frame: ${text}`);
      assert(samples[i].status !== samples[i - 1].status, `status bar did not follow the events: ${text}`);
    }
    assert(grew >= 4, `events grew in only ${grew} of ${samples.length - 1} half-second intervals: ${text}`);
    assert(samples[0].rows > 0, `the timeline shows no row while running: ${text}`);
    await page.getByTestId('stop').click();
    await until(async () => !(await hook(page, 'runs')).running, 'Stop did not end the long run');
  });
}
