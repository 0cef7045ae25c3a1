import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { useLiveTick } from './live-tick';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(minMs = 100) {
  const version = ref(0);
  const live = ref(true);
  const scope = effectScope();
  const t = scope.run(() =>
    useLiveTick(
      () => version.value,
      () => live.value,
      minMs,
    ),
  )!;
  return { version, live, t, scope };
}

describe('useLiveTick', () => {
  it('ticks on every change when the run is not live', async () => {
    const { version, live, t } = setup();
    live.value = false;
    await nextTick();
    const before = t.tick.value;
    for (let i = 0; i < 5; i++) {
      version.value++;
      await nextTick();
    }
    expect(t.tick.value).toBe(before + 5);
  });

  it('while live, coalesces changes to one tick per interval and ticks at once when the run ends', async () => {
    const { version, live, t } = setup(100);
    version.value++;
    await nextTick();
    expect(t.tick.value).toBe(1); // the first change ticks at once
    for (let i = 0; i < 20; i++) {
      version.value++;
      await nextTick();
      vi.advanceTimersByTime(2);
    }
    expect(t.tick.value).toBe(1); // 40 ms later: still waiting
    vi.advanceTimersByTime(60);
    expect(t.tick.value).toBe(2); // one tick for the twenty changes
    version.value++;
    await nextTick();
    live.value = false;
    await nextTick();
    expect(t.tick.value).toBe(3); // the end of the run is shown at once
  });

  it('spaces ticks by ten times the measured cost', async () => {
    const { version, t } = setup(10);
    vi.spyOn(performance, 'now');
    let now = 0;
    vi.mocked(performance.now).mockImplementation(() => now);
    version.value++;
    await nextTick();
    // The recomputation took 50 ms: the next tick waits 500 ms.
    t.measure(() => {
      now += 50;
    });
    version.value++;
    await nextTick();
    now += 400;
    vi.advanceTimersByTime(400);
    expect(t.tick.value).toBe(1);
    now += 60;
    vi.advanceTimersByTime(60);
    expect(t.tick.value).toBe(2);
  });
});
