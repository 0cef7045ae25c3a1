/**
 * The previous step's full-range answers, for change marks. The answers of
 * the last few steps shown are kept (stepping forward needs no request);
 * otherwise step - 1 is asked for once (latest wins). While a run is live,
 * "previous" is the previous frame. Step 0 has no pages objects.
 */
import type { InspectAnswer, InspectQuery, TierAnswer } from '../../engine/base/inspect-types';

const KEEP = 6;

export class PrevSteps {
  private run = -1;
  private readonly byStep = new Map<number, TierAnswer[]>();
  private liveLast: TierAnswer[] | null = null;
  private liveCur: TierAnswer[] | null = null;
  private pending = -1;
  private token = 0;

  constructor(
    private readonly query: (q: InspectQuery[], step: number) => Promise<InspectAnswer[] | null>,
    private readonly buckets: number,
    private readonly onData: () => void,
  ) {}

  private reset(run: number): void {
    this.run = run;
    this.byStep.clear();
    this.liveLast = this.liveCur = null;
    this.pending = -1;
    this.token++;
  }

  /** The answers shown at (run, step): remember them. */
  record(run: number, step: number, tiers: TierAnswer[], live: boolean): void {
    if (run !== this.run) this.reset(run);
    if (live) {
      if (this.liveCur !== tiers) {
        this.liveLast = this.liveCur;
        this.liveCur = tiers;
      }
      return;
    }
    this.liveLast = this.liveCur = null;
    this.byStep.delete(step);
    this.byStep.set(step, tiers);
    while (this.byStep.size > KEEP) this.byStep.delete(this.byStep.keys().next().value as number);
  }

  /** Answers of the step before `step` (live: the previous frame), or null while unknown (then fetched). */
  prevOf(run: number, step: number, live: boolean): TierAnswer[] | null {
    if (run !== this.run) this.reset(run);
    if (live) return this.liveLast;
    if (step <= 1) return step === 1 ? [] : null;
    const hit = this.byStep.get(step - 1);
    if (hit) return hit;
    if (this.pending !== step - 1) void this.fetch(step - 1);
    return null;
  }

  private async fetch(step: number): Promise<void> {
    this.pending = step;
    const my = ++this.token;
    const run = this.run;
    const a = await this.query([{ kind: 'tiers', buckets: this.buckets }], step);
    if (my !== this.token || run !== this.run) return;
    if (a === null) return; // stays pending: not asked again for this step
    this.pending = -1;
    const tiers = a.filter((x): x is TierAnswer => x.kind === 'tiers');
    this.byStep.set(step, tiers);
    this.onData();
  }
}
