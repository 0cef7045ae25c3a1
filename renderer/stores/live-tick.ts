/**
 * A tick that follows a run's `version`, for views whose recomputation is
 * O(events) (the timeline's row index, the editor's run problems). When the
 * run is not live, every version change ticks at once. While it is live, the
 * ticks are spaced so that the recomputation costs at most a tenth of the
 * time: after work that took C ms the next tick waits max(minMs, 10·C) —
 * otherwise a fast engine streaming 20 000 events/s makes that O(events) work
 * per frame quadratic and freezes the page (e2e 06 and 08 caught it).
 */
import { onScopeDispose, ref, watch, type Ref } from 'vue';

export interface LiveTick {
  /** Read it in a computed to recompute on the spaced ticks. */
  tick: Ref<number>;
  /** Run the recomputation through this, so its cost sets the spacing. */
  measure<T>(work: () => T): T;
}

export function useLiveTick(version: () => number, live: () => boolean, minMs = 100): LiveTick {
  const tick = ref(0);
  let costMs = 0;
  let lastAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = (): void => {
    timer = null;
    lastAt = performance.now();
    tick.value++;
  };
  const onChange = (): void => {
    if (!live()) {
      if (timer !== null) clearTimeout(timer);
      fire();
      return;
    }
    if (timer !== null) return;
    const wait = lastAt + Math.max(minMs, 10 * costMs) - performance.now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
  watch([version, live], onChange);
  onScopeDispose(() => {
    if (timer !== null) clearTimeout(timer);
  });
  return {
    tick,
    measure<T>(work: () => T): T {
      const t0 = performance.now();
      try {
        return work();
      } finally {
        costMs = performance.now() - t0;
      }
    },
  };
}
