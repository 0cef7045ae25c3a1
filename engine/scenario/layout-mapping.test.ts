import './testing/lockdown';
import { describe, expect, it } from 'vitest';
import { createMachine } from './machine-factory';
import { runScenario } from './runner';

async function run(source: string) {
  return (await runScenario(createMachine, { source, check: true })).result;
}

/** A layout of 50 runs of random lengths (1..40 pages), scattered PFNs, one 2 MiB THP. */
function layoutSource(): string {
  return `
    const runs: [number, number, number, number][] = [];
    let off = 0;
    let pfn = 100000;
    for (let i = 0; i < 50; i++) {
      const len = 1 + Math.floor(lab.random() * 40);
      runs.push([off, pfn, len, 1]);
      off += len;
      pfn += len + 1 + Math.floor(lab.random() * 1000);
    }
    // no holes: the last small run grows to the THP's 2 MiB boundary
    const pad = Math.ceil(off / 512) * 512 - off;
    runs[runs.length - 1][2] += pad;
    off += pad;
    runs.push([off, 512 * 4000, 512, 3]);
    const layout = { format: 'pfnlab-layout' as const, version: 1, pageSize: 4096, start: '0x7f0000000000', pages: off + 512, runs };
  `;
}

describe('a mapping backed by a captured layout', () => {
  it('costs one iommu_map per contiguous run (4 KiB-only domain) and 4 KiB + 2 MiB leaves on x86_64', async () => {
    const r = await run(`${layoutSource()}
      const info = lab.layout(layout);
      const len = layout.pages * lab.PAGE_SIZE;
      const buf = lab.process.mmap(len, { layout: JSON.stringify(layout) });
      const fd = lab.open();
      const ioas = fd.ioasAlloc();
      const small = ioas.attachDomain({ kind: 'pagetable', format: 'x86_64', pageSizes: [4096] });
      const big = ioas.attachDomain({ kind: 'pagetable', format: 'x86_64' });
      const c = lab.measure('map', () => { ioas.map(buf, len); });
      lab.log(info.runs, info.hugeRuns, info.frames, small.stats().mapCalls, big.stats().mapCalls, c.pageFaults);
      lab.log(small.stats().ioPagesMapped, big.stats().ioPagesMapped);
      fd.close();
    `);
    expect(r.error).toBeUndefined();
    const [info, ptes] = r.timeline.logs.map((l) => l.text.split(' ').map(Number));
    const [runs, hugeRuns, frames, smallCalls, bigCalls, faults] = info;
    expect(runs).toBe(51);
    expect(hugeRuns).toBe(1);
    expect(smallCalls).toBe(runs);
    expect(bigCalls).toBe(runs);
    expect(faults).toBe(0); // the layout's pages were present: the pin faulted nothing
    // the 4 KiB-only domain maps every page as an IO page; x86_64 the THP as one 2 MiB page
    expect(ptes[0]).toBe(frames);
    expect(ptes[1]).toBe(frames - 512 + 1);
    expect(frames % 512).toBe(0);
  });

  it('lab.layout and mmap reject a bad layout with the field at fault', async () => {
    const r = await run(`
      try { lab.layout('{"format":"pfnlab-layout","version":3}'); } catch (e) { lab.log((e as LabError).errno, (e as LabError).message); }
      try { lab.process.mmap(4096, { layout: '{' }); } catch (e) { lab.log((e as LabError).errno, (e as LabError).message); }
    `);
    expect(r.error).toBeUndefined();
    expect(r.timeline.logs.map((l) => l.text)).toEqual([
      'EINVAL layout: version: made by a newer PFN Lab (layout version 3; this one reads 1)',
      'EINVAL layout: not JSON (truncated at byte 1?)',
    ]);
  });
});

describe('scenario 24 and the layout it carries', () => {
  it('capturedLayout() is scenarios/layouts/python-4m.layout.json', async () => {
    const { readFileSync } = await import('node:fs');
    const file = JSON.parse(
      readFileSync(new URL('../../scenarios/layouts/python-4m.layout.json', import.meta.url), 'utf8'),
    ) as { start: string; pages: number; runs: unknown[] };
    const src = readFileSync(new URL('../../scenarios/24-captured-layout.ts', import.meta.url), 'utf8');
    const body = src.slice(src.indexOf('function capturedLayout()'));
    const r = await run(`${body}\nconst l = capturedLayout(); lab.log(JSON.stringify([l.start, l.pages, l.runs]));`);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.timeline.logs[0]!.text)).toEqual([file.start, file.pages, file.runs]);
  });
});
