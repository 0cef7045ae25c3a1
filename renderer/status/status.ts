/**
 * Text of the status bar, from plain inputs (so it is tested without
 * stores): engine state, run progress, the step shown, the inspect latency;
 * and a frames-per-second meter over the live frame counter.
 */
import type { LabHost } from '../../electron/shared/lab-api';
import type { EngineStatus } from '../stores/engine';
import type { RunStatus } from '../stores/runs';
import { formatCount, formatDuration } from '../timeline/format';

export type EngineState = 'connecting' | 'ready' | 'running' | 'stopped' | 'error';

export function engineState(engine: EngineStatus, run: RunStatus): EngineState {
  if (engine === 'error') return 'error';
  if (engine !== 'ready') return 'connecting';
  if (run === 'running') return 'running';
  if (run === 'stopped') return 'stopped';
  return 'ready';
}

export function hostName(host: LabHost | null): string {
  return host === 'electron' ? 'desktop' : host === 'web' ? 'web' : '';
}

export function engineText(state: EngineState, version: string | null, host: LabHost | null): string {
  const h = hostName(host);
  const where = h ? ` · ${h}` : '';
  switch (state) {
    case 'connecting':
      return `engine connecting…${where}`;
    case 'ready':
      return `engine ready${version ? ` ${version}` : ''}${where}`;
    case 'running':
      return `engine running${where}`;
    case 'stopped':
      return `engine ready (run stopped)${where}`;
    case 'error':
      return `engine error${where}`;
  }
}

export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export interface RunTextInput {
  status: RunStatus;
  events: number;
  elapsedMs: number;
  /** Live frames per second (running only). */
  fps?: number;
  errno?: string;
}

export function runText(r: RunTextInput | null): string {
  if (!r || r.status === 'idle') return 'no run yet';
  const ev = `${formatCount(r.events)} event${r.events === 1 ? '' : 's'}`;
  const t = formatElapsed(r.elapsedMs);
  switch (r.status) {
    case 'running':
      return `running · ${ev} · ${t} · ${(r.fps ?? 0).toFixed(0)} frames/s`;
    case 'done':
      return `done · ${ev} · ${t}`;
    case 'failed':
      return `failed${r.errno ? ` ${r.errno}` : ''} · ${ev} · ${t}`;
    case 'stopped':
      return `stopped · ${ev} recorded · ${t}`;
    case 'engine-error':
      return `engine ${r.errno ?? 'error'} · ${ev} recorded · ${t}`;
    default:
      return '';
  }
}

/** `step 345 / 10 000 · ioas.map · line 12` (`step 0 / N · before the first event`). */
export function stepText(step: number, total: number, op: string | null, line: number): string {
  const head = `step ${formatCount(step)} / ${formatCount(total)}`;
  if (step === 0) return total === 0 ? head : `${head} · before the first event`;
  return `${head}${op ? ` · ${op}` : ''}${line > 0 ? ` · line ${line}` : ''}`;
}

export function inspectText(ms: number, replayed: boolean): string {
  return `inspect ${formatDuration(ms)}${replayed ? ' · replayed' : ''}`;
}

/**
 * Frames per second from samples of the frame counter (taken on a timer):
 * the frames counted over the last `windowMs`. Counting, not timing each
 * arrival, so frames handled in one batch still all count.
 */
export class RateMeter {
  private readonly samples: { t: number; n: number }[] = [];
  constructor(private readonly windowMs = 1000) {}

  /** The counter reads `count` at time `t` (ms). */
  sample(t: number, count: number): void {
    this.samples.push({ t, n: count });
    while (this.samples.length > 2 && (this.samples[1] as { t: number }).t <= t - this.windowMs)
      this.samples.shift();
  }

  /** Frames per second over the sampled window (0 until two samples). */
  rate(): number {
    if (this.samples.length < 2) return 0;
    const a = this.samples[0] as { t: number; n: number };
    const b = this.samples[this.samples.length - 1] as { t: number; n: number };
    return b.t > a.t ? ((b.n - a.n) * 1000) / (b.t - a.t) : 0;
  }

  reset(): void {
    this.samples.length = 0;
  }
}
