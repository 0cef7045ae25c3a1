/**
 * The step shown everywhere: every view draws the state after event `step`
 * of the current run (0: before the first event). While a run goes, the step
 * follows the newest event unless the user picked one (`follow` false).
 * Also the editor's side of selection (the cursor's line and the events it
 * produced) and playback.
 */
import { defineStore } from 'pinia';
import { useRunsStore } from './runs';

/** Playback speeds, events per second. */
export const PLAYBACK_SPEEDS = [1, 2, 5, 10, 25, 50, 100, 500] as const;

export const useSelectionStore = defineStore('selection', {
  state: () => ({
    step: 0,
    /** Follow the newest event of a live run / jump to the last event when a run ends. */
    follow: true,
    /** Line of the editor's cursor (0: none), and the events it produced. */
    cursorLine: 0,
    lineEvents: [] as number[],
    playing: false,
    speed: 10 as number,
  }),
  getters: {
    /** Scenario line of the selected event (0: none). */
    line(): number {
      const runs = useRunsStore();
      void runs.version;
      return runs.data.event(this.step)?.line ?? 0;
    },
  },
  actions: {
    /** Select the state after event `seq` (clamped to the run). */
    select(seq: number, opts: { keepFollow?: boolean } = {}): void {
      const last = useRunsStore().data.length;
      this.step = Math.max(0, Math.min(Math.round(seq), last));
      if (!opts.keepFollow) this.follow = this.step === last && !this.playing;
    },
    first(): void {
      this.pause();
      this.select(Math.min(1, useRunsStore().data.length));
    },
    prev(): void {
      this.pause();
      this.select(this.step - 1);
    },
    next(): void {
      this.pause();
      this.select(this.step + 1);
    },
    last(): void {
      this.pause();
      this.select(useRunsStore().data.length);
      this.follow = true;
    },
    /** Called when a run grows or ends: keep following the newest event. */
    runAdvanced(): void {
      if (this.follow) this.step = useRunsStore().data.length;
      else this.select(this.step, { keepFollow: true });
    },
    /** A new run starts: show its first state and follow it. */
    runStarted(): void {
      this.pause();
      this.step = 0;
      this.follow = true;
    },
    /** The editor's cursor moved to `line`: select that line's first event after the current step, wrapping. */
    setCursorLine(line: number, opts: { select?: boolean } = {}): void {
      this.cursorLine = line;
      const seqs = useRunsStore().data.eventsOfLine(line);
      this.lineEvents = [...seqs];
      if (opts.select === false || seqs.length === 0) return;
      if (seqs.includes(this.step)) return;
      const after = seqs.find((s) => s > this.step);
      this.select(after ?? (seqs[0] as number));
    },
    play(): void {
      const runs = useRunsStore();
      if (runs.data.length === 0) return;
      if (this.step >= runs.data.length) this.step = 0;
      this.playing = true;
      this.follow = false;
    },
    pause(): void {
      this.playing = false;
    },
    /** One playback tick of `dtMs`: advance by speed × dt; stops at the end. Returns the steps advanced. */
    tick(dtMs: number, carry: { frac: number }): number {
      if (!this.playing) return 0;
      const runs = useRunsStore();
      carry.frac += (this.speed * dtMs) / 1000;
      const n = Math.floor(carry.frac);
      carry.frac -= n;
      if (n === 0) return 0;
      const to = Math.min(runs.data.length, this.step + n);
      this.step = to;
      if (to >= runs.data.length) this.playing = false;
      return n;
    },
  },
});
