/**
 * What `pfnlab run` prints of a finished run — the summary or the error with
 * its frames, and the `--json` object — shared with `pfnlab show`, which
 * prints a saved run exactly as `run` printed it.
 */
import type { RunResult, StackFrame } from '../../engine/scenario/runner';
import { formatFrames } from '../frames';
import type { Diagnostic } from '../typecheck';
import type { Io } from './shared';

/** A type error of the scenario file (`file` as in the error position: the scenario's name). */
export type TypeErrorJson = Diagnostic;

export interface JsonOutput {
  ok: boolean;
  /** `frames`: the scenario's own stack frames, innermost first. */
  error?: { errno: string; message: string; line: number; column: number; frames: StackFrame[] };
  counters: RunResult['counters'] | Record<string, never>;
  ops: number;
  wallMs: number;
  /** Absent under --no-typecheck, or when the check itself failed (typecheckFailed says why). */
  typeErrors?: TypeErrorJson[];
  typecheckFailed?: string;
}

/** What `report` reads of a run. */
export type Reported = Pick<RunResult, 'ok' | 'error' | 'counters' | 'ops' | 'wallMs'>;

export function nonZero(c: Record<string, number>): string {
  const parts = Object.entries(c)
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(' ') : '(none)';
}

/** The `--json` object of a finished run (without the type errors). */
export function resultJson(result: Reported): JsonOutput {
  const out: JsonOutput = {
    ok: result.ok,
    counters: result.counters,
    ops: result.ops,
    wallMs: Math.round(result.wallMs * 1000) / 1000,
  };
  if (result.error) {
    const { errno, message, line, column } = result.error;
    out.error = { errno, message, line, column, frames: result.error.frames ?? [] };
  }
  return out;
}

/** The summary of a run that completed, or its error with position, frames and stack. */
export function printResult(result: Reported, fileName: string, io: Io): void {
  if (result.ok) {
    io.out(`ok: ${fileName}: ${result.ops} ops in ${result.wallMs.toFixed(0)} ms\n`);
    io.out(`counters: ${nonZero(result.counters)}\n`);
    if (result.counters.warnings > 0) {
      io.err(
        `${result.counters.warnings} driver warning(s) during the run (--check fails on them; --trace shows where)\n`,
      );
    }
  } else if (result.error) {
    const { errno, message, line, column } = result.error;
    const where = line > 0 ? `${fileName}:${line}:${column}` : fileName;
    io.err(`${where}: ${errno}: ${message}\n`);
    io.err(formatFrames(result.error, fileName));
    if (result.error.stack) io.err(`${result.error.stack}\n`);
    io.err(`after ${result.ops} ops in ${result.wallMs.toFixed(0)} ms\n`);
  }
}
