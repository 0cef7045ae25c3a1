/**
 * Test fixtures for the physical, IOAS, domain and counter views: a run
 * whose digests describe one context with two IOASes (mock aperture
 * reserved, an allowed range, areas, a mock and a page-table domain, an
 * access with items), set straight into the stores; and a LabApi that
 * answers `inspect` from a script (the shared fake answers ENOSYS).
 */
import { markRaw } from 'vue';
import type { InspectAnswer, InspectParams, LabApi, TimelineEvent } from '../../electron/shared/lab-api';
import type { MachineDigest } from '../../engine/iommufd/digest';
import { setLabApi } from '../lab';
import { RunData } from '../stores/run-data';
import { useRunsStore, type RunRecord } from '../stores/runs';
import { useSelectionStore } from '../stores/selection';
import { fakeLab } from '../tests/fakes';

export const TOP = (1n << 64n) - 1n;

export function digest(over: { withSecondArea?: boolean } = {}): MachineDigest {
  const areas: MachineDigest['contexts'][number]['ioas'][number]['areas'] = [
    {
      iova: String(0x1000000),
      length: String(4 * 1024 * 1024),
      pages: 1,
      index: 0,
      lastIndex: 1023,
      pageOffset: 0,
      prot: 3,
      storageDomain: 1,
      numAccesses: 1,
      preventAccess: false,
    },
  ];
  if (over.withSecondArea)
    areas.push({
      iova: String(0x2000000),
      length: String(8192),
      pages: 2,
      index: 0,
      lastIndex: 1,
      pageOffset: 0,
      prot: 1,
      storageDomain: null,
      numAccesses: 0,
      preventAccess: false,
    });
  return {
    contexts: [
      {
        serial: 1,
        owner: 100,
        accountModeMm: false,
        objects: [
          [1, 'ioas'],
          [2, 'hwpt'],
        ],
        ioas: [
          {
            id: 1,
            iovaAlignment: 4096,
            disableLargePages: false,
            areas,
            reserved: [
              ['0', String(0xffffff), 'domain 1'],
              [String(0x80000000), TOP.toString(), 'domain 1'],
            ],
            allowed: [[String(0x1000000), String(0x3ffffff)]],
            domains: [
              {
                id: 1,
                deviceId: 7,
                kind: 'mock',
                mapped: [[String(0x1000000), String(4 * 1024 * 1024), 2048]],
                entries: 2048,
                stats: { mappedBytes: 4 * 1024 * 1024, tableBytes: 0 },
              },
            ],
            accesses: [{ id: 5, needsPinPages: true, items: [[1, String(0x1000000), String(8192)]] }],
          },
          {
            id: 3,
            iovaAlignment: 1,
            disableLargePages: true,
            areas: [],
            reserved: [],
            allowed: [],
            domains: [
              {
                id: 4,
                deviceId: 8,
                kind: 'pagetable',
                mapped: [
                  [String(0x40000000), String(2 * 1024 * 1024), 2097152],
                  [String(0x40200000), String(8192), 4096],
                ],
                entries: 2,
                stats: { mappedBytes: 2 * 1024 * 1024 + 8192, tableBytes: 12288 },
              },
            ],
            accesses: [],
          },
        ],
      },
    ],
    pages: [
      {
        id: 1,
        pid: 100,
        uptr: 0x7f0000000000,
        npages: 1024,
        npinned: 1024,
        lastNpinned: 1024,
        accountMode: 'user',
        writable: true,
        tiers: [[0, 1023, 'domain']],
        accessNodes: 1,
        xarrayEntries: 2,
        accessIntervals: [[0, 1, 1]],
        domainSpans: [[0, 1023]],
      },
      ...(over.withSecondArea
        ? [
            {
              id: 2,
              pid: 100,
              uptr: 0x7f0000800000,
              npages: 2,
              npinned: 0,
              lastNpinned: 0,
              accountMode: 'user',
              writable: false,
              tiers: [[0, 1, 'none']] as [number, number, string][],
              accessNodes: 0,
              xarrayEntries: 0,
              accessIntervals: [],
              domainSpans: [],
            },
          ]
        : []),
    ],
    accounting: [],
    pins: { pinnedFrames: 1024, totalPins: 1024, runs: 3, hash: '0' },
  };
}

export function event(seq: number, over: Partial<TimelineEvent> = {}): TimelineEvent {
  return { seq, op: 'ioas.map', target: 'ioas 1', args: [], line: seq, column: 1, t: seq, dur: 0.1, deltas: {}, digest: -1, ...over };
}

/** Put a finished run with these events and digests into the stores; selects `step`. */
export function seedRun(events: TimelineEvent[], digests: MachineDigest[], step = events.length): void {
  const runs = useRunsStore();
  const data = new RunData();
  data.appendEvents(events);
  data.digests.push(...digests);
  const rec: RunRecord = {
    id: 1,
    fileName: 'x.ts',
    source: '',
    seed: 1,
    check: false,
    runId: 9,
    startedAt: 0,
    elapsedMs: 1,
    seq: events.length,
    error: null,
    engineError: null,
    counters: null,
    stoppedAfter: null,
  };
  runs.current = rec;
  runs.data = markRaw(data);
  runs.status = 'done';
  runs.version++;
  useSelectionStore().select(step);
}

/** A LabApi whose `inspect` answers from `answer`; records every inspect call. */
export function inspectLab(answer: (p: InspectParams) => InspectAnswer[]): LabApi & { inspects: InspectParams[] } {
  const base = fakeLab();
  const inspects: InspectParams[] = [];
  const lab: LabApi & { inspects: InspectParams[] } = {
    host: base.host,
    app: base.app,
    inspects,
    cancel: base.cancel,
    stop: base.stop,
    call: (async (method: string, params: unknown, onEvent?: unknown) => {
      if (method === 'inspect') {
        const p = params as InspectParams;
        inspects.push(p);
        return { ok: true, value: { step: p.step, replayed: false, ms: 0.1, answers: answer(p) } };
      }
      return (base.call as (m: string, p: unknown, e?: unknown) => Promise<unknown>)(method, params, onEvent);
    }) as LabApi['call'],
  };
  setLabApi(lab);
  return lab;
}
