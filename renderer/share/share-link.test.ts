import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../stores/examples';
import {
  decodeShare,
  encodeShare,
  fromBase64Url,
  LONG_LINK,
  shareParam,
  shareUrl,
  ShareLinkError,
  toBase64Url,
} from './share-link';

describe('share links', () => {
  it('round-trips any scenario, name, seed and options', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            name: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
            source: fc.string({ unit: 'grapheme', maxLength: 2000 }),
            seed: fc.nat(),
            options: fc.record({ check: fc.boolean(), budgetSeconds: fc.integer({ min: 1, max: 3600 }) }),
          },
          { requiredKeys: ['name', 'source'] },
        ),
        async (s) => {
          const frag = await encodeShare(s);
          expect(frag.startsWith('#s=1.')).toBe(true);
          expect(frag).toMatch(/^#s=1\.[A-Za-z0-9_-]*$/);
          expect(await decodeShare(frag)).toEqual(s);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('packs a bundled scenario well under the long-link limit', async () => {
    const ex = EXAMPLES.find((e) => e.name === '03-four-domains.ts');
    if (!ex) throw new Error('example missing');
    const frag = await encodeShare({ name: ex.name, source: ex.source, seed: 1 });
    expect(frag.length).toBeLessThan(ex.source.length * 0.6); // measured: 2 813 of 5 222 characters
    expect(frag.length).toBeLessThan(LONG_LINK);
  });

  it('base64url round-trips bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect([...fromBase64Url(toBase64Url(b))]).toEqual([...b]);
      }),
    );
  });

  it('finds the link among other fragment parameters, and no link in other fragments', () => {
    expect(shareParam('#a=1&s=1.abc')).toBe('1.abc');
    expect(shareParam('#top')).toBeNull();
    expect(shareParam('')).toBeNull();
  });

  it('says what is wrong with a damaged link', async () => {
    const good = await encodeShare({ name: 'x.ts', source: 'lab.open();\n'.repeat(50) });
    const cases: [string, RegExp][] = [
      ['#s=abc', /no format version/],
      ['#s=7.abcd', /format 7/],
      ['#s=1.ab$d', /damaged/],
      [good.slice(0, good.length - 20), /damaged|cut short/],
      [`#s=1.${toBase64Url(new TextEncoder().encode('not deflate at all'))}`, /damaged/],
    ];
    for (const [frag, re] of cases) {
      const err = await decodeShare(frag).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, frag).toBeInstanceOf(ShareLinkError);
      expect((err as Error).message, frag).toMatch(re);
    }
  });

  it('refuses a link without a source, and names an unnamed one', async () => {
    const pack = async (v: unknown): Promise<string> => {
      const bytes = new TextEncoder().encode(JSON.stringify(v));
      const cs = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
      return `#s=1.${toBase64Url(new Uint8Array(await new Response(cs).arrayBuffer()))}`;
    };
    await expect(decodeShare(await pack({ name: 'a.ts' }))).rejects.toThrow(/no scenario source/);
    await expect(decodeShare(await pack({ source: 'x', seed: -3 }))).resolves.toEqual({
      name: 'shared.ts',
      source: 'x',
    });
  });

  it('puts the fragment in place of the page’s own', () => {
    expect(shareUrl('http://h/app/?files=fallback#old', '#s=1.x')).toBe('http://h/app/?files=fallback#s=1.x');
    expect(shareUrl('http://h/', '#s=1.x')).toBe('http://h/#s=1.x');
  });
});
