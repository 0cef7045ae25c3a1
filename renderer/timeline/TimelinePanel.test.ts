import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useRunsStore } from '../stores/runs';
import { useSelectionStore } from '../stores/selection';
import { ev, events, loadRun, mark, span } from './test-events';
import TimelinePanel from './TimelinePanel.vue';

const ROW_H = 22;

function mountPanel() {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(TimelinePanel, { global: { plugins: [pinia] }, attachTo: document.body });
}

/** happy-dom lays nothing out: give the list a height and scroll it. */
async function scrollList(w: ReturnType<typeof mountPanel>, top: number, height = 220): Promise<void> {
  const el = w.get('[role=listbox]').element as HTMLElement;
  Object.defineProperty(el, 'clientHeight', { configurable: true, value: height });
  el.scrollTop = top;
  await w.get('[role=listbox]').trigger('scroll');
}

function rowSeqs(w: ReturnType<typeof mountPanel>): number[] {
  return w.findAll('[data-testid=timeline-row]').map((r) => Number(r.attributes('data-seq')));
}

/** While a run is live the row index is rebuilt at most every 100 ms (stores/live-tick.ts). */
async function liveTickPassed(): Promise<void> {
  await new Promise((r) => setTimeout(r, 120));
  await flushPromises();
}

describe('TimelinePanel', () => {
  let w: ReturnType<typeof mountPanel>;
  beforeEach(() => {
    w = mountPanel();
  });
  afterEach(() => w.unmount());

  it('says what to do before any run', () => {
    expect(w.get('[data-testid=timeline]').text()).toContain('Run a scenario to see its events here.');
    expect(w.findAll('[data-testid=timeline-row]')).toHaveLength(0);
    expect(w.get('[data-testid=step-label]').text()).toBe('step 0 / 0');
  });

  it('shows each event’s op, target, compact arguments, result, duration and counter deltas', async () => {
    loadRun([
      {
        ...events(1)[0]!,
        op: 'ioas.map',
        target: 'ioas 1',
        args: [139637976596480, 131072, null],
        result: '16777216n',
        dur: 33.8,
        deltas: { pagesPinned: 256, iommuMapCalls: 1 },
      },
      { ...events(2)[1]!, op: 'ioas.unmap', errno: 'ENOENT', message: 'no area', warnings: ['area gone'] },
    ]);
    await flushPromises();
    const [a, b] = w.findAll('[data-testid=timeline-row]');
    expect(a!.text()).toContain('ioas.map');
    expect(a!.find('.c-args').text()).toBe('0x7efffffe0000, 0x20000, null');
    expect(a!.find('.c-result').text()).toBe('0x1000000');
    expect(a!.find('.c-dur').text()).toBe('33.8 ms');
    expect(a!.find('.c-deltas').text()).toBe('pins +256 map +1');
    expect(b!.classes()).toContain('failed');
    expect(b!.find('.c-result').text()).toBe('ENOENT');
    expect(b!.find('.c-warn').text()).toBe('⚠');
    expect(b!.attributes('title')).toContain('no area');
  });

  it('puts only the visible rows of 100 000 events in the DOM and follows the scroll', async () => {
    const { sel } = loadRun(events(100_000));
    sel.select(0); // a run ends on its last step, which the list would keep in view
    await flushPromises();
    await scrollList(w, 0);
    let seqs = rowSeqs(w);
    expect(seqs[0]).toBe(1);
    expect(seqs.length).toBeLessThanOrEqual(30);
    await scrollList(w, 50_000 * ROW_H);
    seqs = rowSeqs(w);
    expect(seqs.length).toBeLessThanOrEqual(30);
    expect(seqs).toContain(50_001);
    expect(w.get('.spacer').attributes('style')).toContain(`height: ${100_000 * ROW_H}px`);
  });

  it('selects a clicked row and highlights it', async () => {
    const { sel } = loadRun(events(50));
    sel.select(0);
    await flushPromises();
    await scrollList(w, 0);
    await w.get('[data-testid=timeline-row][data-seq="3"]').trigger('click');
    expect(sel.step).toBe(3);
    expect(w.get('[data-testid=timeline-row][data-seq="3"]').classes()).toContain('selected');
    expect(w.get('[data-testid=step-label]').text()).toBe('step 3 / 50');
  });

  it('highlights the events of the cursor’s line', async () => {
    const { sel } = loadRun(events(10, (s) => ({ line: s % 2 ? 7 : 8 })));
    await flushPromises();
    await scrollList(w, 0);
    sel.setCursorLine(8);
    await flushPromises();
    const online = w
      .findAll('[data-testid=timeline-row].online')
      .map((r) => Number(r.attributes('data-seq')));
    expect(online).toEqual([2, 4, 6, 8, 10]);
  });

  it('scrolls the selected step into view when it changes elsewhere, but not against a live run’s user', async () => {
    const { runs, sel } = loadRun(events(10_000));
    await flushPromises();
    await scrollList(w, 0);
    sel.select(5000);
    await flushPromises();
    const el = w.get('[role=listbox]').element as HTMLElement;
    expect(el.scrollTop).toBeGreaterThan(4990 * ROW_H);
    expect(el.scrollTop).toBeLessThan(5000 * ROW_H);
    await scrollList(w, el.scrollTop);
    expect(rowSeqs(w)).toContain(5000);
    // Live and not following: the list stays where the user has it.
    runs.status = 'running';
    await scrollList(w, 100 * ROW_H);
    sel.select(9000);
    sel.follow = false;
    await flushPromises();
    expect(el.scrollTop).toBe(100 * ROW_H);
  });

  it('adds rows while a run goes', async () => {
    const runs = useRunsStore();
    const sel = useSelectionStore();
    loadRun([], { status: 'running' });
    await flushPromises();
    await scrollList(w, 0);
    expect(w.text()).toContain('Waiting for the first event…');
    runs.data.appendEvents(events(3));
    runs.version++;
    sel.runAdvanced();
    await liveTickPassed();
    expect(rowSeqs(w)).toEqual([1, 2, 3]);
    expect(w.get('[data-testid=step-label]').text()).toBe('step 3 / 3');
    // The same RunData grows: the count and the op choices follow it (they went stale once).
    runs.data.appendEvents([ev(4, { op: 'domain.iovaToPhys' })]);
    runs.version++;
    sel.runAdvanced();
    await liveTickPassed();
    expect(w.get('.count').text()).toBe('4 events');
    expect(
      w
        .get('[data-testid=timeline-filter-op]')
        .findAll('option')
        .map((o) => o.text()),
    ).toEqual(['all ops', 'domain.iovaToPhys', 'ioas.map']);
  });

  it('filters by op, failure and warnings', async () => {
    loadRun(
      events(9, (s) => ({
        op: s % 3 === 0 ? 'ioas.unmap' : 'ioas.map',
        ...(s === 4 ? { errno: 'EINVAL' } : {}),
        ...(s === 5 ? { warnings: ['w'] } : {}),
      })),
    );
    await flushPromises();
    await scrollList(w, 0);
    const op = w.get('[data-testid=timeline-filter-op]');
    expect(op.findAll('option').map((o) => o.text())).toEqual(['all ops', 'ioas.map', 'ioas.unmap']);
    await op.setValue('ioas.unmap');
    expect(rowSeqs(w)).toEqual([3, 6, 9]);
    expect(w.get('.count').text()).toBe('3 of 9');
    await op.setValue('');
    await w.get('[data-testid=timeline-filter-failed]').setValue(true);
    expect(rowSeqs(w)).toEqual([4]);
    await w.get('[data-testid=timeline-filter-failed]').setValue(false);
    await w.get('[data-testid=timeline-filter-warnings]').setValue(true);
    expect(rowSeqs(w)).toEqual([5]);
    await w.get('[data-testid=timeline-filter-failed]').setValue(true);
    expect(rowSeqs(w)).toEqual([]);
    expect(w.text()).toContain('No event matches the filters.');
  });

  it('shows marks as separators and spans as header rows with bands; marks-only is an outline', async () => {
    const { sel } = loadRun(events(8), {
      marks: [mark(2, 'IOAS A', 66)],
      spans: [span(4, 6, 'map with 4 domains')],
    });
    await flushPromises();
    await scrollList(w, 0);
    const m = w.get('[data-testid=timeline-mark]');
    expect(m.text()).toContain('IOAS A');
    expect(m.text()).toContain('line 66');
    const s = w.get('[data-testid=timeline-span]');
    expect(s.text()).toContain('map with 4 domains');
    expect(s.text()).toContain('events 4–6');
    // The band runs from the header row through events 4..6: 4 rows.
    const band = w.get('.band');
    expect(band.attributes('style')).toContain(`height: ${4 * ROW_H}px`);
    await w.get('[data-testid=timeline-filter-marks]').setValue(true);
    expect(rowSeqs(w)).toEqual([]);
    expect(w.findAll('[data-testid=timeline-mark], [data-testid=timeline-span]')).toHaveLength(2);
    await w.get('[data-testid=timeline-span]').trigger('click');
    expect(sel.step).toBe(6);
    await w.get('[data-testid=timeline-mark]').trigger('click');
    expect(sel.step).toBe(2);
  });

  it('moves between the shown events with ↑ ↓ in the list', async () => {
    const { sel } = loadRun(events(9, (s) => ({ op: s % 3 === 0 ? 'ioas.unmap' : 'ioas.map' })));
    await flushPromises();
    await scrollList(w, 0);
    await w.get('[data-testid=timeline-filter-op]').setValue('ioas.unmap');
    sel.select(3);
    await w.get('[role=listbox]').trigger('keydown', { key: 'ArrowDown' });
    expect(sel.step).toBe(6);
    await w.get('[role=listbox]').trigger('keydown', { key: 'ArrowUp' });
    expect(sel.step).toBe(3);
  });
});

describe('scrubber', () => {
  let w: ReturnType<typeof mountPanel>;
  let frames: FrameRequestCallback[];
  beforeEach(() => {
    frames = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    w = mountPanel();
  });
  afterEach(() => {
    w.unmount();
    vi.unstubAllGlobals();
  });

  it('steps with first / previous / next / last and the range', async () => {
    const { sel } = loadRun(events(10_000));
    await flushPromises();
    expect(w.get('[data-testid=step-label]').text()).toBe('step 10 000 / 10 000');
    await w.get('[data-testid=step-first]').trigger('click');
    expect(sel.step).toBe(1);
    await w.get('[data-testid=step-next]').trigger('click');
    await w.get('[data-testid=step-next]').trigger('click');
    expect(sel.step).toBe(3);
    await w.get('[data-testid=step-prev]').trigger('click');
    expect(sel.step).toBe(2);
    await w.get('[data-testid=scrubber]').setValue('1234');
    expect(sel.step).toBe(1234);
    expect(w.get('[data-testid=step-label]').text()).toBe('step 1 234 / 10 000');
    expect(w.get('[data-testid=scrubber]').attributes('max')).toBe('10000');
    await w.get('[data-testid=step-last]').trigger('click');
    expect(sel.step).toBe(10_000);
  });

  it('steps with ← → Home End outside the editor and fields', async () => {
    const { sel } = loadRun(events(20));
    await flushPromises();
    sel.select(10);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft' }));
    expect(sel.step).toBe(9);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    expect(sel.step).toBe(11);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home' }));
    expect(sel.step).toBe(1);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'End' }));
    expect(sel.step).toBe(20);
    // Typing in a field is left alone.
    const input = document.createElement('input');
    document.body.appendChild(input);
    input.focus();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    expect(sel.step).toBe(20);
    input.remove();
  });

  it('plays at the chosen speed on animation frames and pauses with Space', async () => {
    const { sel } = loadRun(events(1000));
    await flushPromises();
    await w.get('[data-testid=speed]').setValue('100');
    expect(sel.speed).toBe(100);
    sel.select(0);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ' ' }));
    await flushPromises();
    expect(sel.playing).toBe(true);
    expect(w.get('[data-testid=play]').attributes('aria-pressed')).toBe('true');
    const t0 = performance.now();
    // 100 ev/s: 5 frames of 50 ms each → 25 steps.
    for (let i = 1; i <= 5; i++) frames.shift()?.(t0 + i * 50);
    expect(sel.step).toBeGreaterThanOrEqual(24);
    expect(sel.step).toBeLessThanOrEqual(26);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: ' ' }));
    await flushPromises();
    expect(sel.playing).toBe(false);
    const at = sel.step;
    for (const f of frames.splice(0)) f(t0 + 1000);
    expect(sel.step).toBe(at);
    await w.get('[data-testid=play]').trigger('click');
    expect(sel.playing).toBe(true);
  });
});
