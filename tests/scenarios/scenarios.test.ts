/**
 * The bundled scenarios (scenarios/NN-*.ts) are fixtures as much as teaching
 * material: every one must type-check against the lab API declarations, run
 * to completion through the CLI with --check (invariants after every call),
 * and survive `pfnlab failnth` (every fallible step failed once) with zero
 * leaks. Each scenario asserts the figures it teaches and throws otherwise,
 * so "exit 0" means "the engine reproduced the algorithm's numbers".
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'bin/pfnlab.mjs');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const SCENARIOS = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => /^\d\d-.*\.ts$/.test(f))
  .sort();

interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(cmd: string, args: string[], timeoutMs: number): Promise<Exec> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** The last line of stdout that parses as a JSON object (the CLI's --json answer). */
function lastJson(out: string): Record<string, unknown> | null {
  const lines = out.trim().split('\n').reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch {
      // not the answer line
    }
  }
  try {
    return JSON.parse(out) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function explain(what: string, r: Exec): string {
  return `${what} exited ${r.code}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`;
}

describe('bundled scenarios', () => {
  it('there are at least fifteen, numbered and unique', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(15);
    const numbers = SCENARIOS.map((f) => f.slice(0, 2));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('type-check against the lab API (scenarios/tsconfig.json)', async () => {
    const r = await exec(process.execPath, [TSC, '-p', 'scenarios/tsconfig.json'], 120_000);
    expect(r.code, explain('tsc -p scenarios/tsconfig.json', r)).toBe(0);
  }, 120_000);
});

describe.concurrent.each(SCENARIOS)('%s', (file) => {
  const path = join('scenarios', file);

  it('runs to completion with --check', async () => {
    const r = await exec(process.execPath, [CLI, 'run', path, '--check', '--json'], 120_000);
    expect(r.code, explain(`pfnlab run ${path} --check --json`, r)).toBe(0);
    const out = lastJson(r.stdout);
    expect(out, explain('no JSON answer', r)).not.toBeNull();
    expect(out?.ok, explain('ok', r)).toBe(true);
  }, 120_000);

  it('survives failnth with zero leaks', async () => {
    const r = await exec(process.execPath, [CLI, 'failnth', path, '--json'], 600_000);
    expect(r.code, explain(`pfnlab failnth ${path} --json`, r)).toBe(0);
    const out = lastJson(r.stdout);
    expect(out, explain('no JSON answer', r)).not.toBeNull();
    expect(out?.ok, explain('ok', r)).toBe(true);
    expect(out?.leaks, explain('leaks', r)).toEqual([]);
    expect(Number(out?.points), explain('failure points', r)).toBeGreaterThan(0);
  }, 600_000);
});
