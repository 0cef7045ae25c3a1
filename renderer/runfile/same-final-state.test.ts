import { describe, expect, it } from 'vitest';
import { sameFinalState } from './saved-run';
import { digestAfter } from './test-run';

describe('sameFinalState', () => {
  it('a file of an older engine (no engineBytes) matches a replay that reports them; otherwise they count', () => {
    const old = digestAfter(3);
    expect(old.engineBytes).toBeUndefined();
    expect(sameFinalState(old, { ...digestAfter(3), engineBytes: 640 })).toBe(true);
    expect(sameFinalState(old, { ...digestAfter(4), engineBytes: 640 })).toBe(false);
    const now = { ...digestAfter(3), engineBytes: 640 };
    expect(sameFinalState(now, { ...digestAfter(3), engineBytes: 640 })).toBe(true);
    expect(sameFinalState(now, { ...digestAfter(3), engineBytes: 704 })).toBe(false);
    expect(sameFinalState(now, digestAfter(3))).toBe(false);
    expect(sameFinalState(old, null)).toBe(false);
  });
});
