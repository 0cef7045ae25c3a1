import './testing/lockdown';
import { describe, expect, it } from 'vitest';
import { runScenario, type RunResult } from './runner';
import { fakeMachineFactory } from './testing/fake-machine';

async function run(source: string): Promise<RunResult> {
  return (await runScenario(fakeMachineFactory, { source })).result;
}

async function mustFail(source: string, message: RegExp): Promise<void> {
  const r = await run(source);
  expect(r.ok, `expected the scenario to fail: ${source}`).toBe(false);
  expect(r.error?.message).toMatch(message);
}

describe('sandbox: what a scenario cannot reach', () => {
  it('runs a plain scenario', async () => {
    const r = await run(
      'const fd = lab.open(); const io = fd.ioasAlloc(); io.map(lab.process.mmap(8192), 8192);',
    );
    expect(r.ok).toBe(true);
    expect(r.ops).toBe(4);
  });

  it('has no process, require, fetch, performance or setTimeout', async () => {
    // SES's scope terminator makes host globals read as undefined (or not defined)
    await mustFail('process.exit(0)', /process is not defined|reading 'exit'/);
    await mustFail("require('node:fs')", /require is not defined|require is not a function/);
    await mustFail("fetch('http://example.com')", /fetch is not defined|fetch is not a function/);
    await mustFail('performance.now()', /performance is not defined|reading 'now'/);
    await mustFail('setTimeout(() => {}, 0)', /setTimeout is not defined|setTimeout is not a function/);
    const r = await run(
      "lab.log([typeof process, typeof require, typeof fetch, typeof performance, typeof setTimeout, typeof Buffer].join(','))",
    );
    expect(r.timeline.logs[0]?.text).toBe('undefined,undefined,undefined,undefined,undefined,undefined');
  });

  it('rejects dynamic import() before running anything', async () => {
    const r = await run("lab.log('before');\nimport('node:fs');");
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/import expression rejected/);
    expect(r.timeline.logs).toHaveLength(0);
  });

  it('has no clock and no ambient randomness', async () => {
    await mustFail('Date.now()', /secure mode/);
    await mustFail('new Date()', /secure mode/);
    await mustFail('Math.random()', /secure mode/);
    const r = await run(
      'lab.log(typeof globalThis.performance, typeof globalThis.process, new Date(0).getTime());',
    );
    expect(r.ok).toBe(true);
    expect(r.timeline.logs[0]?.text).toBe('undefined undefined 0');
  });

  it("cannot reach the host's globalThis through Function", async () => {
    await mustFail("(function () {}).constructor('return process')()", /not a valid constructor/);
    const r = await run(
      "lab.log(typeof Function('return globalThis')().process, typeof Function('return this')());",
    );
    expect(r.ok).toBe(true);
    expect(r.timeline.logs[0]?.text).toMatch(/^undefined /);
  });

  it('exposes only the API on lab and its objects: no engine references', async () => {
    const r = await run(`
      const fd = lab.open();
      const io = fd.ioasAlloc();
      lab.log(Reflect.ownKeys(lab).join(','));
      lab.log(Reflect.ownKeys(io).join(','));
      lab.log(Reflect.ownKeys(fd).join(','));
      lab.log(Reflect.ownKeys(lab.process).join(','));
      lab.log(String(lab._machine), String(io._engine), Object.isFrozen(lab), Object.isFrozen(io));
    `);
    expect(r.ok).toBe(true);
    const [labKeys, ioasKeys, fdKeys, procKeys, rest] = r.timeline.logs.map((l) => l.text);
    expect(labKeys?.split(',').sort()).toEqual(
      [
        'PAGE_SIZE',
        'HUGEPAGE_SIZE',
        'MOCK_PAGE_SIZE',
        'MOCK_APERTURE_START',
        'MOCK_APERTURE_LAST',
        'U64_MAX',
        'configure',
        'process',
        'layout',
        'open',
        'checkRefs',
        'pinCount',
        'setTempMemoryLimit',
        'failNth',
        'faultConsumed',
        'checkInvariants',
        'random',
        'mark',
        'measure',
        'counters',
        'log',
      ].sort(),
    );
    expect(ioasKeys?.split(',').sort()).toEqual(
      [
        'id',
        'map',
        'unmap',
        'copyFrom',
        'iovaRanges',
        'allowIovas',
        'addReserved',
        'getOption',
        'setOption',
        'attachDomain',
        'destroy',
      ].sort(),
    );
    expect(fdKeys?.split(',').sort()).toEqual(
      ['ioasAlloc', 'getOption', 'setOption', 'createAccess', 'close'].sort(),
    );
    expect(procKeys).toContain('mmap');
    expect(rest).toBe('undefined undefined true true');
  });

  it('cannot replace API methods', async () => {
    await mustFail('lab.open = () => 1;', /read.only|not extensible|Cannot assign/);
    await mustFail('const io = lab.open().ioasAlloc(); io.map = null;', /read.only|Cannot assign/);
  });

  it('cannot pollute prototypes, not even through a thrown LabError', async () => {
    await mustFail('Object.prototype.polluted = 1', /not extensible/);
    await mustFail('Array.prototype.map = function () { return [] }', /read.only/);
    await mustFail(
      'const io = lab.open().ioasAlloc();\ntry { io.unmap(0, 4096) } catch (e) { Object.getPrototypeOf(e).polluted = 1 }',
      /not extensible/,
    );
    await mustFail(
      'const io = lab.open().ioasAlloc();\ntry { io.unmap(0, 4096) } catch (e) { e.constructor.prototype.toString = () => "x" }',
      /read.only|not extensible/,
    );
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('rejects objects that are not its own as arguments (EINVAL)', async () => {
    const r = await run('const io = lab.open().ioasAlloc();\nio.map(0, 4096, { process: { pid: 1 } });');
    expect(r.ok).toBe(false);
    const ev = r.timeline.events.at(-1);
    expect(ev?.op).toBe('ioas.map');
    expect(r.error?.errno).toBe('EINVAL');
  });

  it('forbids re-entrant lab calls from argument getters', async () => {
    const r = await run(`
      const io = lab.open().ioasAlloc();
      const opts = { get iova() { io.map(lab.process.mmap(4096), 4096); return 0x2000000; } };
      io.map(lab.process.mmap(4096), 4096, opts);
    `);
    expect(r.ok).toBe(false);
    expect(r.error?.errno).toBe('EBUSY');
  });

  it('awaits an async scenario', async () => {
    const r = await run('(async () => { const fd = lab.open(); await null; fd.ioasAlloc(); })()');
    expect(r.ok).toBe(true);
    expect(r.ops).toBe(2);
  });
});
