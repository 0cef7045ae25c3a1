import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../stores/examples';
import { countLabel } from './count-label';
import { docUri, LAB_DTS_URI, SCENARIO_URI } from './uris';

describe('editor file system', () => {
  // The bug: the model was file:///scenario.ts and the lib file:///pfnlab/lab.d.ts, so the
  // scenarios' reference resolved to file:///engine/scenario/api/lab.d.ts, a file the service did not have.
  it('resolves every bundled scenario’s reference path to the registered lab.d.ts', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(23);
    for (const ex of EXAMPLES) {
      const refs = [...ex.source.matchAll(/^\/\/\/\s*<reference\s+path="([^"]+)"\s*\/>/gm)].map(
        (m) => m[1] as string,
      );
      expect(refs, ex.name).not.toEqual([]);
      for (const r of refs) {
        expect(new URL(r, SCENARIO_URI).href, ex.name).toBe(LAB_DTS_URI);
        expect(new URL(r, docUri('5f0c-9a')).href, ex.name).toBe(LAB_DTS_URI);
      }
    }
  });

  it('gives every document its own model beside the scenarios', () => {
    expect(docUri('a-1')).toBe('file:///scenarios/doc-a-1.ts');
    expect(docUri('a-1')).not.toBe(docUri('a-2'));
    expect(new URL(docUri('x/../y')).pathname.startsWith('/scenarios/')).toBe(true);
  });

  it('keeps the declarations where the repository has them', () => {
    expect(LAB_DTS_URI.endsWith('/engine/scenario/api/lab.d.ts')).toBe(true);
  });
});

describe('countLabel', () => {
  it('counts events compactly', () => {
    expect(countLabel(1)).toBe('×1');
    expect(countLabel(256)).toBe('×256');
    expect(countLabel(9999)).toBe('×9999');
    expect(countLabel(12_345)).toBe('×12.3k');
    expect(countLabel(123_456)).toBe('×123k');
    expect(countLabel(1_250_000)).toBe('×1.3M');
  });
});
