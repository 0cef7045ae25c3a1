import { describe, expect, it } from 'vitest';
import type { DomainAnswer } from '../../engine/base/inspect-types';
import { digest } from '../ioas/test-fixtures';
import { HUGETLB_COLOR, THP_COLOR } from '../theme/palette';
import { domainModels, pageSizeColor, pageSizeLabel, statRows } from './model';

const answer: DomainAnswer = {
  kind: 'domains',
  domains: [{ id: 1, ioas: 1, kind: 'mock', stats: { mapCalls: 3, unmapCalls: 0, pteWrites: 2048, mappedBytes: 1, tableBytesPeak: 8192, zzz: 1 }, mapped: [] }],
};

describe('domain model', () => {
  it('joins digest domains with their work counters', () => {
    const m = domainModels(digest(), answer);
    expect(m.map((d) => [d.id, d.ioas, d.kind, d.deviceId])).toEqual([
      [1, 1, 'mock', 7],
      [4, 3, 'pagetable', 8],
    ]);
    expect(m[0]?.stats?.mapCalls).toBe(3);
    expect(m[1]?.stats).toBeNull();
    expect(domainModels(null, answer)).toEqual([]);
  });

  it('sums the mapped runs by page size', () => {
    const [mock, pt] = domainModels(digest(), null);
    expect(mock?.sizes).toHaveLength(1);
    expect(mock?.sizes[0]?.pages).toBe(2048n);
    expect(mock?.sizes[0]?.label).toBe('2 KiB (mock IO page)');
    expect(pt?.sizes.map((s) => [s.pageSize, Number(s.pages), s.runs])).toEqual([
      [4096, 2, 1],
      [2097152, 1, 1],
    ]);
    expect(pt?.runs[0]?.text).toBe('0x40000000–0x401fffff');
    expect(pt?.runs[0]?.color).toBe(THP_COLOR);
    expect(pt?.bar).toHaveLength(2);
    expect(pt?.tableBytes).toBe(12288);
  });

  it('colours page sizes consistently', () => {
    expect(pageSizeColor(2 * 1024 * 1024)).toBe(THP_COLOR);
    expect(pageSizeColor(1024 * 1024 * 1024)).toBe(HUGETLB_COLOR);
    expect(pageSizeColor(2048)).not.toBe(pageSizeColor(4096));
    expect(pageSizeLabel(4096, 'pagetable')).toBe('4 KiB leaves');
  });

  it('orders work counters and formats sizes', () => {
    const rows = statRows(answer.domains[0]?.stats ?? {});
    expect(rows.map((r) => r.name)).toEqual(['mapCalls', 'unmapCalls', 'pteWrites', 'tableBytesPeak', 'zzz']);
    expect(rows.find((r) => r.name === 'tableBytesPeak')?.value).toBe('8 KiB');
    expect(rows.find((r) => r.name === 'pteWrites')?.value).toBe('2\u2009048');
  });
});
