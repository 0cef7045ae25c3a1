import { describe, expect, it } from 'vitest';
import { parsePrefs } from './prefs';
import { DEFAULT_SHOWN } from './series-defs';

describe('chart prefs', () => {
  it('defaults, keeps known series and a valid axis, ignores the rest', () => {
    expect(parsePrefs(null)).toEqual({ shown: [...DEFAULT_SHOWN], axis: 'seq' });
    expect(parsePrefs('not json')).toEqual({ shown: [...DEFAULT_SHOWN], axis: 'seq' });
    expect(parsePrefs('{"axis":"time","shown":["pteWrites","bogus",3]}')).toEqual({
      shown: ['pteWrites'],
      axis: 'time',
    });
    expect(parsePrefs('{"axis":"x"}').axis).toBe('seq');
  });
});
