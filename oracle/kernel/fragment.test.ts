import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FRAGMENT_FILE } from '../guest/paths';
import {
  describeMismatches,
  fragmentAssignments,
  parseDotConfig,
  parseFragment,
  verifyConfig,
} from './fragment';

const SAMPLE_FRAGMENT = `
# why A
CONFIG_A=y
# why B off
# CONFIG_B is not set
CONFIG_C=0x10
`;

describe('config fragment', () => {
  it('parses options and their values, skipping comments', () => {
    expect(parseFragment(SAMPLE_FRAGMENT).map((o) => [o.name, o.value])).toEqual([
      ['CONFIG_A', 'y'],
      ['CONFIG_B', 'n'],
      ['CONFIG_C', '0x10'],
    ]);
  });

  it('refuses a line that is not an option and a duplicate', () => {
    expect(() => parseFragment('CONFIG_A=y\nhello\n')).toThrow(/line 2/);
    expect(() => parseFragment('CONFIG_A=y\nCONFIG_A=n\n')).toThrow(/twice/);
  });

  it('verifies a .config: wrong value, dropped option, unset option that got set', () => {
    const frag = parseFragment(SAMPLE_FRAGMENT);
    expect(verifyConfig(frag, 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=0x10\n')).toEqual([]);
    // absent counts as "not set"
    expect(verifyConfig(frag, 'CONFIG_A=y\nCONFIG_C=0x10\n')).toEqual([]);
    const bad = verifyConfig(frag, 'CONFIG_A=m\nCONFIG_B=y\n');
    expect(bad).toEqual([
      { name: 'CONFIG_A', wanted: 'y', got: 'm' },
      { name: 'CONFIG_B', wanted: 'n', got: 'y' },
      { name: 'CONFIG_C', wanted: '0x10', got: undefined },
    ]);
    expect(describeMismatches(bad)).toContain('CONFIG_C: wanted 0x10, got absent');
  });

  it('writes assignments Kconfig reads back as the same options', () => {
    const frag = parseFragment(SAMPLE_FRAGMENT);
    const cfg = parseDotConfig(fragmentAssignments(frag));
    expect([...cfg]).toEqual([
      ['CONFIG_A', 'y'],
      ['CONFIG_B', 'n'],
      ['CONFIG_C', '0x10'],
    ]);
  });

  it('the project fragment parses, has a reason above every option, and asks for the iommufd test mode', () => {
    const text = readFileSync(FRAGMENT_FILE, 'utf8');
    const frag = parseFragment(text);
    const lines = text.split('\n');
    for (const o of frag) {
      const above = lines[o.line - 2] ?? '';
      const isOption = /^(CONFIG_|# CONFIG_.* is not set$)/.test(above);
      const isComment = above.startsWith('#') && !/is not set$/.test(above);
      // an option directly below a comment, or in a group of options under one comment
      expect(isComment || isOption, `${o.name} has no reason above it`).toBe(true);
    }
    const names = new Set(frag.map((o) => o.name));
    for (const n of ['CONFIG_IOMMUFD', 'CONFIG_IOMMUFD_TEST', 'CONFIG_BUG', 'CONFIG_SERIAL_8250_CONSOLE'])
      expect(names.has(n)).toBe(true);
    // a sample .config missing the test mode fails verification by name
    const withoutTest = fragmentAssignments(frag).replace('CONFIG_IOMMUFD_TEST=y', '');
    expect(verifyConfig(frag, withoutTest).map((m) => m.name)).toEqual(['CONFIG_IOMMUFD_TEST']);
  });
});
