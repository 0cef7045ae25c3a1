import { describe, expect, it } from 'vitest';
import { FAKE_VERSION, fakeLab, runResult } from './fakes';

describe('fake LabApi', () => {
  it('stop() settles a run that never ends with ECANCELED, keeps its events, and the next call works', async () => {
    let hang = true;
    const lab = fakeLab({
      run: (emit) => {
        emit({ type: 'event', event: 'log', data: { level: 'info', message: 'started' } });
        return hang ? new Promise(() => {}) : { ok: true, value: runResult() };
      },
    });
    const events: unknown[] = [];
    const run = lab.call('run', { source: 'while (true) {}' }, (e) => events.push(e.data));
    expect(lab.pending).toBe(1);
    await expect(lab.call('version', {})).resolves.toEqual({ ok: true, value: FAKE_VERSION });
    await expect(lab.call('run', { source: '' })).resolves.toMatchObject({
      ok: false,
      error: { errno: 'EBUSY' },
    });
    await lab.stop();
    await expect(run).resolves.toEqual({
      ok: false,
      error: { errno: 'ECANCELED', message: 'stopped by the user: the engine was restarted' },
    });
    expect(lab.stops).toBe(1);
    expect(lab.pending).toBe(0);
    expect(events).toEqual([{ level: 'info', message: 'started' }]);
    hang = false;
    await expect(lab.call('run', { source: '' })).resolves.toMatchObject({ ok: true, value: { ok: true } });
  });

  it('answers scripted results and ENOSYS for the rest', async () => {
    const lab = fakeLab();
    await expect(lab.call('version', {})).resolves.toEqual({ ok: true, value: FAKE_VERSION });
    await expect(lab.call('run', { source: '' })).resolves.toMatchObject({
      ok: false,
      error: { errno: 'ENOSYS' },
    });
    await lab.stop(); // nothing running: a no-op
    expect(lab.calls.map((c) => c.method)).toEqual(['version', 'run']);
  });
});
