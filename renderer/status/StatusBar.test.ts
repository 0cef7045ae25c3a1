import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLabApi } from '../lab';
import { useEngineStore } from '../stores/engine';
import { useInspectStore } from '../stores/inspect';
import { fakeLab } from '../tests/fakes';
import { events, loadRun } from '../timeline/test-events';
import StatusBar from './StatusBar.vue';

function mountBar() {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(StatusBar, { global: { plugins: [pinia] } });
}

describe('StatusBar', () => {
  afterEach(() => {
    setLabApi(undefined);
    vi.useRealTimers();
  });

  it('shows the engine connecting, then ready with its version and host', async () => {
    setLabApi(fakeLab({}, 'electron'));
    const w = mountBar();
    expect(w.get('[data-testid=status-engine]').text()).toBe('engine connecting…');
    await useEngineStore().connect();
    await flushPromises();
    expect(w.get('[data-testid=status-engine]').text()).toBe('engine ready 9.8.7 · desktop');
    expect(w.get('[data-testid=status-run]').text()).toBe('no run yet');
    expect(w.get('[data-testid=status-step]').text()).toBe('');
    w.unmount();
  });

  it('shows a finished run, the step with its op and line, and the inspect latency', async () => {
    setLabApi(fakeLab());
    const w = mountBar();
    await useEngineStore().connect();
    const { sel } = loadRun(events(10_000, (s) => ({ op: s === 345 ? 'ioas.map' : 'ioas.unmap', line: 12 })));
    sel.select(345);
    const inspect = useInspectStore();
    inspect.step = 345;
    inspect.ms = 3.2;
    inspect.replayed = true;
    inspect.version++;
    await flushPromises();
    expect(w.get('[data-testid=status-engine]').text()).toBe('engine ready 9.8.7 · web');
    expect(w.get('[data-testid=status-run]').text()).toBe('done · 10 000 events · 12 ms');
    expect(w.get('[data-testid=status-step]').text()).toBe('step 345 / 10 000 · ioas.map · line 12');
    expect(w.get('[data-testid=status-inspect]').text()).toBe('inspect 3.20 ms · replayed');
    inspect.ms = 0; // a live frame's answer: no inspect call was timed
    await flushPromises();
    expect(w.get('[data-testid=status-inspect]').text()).toBe('');
    inspect.ms = 3.2;
    sel.select(346); // the answer is for another step
    await flushPromises();
    expect(w.get('[data-testid=status-inspect]').text()).toBe('');
    w.unmount();
  });

  it('shows a live run’s events, elapsed time and frames per second', async () => {
    vi.useFakeTimers();
    setLabApi(fakeLab());
    const w = mountBar();
    await useEngineStore().connect();
    const { runs } = loadRun(events(0), { status: 'running' });
    runs.current!.startedAt = Date.now();
    await flushPromises();
    expect(w.get('[data-testid=status-engine]').text()).toBe('engine running · web');
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(50);
      runs.current!.seq += 100;
      runs.frames++;
      await flushPromises();
    }
    vi.advanceTimersByTime(250);
    await flushPromises();
    expect(w.get('[data-testid=status-run]').text()).toMatch(
      /^running · 2 000 events · 1\.\d s · (1[5-9]|20) frames\/s$/,
    );
    runs.status = 'stopped';
    await flushPromises();
    expect(w.get('[data-testid=status-engine]').text()).toBe('engine ready (run stopped) · web');
    expect(w.get('[data-testid=status-run]').text()).toMatch(/^stopped · 2 000 events recorded/);
    w.unmount();
  });
});
