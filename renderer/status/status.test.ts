import { describe, expect, it } from 'vitest';
import { engineState, engineText, formatElapsed, inspectText, RateMeter, runText, stepText } from './status';

describe('engine state', () => {
  it('combines the connection and the run', () => {
    expect(engineState('idle', 'idle')).toBe('connecting');
    expect(engineState('connecting', 'idle')).toBe('connecting');
    expect(engineState('ready', 'done')).toBe('ready');
    expect(engineState('ready', 'running')).toBe('running');
    expect(engineState('ready', 'stopped')).toBe('stopped');
    expect(engineState('error', 'running')).toBe('error');
    expect(engineText('ready', '1.2.3', 'web')).toBe('engine ready 1.2.3 · web');
    expect(engineText('running', '1.2.3', 'electron')).toBe('engine running · desktop');
    expect(engineText('connecting', null, null)).toBe('engine connecting…');
  });
});

describe('run progress', () => {
  it('shows events, elapsed time and, while running, frames per second', () => {
    expect(runText(null)).toBe('no run yet');
    expect(runText({ status: 'running', events: 12_345, elapsedMs: 2500, fps: 19.6 })).toBe(
      'running · 12 345 events · 2.5 s · 20 frames/s',
    );
    expect(runText({ status: 'done', events: 1, elapsedMs: 12.3 })).toBe('done · 1 event · 12 ms');
    expect(runText({ status: 'failed', events: 6, elapsedMs: 80, errno: 'EINVAL' })).toBe(
      'failed EINVAL · 6 events · 80 ms',
    );
    expect(runText({ status: 'stopped', events: 400, elapsedMs: 61_000 })).toBe(
      'stopped · 400 events recorded · 1 min 01 s',
    );
    expect(formatElapsed(999)).toBe('999 ms');
  });
});

describe('step', () => {
  it('names the step, its op and its line', () => {
    expect(stepText(345, 10_000, 'ioas.map', 12)).toBe('step 345 / 10 000 · ioas.map · line 12');
    expect(stepText(0, 10, null, 0)).toBe('step 0 / 10 · before the first event');
    expect(stepText(0, 0, null, 0)).toBe('step 0 / 0');
    expect(stepText(3, 3, 'lab.open', 0)).toBe('step 3 / 3 · lab.open');
    expect(inspectText(3.2, false)).toBe('inspect 3.20 ms');
    expect(inspectText(41, true)).toBe('inspect 41.0 ms · replayed');
  });
});

describe('RateMeter', () => {
  it('counts the frames of the last second from counter samples', () => {
    const m = new RateMeter(1000);
    expect(m.rate()).toBe(0);
    // 20 frames per second, sampled every 250 ms (frames may arrive in batches).
    for (let t = 0; t <= 2000; t += 250) m.sample(t, t / 50);
    expect(m.rate()).toBeCloseTo(20, 6);
    // Then nothing arrives for a second.
    for (let t = 2250; t <= 3000; t += 250) m.sample(t, 40);
    expect(m.rate()).toBe(0);
    m.reset();
    expect(m.rate()).toBe(0);
  });
});
