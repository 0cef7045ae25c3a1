import { describe, expect, it } from 'vitest';
import { bytesArg, bytesHash, bytesHex } from './script-values';

/** FNV-1a 64 per 4 KiB chunk with BigInt: the definition bytesHash must equal. */
function reference(b: Uint8Array): string {
  const parts: string[] = [];
  for (let c = 0; c < b.length; c += 4096) {
    let h = 0xcbf29ce484222325n;
    for (let i = c; i < Math.min(c + 4096, b.length); i++) {
      h ^= BigInt(b[i] as number);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    parts.push(h.toString(16).padStart(16, '0'));
  }
  return `#${parts.join(',')}`;
}

describe('script values', () => {
  it('hashes reads as the driver does (oracle/driver/test/test_parse.c has the same vectors)', () => {
    expect(bytesHash(new Uint8Array(0))).toBe('#');
    expect(bytesHash(new Uint8Array([97]))).toBe('#af63dc4c8601ec8c');
    expect(bytesHash(new Uint8Array(4097)).split(',')[1]).toBe('af63bd4c8601b7df');
    let seed = 12345;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let k = 0; k < 60; k++) {
      const b = new Uint8Array(1 + Math.floor(rnd() * 13000));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
      expect(bytesHash(b)).toBe(reference(b));
    }
  });

  it('writes a fill as HH*N, anything else as hex', () => {
    expect(bytesArg(new Uint8Array(184320).fill(65))).toBe('41*184320');
    expect(bytesArg(new Uint8Array(15).fill(65))).toBe(bytesHex(new Uint8Array(15).fill(65)));
    expect(bytesArg(new Uint8Array([1, 1, 2]))).toBe('010102');
    expect(bytesArg(new Uint8Array(0))).toBe('-');
    expect(bytesArg('x')).toBeNull();
  });
});
