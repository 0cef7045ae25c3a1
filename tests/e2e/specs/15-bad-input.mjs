// Bad input in the app (issue 15): files that are not text dropped on the window open no
// tab and the notice names the file and where, the open tabs and their text untouched; a
// syntax error, bad arguments (NaN, a misspelled option key) and an engine-side memory
// bomb each end the run with an error that names what is wrong, and the next run works.
import { join } from 'node:path';
import { assert, assertEqual, until } from '../lib/harness.mjs';
import { hook, openApp, pasteSource, runToEnd } from '../lib/app.mjs';

const docsOf = (page) => hook(page, 'documents');
const tabTexts = async (page) => (await docsOf(page)).tabs.map((t) => `${t.name}:${t.dirty}:${t.length}`);

/** Drop a file made of these bytes on the window. */
function dropBytes(page, name, bytes) {
  return page.evaluate(
    ({ name, bytes }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(bytes)], name));
      const target = document.querySelector('[data-testid="timeline"]') ?? document.body;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, bytes },
  );
}

const OK = `const ictx = lab.open();
const ioas = ictx.ioasAlloc();
ioas.attachDomain();
lab.log('fine after the bad ones');
`;

/** [what, source, errno, message pattern, line] */
const BAD_RUNS = [
  ['a syntax error', 'lab.log(1);\nconst x = ;\n', 'SyntaxError', /./, 2],
  [
    'NaN as a length',
    'const fd = lab.open();\nconst a = fd.ioasAlloc();\nconst buf = lab.process.mmap(4096);\na.map(buf, NaN);\n',
    'EINVAL',
    /length/,
    4,
  ],
  [
    'a misspelled option key',
    'const fd = lab.open();\nconst a = fd.ioasAlloc();\nconst buf = lab.process.mmap(4096);\na.map(buf, 4096, { iovaa: 0 });\n',
    'EINVAL',
    /opts\.iovaa: unknown key \(did you mean 'iova'\?\)/,
    4,
  ],
  [
    'a read of 2^53 bytes',
    'const buf = lab.process.mmap(4096);\nlab.process.read(buf, Number.MAX_SAFE_INTEGER);\n',
    'ENOMEM',
    /read length/,
    2,
  ],
  ['a string bomb', 'let s = "x";\nfor (;;) s += s;\n', 'RangeError', /string length/, 0],
];

export default async function badInput({ context, base, test, outDir, problems }) {
  const page = await openApp(context, { base: `${base}?files=fallback`, problems });

  await test('a binary file and a non-UTF-8 file dropped: no tab, a notice naming them, the tabs untouched', async () => {
    await page.getByTestId('doc-new').click();
    await pasteSource(page, '// my work, not to be lost\nlab.log(1);\n');
    const before = await tabTexts(page);
    const src = (await hook(page, 'scenario')).source;
    await dropBytes(page, 'image.ts', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const notice = page.getByTestId('doc-notice');
    await notice.waitFor();
    const msg = await notice.innerText();
    assert(/Cannot open image\.ts: not (a text file|UTF-8 text)/.test(msg), `notice: ${msg}`);
    await page.screenshot({ path: join(outDir, 'bad-input-binary.png') });
    assertEqual(JSON.stringify(await tabTexts(page)), JSON.stringify(before), 'tabs after the drop');
    assertEqual((await hook(page, 'scenario')).source, src, 'the active text');
    await page.getByTestId('doc-notice-dismiss').click();
    await dropBytes(page, 'latin1.ts', [0x2f, 0x2f, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a]);
    await until(
      async () => /latin1\.ts: not UTF-8 text.*line 1, column 7/.test((await docsOf(page)).notice ?? ''),
      async () => `notice: ${JSON.stringify((await docsOf(page)).notice)}`,
    );
    assertEqual(JSON.stringify(await tabTexts(page)), JSON.stringify(before), 'tabs after the second drop');
    await page.getByTestId('doc-notice-dismiss').click();
  });

  for (const [what, source, errno, message, line] of BAD_RUNS) {
    await test(`${what}: ${errno}${line ? ` at line ${line}` : ''}, and the next run works`, async () => {
      await pasteSource(page, source);
      const r = await runToEnd(page);
      const e = r.error ?? {};
      assertEqual(e.errno, errno, `errno (${JSON.stringify(r.error)})`);
      assert(message.test(e.message ?? ''), `message: ${e.message}`);
      if (line > 0) assertEqual(e.line, line, 'line');
      await pasteSource(page, OK);
      const ok = await runToEnd(page);
      assert(ok.error === null || ok.error === undefined, `the next run failed: ${JSON.stringify(ok.error)}`);
      assert(
        ok.logs.some((l) => l.includes('fine after the bad ones')),
        `logs: ${ok.logs.join(' | ')}`,
      );
    });
  }
  await page.screenshot({ path: join(outDir, 'bad-input-after.png') });
  await page.close();
}
