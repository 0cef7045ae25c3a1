import './testing/lockdown';
import { describe, expect, it } from 'vitest';
import { runScenario } from './runner';
import { fakeMachineFactory } from './testing/fake-machine';
import { transpile } from './transpile';

const SOURCE = [
  '/// <reference path="../engine/scenario/api/lab.d.ts" />', // 1
  'interface Plan {', // 2
  '  size: number;', // 3
  '}', // 4
  'type Size = number;', // 5
  'const plan: Plan = { size: 8192 };', // 6
  'const fd: Iommufd = lab.open();', // 7
  'const io: Ioas = fd.ioasAlloc();', // 8
  'const buf: number = lab.process.mmap(plan.size as Size);', // 9
  'const iova: bigint = io.map(buf, plan.size);', // 10
  'const n: number = 0; const gone: bigint = io.unmap(iova + 4096n, 4096);', // 11
].join('\n');

describe('sucrase', () => {
  it('keeps every line where it was', () => {
    const { code } = transpile(SOURCE);
    const inLines = SOURCE.split('\n');
    const outLines = code.split('\n');
    expect(outLines.length).toBe(inLines.length);
    // each statement that survives stays on its line
    for (const [i, line] of inLines.entries()) {
      const call = /(\w+\.\w+)\(/.exec(line)?.[1];
      if (call) expect(outLines[i]).toContain(call);
    }
    expect(outLines[5]).toBe('const plan = { size: 8192 };');
  });

  it('reports syntax errors with their line', () => {
    expect(() => transpile('const a = 1;\nconst b = ;\n')).toThrow(/syntax error/);
    try {
      transpile('const a = 1;\nconst b = ;\n');
    } catch (e) {
      expect((e as { line: number }).line).toBe(2);
    }
  });

  it('strips an empty export so editors may treat scenarios as modules', () => {
    const { code } = transpile('lab.log(1);\nexport {};\n');
    expect(code).not.toContain('export');
    expect(code.split('\n').length).toBe(3);
  });
});

describe('error positions', () => {
  it('gives the line and the source column of the failing call', async () => {
    const { result } = await runScenario(fakeMachineFactory, { source: SOURCE });
    expect(result.ok).toBe(false);
    expect(result.error?.errno).toBe('ENOENT');
    expect(result.error?.line).toBe(11);
    const line11 = SOURCE.split('\n')[10] ?? '';
    // V8 points at the called property; the annotation before it was stripped
    expect(result.error?.column).toBe(line11.indexOf('unmap(') + 1);
  });

  it('records the scenario line of every call on the timeline', async () => {
    const { result } = await runScenario(fakeMachineFactory, { source: SOURCE });
    expect(result.timeline.events.map((e) => [e.op, e.line])).toEqual([
      ['lab.open', 7],
      ['iommufd.ioasAlloc', 8],
      ['process.mmap', 9],
      ['ioas.map', 10],
      ['ioas.unmap', 11],
    ]);
    expect(result.timeline.events[4]?.errno).toBe('ENOENT');
  });

  it('positions runtime errors of the scenario itself', async () => {
    const { result } = await runScenario(fakeMachineFactory, {
      source: 'const a: number = 1;\nconst o: { x?: { y: number } } = {};\nlab.log(o.x.y);\n',
    });
    expect(result.error?.errno).toBe('TypeError');
    expect(result.error?.line).toBe(3);
    expect(result.error?.column).toBe(13);
  });

  it('positions a throw of a non-error value', async () => {
    const { result } = await runScenario(fakeMachineFactory, { source: 'lab.log(1);\nthrow "nope";\n' });
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(/nope/);
  });
});
