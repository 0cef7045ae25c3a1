import { describe, expect, it } from 'vitest';
import { formatFrames } from './frames';

describe('formatFrames', () => {
  it('prints every frame, innermost first, named and top level', () => {
    const text = formatFrames(
      {
        errno: 'Error',
        message: 'x',
        line: 5,
        column: 1,
        frames: [
          { fn: 'expect', line: 2, column: 17 },
          { fn: '<anonymous>', line: 4, column: 3 },
          { fn: '', line: 5, column: 1 },
        ],
      },
      'a.ts',
    );
    expect(text).toBe('    at expect (a.ts:2:17)\n    at <anonymous> (a.ts:4:3)\n    at a.ts:5:1\n');
  });

  it('prints nothing for no frames or a lone frame at the position shown, but a lone frame elsewhere', () => {
    const base = { errno: 'ENOENT', message: 'm', line: 3, column: 6 };
    expect(formatFrames(base, 'a.ts')).toBe('');
    expect(formatFrames({ ...base, frames: [] }, 'a.ts')).toBe('');
    expect(formatFrames({ ...base, frames: [{ fn: '', line: 3, column: 6 }] }, 'a.ts')).toBe('');
    expect(
      formatFrames({ ...base, line: 0, column: 0, frames: [{ fn: 'f', line: 3, column: 6 }] }, 'a.ts'),
    ).toBe('    at f (a.ts:3:6)\n');
  });
});
