/** Runs of the open scenario through LabApi `run`: status, result, the scenario's log. */
import { defineStore } from 'pinia';
import type { RunResult, TimelineLog } from '../../electron/shared/lab-api';
import { getLabApi } from '../lab';

export interface RunSummary {
  ok: boolean;
  ops: number;
  wallMs: number;
  /** The scenario's failure, with its position in the scenario source. */
  error: { errno: string; message: string; line: number; column: number } | null;
  /** Non-zero counters at the end of the run. */
  counters: [string, number][];
}

export const useRunStore = defineStore('run', {
  state: () => ({
    status: 'idle' as 'idle' | 'running' | 'done' | 'failed',
    check: true,
    summary: null as RunSummary | null,
    logs: [] as TimelineLog[],
    /** The engine could not run it at all (crash, timeout, protocol). */
    engineError: null as { errno: string; message: string } | null,
  }),
  actions: {
    async run(source: string, fileName: string): Promise<void> {
      this.status = 'running';
      this.summary = null;
      this.logs = [];
      this.engineError = null;
      const r = await getLabApi().call(
        'run',
        { source, fileName, check: this.check, keepEvents: false, digests: false },
        (e) => {
          if (e.event === 'runLog') this.logs.push(e.data);
        },
      );
      if (!r.ok) {
        this.engineError = { errno: r.error.errno, message: r.error.message };
        this.status = 'failed';
        return;
      }
      this.summary = summarize(r.value);
      if (this.logs.length === 0) this.logs = r.value.timeline.logs;
      this.status = 'done';
    },
  },
});

export function summarize(r: RunResult): RunSummary {
  const counters = (Object.entries(r.counters) as [string, number][]).filter(([, v]) => v !== 0);
  return {
    ok: r.ok,
    ops: r.ops,
    wallMs: r.wallMs,
    error: r.error
      ? { errno: r.error.errno, message: r.error.message, line: r.error.line, column: r.error.column }
      : null,
    counters,
  };
}
