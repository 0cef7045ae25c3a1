/**
 * Runs of the open scenario through LabApi `run`: the current run's status,
 * its recorded data (RunData, outside reactivity; `version` bumps when it
 * grows), live frames while it goes, Stop, and the worker-side session
 * (`runId`) that `inspect` needs — recreated by a bounded replay
 * (`stopAfter`) when the worker no longer holds it (after a Stop, a crash or
 * an eviction).
 */
import { defineStore } from 'pinia';
import { markRaw, type Raw } from 'vue';
import type { RunResult, WireError } from '../../electron/shared/lab-api';
import type { Counters } from '../../engine/base/counters';
import type { RunError } from '../../engine/scenario/runner';
import { getLabApi } from '../lab';
import { RunData } from './run-data';
import { useSettingsStore } from './settings';

export type RunStatus = 'idle' | 'running' | 'done' | 'failed' | 'stopped' | 'engine-error';

export interface RunRecord {
  /** Local number of the run (1, 2, …). */
  id: number;
  fileName: string;
  source: string;
  seed: number;
  check: boolean;
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
}

let nextLocalId = 1;

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
  }),
  getters: {
    running: (s) => s.status === 'running',
    /** Last event sequence number of the current run. */
    lastSeq: (s) => s.current?.seq ?? 0,
  },
  actions: {
    async run(source: string, fileName: string): Promise<void> {
      if (this.status === 'running') return;
      // A background replay of the previous run (after a Stop) must not make
      // this run fail EBUSY: the new run wins, the old record stays as it is.
      if (this.restoring) await getLabApi().stop();
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
      if (!rec || this.status === 'running' || this.restoring) return false;
      this.restoring = true;
      try {
        const r = await getLabApi().call('run', {
          source: rec.source,
          fileName: rec.fileName,
          seed: rec.seed,
          check: rec.check,
          keepEvents: true,
          digests: true,
          stopAfter: rec.seq,
        });
        if (this.current !== rec || !r.ok) return false;
        rec.runId = r.value.runId ?? null;
        if (this.data.length < r.value.timeline.events.length || this.data.digests.length === 0) {
          this.data = markRaw(RunData.fromResult(r.value));
        }
        this.version++;
        return rec.runId !== null;
      } finally {
        this.restoring = false;
      }
    },
  },
});
