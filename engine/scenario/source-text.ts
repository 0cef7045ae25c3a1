/**
 * Is a file a scenario's text at all? A binary file, a file that is not
 * UTF-8, read as a scenario, would otherwise reach the transpiler and fail
 * with a syntax error far from the cause. The CLI checks the bytes
 * (`decodeSourceBytes`: the offset of the first bad byte); the app, which
 * gets text already decoded by the browser (invalid bytes become U+FFFD),
 * checks the text (`sourceTextProblem`). Pure: no TextDecoder, no node:*.
 */

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

/** Length of the UTF-8 sequence at i, or 0 when it is not a valid one (overlong, surrogate, > U+10FFFF, cut). */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const cont = (k: number): boolean => i + k < b.length && ((b[i + k] as number) & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const c1 = b[i + 1] ?? 0;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const c1 = b[i + 1] ?? 0;
    if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** The UTF-8 text of a file's bytes, or what makes it not a scenario text (naming the byte). */
export function decodeSourceBytes(bytes: Uint8Array): { text: string } | { problem: string } {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const units: number[] = [];
  let text = '';
  while (i < bytes.length) {
    const c = bytes[i] as number;
    if (c === 0) return { problem: `not a text file: a NUL byte at offset ${i}` };
    const n = sequenceAt(bytes, i);
    if (n === 0) return { problem: `not UTF-8 text: invalid byte ${hex(c)} at offset ${i}` };
    let cp = n === 1 ? c : c & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) cp = (cp << 6) | ((bytes[i + k] as number) & 0x3f);
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    i += n;
    if (units.length >= 8192) {
      text += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return { text: text + String.fromCharCode(...units) };
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, at: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

/** Why decoded text cannot be a scenario (a NUL, a byte the decoder replaced), or null. */
export function sourceTextProblem(text: string): string | null {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return `not a text file: a NUL byte at ${lineColumn(text, nul)}`;
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) return `not UTF-8 text: an invalid byte (shown as U+FFFD) at ${lineColumn(text, bad)}`;
  return null;
}
