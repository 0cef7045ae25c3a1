/**
 * The two icon containers the installers need, written from PNG images:
 * Windows `.ico` (NSIS, the app's executable) and macOS `.icns` (the .app, dmg).
 * Both just wrap PNG data (ICO since Vista, ICNS since 10.7), so no image
 * re-encoding is needed. `readIco` / `readIcns` parse them back (the tests and
 * the packaging checks use them).
 */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk; throws if `png` is not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (png.length < 24 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (view.getUint32(12) !== 0x49484452) throw new Error('PNG without an IHDR chunk first');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function squareSize(png: Uint8Array): number {
  const { width, height } = pngSize(png);
  if (width !== height) throw new Error(`icon images must be square, got ${width}x${height}`);
  return width;
}

/** An `.ico` holding each PNG as one entry (sizes 1..256; 256 is stored as 0). */
export function encodeIco(pngs: readonly Uint8Array[]): Uint8Array {
  const header = 6 + 16 * pngs.length;
  const total = header + pngs.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0, true); // reserved
  view.setUint16(2, 1, true); // type 1 = icon
  view.setUint16(4, pngs.length, true);
  let offset = header;
  pngs.forEach((png, i) => {
    const size = squareSize(png);
    if (size > 256) throw new Error(`an .ico entry is at most 256 px, got ${size}`);
    const e = 6 + 16 * i;
    view.setUint8(e, size === 256 ? 0 : size);
    view.setUint8(e + 1, size === 256 ? 0 : size);
    view.setUint8(e + 2, 0); // no palette
    view.setUint8(e + 3, 0);
    view.setUint16(e + 4, 1, true); // colour planes
    view.setUint16(e + 6, 32, true); // bits per pixel
    view.setUint32(e + 8, png.length, true);
    view.setUint32(e + 12, offset, true);
    out.set(png, offset);
    offset += png.length;
  });
  return out;
}

/** The entries of an `.ico`: pixel size (from the directory) and the embedded PNG. */
export function readIco(ico: Uint8Array): { size: number; png: Uint8Array }[] {
  const view = new DataView(ico.buffer, ico.byteOffset, ico.byteLength);
  if (ico.length < 6 || view.getUint16(0, true) !== 0 || view.getUint16(2, true) !== 1) {
    throw new Error('not an .ico file');
  }
  const count = view.getUint16(4, true);
  const entries: { size: number; png: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    const e = 6 + 16 * i;
    const length = view.getUint32(e + 8, true);
    const offset = view.getUint32(e + 12, true);
    if (offset + length > ico.length) throw new Error(`.ico entry ${i} runs past the end of the file`);
    entries.push({ size: view.getUint8(e) || 256, png: ico.subarray(offset, offset + length) });
  }
  return entries;
}

/**
 * ICNS element types that hold PNG data, by pixel size. Retina types (`@2x`)
 * reuse the next size up: ic11 = 16@2x (32 px), ic12 = 32@2x (64 px),
 * ic13 = 128@2x (256 px), ic14 = 256@2x (512 px), ic10 = 512@2x (1024 px).
 */
export const ICNS_TYPES: readonly { type: string; size: number }[] = [
  { type: 'icp4', size: 16 },
  { type: 'ic11', size: 32 },
  { type: 'icp5', size: 32 },
  { type: 'ic12', size: 64 },
  { type: 'icp6', size: 64 },
  { type: 'ic07', size: 128 },
  { type: 'ic13', size: 256 },
  { type: 'ic08', size: 256 },
  { type: 'ic14', size: 512 },
  { type: 'ic09', size: 512 },
  { type: 'ic10', size: 1024 },
];

/** An `.icns` with every ICNS_TYPES entry whose size `pngBySize` has. */
export function encodeIcns(pngBySize: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const elements = ICNS_TYPES.filter((t) => pngBySize.has(t.size)).map((t) => {
    const png = pngBySize.get(t.size) as Uint8Array;
    const size = squareSize(png);
    if (size !== t.size) throw new Error(`${t.type} needs ${t.size} px, got ${size}`);
    return { type: t.type, png };
  });
  const total = 8 + elements.reduce((n, e) => n + 8 + e.png.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'icns');
  view.setUint32(4, total); // big-endian, including this header
  let offset = 8;
  for (const e of elements) {
    ascii(offset, e.type);
    view.setUint32(offset + 4, 8 + e.png.length);
    out.set(e.png, offset + 8);
    offset += 8 + e.png.length;
  }
  return out;
}

/** The elements of an `.icns`: type and data. */
export function readIcns(icns: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(icns.buffer, icns.byteOffset, icns.byteLength);
  const text = (at: number) => String.fromCharCode(...icns.subarray(at, at + 4));
  if (icns.length < 8 || text(0) !== 'icns') throw new Error('not an .icns file');
  if (view.getUint32(4) !== icns.length) throw new Error('.icns length field does not match the file');
  const elements: { type: string; data: Uint8Array }[] = [];
  for (let offset = 8; offset < icns.length;) {
    const length = view.getUint32(offset + 4);
    if (length < 8 || offset + length > icns.length) throw new Error(`bad .icns element at ${offset}`);
    elements.push({ type: text(offset), data: icns.subarray(offset + 8, offset + length) });
    offset += length;
  }
  return elements;
}
