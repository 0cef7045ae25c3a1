import { describe, expect, it } from 'vitest';
import { AREA_COLORS } from '../theme/palette';
import { U64_MAX } from './iova-bar';
import { ioasModels, protText } from './model';
import { digest } from './test-fixtures';

describe('IOAS model from a digest', () => {
  it('lists every IOAS of every context with its settings', () => {
    const m = ioasModels(digest());
    expect(m.map((x) => x.id)).toEqual([1, 3]);
    expect(m[0]?.iovaAlignment).toBe(4096);
    expect(m[0]?.hugePages).toBe(true);
    expect(m[1]?.hugePages).toBe(false);
    expect(ioasModels(null)).toEqual([]);
  });

  it('turns areas into rows with 64-bit ranges, the pages slice and its key', () => {
    const [a] = ioasModels(digest())[0]?.areas ?? [];
    expect(a?.start).toBe(0x1000000n);
    expect(a?.last).toBe(0x13fffffn);
    expect(a?.iovaHex).toBe('0x1000000');
    expect(a?.lengthText).toBe('4 MiB');
    expect(a?.pagesKey).toBe(`100:${0x7f0000000000}:1024`);
    expect(a?.pagesLabel).toBe('#1 uptr 0x7f0000000000');
    expect(a?.prot).toBe('rw');
    expect(a?.color).toBe(AREA_COLORS[0]);
    const second = ioasModels(digest({ withSecondArea: true }))[0]?.areas[1];
    expect(second?.prot).toBe('r-');
    expect(second?.color).toBe(AREA_COLORS[1]);
    expect(second?.storageDomain).toBeNull();
  });

  it('keeps reserved ranges up to the top of the space exact', () => {
    const r = ioasModels(digest())[0]?.reserved ?? [];
    expect(r[1]?.last).toBe(U64_MAX);
    expect(r[1]?.text).toBe('0x80000000–0xffff_ffff_ffff_ffff');
    expect(r[1]?.owner).toBe('domain 1');
  });

  it('builds bar ranges (reserved, allowed, areas, access items) and fits the aperture', () => {
    const m = ioasModels(digest())[0];
    const kinds = m?.bar.map((b) => b.kind);
    expect(kinds).toEqual(['reserved', 'reserved', 'allowed', 'fill', 'item']);
    const fit = m?.fits[0]?.view;
    expect(fit && fit.lo < 0x1000000n && fit.hi > 0x80000000n && fit.hi < 0x100000000n).toBe(true);
    expect(m?.fits.map((f) => f.label)).toEqual(['fit', 'areas']);
    expect(m?.accesses[0]?.items[0]?.text).toBe('0x1000000–0x1001fff (8 KiB)');
    expect(ioasModels(digest())[1]?.fits).toHaveLength(1);
  });

  it('merges the same reserved range of several owners into one row', () => {
    const d = digest();
    const io = d.contexts[0]?.ioas[0];
    io?.reserved.push(['0', String(0xffffff), 'domain 2']);
    const r = ioasModels(d)[0]?.reserved ?? [];
    expect(r).toHaveLength(2);
    expect(r[0]?.owner).toBe('domain 1, domain 2');
    expect(r[0]?.nodes).toBe(2);
    expect(ioasModels(d)[0]?.bar.filter((b) => b.kind === 'reserved')).toHaveLength(2);
  });

  it('spells prot bits', () => {
    expect(protText(0)).toBe('--');
    expect(protText(2)).toBe('-w');
  });
});
