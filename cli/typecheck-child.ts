/**
 * The type check of `pfnlab run`, in a child process (`pfnlab check --json`)
 * that works while the engine worker runs the scenario. Not in this process:
 * the memory budget watches this process's RSS, and the compiler's ~200 MiB
 * would count against the scenario; not in the main thread: a second or two
 * of checking would hold back the run's log lines and its watchdog. The
 * child runs at a lower priority, so that it delays the run's first event
 * as little as possible.
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CheckJson } from './commands/check';
import type { Diagnostic } from './typecheck';

const BIN = fileURLToPath(new URL('../bin/pfnlab.mjs', import.meta.url));

const NICE = 5;
/** A check that takes longer is abandoned (reported as failed), so that it cannot hold the CLI. */
export const TYPECHECK_LIMIT_MS = 120_000;

export type TypecheckOutcome = { diagnostics: Diagnostic[] } | { failed: string };

function isCheckJson(v: unknown): v is CheckJson {
  return typeof v === 'object' && v !== null && Array.isArray((v as { diagnostics?: unknown }).diagnostics);
}

/** Start checking `file`; resolves (never rejects) when the child is done. */
export function typecheckInChild(file: string, limitMs = TYPECHECK_LIMIT_MS): Promise<TypecheckOutcome> {
  return new Promise((resolve) => {
    let timedOut = false;
    let out = '';
    let err = '';
    const child = spawn(process.execPath, [BIN, 'check', '--json', '--', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // below the engine worker: the check takes the CPU the run leaves idle
    try {
      if (child.pid !== undefined) setPriority(child.pid, NICE);
    } catch {
      // not permitted here: run at the same priority
    }
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, limitMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ failed: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        resolve({ failed: `no answer within ${limitMs / 1000} s` });
        return;
      }
      try {
        const parsed: unknown = JSON.parse(out);
        if (isCheckJson(parsed)) {
          resolve({ diagnostics: parsed.diagnostics });
          return;
        }
      } catch {
        // fall through: report what the child said
      }
      resolve({ failed: err.trim() || `pfnlab check exited with status ${String(code)}` });
    });
  });
}
