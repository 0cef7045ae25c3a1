/**
 * Bad scenarios (not bad arguments: those are lab-args.test.ts): syntax
 * errors, runtime type errors, odd thrown values, recursion and memory
 * bombs the sandbox meets, calls on objects already destroyed. Each ends
 * the run with an error that names the kind, the message and the line; the
 * same process runs the next scenario normally. Then, in a real engine
 * worker behind the CLI's host: what never gives control back (an infinite
 * loop, a promise that never settles) is ended by the wall-clock budget and
 * the next run gets a fresh worker.
 */
import '../../engine/scenario/testing/lockdown';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerHost } from '../../cli/worker-host';
import { createMachine } from '../../engine/scenario/machine-factory';
import { runScenario, type RunError } from '../../engine/scenario/runner';

const OK = 'const fd = lab.open(); const a = fd.ioasAlloc(); a.attachDomain(); fd.close(); lab.log("fine")';

async function run(source: string): Promise<RunError | undefined> {
  const { result } = await runScenario(createMachine, { source, fileName: 'bad.ts', check: true });
  return result.error;
}

/** [what, source, errno, message pattern, line] */
const BAD: [string, string, string, RegExp, number][] = [
  ['a syntax error', 'lab.log(1)\nconst x = ;\n', 'SyntaxError', /./, 2],
  ['an unclosed string', 'lab.log("abc\n', 'SyntaxError', /./, 1],
  ['a TypeScript syntax error', 'let x: = 1;', 'SyntaxError', /./, 1],
  ['an enum', 'enum E { A, B }\nlab.log(E.B)', 'ok', /./, 0],
  [
    'a namespace (sucrase would drop it)',
    'lab.log(1);\nnamespace N { export const x = 1 }\nlab.log(N.x)',
    'SyntaxError',
    /namespace is not supported/,
    2,
  ],
  [
    'a declare namespace (types only)',
    'declare namespace D { const z: number }\nconst namespace = 1;\nlab.log(namespace)',
    'ok',
    /./,
    0,
  ],
  [
    'a call of a method that does not exist',
    'const fd = lab.open();\nfd.ioasAloc();',
    'TypeError',
    /ioasAloc|not a function/,
    2,
  ],
  ['a property of undefined', 'const o: any = undefined;\nlab.log(o.x);', 'TypeError', /undefined/, 2],
  ['writing to the frozen lab', '(lab as any).PAGE_SIZE = 1;', 'TypeError', /read.only|Cannot assign/, 1],
  ['a thrown string', 'lab.mark("a");\nthrow "plain text";', 'Error', /plain text/, 0],
  ['a thrown null', 'throw null;', 'Error', /null/, 0],
  ['a thrown symbol', 'throw Symbol("s");', 'Error', /Symbol\(s\)/, 0],
  [
    'a thrown object whose toString throws',
    'throw { toString() { throw new Error("no") } };',
    'Error',
    /cannot be printed/,
    0,
  ],
  ['a forged LabError', 'throw { errno: "EINVAL", message: "forged" };', 'Error', /./, 0],
  [
    'runaway recursion',
    'function f(n: number): number { return f(n + 1) + 1 }\nf(0);',
    'RangeError',
    /call stack/,
    0,
  ],
  ['a string bomb', 'let s = "x";\nfor (;;) s += s;', 'RangeError', /string length/, 0],
  ['a typed-array bomb', 'const a = new Uint8Array(2 ** 40);', 'RangeError', /length|allocation/i, 1],
  ['an array bomb', 'const a = new Array(2 ** 32);', 'RangeError', /array length/i, 1],
  [
    'import()',
    'lab.log("import( in a string is fine");\nimport("node:fs")',
    'SyntaxError',
    /SES_IMPORT_REJECTED/,
    2,
  ],
  ['an HTML comment', 'lab.log(1);\nlab.log(2) <!-- 3;', 'SyntaxError', /SES_HTML_COMMENT_REJECTED/, 2],
  ['require', 'require("fs")', 'TypeError|ReferenceError', /require/, 1],
  ['a rejected promise', '(async () => { await 0; throw new Error("later") })()', 'Error', /later/, 1],
  // hostile arguments: the scenario's own code runs while its arguments are copied in
  [
    'an option getter that throws',
    'const fd = lab.open();\nfd.ioasAlloc().map(lab.process.mmap(4096), 4096, { get iova(): number { throw new Error("getter") } });',
    'Error',
    /getter/,
    2,
  ],
  [
    'a proxy whose ownKeys throws',
    'const fd = lab.open();\nfd.ioasAlloc().map(lab.process.mmap(4096), 4096, new Proxy({}, { ownKeys() { throw new Error("keys") } }));',
    'Error',
    /keys/,
    2,
  ],
  [
    'an object with valueOf as a number',
    'const fd = lab.open();\nfd.ioasAlloc().map(lab.process.mmap(4096), 4096, { iova: { valueOf: () => 0 } as any });',
    'EINVAL',
    /opts\.iova\.valueOf must not be a function/,
    2,
  ],
  [
    'a cyclic object and a hostile proxy logged',
    'const o: any = {};\no.self = o;\nlab.log(o);\nlab.log(new Proxy({}, { ownKeys() { throw 1 } }));',
    'ok',
    /./,
    0,
  ],
  // objects already destroyed: the next call on them is a LabError, not an engine error
  [
    'an Ioas of a closed iommufd',
    'const fd = lab.open();\nconst a = fd.ioasAlloc();\nfd.close();\na.map(lab.process.mmap(4096), 4096);',
    'ENOENT',
    /./,
    4,
  ],
  [
    'an Ioas destroyed',
    'const fd = lab.open();\nconst a = fd.ioasAlloc();\na.destroy();\na.attachDomain();',
    'ENOENT',
    /./,
    4,
  ],
  [
    'a detached domain',
    'const fd = lab.open();\nconst a = fd.ioasAlloc();\nconst d = a.attachDomain();\nd.detach();\nd.detach();',
    'ENOENT',
    /./,
    5,
  ],
  [
    'a closed access',
    'const fd = lab.open();\nconst a = fd.ioasAlloc();\nconst x = fd.createAccess(a, { needsPinPages: true });\nx.close();\nx.pin(0, 4096);',
    'ENOENT',
    /./,
    5,
  ],
  ['an exited process', 'const c = lab.process.fork();\nc.exit();\nc.mmap(4096);', 'EINVAL', /exited/, 3],
  [
    'an exited process read',
    'const c = lab.process.fork();\nconst u = c.mmap(4096);\nc.exit();\nc.read(u, 1);',
    'EFAULT',
    /exited/,
    4,
  ],
  ['a closed iommufd', 'const fd = lab.open();\nfd.close();\nfd.ioasAlloc();', 'EBADF|ENOENT|EINVAL', /./, 3],
  [
    'a lab call after the run',
    'let f: () => void = () => {};\nPromise.resolve().then(() => { f = () => lab.open() });\n',
    'ok',
    /./,
    0,
  ],
];

describe('bad scenarios, in process', () => {
  for (const [what, source, errno, message, line] of BAD) {
    it(`${what}: ${errno}${line ? ` at line ${line}` : ''}, then the next run works`, async () => {
      const e = await run(source);
      if (errno === 'ok') expect(e).toBeUndefined();
      else {
        expect(e?.errno).toMatch(new RegExp(`^(${errno})$`));
        expect(e?.message).toMatch(message);
        if (line > 0) expect(e?.line).toBe(line);
        expect(e?.errno).not.toBe('EINTERNAL');
      }
      expect(await run(OK)).toBeUndefined();
    });
  }
});

describe('what never gives control back, in a real worker', () => {
  const host = new WorkerHost({ memoryMb: 512 });
  afterAll(() => host.close());

  it.each([
    ['an infinite loop', 'while (true) {}'],
    ['an infinite loop of lab calls', 'for (;;) lab.pinCount(0)'],
    ['a promise that never settles', 'new Promise(() => {})'],
  ])('%s: ETIMEDOUT at the budget, and the next run works in a fresh worker', async (_, source) => {
    await expect(host.request('run', { source }, { timeoutMs: 2000 })).rejects.toMatchObject({
      errno: 'ETIMEDOUT',
      message: expect.stringMatching(/wall-clock budget of 2 s exceeded/),
    });
    const next = await host.request('run', { source: OK }, { timeoutMs: 60000 });
    expect(next).toMatchObject({ ok: true });
  });
});
