/**
 * Compare two runs: a pinned run (a snapshot of the current run, or a saved
 * run file) beside the current run of the runs store. Pin, run again (another
 * seed, a changed scenario…), and the Compare tab shows both at the same
 * step. The pinned side keeps its own RunData (markRaw; a new run replaces
 * the runs store's RunData, never mutates the one pinned).
 *
 * Sides: `base` and `other`; differences are other − base. By default the
 * pinned run is the base (the earlier run) and the current run the other;
 * `swap()` flips them. The compared step is the selection's step (the
 * current run's), clamped to each run's length.
 */
import { defineStore } from 'pinia';
import { markRaw, type Raw } from 'vue';
import type { Counters } from '../../engine/base/counters';
import type { MachineDigest } from '../../engine/iommufd/digest';
import type { TimelineEvent, TimelineLog, TimelineMark, TimelineSpan } from '../../engine/scenario/timeline';
import { parseRunFile } from '../../engine/scenario/run-file';
import { getLabApi } from '../lab';
import { RunData } from './run-data';
import { useInspectStore } from './inspect';
import { useRunsStore } from './runs';
import { useSelectionStore } from './selection';
import { useSettingsStore } from './settings';

/** One side of a comparison: a run's data and what it was run with. */
export interface ComparedRun {
  label: string;
  origin: 'run' | 'saved';
  /** The runs store's record id of the run (null for a saved run). */
  recordId: number | null;
  fileName: string;
  source: string;
  seed: number;
  check: boolean;
  /** Storage strategy given from outside (a saved --strategy run); undefined: the default. */
  strategy?: string | undefined;
  /** How it ended ('running' only for the current run while it goes). */
  status: string;
  data: Raw<RunData>;
}

/**
 * What pinSaved reads of a saved run (engine/scenario/run-file SavedRun; the
 * parsed file satisfies this shape).
 */
export interface SavedRunLike {
  ranAt: string;
  scenario: { fileName: string; source: string };
  options: { seed: number; check: boolean; strategy?: string };
  outcome: { status: string };
  timeline: {
    events: TimelineEvent[];
    marks: TimelineMark[];
    spans: TimelineSpan[];
    logs: TimelineLog[];
    digests: MachineDigest[];
  };
}

/** A saved run's timeline as RunData (the same rebuild a finished run gets). */
export function runDataOfSaved(saved: SavedRunLike): RunData {
  const d = new RunData();
  d.appendEvents(saved.timeline.events);
  d.marks.push(...saved.timeline.marks);
  d.spans.push(...saved.timeline.spans);
  d.logs.push(...saved.timeline.logs);
  d.digests.push(...saved.timeline.digests);
  return d;
}

export function runLabel(r: { fileName: string; seed: number }, prefix: string): string {
  return `${prefix} ${r.fileName} · seed ${r.seed}`;
}

/** The file name of a run record the runs store opened from a run file (its `saved` field), else null. */
function savedName(rec: object): string | null {
  const saved = (rec as { saved?: { name?: unknown } | null }).saved;
  return typeof saved?.name === 'string' ? saved.name : null;
}

/** A run record's label; a saved run says which file. */
function labelOf(rec: { id: number; fileName: string; seed: number }): string {
  const name = savedName(rec);
  return name !== null ? runLabel(rec, `saved ${name}:`) : runLabel(rec, `run #${rec.id}`);
}

/** The state of one side at a step: clamped step, counters and digest. */
export interface SideAt {
  step: number;
  counters: Counters;
  digest: MachineDigest | null;
}

export function sideAt(run: ComparedRun, step: number): SideAt {
  const s = Math.max(0, Math.min(Math.round(step), run.data.length));
  return { step: s, counters: run.data.countersAt(s), digest: run.data.digestAt(s) };
}

export const useComparisonStore = defineStore('comparison', {
  state: () => ({
    pinned: null as ComparedRun | null,
    /** false: pinned = base, current = other; true: the reverse. */
    swapped: false,
    /** Bumped when the pinned side changes (its data is not reactive). */
    version: 0,
    /** Why the last saved run could not be pinned (null: it was, or none was tried). */
    fileError: null as string | null,
  }),
  getters: {
    /** The runs store's current run as a side (null before any run). */
    current(): ComparedRun | null {
      const runs = useRunsStore();
      void runs.version;
      const rec = runs.current;
      if (!rec) return null;
      return {
        label: labelOf(rec),
        origin: savedName(rec) !== null ? 'saved' : 'run',
        recordId: rec.id,
        fileName: rec.fileName,
        source: rec.source,
        seed: rec.seed,
        check: rec.check,
        strategy: rec.strategy,
        status: runs.status,
        data: runs.data,
      };
    },
    /** The pinned run is the current one (pinned, not run again yet). */
    pinnedIsCurrent(): boolean {
      const p = this.pinned;
      return p !== null && p.recordId !== null && p.recordId === useRunsStore().current?.id;
    },
    /** Two different runs: there is something to compare. */
    ready(): boolean {
      return this.pinned !== null && this.current !== null && !this.pinnedIsCurrent;
    },
    base(): ComparedRun | null {
      return this.swapped ? this.current : this.pinned;
    },
    other(): ComparedRun | null {
      return this.swapped ? this.pinned : this.current;
    },
    /** The compared step: the current run's selected step. */
    step(): number {
      return useSelectionStore().step;
    },
  },
  actions: {
    /** Snapshot the current run as the pinned side. False when there is none or it is still running. */
    pinCurrent(label?: string): boolean {
      const runs = useRunsStore();
      const rec = runs.current;
      if (!rec || runs.running) return false;
      this.pinned = {
        label: label ?? labelOf(rec),
        origin: savedName(rec) !== null ? 'saved' : 'run',
        recordId: rec.id,
        fileName: rec.fileName,
        source: rec.source,
        seed: rec.seed,
        check: rec.check,
        strategy: rec.strategy,
        status: runs.status,
        data: markRaw(runs.data),
      };
      this.version++;
      return true;
    },
    /** Pin a saved run (a parsed run file). */
    pinSaved(saved: SavedRunLike, label?: string): void {
      const { fileName, source } = saved.scenario;
      this.pinned = {
        label: label ?? runLabel({ fileName, seed: saved.options.seed }, 'saved'),
        origin: 'saved',
        recordId: null,
        fileName,
        source,
        seed: saved.options.seed,
        check: saved.options.check,
        strategy: saved.options.strategy,
        status: saved.outcome.status,
        data: markRaw(runDataOfSaved(saved)),
      };
      this.version++;
    },
    /** Pin a run file's text: parse it (a bad file sets fileError and changes nothing). */
    pinSavedText(name: string, text: string): boolean {
      let saved: SavedRunLike;
      try {
        saved = parseRunFile(text);
      } catch (e) {
        this.fileError = `${name}: ${e instanceof Error ? e.message : String(e)}`;
        return false;
      }
      this.fileError = null;
      this.pinSaved(
        saved,
        runLabel({ fileName: saved.scenario.fileName, seed: saved.options.seed }, `saved ${name}:`),
      );
      return true;
    },
    /** Choose a run file (the host's Open dialog) and pin it. */
    async pinSavedFile(): Promise<boolean> {
      const r = await getLabApi().app.openFile('run');
      if (!r.ok) {
        this.fileError = r.error.message;
        return false;
      }
      if (r.value === null) return false;
      return this.pinSavedText(r.value.name, r.value.text);
    },
    unpin(): void {
      this.pinned = null;
      this.swapped = false;
      this.version++;
    },
    swap(): void {
      this.swapped = !this.swapped;
    },
    /** Show the Compare tab. */
    openCompare(): void {
      const settings = useSettingsStore();
      settings.viewTab = 'compare';
      settings.save();
      const inspect = useInspectStore();
      inspect.wantPhys = false;
      inspect.wantDomains = false;
    },
  },
});
