import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../engine/scenario/timeline';
import type { MachineDigest } from '../../engine/iommufd/digest';
import { SeriesBuilder, tableBytesOf } from './series-build';
import { SERIES_INDEX } from './series-defs';
import { digest, ev } from './test-fixtures';

const y = (b: SeriesBuilder, name: keyof typeof SERIES_INDEX): number[] => [...b.y(SERIES_INDEX[name])];

describe('SeriesBuilder', () => {
  it('accumulates counters, differences and peaks; point 0 is the state before any event', () => {
    const events = [
      ev(1, { pagesPinned: 8, pinCalls: 2, xarrayStores: 3, tempMemoryPeakBytes: 64 }),
      ev(2, { iommuMapCalls: 1, pteWrites: 8 }),
      ev(3, { pagesUnpinned: 5, xarrayErases: 2, tempMemoryPeakBytes: 32 }),
      ev(4, { pagesPinned: 1, tempMemoryPeakBytes: 128 }),
    ];
    const b = new SeriesBuilder();
    expect(b.sync({ events, digests: [] })).toBe('rebuild');
    expect(b.length).toBe(5);
    expect(y(b, 'pinnedNow')).toEqual([0, 8, 8, 3, 4]);
    expect(y(b, 'xarrayEntries')).toEqual([0, 3, 3, 1, 1]);
    expect(y(b, 'pinCalls')).toEqual([0, 2, 2, 2, 2]);
    expect(y(b, 'iommuMapCalls')).toEqual([0, 0, 1, 1, 1]);
    expect(y(b, 'pteWrites')).toEqual([0, 0, 8, 8, 8]);
    // a peak never goes down (a smaller reported value is not a new peak)
    expect(y(b, 'tempMemoryPeakBytes')).toEqual([0, 64, 64, 64, 128]);
    expect([...b.xs('seq')]).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads table bytes from the digests, summed over domains and IOAS, kept across events without one', () => {
    const digests: MachineDigest[] = [digest([[4096]]), digest([[4096, 8192], [4096]])];
    const events = [
      ev(1, {}, { digest: 0 }),
      ev(2, {}, { digest: -1 }),
      ev(3, {}, { digest: 1 }),
      ev(4, {}, { digest: 7 }), // not (yet) received: keeps the last value
    ];
    const b = new SeriesBuilder();
    b.sync({ events, digests });
    expect(y(b, 'tableBytes')).toEqual([0, 4096, 4096, 16384, 16384]);
    expect(tableBytesOf(digests[1] as MachineDigest)).toBe(16384);
  });

  it("reads the engine's own bytes from the digests beside table bytes; a digest without them (older file) is 0", () => {
    const digests: MachineDigest[] = [
      { ...digest([[4096]]), engineBytes: 300 },
      { ...digest([[8192]]), engineBytes: 1000 },
      digest([[4096]]), // saved by an engine that did not report them
    ];
    const events = [
      ev(1, {}, { digest: 0 }),
      ev(2, {}, { digest: -1 }),
      ev(3, {}, { digest: 1 }),
      ev(4, {}, { digest: 2 }),
    ];
    const b = new SeriesBuilder();
    b.sync({ events, digests });
    expect(y(b, 'engineBytes')).toEqual([0, 300, 300, 1000, 0]);
    expect(y(b, 'tableBytes')).toEqual([0, 4096, 4096, 8192, 4096]);
  });

  it('puts each point at the end of its event in run time, never going back', () => {
    const events = [
      ev(1, {}, { t: 1, dur: 2 }),
      ev(2, {}, { t: 1.5, dur: 0.1 }),
      ev(3, {}, { t: 5, dur: 1 }),
    ];
    const b = new SeriesBuilder();
    b.sync({ events, digests: [] });
    expect([...b.xs('time')]).toEqual([0, 3, 3, 6]);
  });

  it('appends a live run incrementally with the same result as one pass, and grows past its capacity', () => {
    const all: TimelineEvent[] = [];
    for (let i = 1; i <= 3000; i++)
      all.push(ev(i, i % 7 === 0 ? { pagesUnpinned: 2 } : { pagesPinned: 1, iommuMapCalls: i % 3 }));
    const live: TimelineEvent[] = [];
    const src = { events: live, digests: [] };
    const inc = new SeriesBuilder();
    expect(inc.sync(src)).toBe('rebuild');
    for (let i = 0; i < all.length; i += 250) {
      live.push(...all.slice(i, i + 250));
      expect(inc.sync(src)).toBe('append');
    }
    expect(inc.sync(src)).toBe('none');
    const once = new SeriesBuilder();
    once.sync({ events: all, digests: [] });
    expect(inc.length).toBe(3001);
    expect([...inc.y(SERIES_INDEX.pinnedNow)]).toEqual([...once.y(SERIES_INDEX.pinnedNow)]);
    expect([...inc.y(SERIES_INDEX.iommuMapCalls)]).toEqual([...once.y(SERIES_INDEX.iommuMapCalls)]);
    let calls = 0;
    for (let i = 1; i <= 3000; i++) if (i % 7 !== 0) calls += i % 3;
    expect(inc.y(SERIES_INDEX.iommuMapCalls)[3000]).toBe(calls);
  });

  it('rebuilds for another source (a new run, or the finished run replacing its live data)', () => {
    const b = new SeriesBuilder();
    b.sync({ events: [ev(1, { pinCalls: 5 }), ev(2, { pinCalls: 5 })], digests: [] });
    expect(b.sync({ events: [ev(1, { pinCalls: 1 })], digests: [] })).toBe('rebuild');
    expect(y(b, 'pinCalls')).toEqual([0, 1]);
    expect(b.sync({ events: [], digests: [] })).toBe('rebuild');
    expect(b.length).toBe(1);
  });
});
