import { describe, expect, it } from 'vitest';
import { readCpio, writeCpio } from './cpio';

describe('cpio newc writer', () => {
  it('round-trips entries, with 4-byte alignment and a trailer', () => {
    const buf = writeCpio([
      { path: 'bin', kind: 'dir', mode: 0o755 },
      { path: 'bin/x', kind: 'file', mode: 0o755, data: Buffer.from([1, 2, 3]) },
      { path: 'bin/sh', kind: 'symlink', mode: 0o777, data: 'busybox' },
      { path: 'empty', kind: 'file', mode: 0o644 },
    ]);
    expect(buf.length % 4).toBe(0);
    expect(buf.toString('ascii', 0, 6)).toBe('070701');
    expect(buf.includes(Buffer.from('TRAILER!!!\0'))).toBe(true);
    const rec = readCpio(buf);
    expect(rec.map((r) => [r.path, r.mode.toString(8), r.data.toString('latin1')])).toEqual([
      ['bin', '40755', ''],
      ['bin/x', '100755', '\x01\x02\x03'],
      ['bin/sh', '120777', 'busybox'],
      ['empty', '100644', ''],
    ]);
  });

  it('writes the header fields the kernel reads (size, name size) in hex', () => {
    const buf = writeCpio([{ path: 'abc', kind: 'file', mode: 0o600, data: 'hello' }]);
    const head = buf.toString('ascii', 0, 110);
    expect(head.slice(6 + 6 * 8, 6 + 7 * 8)).toBe('00000005'); // filesize
    expect(head.slice(6 + 11 * 8, 6 + 12 * 8)).toBe('00000004'); // "abc\0"
    // data starts 4-aligned: 110 + 4 = 114 -> 116
    expect(buf.toString('ascii', 116, 121)).toBe('hello');
  });

  it('refuses absolute and empty paths', () => {
    expect(() => writeCpio([{ path: '/etc', kind: 'dir', mode: 0o755 }])).toThrow(/bad path/);
    expect(() => writeCpio([{ path: '', kind: 'dir', mode: 0o755 }])).toThrow(/bad path/);
  });
});
