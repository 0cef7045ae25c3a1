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

/** How long the selected step must stay put before the views that need a replay ask (ms). */
export const SETTLE_MS = 250;
/** The same during playback: the machine views trail the dashboard, a few answers a second at most. */
export const PLAYING_SETTLE_MS = 600;

let token = 0;
let settleTimer: ReturnType<typeof setTimeout> | null = null;

export const useInspectStore = defineStore('inspect', {
  state: () => ({
    /** Step and run (local id) the tier answers belong to; -1: none yet. */
    step: -1,
    /** Steps the physical and domain answers belong to (they may trail `step`, see refresh). */
    physStep: -1,
    domainsStep: -1,
    /** A physical/domains request (possibly a replay) is on its way. */
    machineLoading: false,
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
      // a saved run's tier summaries come from its digests, without the engine
      const local = runs.localAnswers(queries, at);
      if (local !== null) {
        this.ms = 0;
        this.replayed = false;
        return local;
      }
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

    /**
     * Refresh the standard answers for the selected step, in two stages so
     * that stepping stays fast: (1) the tier summaries, answered from the
     * step's digest (no per-page detail: the dashboard asks for that when it
     * zooms in); (2) the physical memory and per-domain figures, which at a
     * past step need a replay of the scenario in the worker (~ms per hundred
     * events) — asked only once the step has stayed put for SETTLE_MS and
     * playback is paused, or at once at the run's last step (its final
     * machine answers without a replay).
     */
    async refresh(): Promise<void> {
      const runs = useRunsStore();
      const sel = useSelectionStore();
      const rec = runs.current;
      const my = ++token;
      if (settleTimer !== null) clearTimeout(settleTimer);
      settleTimer = null;
      if (!rec) {
        this.clear();
        return;
      }
      if (runs.running) {
        // Live: the frames carry the newest state only.
        this.tiers = markRaw(runs.data.liveTiers);
        this.phys = runs.data.livePhys;
        this.step = runs.data.length;
        this.physStep = runs.data.livePhys ? runs.data.length : this.physStep;
        this.runLocalId = rec.id;
        this.version++;
        return;
      }
      const step = sel.step;
      const digest = runs.data.digestAt(step);
      const tierQueries: InspectQuery[] = (digest?.pages ?? []).map((p) => ({
        kind: 'tiers',
        pages: p.id,
        buckets: FULL_BUCKETS,
        detail: false,
      }));
      this.loading = true;
      const answers = tierQueries.length === 0 ? [] : await this.query(tierQueries, step);
      if (my !== token) return; // a newer refresh is on its way
      this.loading = false;
      if (answers === null) return;
      this.error = null;
      this.tiers = markRaw(answers.filter((a): a is TierAnswer => a.kind === 'tiers'));
      this.step = step;
      this.runLocalId = rec.id;
      this.version++;
      if (!this.wantPhys && !this.wantDomains) return;
      const atEnd = step >= runs.data.length;
      const stage2 = (): void => void this.refreshMachineViews(my, step);
      if (atEnd) stage2();
      else settleTimer = setTimeout(stage2, sel.playing ? PLAYING_SETTLE_MS : SETTLE_MS);
    },

    /** Stage 2 of refresh: physical memory and domains at `step` (a replay when it is a past step). */
    async refreshMachineViews(my: number, step: number): Promise<void> {
      settleTimer = null;
      const rec = useRunsStore().current;
      if (my !== token || !rec) return;
      const queries: InspectQuery[] = [];
      if (this.wantPhys) queries.push({ kind: 'phys', buckets: this.physBuckets });
      if (this.wantDomains) queries.push({ kind: 'domains' });
      if (queries.length === 0) return;
      this.machineLoading = true;
      const answers = await this.query(queries, step);
      if (my !== token) return;
      this.machineLoading = false;
      if (answers === null) return;
      const phys = answers.find((a): a is PhysAnswer => a.kind === 'phys');
      if (phys) {
        this.phys = phys;
        this.physStep = step;
      }
      const domains = answers.find((a): a is DomainAnswer => a.kind === 'domains');
      if (domains) {
        this.domains = domains;
        this.domainsStep = step;
      }
      this.runLocalId = rec.id;
      this.version++;
    },

    clear(): void {
      this.tiers = markRaw([]);
      this.phys = null;
      this.domains = null;
      this.step = -1;
      this.physStep = -1;
      this.domainsStep = -1;
      this.version++;
    },
  },
});
