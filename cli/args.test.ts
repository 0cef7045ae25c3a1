import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs, UsageError } from './args';
import { RUN_SPEC } from './commands/run';
import { Progress } from './progress';

describe('parseArgs', () => {
  it('parses flags, values (both spellings) and positionals', () => {
    const p = parseArgs(['a.ts', '--json', '--seed', '7', '--timeout=2.5', '--trace', 'out.json'], RUN_SPEC);
    expect(p.positional).toEqual(['a.ts']);
    expect([...p.flags]).toEqual(['json']);
    expect(Object.fromEntries(p.values)).toEqual({ seed: 7, timeout: 2.5, trace: 'out.json' });
  });

  it('rejects unknown options, missing and bad values', () => {
    expect(() => parseArgs(['--nope'], RUN_SPEC)).toThrow(UsageError);
    expect(() => parseArgs(['-x'], RUN_SPEC)).toThrow(/unknown option -x/);
    expect(() => parseArgs(['--seed'], RUN_SPEC)).toThrow(/needs a value/);
    expect(() => parseArgs(['--seed', '1.5'], RUN_SPEC)).toThrow(/integer/);
    expect(() => parseArgs(['--timeout', '-1'], RUN_SPEC)).toThrow(/non-negative/);
    expect(() => parseArgs(['--json=1'], RUN_SPEC)).toThrow(/takes no value/);
  });
});

describe('Progress', () => {
  afterEach(() => vi.useRealTimers());

  it('draws on a TTY after the first second, never when piped', () => {
    vi.useFakeTimers();
    const tty: string[] = [];
    const pipe: string[] = [];
    const a = new Progress('run', { isTTY: true, write: (s) => tty.push(s) > 0 });
    const b = new Progress('run', { isTTY: false, write: (s) => pipe.push(s) > 0 });
    a.update('10 ops');
    expect(tty).toEqual([]);
    vi.advanceTimersByTime(1500);
    a.update('2000 ops');
    b.update('2000 ops');
    a.done();
    expect(tty[0]).toMatch(/^\rrun: 2000 ops \(2 s\)/);
    expect(tty[1]).toBe('\r\x1b[K');
    expect(pipe).toEqual([]);
  });
});
