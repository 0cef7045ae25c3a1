// Every bundled scenario (scenarios/*.ts), pasted into the editor as a new user
// would, type-checks with zero problems (the `/// <reference path=…lab.d.ts>`
// line must resolve: it once gave "File 'file:///engine/scenario/api/lab.d.ts'
// not found" on line 1) and leaves Run enabled.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert } from '../lib/harness.mjs';
import { openApp, problemsOf } from '../lib/app.mjs';

export default async function scenariosPaste({ context, base, test, root, problems }) {
  const dir = join(root, 'scenarios');
  const files = readdirSync(dir)
    .filter((f) => /^\d\d-.*\.ts$/.test(f))
    .sort();
  const page = await openApp(context, { base, problems });

  await test(`all ${files.length} bundled scenarios are found`, async () => {
    assert(files.length >= 20, `only ${files.length} scenarios in ${dir}`);
  });

  // The control: the same check sees a reference that does not resolve.
  await test('control: a scenario whose lab.d.ts reference does not resolve gets a problem on line 1', async () => {
    const text = readFileSync(join(dir, files[0]), 'utf8').replace('api/lab.d.ts', 'api/missing.d.ts');
    const found = await problemsOf(page, text);
    const p = found.find((x) => x.line === 1 && /not found/.test(x.message));
    assert(p, `problems: ${JSON.stringify(found)}`);
  });

  for (const f of files) {
    await test(`pasted ${f}: zero problems, Run enabled`, async () => {
      const text = readFileSync(join(dir, f), 'utf8');
      assert(text.includes('lab.d.ts'), `${f} does not reference lab.d.ts (the case this test is about)`);
      const found = await problemsOf(page, text);
      assert(found.length === 0, `${found.length} problems: ${JSON.stringify(found.slice(0, 5))}`);
      const shown = await page.getByTestId('problem').count();
      assert(shown === 0, `${shown} problems listed in the editor panel`);
      assert(await page.getByTestId('run').isEnabled(), 'Run is disabled');
    });
  }
}
