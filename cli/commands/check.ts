/**
 * `pfnlab check FILE...`: type-check scenarios against the scenario API
 * (../typecheck.ts, loaded only here: `typescript` is slow to import).
 * `--json` prints the diagnostics as one object; `pfnlab run` reads that
 * from a child process to report type errors while its scenario runs.
 */
import { parseArgs, UsageError, type OptionSpec } from '../args';
import type { Diagnostic } from '../typecheck';
import { EXIT_FAIL, EXIT_OK, readScenario, stdio, type Io } from './shared';

export const CHECK_HELP = `Usage: pfnlab check FILE... [options]

Type-check scenarios (each on its own) against the lab API declarations
(engine/scenario/api/lab.d.ts) with strict TypeScript. Prints each
diagnostic as FILE:LINE:COL: message.

Options:
  --json            print one JSON object { ok, diagnostics: [{ file, line, column, code, message }] }
  --help            this text

Exit status: 0 no errors, 1 type errors, 2 usage error.
`;

export const CHECK_SPEC: OptionSpec = { flags: ['json', 'help'], values: {} };

/** `pfnlab check --json` output. */
export interface CheckJson {
  ok: boolean;
  diagnostics: Diagnostic[];
}

export async function checkCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = parseArgs(argv, CHECK_SPEC);
  if (p.flags.has('help')) {
    io.out(CHECK_HELP);
    return EXIT_OK;
  }
  if (p.positional.length === 0)
    throw new UsageError('check takes one or more FILEs; see pfnlab check --help');
  for (const file of p.positional) readScenario(file); // usage error when unreadable
  const { checkFile } = await import('../typecheck');
  const json = p.flags.has('json');
  const all: Diagnostic[] = [];
  for (const file of p.positional) {
    const diags = checkFile(file);
    all.push(...diags);
    if (json) continue;
    for (const d of diags) {
      io.out(d.file ? `${d.file}:${d.line}:${d.column}: error: ${d.message}\n` : `error: ${d.message}\n`);
    }
    io.out(diags.length === 0 ? `${file}: ok\n` : `${file}: ${diags.length} error(s)\n`);
  }
  if (json) {
    const out: CheckJson = { ok: all.length === 0, diagnostics: all };
    io.out(`${JSON.stringify(out)}\n`);
  }
  return all.length === 0 ? EXIT_OK : EXIT_FAIL;
}
