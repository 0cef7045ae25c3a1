import { describe, expect, it } from 'vitest';
import type { StudyCell, StudyFile } from './format';
import { looksLikeStudyFile, parseStudyFile } from './parse';
import { serializeStudy } from './serialize';

function cell(over: Partial<StudyCell> = {}): StudyCell {
  return {
    strategy: 'iommufd',
    domains: 2,
    backing: 'thp',
    size: 64 * 2 ** 20,
    operation: 'map',
    status: 'ok',
    wallMs: 1.5,
    floorMs: 0.1,
    repeats: 3,
    counters: {
      iommuMapCalls: 64,
      iommuUnmapCalls: 0,
      iovaToPhysCalls: 0,
      pteWrites: 64,
      pinCalls: 1,
      pagesPinned: 16384,
      pagesUnpinned: 0,
      readPfnsCalls: 0,
      mapPfnListCalls: 0,
    },
    tempMemoryPeakBytes: 4096,
    engineBytes: 1000,
    ...over,
  };
}

function study(cells: StudyCell[] = [cell()]): StudyFile {
  return {
    format: 'pfnlab-study',
    version: 1,
    createdAt: '2026-12-02T04:00:00.000Z',
    engineVersion: '0.1.0',
    mode: 'quick',
    machine: { cpus: 2, cpuModel: 'x', node: 'v20', platform: 'linux', workers: 2 },
    axes: {
      strategies: ['iommufd'],
      domains: [2],
      backings: ['thp', 'layout:python-4m'],
      sizes: [64 * 2 ** 20],
      operations: ['map'],
    },
    cells,
    wallMs: 10,
  };
}

const mutate = (f: (o: Record<string, unknown>) => void): string => {
  const o = JSON.parse(serializeStudy(study())) as Record<string, unknown>;
  f(o);
  return JSON.stringify(o);
};
const firstCell = (o: Record<string, unknown>): Record<string, unknown> =>
  (o.cells as Record<string, unknown>[])[0] as Record<string, unknown>;

describe('parseStudyFile', () => {
  it('reads back what serializeStudy wrote, optional fields included', () => {
    const s = study([
      cell(),
      cell({ status: 'skipped', reason: 'no', repeats: 0, backing: 'layout:python-4m' }),
      cell({
        pages: 16384,
        physRuns: 32,
        samplesMs: [1, 2, 3],
        warnings: ['1 frame(s) still pinned'],
        machineOptions: { physicalMemory: 2 ** 30, fragmentation: 1, hugetlbPages2M: 0, hugetlbPages1G: 0 },
      }),
    ]);
    s.notes = ['a note'];
    s.timeLimitMs = 1000;
    const text = serializeStudy(s);
    expect(looksLikeStudyFile(text)).toBe(true);
    expect(parseStudyFile(text)).toEqual(s);
  });

  it('names the field at fault', () => {
    expect(() =>
      parseStudyFile(mutate((o) => ((firstCell(o).counters as Record<string, unknown>).pteWrites = 'x'))),
    ).toThrow('cells[0].counters.pteWrites: expected an integer, got string');
    expect(() => parseStudyFile(mutate((o) => (firstCell(o).strategy = 'zz')))).toThrow(
      'cells[0].strategy: expected one of iommufd, iommufd+batch-api, naive, vfio-type1, got "zz"',
    );
    expect(() => parseStudyFile(mutate((o) => (firstCell(o).backing = 'thp2')))).toThrow('cells[0].backing:');
    expect(() => parseStudyFile(mutate((o) => (firstCell(o).status = 'skipped')))).toThrow(
      "cells[0].reason: a cell that is 'skipped' needs a reason",
    );
    expect(() => parseStudyFile(mutate((o) => ((o.axes as Record<string, unknown>).sizes = [0])))).toThrow(
      'axes.sizes[0]: expected an integer ≥ 1, got 0',
    );
    expect(() => parseStudyFile(mutate((o) => (o.createdAt = 'yesterday')))).toThrow(
      'createdAt: expected an ISO date',
    );
    expect(() => parseStudyFile(mutate((o) => delete o.machine))).toThrow(
      'machine: expected an object, got undefined',
    );
  });

  it('refuses what is not a study file, truncated text and newer versions', () => {
    expect(() => parseStudyFile('')).toThrow('not JSON (the file is empty)');
    const text = serializeStudy(study());
    expect(() => parseStudyFile(text.slice(0, 100))).toThrow(/not JSON \(truncated/);
    expect(() => parseStudyFile('{"format":"pfnlab-run","version":1}')).toThrow('not a PFN Lab study file');
    expect(() => parseStudyFile(mutate((o) => (o.version = 2)))).toThrow(
      'made by a newer PFN Lab (study format 2',
    );
  });

  it('drops unknown fields', () => {
    const parsed = parseStudyFile(mutate((o) => (firstCell(o).extra = 1)));
    expect(Object.keys(parsed.cells[0] as object)).not.toContain('extra');
  });
});
