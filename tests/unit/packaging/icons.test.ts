// The icon containers (scripts/icon-containers.ts) and the committed icons in
// build/icons/ that electron-builder.yml points at (regenerate: `npm run icons`).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ICNS_TYPES,
  encodeIcns,
  encodeIco,
  pngSize,
  readIcns,
  readIco,
} from '../../../scripts/icon-containers';
import { ICO_SIZES, ICON_SIZES } from '../../../scripts/icon-sizes';

const icons = fileURLToPath(new URL('../../../build/icons/', import.meta.url));

/** The first 33 bytes of a PNG (signature + IHDR) plus a marker byte, enough for the containers. */
function fakePng(width: number, height = width, marker = 0): Uint8Array {
  const png = new Uint8Array(34);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer);
  view.setUint32(8, 13);
  png.set([0x49, 0x48, 0x44, 0x52], 12); // IHDR
  view.setUint32(16, width);
  view.setUint32(20, height);
  png[33] = marker;
  return png;
}

describe('icon containers', () => {
  it('pngSize reads IHDR and rejects other files', () => {
    expect(pngSize(fakePng(48, 24))).toEqual({ width: 48, height: 24 });
    expect(() => pngSize(new TextEncoder().encode('GIF89a, not a png file at all'))).toThrow(/not a PNG/);
  });

  it('an .ico round-trips its entries; 256 px is stored as 0', () => {
    const pngs = [16, 48, 256].map((s, i) => fakePng(s, s, i + 1));
    const ico = encodeIco(pngs);
    expect(ico[6 + 32]).toBe(0); // width byte of the 256 px entry
    const back = readIco(ico);
    expect(back.map((e) => e.size)).toEqual([16, 48, 256]);
    expect(back.map((e) => e.png[33])).toEqual([1, 2, 3]);
    expect(back.map((e) => pngSize(e.png).width)).toEqual([16, 48, 256]);
  });

  it('an .ico refuses images it cannot hold', () => {
    expect(() => encodeIco([fakePng(512)])).toThrow(/at most 256/);
    expect(() => encodeIco([fakePng(32, 16)])).toThrow(/square/);
  });

  it('an .icns holds each size under its types, @2x included', () => {
    const bySize = new Map([16, 32, 64, 1024].map((s) => [s, fakePng(s, s, s & 0xff)]));
    const icns = encodeIcns(bySize);
    expect(new DataView(icns.buffer).getUint32(4)).toBe(icns.length);
    const back = readIcns(icns);
    expect(back.map((e) => e.type)).toEqual(['icp4', 'ic11', 'icp5', 'ic12', 'icp6', 'ic10']);
    for (const e of back) {
      const want = ICNS_TYPES.find((t) => t.type === e.type)?.size;
      expect(pngSize(e.data).width).toBe(want);
    }
  });

  it('an .icns refuses a wrong size and a corrupt length', () => {
    expect(() => encodeIcns(new Map([[32, fakePng(16)]]))).toThrow(/needs 32 px/);
    const icns = encodeIcns(new Map([[16, fakePng(16)]]));
    expect(() => readIcns(icns.subarray(0, icns.length - 1))).toThrow(/length/);
  });
});

describe('build/icons (committed, from build/icon.svg)', () => {
  it('has the source SVG', () => {
    expect(readFileSync(`${icons}../icon.svg`, 'utf8')).toMatch(/<svg[^>]+viewBox="0 0 1024 1024"/);
  });

  it.each(ICON_SIZES)('has a %i px PNG of that size', (size) => {
    const file = `${icons}${size}x${size}.png`;
    expect(existsSync(file)).toBe(true);
    expect(pngSize(readFileSync(file))).toEqual({ width: size, height: size });
  });

  it('icon.ico holds every Windows size, each a PNG of its size', () => {
    const entries = readIco(readFileSync(`${icons}icon.ico`));
    expect(entries.map((e) => e.size)).toEqual([...ICO_SIZES]);
    for (const e of entries) expect(pngSize(e.png).width).toBe(e.size);
    expect(ICO_SIZES).toContain(256); // electron-builder requires 256 px for Windows
  });

  it('icon.icns holds every macOS type up to 1024 px (512@2x)', () => {
    const elements = readIcns(readFileSync(`${icons}icon.icns`));
    expect(elements.map((e) => e.type)).toEqual(ICNS_TYPES.map((t) => t.type));
    for (const e of elements) {
      expect(pngSize(e.data).width).toBe(ICNS_TYPES.find((t) => t.type === e.type)?.size);
    }
  });
});
