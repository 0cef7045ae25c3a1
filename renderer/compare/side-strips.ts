/**
 * The tier strips of one side of a comparison, drawn by the dashboard's own
 * modules (dashboard/layout.ts, frame.ts, tier-strip.ts): the side's
 * TierAnswers come from its digest at the compared step through the
 * engine's digest reader (engine/iommufd/inspect/digest-tiers.ts, pure: the
 * same rule the worker answers a past step with), and the "changes" the
 * dashboard marks are the differences from the other run's strip with the
 * same pages key: change ticks over the buckets whose tier counts differ.
 */
import type { TierAnswer } from '../../engine/base/inspect-types';
import type { MachineDigest } from '../../engine/iommufd/digest';
import { answerFromDigest } from '../../engine/iommufd/inspect/digest-tiers';
import { changesOf, stripIds, type StripEntry } from '../dashboard/changes';
import type { HeaderInfo } from '../dashboard/overlays';
import type { Layer } from '../dashboard/tier-strip';

/** Buckets per strip (the live frames' resolution). */
export const COMPARE_BUCKETS = 1024;

export function answersOf(d: MachineDigest | null, buckets = COMPARE_BUCKETS): TierAnswer[] {
  if (d === null) return [];
  const a = answerFromDigest(d, [{ kind: 'tiers', buckets, detail: false }]);
  return (a ?? []).filter((x): x is TierAnswer => x.kind === 'tiers');
}

export interface SideStrip {
  entry: StripEntry;
  layer: Layer;
  info: HeaderInfo;
  /** The other run has a pages object with this strip's key. */
  inOther: boolean;
  /** Buckets whose tier counts differ from the other run's (0 when not comparable). */
  differing: number;
}

export function sideStrips(mine: readonly TierAnswer[], theirs: readonly TierAnswer[]): SideStrip[] {
  const ids = stripIds(mine);
  const otherIds = stripIds(theirs);
  const other = new Map<string, TierAnswer>();
  theirs.forEach((t, i) => other.set(otherIds[i] as string, t));
  return mine.map((a, i) => {
    const key = ids[i] as string;
    const o = other.get(key) ?? null;
    const ch = o ? changesOf(a, o) : null;
    const differing = ch?.buckets ? ch.changed : 0;
    // a bucket per page when the object is no larger than the buckets
    const unit = a.buckets === a.end - a.start ? 'page' : 'bucket';
    const note = !o
      ? 'only in this run'
      : differing > 0
        ? `${differing} ${differing === 1 ? `${unit} differs` : `${unit}s differ`} from the other run`
        : null;
    return {
      entry: { key, answer: a, prev: o, status: 'same' },
      layer: { answer: a, prev: o, changes: ch },
      info: { countersChanged: ch?.counters ?? false, changed: note, loading: false },
      inOther: o !== null,
      differing,
    };
  });
}

/** Strip ids of `theirs` that `mine` lacks (pages objects only the other run has). */
export function onlyInOther(mine: readonly TierAnswer[], theirs: readonly TierAnswer[]): string[] {
  const have = new Set(stripIds(mine));
  return stripIds(theirs).filter((k) => !have.has(k));
}
