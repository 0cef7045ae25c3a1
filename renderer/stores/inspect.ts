/**
 * The engine's answers about the selected step (LabApi `inspect`): the
 * full-range tier summary of every pages object, the physical memory
 * summary and the per-domain figures — what the dashboard, physical, IOAS
 * and domain views draw. Latest request wins; a lost worker session
 * (ESTALE) is recreated once by replay. While a run goes, the answers are
 * the live frames' (the worker is busy running).
 *
 * Views that need more (a zoomed range with per-page detail) call `query`.
 */
import { defineStore } from 'pinia';
import { markRaw } from 'vue';
import type {
  DomainAnswer,
  InspectAnswer,
  InspectQuery,
  PhysAnswer,
  TierAnswer,
  WireError,
} from '../../electron/shared/lab-api';
import { getLabApi } from '../lab';
import { useRunsStore } from './runs';
import { useSelectionStore } from './selection';

/** Buckets of the full-range summaries fetched for every step. */
export const FULL_BUCKETS = 2048;

let token = 0;

export const useInspectStore = defineStore('inspect', {
  state: () => ({
    /** Step and run (local id) the answers below belong to; -1: none yet. */
    step: -1,
    runLocalId: 0,
    tiers: markRaw([]) as TierAnswer[],
    phys: null as PhysAnswer | null,
    domains: null as DomainAnswer | null,
    /** Views that are on screen ask for what they need. */
    wantPhys: true,
    wantDomains: true,
    physBuckets: FULL_BUCKETS,
    loading: false,
    error: null as WireError | null,
    /** Worker-side ms of the last answer, and whether it needed a replay. */
    ms: 0,
    replayed: false,
    /** Bumped when the answers change. */
    version: 0,
  }),
  actions: {
    /**
     * Ask the engine about `step` (default: the selected step) of the
     * current run. Null when there is no finished run to ask (running,
     * idle) or the request failed (then `error` says why).
     */
    async query(queries: InspectQuery[], step?: number): Promise<InspectAnswer[] | null> {
      const runs = useRunsStore();
      const rec = runs.current;
      if (!rec || runs.running) return null;
      const at = step ?? useSelectionStore().step;
      for (let attempt = 0; attempt < 2; attempt++) {
        if (rec.runId === null && !(await runs.restoreSession())) return null;
        if (rec.runId === null) return null;
        const r = await getLabApi().call('inspect', { runId: rec.runId, step: at, queries });
        if (r.ok) {
          this.ms = r.value.ms;
          this.replayed = r.value.replayed;
          return r.value.answers;
        }
        if (r.error.errno !== 'ESTALE') {
          this.error = r.error;
          return null;
        }
        rec.runId = null; // the worker lost it: replay and try once more
      }
      return null;
    },

    /** Refresh the standard answers for the selected step. */
    async refresh(): Promise<void> {
      const runs = useRunsStore();
      const sel = useSelectionStore();
      const rec = runs.current;
      const my = ++token;
      if (!rec) {
        this.clear();
        return;
      }
      if (runs.running) {
        // Live: the frames carry the newest state only.
        this.tiers = markRaw(runs.data.liveTiers);
        this.phys = runs.data.livePhys;
        this.step = runs.data.length;
        this.runLocalId = rec.id;
        this.version++;
        return;
      }
      const digest = runs.data.digestAt(sel.step);
      const queries: InspectQuery[] = (digest?.pages ?? []).map((p) => ({
        kind: 'tiers',
        pages: p.id,
        buckets: FULL_BUCKETS,
      }));
      if (this.wantPhys) queries.push({ kind: 'phys', buckets: this.physBuckets });
      if (this.wantDomains) queries.push({ kind: 'domains' });
      this.loading = true;
      const step = sel.step;
      const answers = await this.query(queries, step);
      if (my !== token) return; // a newer refresh is on its way
      this.loading = false;
      if (answers === null) return;
      this.error = null;
      this.tiers = markRaw(answers.filter((a): a is TierAnswer => a.kind === 'tiers'));
      this.phys =
        answers.find((a): a is PhysAnswer => a.kind === 'phys') ?? (this.wantPhys ? null : this.phys);
      this.domains = answers.find((a): a is DomainAnswer => a.kind === 'domains') ?? null;
      this.step = step;
      this.runLocalId = rec.id;
      this.version++;
    },

    clear(): void {
      this.tiers = markRaw([]);
      this.phys = null;
      this.domains = null;
      this.step = -1;
      this.version++;
    },
  },
});
