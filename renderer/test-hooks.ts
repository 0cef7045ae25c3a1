/**
 * Read-only hooks for the end-to-end tests and the UI benchmarks
 * (tests/e2e/, bench/ui.ts): `window.__pfnlab` returns plain snapshots of
 * the stores (never the stores themselves, so a test cannot change the
 * app's state through them) and runs the views' frame benchmarks, whose
 * modules are loaded only when one is called. Installed by main.ts; the
 * stores are looked up at call time (the app has installed Pinia by then).
 */
import { useInspectStore } from './stores/inspect';
import { useRunsStore } from './stores/runs';
import { useScenarioStore } from './stores/scenario';
import { useSelectionStore } from './stores/selection';

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
  /** Expected tier of page `index` of pages `key` after `step`, from the run's digest (0..3; null: no such pages). */
  digestTier(step: number, key: string, index: number): number | null;
  /** Pages keys in the digest after `step`. */
  digestPages(step: number): { key: string; npages: number; npinned: number }[];
  selection(): {
    step: number;
    follow: boolean;
    cursorLine: number;
    lineEvents: number[];
    line: number;
    playing: boolean;
  };
  inspect(): { step: number; version: number; loading: boolean; error: unknown; keys: string[] };
  /** Tier of page `index` of `key` in the inspect store's summary (null: mixed bucket or unknown key). */
  inspectTier(key: string, index: number): number | null;
  scenario(): { name: string; length: number; errorCount: number; warningCount: number; problems: unknown[] };
  benchDashboardFrame(npages: number, buckets: number): Promise<unknown>;
  benchPhysicalFrame(nframes: number, buckets: number): Promise<unknown>;
}

function covers(runs: readonly (readonly number[])[], index: number): boolean {
  return runs.some((r) => (r[0] as number) <= index && index <= (r[1] as number));
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
  digestTier(step, key, index) {
    const p = useRunsStore()
      .data.digestAt(step)
      ?.pages.find((d) => `${d.pid}:${d.uptr}:${d.npages}` === key);
    if (!p || index < 0 || index >= p.npages) return null;
    return (covers(p.accessIntervals, index) ? 2 : 0) | (covers(p.domainSpans, index) ? 1 : 0);
  },
  digestPages(step) {
    const d = useRunsStore().data.digestAt(step);
    return (d?.pages ?? []).map((p) => ({
      key: `${p.pid}:${p.uptr}:${p.npages}`,
      npages: p.npages,
      npinned: p.npinned,
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
  inspectTier(key, index) {
    const t = useInspectStore().tiers.find((a) => a.key === key);
    if (!t || index < t.start || index >= t.end) return null;
    const b = Math.min(t.buckets - 1, Math.floor(((index - t.start) * t.buckets) / (t.end - t.start)));
    let tier: number | null = null;
    for (let k = 0; k < 4; k++) {
      if ((t.counts[b * 4 + k] ?? 0) === 0) continue;
      if (tier !== null) return null; // the bucket mixes tiers
      tier = k;
    }
    return tier;
  },
  scenario() {
    const s = useScenarioStore();
    return {
      name: s.name,
      length: s.source.length,
      errorCount: s.errorCount,
      warningCount: s.warningCount,
      problems: plain(s.problems),
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
