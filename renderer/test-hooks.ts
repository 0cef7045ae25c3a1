/**
 * Read-only hooks for the end-to-end tests and the UI benchmarks
 * (tests/e2e/, bench/ui.ts): `window.__pfnlab` returns plain snapshots of
 * the stores (never the stores themselves, so a test cannot change the
 * app's state through them) and runs the views' frame benchmarks, whose
 * modules are loaded only when one is called. Installed by main.ts; the
 * stores are looked up at call time (the app has installed Pinia by then).
 */
import type { TierAnswer } from '../electron/shared/lab-api';
import { useDocumentsStore } from './stores/documents';
import { useInspectStore } from './stores/inspect';
import { useRunsStore } from './stores/runs';
import { useScenarioStore } from './stores/scenario';
import { useSelectionStore } from './stores/selection';
import { useStudyStore } from './stores/study';

/** A JSON copy: plain data, detached from the store. */
function plain<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** The views' frame benchmarks (renderer/<view>/bench.ts), loaded on first call. */
const benches = import.meta.glob<Record<string, unknown>>(['./dashboard/bench.ts', './physical/bench.ts']);

async function callBench(path: string, name: string, args: number[]): Promise<unknown> {
  const load = benches[path];
  if (!load) throw new Error(`${path} is not in this build`);
  const fn = (await load())[name];
  if (typeof fn !== 'function') throw new Error(`${path} does not export ${name}()`);
  return plain(await (fn as (...a: number[]) => unknown)(...args));
}

export interface PfnlabTestHooks {
  runs(): {
    status: string;
    running: boolean;
    version: number;
    frames: number;
    length: number;
    seq: number;
    runId: number | null;
    elapsedMs: number;
    stoppedAfter: number | null;
    error: unknown;
    engineError: unknown;
    logs: string[];
  };
  event(seq: number): unknown;
  eventsOfLine(line: number): number[];
  /**
   * Tier (0..3) of page `index` of every pages object in the run's digest after
   * `step`, as the digest says (access intervals → xarray, domain spans → domain);
   * null when `index` is past its end. Pages objects may share a key (two maps of one buffer).
   */
  digestTiers(
    step: number,
    index: number,
  ): { id: number; key: string; npages: number; tier: number | null }[];
  selection(): {
    step: number;
    follow: boolean;
    cursorLine: number;
    lineEvents: number[];
    line: number;
    playing: boolean;
  };
  inspect(): { step: number; version: number; loading: boolean; error: unknown; keys: string[] };
  /** Tier of page `index` of every pages object in the inspect store's summaries (null: mixed bucket or out of range). */
  inspectTiers(index: number): { pages: number; key: string; tier: number | null }[];
  /** The open documents (tabs in order), the active one, the last share link and the notices. */
  documents(): {
    tabs: { name: string; dirty: boolean; handle: string | null; length: number }[];
    active: number;
    ready: boolean;
    restored: number;
    notice: string | null;
    share: { url: string; length: number; copied: boolean } | null;
  };
  scenario(): {
    name: string;
    source: string;
    length: number;
    errorCount: number;
    warningCount: number;
    problems: unknown[];
  };
  /** The open study: file name, cells in the file and shown, the view shown, the error banner's text. */
  study(): { name: string; cells: number; shown: number; visible: boolean; error: string | null; metric: string };
  benchDashboardFrame(npages: number, buckets: number): Promise<unknown>;
  benchPhysicalFrame(nframes: number, buckets: number): Promise<unknown>;
}

function covers(runs: readonly (readonly number[])[], index: number): boolean {
  return runs.some((r) => (r[0] as number) <= index && index <= (r[1] as number));
}

/** The one tier of the summary bucket holding `index`; null when the bucket mixes tiers or is outside. */
function bucketTier(t: TierAnswer, index: number): number | null {
  if (index < t.start || index >= t.end) return null;
  const b = Math.min(t.buckets - 1, Math.floor(((index - t.start) * t.buckets) / (t.end - t.start)));
  let tier: number | null = null;
  for (let k = 0; k < 4; k++) {
    if ((t.counts[b * 4 + k] ?? 0) === 0) continue;
    if (tier !== null) return null;
    tier = k;
  }
  return tier;
}

const hooks: PfnlabTestHooks = {
  runs() {
    const r = useRunsStore();
    const c = r.current;
    return {
      status: r.status,
      running: r.running,
      version: r.version,
      frames: r.frames,
      length: r.data.length,
      seq: c?.seq ?? 0,
      runId: c?.runId ?? null,
      elapsedMs: c?.elapsedMs ?? 0,
      stoppedAfter: c?.stoppedAfter ?? null,
      error: plain(c?.error ?? null),
      engineError: plain(c?.engineError ?? null),
      logs: r.data.logs.map((l) => l.text),
    };
  },
  event(seq) {
    const e = useRunsStore().data.event(seq);
    return e ? plain({ ...e, digest: undefined }) : null;
  },
  eventsOfLine(line) {
    return [...useRunsStore().data.eventsOfLine(line)];
  },
  digestTiers(step, index) {
    return (useRunsStore().data.digestAt(step)?.pages ?? []).map((p) => ({
      id: p.id,
      key: `${p.pid}:${p.uptr}:${p.npages}`,
      npages: p.npages,
      tier:
        index < 0 || index >= p.npages
          ? null
          : (covers(p.accessIntervals, index) ? 2 : 0) | (covers(p.domainSpans, index) ? 1 : 0),
    }));
  },
  selection() {
    const s = useSelectionStore();
    return {
      step: s.step,
      follow: s.follow,
      cursorLine: s.cursorLine,
      lineEvents: [...s.lineEvents],
      line: s.line,
      playing: s.playing,
    };
  },
  inspect() {
    const i = useInspectStore();
    return {
      step: i.step,
      version: i.version,
      loading: i.loading,
      error: plain(i.error),
      keys: i.tiers.map((t) => t.key),
    };
  },
  inspectTiers(index) {
    return useInspectStore().tiers.map((t) => ({ pages: t.pages, key: t.key, tier: bucketTier(t, index) }));
  },
  documents() {
    const d = useDocumentsStore();
    return {
      tabs: d.docs.map((x) => ({
        name: x.name,
        dirty: d.isDirty(x.id),
        handle: x.handle,
        length: x.text.length,
      })),
      active: d.activeIndex,
      ready: d.ready,
      restored: d.restored,
      notice: d.notice?.text ?? null,
      share: d.share ? { url: d.share.url, length: d.share.length, copied: d.share.copied } : null,
    };
  },
  scenario() {
    const s = useScenarioStore();
    return {
      name: s.name,
      source: s.source,
      length: s.source.length,
      errorCount: s.errorCount,
      warningCount: s.warningCount,
      problems: plain(s.problems),
    };
  },
  study() {
    const s = useStudyStore();
    return {
      name: s.name,
      cells: s.views.length,
      shown: s.shown.length,
      visible: s.visible,
      error: s.error,
      metric: s.metric,
    };
  },
  benchDashboardFrame: (npages, buckets) =>
    callBench('./dashboard/bench.ts', 'benchDashboardFrame', [npages, buckets]),
  benchPhysicalFrame: (nframes, buckets) =>
    callBench('./physical/bench.ts', 'benchPhysicalFrame', [nframes, buckets]),
};

declare global {
  interface Window {
    /** End-to-end test and benchmark hooks (renderer/test-hooks.ts). */
    __pfnlab?: PfnlabTestHooks;
  }
}

window.__pfnlab = Object.freeze(hooks);
