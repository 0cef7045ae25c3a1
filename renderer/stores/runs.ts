/**
 * Runs of the open scenario through LabApi `run`: the current run's status,
 * its recorded data (RunData, outside reactivity; `version` bumps when it
 * grows), live frames while it goes, Stop, and the worker-side session
 * (`runId`) that `inspect` needs — recreated by a bounded replay
 * (`stopAfter`) when the worker no longer holds it (after a Stop, a crash or
 * an eviction).
 *
 * Saved runs (renderer/runfile/, engine/scenario/run-file/): `exportRun`
 * writes the current run as a run file, `openRunFile` / `loadRunText` make a
 * run file the current run — shown from the file exactly as it ran, the tier
 * summaries answered from its digests here (`localAnswers`), the machine at a
 * step (physical memory, page detail) by the same replay as a stopped run.
 * A bad file sets `runFileError` and changes nothing. `exportCsv`,
 * `exportTrace`, `exportPng` write the other exports.
 */
import { defineStore } from 'pinia';
import { markRaw, type Raw } from 'vue';
import type { FileKind } from '../../electron/shared/app-host';
import type { InspectAnswer, InspectQuery, RunResult, WireError } from '../../electron/shared/lab-api';
import type { Counters } from '../../engine/base/counters';
import { answerFromDigest } from '../../engine/iommufd/inspect/digest-tiers';
import { toCsv, toTrace } from '../../engine/scenario/export';
import { serializeRun, type SavedRun, type SavedRunStatus } from '../../engine/scenario/run-file';
import type { RunError } from '../../engine/scenario/runner';
import type { StrategyName } from '../../engine/iommufd/strategy/names';
import { ENGINE_VERSION, SCENARIO_API_VERSION } from '../../engine/version';
import { getLabApi } from '../lab';
import { parseRunFileOffThread } from '../runfile/parse-off-thread';
import { canvasPng, dashboardCanvas } from '../runfile/png';
import {
  exportName,
  recordOfSaved,
  runDataOfSaved,
  sameFinalState,
  savedRunOf,
  type SavedRunInfo,
} from '../runfile/saved-run';
import { useEngineStore } from './engine';
import { RunData } from './run-data';
import { useSettingsStore } from './settings';
import { isStudyText } from '../study/read';
import { useStudyStore } from './study';

export type RunStatus = 'idle' | 'running' | 'done' | 'failed' | 'stopped' | 'engine-error';

export interface RunRecord {
  /** Local number of the run (1, 2, …). */
  id: number;
  fileName: string;
  source: string;
  seed: number;
  check: boolean;
  /** Storage strategy given from outside (a saved `pfnlab run --strategy` run); absent: the default. */
  strategy?: StrategyName;
  /** Worker session for `inspect`; null while running or when lost. */
  runId: number | null;
  startedAt: number;
  /** ms the run has taken (live: so far). */
  elapsedMs: number;
  /** Events recorded so far. */
  seq: number;
  /** The scenario's failure, with its position in the source. */
  error: RunError | null;
  /** The engine could not run it (crash, timeout, protocol, stopped by the user). */
  engineError: WireError | null;
  counters: Counters | null;
  /** Set when the run ended by Stop: the last event it recorded. */
  stoppedAfter: number | null;
  /** Set when the run came from a run file (shown from the file, not run). */
  saved?: SavedRunInfo;
}

export type { SavedRunInfo };

let nextLocalId = 1;
/** The latest loadRunText: an earlier one still parsing is dropped when it ends. */
let openToken = 0;

function thisEngineVersion(): string {
  return useEngineStore().version?.engine ?? ENGINE_VERSION;
}

export const useRunsStore = defineStore('runs', {
  state: () => ({
    status: 'idle' as RunStatus,
    current: null as RunRecord | null,
    /** Recorded data of the current run (not reactive: watch `version`). */
    data: markRaw(new RunData()) as Raw<RunData>,
    /** Bumped whenever `data` changes. */
    version: 0,
    /** Frames received during the current run (live view diagnostics). */
    frames: 0,
    /** Whether the worker session is being recreated (replay). */
    restoring: false,
    /** A Run is stopping a background replay before it starts: no new replay may begin meanwhile. */
    starting: false,
    /** Why the last run file could not be opened or an export failed (the banner); null: none. */
    runFileError: null as string | null,
    /** The last file an export or open wrote or read, for the status line. */
    fileNotice: null as string | null,
    /** A saved run's replay by this engine did not reach the state the file recorded. */
    replayDiffers: false,
    /** The run file being opened (parsed off the main thread), for "Opening …"; null: none. */
    opening: null as string | null,
    /** Share of its events received so far (0…1). */
    openingShare: 0,
  }),
  getters: {
    running: (s) => s.status === 'running',
    /** Last event sequence number of the current run. */
    lastSeq: (s) => s.current?.seq ?? 0,
    /** A saved run made by another engine version than this one (its replays may differ). */
    savedByOtherEngine(s): boolean {
      const saved = s.current?.saved;
      return saved !== undefined && saved.engine !== thisEngineVersion();
    },
  },
  actions: {
    async run(source: string, fileName: string): Promise<void> {
      if (this.status === 'running') return;
      // A background replay of the previous run (after a Stop) must not make
      // this run fail EBUSY: the new run wins, the old record stays as it is.
      // (While that stop settles, a view asking for the stopped run's machine
      // must not start another replay: `starting` keeps restoreSession out.)
      if (this.restoring) {
        this.starting = true;
        try {
          await getLabApi().stop();
        } finally {
          this.starting = false;
        }
      }
      const settings = useSettingsStore();
      const raw: RunRecord = {
        id: nextLocalId++,
        fileName,
        source,
        seed: settings.seed,
        check: settings.check,
        runId: null,
        startedAt: Date.now(),
        elapsedMs: 0,
        seq: 0,
        error: null,
        engineError: null,
        counters: null,
        stoppedAfter: null,
      };
      this.current = raw;
      // The store hands back its reactive proxy of the record: compare and mutate through it.
      const rec = this.current as RunRecord;
      this.data = markRaw(new RunData());
      this.frames = 0;
      this.status = 'running';
      this.version++;
      const r = await getLabApi().call(
        'run',
        {
          source,
          fileName,
          seed: rec.seed,
          check: rec.check,
          keepEvents: true,
          digests: true,
          live: { fps: 20, buckets: 1024, physBuckets: settings.livePhysBuckets },
          timeoutMs: settings.budgetSeconds * 1000,
        },
        (e) => {
          if (this.current !== rec) return;
          if (e.event === 'frame') {
            this.data.appendFrame(e.data);
            rec.seq = e.data.seq;
            rec.elapsedMs = e.data.elapsedMs;
            rec.counters = e.data.counters;
            this.frames++;
            this.version++;
          } else if (e.event === 'runLog' && this.frames === 0) {
            this.data.logs.push(e.data);
            this.version++;
          }
        },
      );
      if (this.current !== rec) return;
      if (!r.ok) {
        rec.engineError = r.error;
        rec.elapsedMs = Date.now() - rec.startedAt;
        rec.stoppedAfter = r.error.errno === 'ECANCELED' ? rec.seq : null;
        this.status = r.error.errno === 'ECANCELED' ? 'stopped' : 'engine-error';
        this.version++;
        // What was recorded stays viewable: recreate the session up to the last event.
        if (rec.seq > 0) void this.restoreSession();
        return;
      }
      this.finish(rec, r.value);
    },

    finish(rec: RunRecord, result: RunResult): void {
      this.data = markRaw(RunData.fromResult(result));
      rec.runId = result.runId ?? null;
      rec.seq = result.ops;
      rec.elapsedMs = result.wallMs;
      rec.counters = result.counters;
      rec.error = result.error ?? null;
      this.status = result.ok ? 'done' : 'failed';
      this.version++;
    },

    /** Stop the running scenario (the engine restarts; what was recorded stays). */
    async stop(): Promise<void> {
      if (this.status !== 'running') return;
      await getLabApi().stop();
    },

    /**
     * Recreate the worker-side session of the current run by replaying it up
     * to its last recorded event. Keeps the run's status, error and data.
     */
    async restoreSession(): Promise<boolean> {
      const rec = this.current;
      if (!rec || this.status === 'running' || this.restoring || this.starting) return false;
      this.restoring = true;
      try {
        const r = await getLabApi().call('run', {
          source: rec.source,
          fileName: rec.fileName,
          seed: rec.seed,
          check: rec.check,
          // a saved --strategy run replays under its strategy (physical memory, page detail)
          strategy: rec.strategy,
          keepEvents: true,
          digests: true,
          stopAfter: rec.seq,
        });
        if (this.current !== rec || !r.ok) return false;
        rec.runId = r.value.runId ?? null;
        if (rec.saved) {
          // the file is what is shown; the replay only gives the worker a machine to inspect
          const tl = r.value.timeline;
          const last = tl.events[tl.events.length - 1];
          const replayed = last && last.digest >= 0 ? tl.digests[last.digest] : null;
          this.replayDiffers =
            tl.events.length !== this.data.length || !sameFinalState(this.data.digestAt(rec.seq), replayed);
        } else if (this.data.length < r.value.timeline.events.length || this.data.digests.length === 0) {
          this.data = markRaw(RunData.fromResult(r.value));
        }
        this.version++;
        return rec.runId !== null;
      } finally {
        this.restoring = false;
      }
    },

    /**
     * Answers for a saved run computed here from its digests (tier summaries
     * without detail), or null when the queries need the machine (then the
     * worker answers after a replay). Only saved runs: a run of this session
     * asks its worker, which holds the same digests.
     */
    localAnswers(queries: InspectQuery[], step: number): InspectAnswer[] | null {
      if (!this.current?.saved) return null;
      const digest =
        step === 0
          ? {
              contexts: [],
              pages: [],
              accounting: [],
              pins: { pinnedFrames: 0, totalPins: 0, runs: 0, hash: '0' },
            }
          : this.data.digestAt(step);
      if (digest === null) return null;
      try {
        return answerFromDigest(digest, queries);
      } catch {
        return null; // e.g. a pages object not in this digest: let the engine say so
      }
    },

    /** Make a run file the current run: parse (off the main thread), then show it; a bad file sets runFileError and changes nothing. */
    async loadRunText(name: string, text: string): Promise<boolean> {
      // a study result opened as a run (Open Run…): the Study view shows it; the run stays
      if (isStudyText(text)) return useStudyStore().loadText(name, text);
      // parsed in a worker (a 100 000-op file takes seconds): the UI stays live and says "Opening …"
      const token = ++openToken;
      this.opening = name;
      this.openingShare = 0;
      let saved: SavedRun;
      try {
        saved = await parseRunFileOffThread(text, (share) => {
          if (token === openToken) this.openingShare = share;
        });
      } catch (e) {
        if (token !== openToken) return false;
        this.opening = null;
        this.runFileError = `${name}: ${e instanceof Error ? e.message : String(e)}`;
        return false;
      }
      if (token !== openToken) return false; // another file was opened meanwhile
      this.opening = null;
      if (this.status === 'running') {
        this.runFileError = `${name}: a run is in progress; stop it before opening a saved run`;
        return false;
      }
      if (this.restoring) await getLabApi().stop();
      const rec: RunRecord = {
        id: nextLocalId++,
        ...recordOfSaved(saved),
        runId: null,
        saved: {
          name,
          engine: saved.engine.version,
          ranAt: saved.ranAt,
          ...(saved.options.strategy === undefined || saved.options.strategy === 'iommufd'
            ? {}
            : { strategy: saved.options.strategy }),
        },
      };
      this.runFileError = null;
      this.replayDiffers = false;
      this.current = rec;
      this.data = markRaw(runDataOfSaved(saved.timeline));
      this.frames = 0;
      this.status = saved.outcome.status;
      this.fileNotice = `Opened ${name}`;
      this.version++;
      return true;
    },

    /** Show an Open dialog for a run file and load it. */
    async openRunFile(): Promise<boolean> {
      const r = await getLabApi().app.openFile('run');
      if (!r.ok) {
        this.runFileError = r.error.message;
        return false;
      }
      if (r.value === null) return false;
      return this.loadRunText(r.value.name, r.value.text);
    },

    /** Save As for an export of the current run; errors go to runFileError. */
    async saveExport(name: string, data: string | Uint8Array, kind: FileKind): Promise<boolean> {
      const r = await getLabApi().app.saveFileAs(name, data, kind);
      if (!r.ok) {
        this.runFileError = r.error.message;
        return false;
      }
      if (r.value === null) return false;
      this.runFileError = null;
      this.fileNotice = `Exported ${r.value.name}`;
      return true;
    },

    /** Whether there is a finished run to export (not while it runs). */
    canExport(): boolean {
      return this.current !== null && this.status !== 'running' && this.status !== 'idle';
    },

    /** The current run as a run file's text (null: nothing to export). */
    runFileText(): string | null {
      const rec = this.current;
      if (!rec || !this.canExport()) return null;
      const engine = rec.saved
        ? { version: rec.saved.engine, scenarioApi: SCENARIO_API_VERSION }
        : {
            version: thisEngineVersion(),
            scenarioApi: useEngineStore().version?.scenarioApi ?? SCENARIO_API_VERSION,
          };
      const fields = savedRunOf(rec, this.status as SavedRunStatus, this.data, engine);
      if (rec.saved) fields.ranAt = rec.saved.ranAt;
      return serializeRun(fields);
    },

    async exportRun(): Promise<boolean> {
      const text = this.runFileText();
      if (text === null || !this.current) return false;
      return this.saveExport(exportName(this.current.fileName, 'pfnrun.json'), text, 'run');
    },

    async exportCsv(): Promise<boolean> {
      const rec = this.current;
      if (!rec || !this.canExport()) return false;
      const d = this.data;
      return this.saveExport(exportName(rec.fileName, 'csv'), toCsv({ timeline: d }), 'csv');
    },

    async exportTrace(): Promise<boolean> {
      const rec = this.current;
      if (!rec || !this.canExport()) return false;
      const run = {
        ok: this.status === 'done',
        ...(rec.error ? { error: rec.error } : {}),
        ops: rec.seq,
        wallMs: rec.elapsedMs,
        timeline: this.data,
      };
      return this.saveExport(
        exportName(rec.fileName, 'trace.json'),
        JSON.stringify(toTrace(run, rec.fileName)),
        'trace',
      );
    },

    /** The dashboard as drawn now, as PNG. */
    async exportPng(): Promise<boolean> {
      const rec = this.current;
      const canvas = dashboardCanvas();
      if (!rec || !canvas) return false;
      let png: Uint8Array;
      try {
        png = await canvasPng(canvas);
      } catch (e) {
        this.runFileError = e instanceof Error ? e.message : String(e);
        return false;
      }
      return this.saveExport(exportName(rec.fileName, 'png'), png, 'png');
    },

    dismissRunFileError(): void {
      this.runFileError = null;
    },
  },
});
