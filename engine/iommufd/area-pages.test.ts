import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, U64_MAX } from '../base';
import { IoptArea } from './area-pages';
import { Fixture } from './pages/testing/fixture';

describe('IoptArea index / IOVA conversions (§1.1)', () => {
  it('computes pages_node and page_offset and converts both ways', () => {
    const f = new Fixture();
    const pages = f.pages(0x10000, 16 * PAGE_SIZE);
    const area = new IoptArea(f.iopt, 0x1000800n, BigInt(5 * PAGE_SIZE), pages, 2 * PAGE_SIZE + 0x800, 3);
    expect(area.index).toBe(2);
    expect(area.lastIndex).toBe(7);
    expect(area.pageOffset).toBe(0x800);
    expect(area.length).toBe(BigInt(5 * PAGE_SIZE));
    expect(area.pages).toBeNull();
    expect(area.indexToIova(2)).toBe(0x1000800);
    expect(area.indexToIova(3)).toBe(0x1001000);
    expect(area.indexToIovaLast(2)).toBe(0x1000fff);
    expect(area.indexToIovaLast(7)).toBe(0x1000800 + 5 * PAGE_SIZE - 1);
    expect(area.indexToIovaBig(4)).toBe(0x1002000n);
    expect(area.indexToIovaLastBig(7)).toBe(area.lastIova);
    expect(area.iovaToIndex(0x1000800n)).toBe(2);
    expect(area.iovaToIndex(0x1001000n)).toBe(3);
    expect(area.startByte(0x1001010n)).toBe(3 * PAGE_SIZE + 0x10);
    expect(f.kernel.counters.warnings).toBe(0);
    area.indexToIova(9);
    expect(f.kernel.counters.warnings).toBe(1);
  });

  it('works at the top of the 64-bit IOVA space and rejects overflow', () => {
    const f = new Fixture();
    const pages = f.pages(0x10000, 4 * PAGE_SIZE);
    const top = new IoptArea(f.iopt, U64_MAX - BigInt(PAGE_SIZE) + 1n, BigInt(PAGE_SIZE), pages, 0, 1);
    expect(top.lastIova).toBe(U64_MAX);
    expect(top.indexToIovaLastBig(0)).toBe(U64_MAX);
    expect(() => new IoptArea(f.iopt, U64_MAX, 2n, pages, 0, 1)).toThrow(
      expect.objectContaining({ errno: 'EOVERFLOW' }),
    );
    expect(() => new IoptArea(f.iopt, 0n, BigInt(5 * PAGE_SIZE), pages, 0, 1)).toThrow(
      expect.objectContaining({ errno: 'EOVERFLOW' }),
    );
  });
});

describe('IoptPages.alloc (iopt_alloc_pages)', () => {
  it('validates length and picks the accounting mode from CAP_IPC_LOCK', () => {
    const f = new Fixture();
    expect(() => f.pages(0x1000, 0)).toThrow(expect.objectContaining({ errno: 'EINVAL' }));
    expect(() => f.pages(Number.MAX_SAFE_INTEGER - 10, 100)).toThrow(
      expect.objectContaining({ errno: 'EOVERFLOW' }),
    );
    const p = f.pages(0x1234, 2 * PAGE_SIZE);
    expect(p.uptr).toBe(0x1000);
    expect(p.npages).toBe(3);
    expect(p.accountMode).toBe('user');
    f.proc.capIpcLock = true;
    expect(f.pages(0x1000, PAGE_SIZE).accountMode).toBe('none');
  });
});
