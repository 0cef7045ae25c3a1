/** A finished run with well-formed digests (tests of the run file in the app). */
import type { RunResult, TimelineEvent } from '../../electron/shared/lab-api';
import { newCounters } from '../../engine/base/counters';
import type { MachineDigest } from '../../engine/iommufd/digest';

/** The state after event k: k pages pinned, k accessed (odd k), 4k in a domain. */
export function digestAfter(k: number): MachineDigest {
  return {
    contexts: [
      {
        serial: 1,
        owner: 1,
        accountModeMm: false,
        objects: [[1, 'ioas']],
        ioas: [
          {
            id: 1,
            iovaAlignment: 4096,
            disableLargePages: false,
            areas: [
              {
                iova: '1048576',
                length: String(64 * 4096),
                pages: 1,
                index: 0,
                lastIndex: 63,
                pageOffset: 0,
                prot: 3,
                storageDomain: null,
                numAccesses: k % 2,
                preventAccess: false,
              },
            ],
            reserved: [],
            allowed: [],
            domains: [],
            accesses: [],
          },
        ],
      },
    ],
    pages: [
      {
        id: 1,
        pid: 1,
        uptr: 65536,
        npages: 64,
        npinned: k,
        lastNpinned: 0,
        accountMode: 'user',
        writable: true,
        tiers: [],
        accessNodes: k % 2,
        xarrayEntries: 0,
        accessIntervals: k % 2 === 1 ? [[0, k, 1]] : [],
        domainSpans: k > 0 ? [[0, Math.min(63, 4 * k - 1)]] : [],
      },
    ],
    accounting: [{ pid: 1, uid: 1000, alive: true, userLockedVm: k, mmLockedVm: 0, mmPinnedVm: 0 }],
    pins: { pinnedFrames: k, totalPins: k, runs: 1, hash: 'ab' },
  };
}

export function testRunResult(n = 12, over: Partial<RunResult> = {}): RunResult {
  const events: TimelineEvent[] = [];
  for (let k = 1; k <= n; k++)
    events.push({
      seq: k,
      op: k % 3 === 0 ? 'access.pin' : 'ioas.map',
      target: 'ioas 1',
      args: [k, 'x'],
      result: k,
      line: k,
      column: 3,
      t: k * 0.25,
      dur: 0.125,
      deltas: { pagesPinned: 1, iommuMapCalls: k % 2 },
      digest: k - 1,
    });
  const counters = newCounters();
  counters.pagesPinned = n;
  counters.iommuMapCalls = Math.ceil(n / 2);
  return {
    ok: true,
    ops: n,
    wallMs: 4.5,
    counters,
    timeline: {
      events,
      marks: [{ seq: 2, label: 'half', t: 0.6, line: 2 }],
      spans: [
        { label: 'map', firstSeq: 1, lastSeq: 3, t: 0.2, dur: 0.8, deltas: { pagesPinned: 3 }, line: 1 },
      ],
      logs: [{ seq: 1, level: 'log', text: 'hello' }],
      digests: events.map((e) => digestAfter(e.seq)) as unknown as RunResult['timeline']['digests'],
      counters,
    },
    runId: 3,
    ...over,
  };
}
