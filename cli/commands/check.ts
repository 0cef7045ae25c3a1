/**
 * `pfnlab check FILE`: type-check a scenario against the scenario API with
 * the TypeScript compiler API — ES2022 and engine/scenario/api/lab.d.ts are
 * the only declarations (no DOM, no @types/node: a scenario has neither).
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { oneFile, parseArgs, type OptionSpec } from '../args';
import { EXIT_FAIL, EXIT_OK, readScenario, stdio, type Io } from './shared';

export const LAB_DTS = fileURLToPath(new URL('../../engine/scenario/api/lab.d.ts', import.meta.url));

export const CHECK_HELP = `Usage: pfnlab check FILE

Type-check a scenario against the lab API declarations
(engine/scenario/api/lab.d.ts) with strict TypeScript. Prints each
diagnostic as FILE:LINE:COL: message.

Exit status: 0 no errors, 1 type errors, 2 usage error.
`;

export const CHECK_SPEC: OptionSpec = { flags: ['help'], values: {} };

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  allowJs: true,
  checkJs: true,
  skipLibCheck: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  isolatedModules: false,
};

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function checkFile(path: string): Diagnostic[] {
  const program = ts.createProgram({ rootNames: [path, LAB_DTS], options: COMPILER_OPTIONS });
  const all = [
    ...program.getOptionsDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ];
  return all
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return { file: '', line: 0, column: 0, message };
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return { file: d.file.fileName, line: line + 1, column: character + 1, message };
    });
}

export async function checkCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = parseArgs(argv, CHECK_SPEC);
  if (p.flags.has('help')) {
    io.out(CHECK_HELP);
    return EXIT_OK;
  }
  const file = oneFile(p, 'check');
  readScenario(file); // usage error when unreadable
  const diags = checkFile(file);
  for (const d of diags)
    io.out(d.file ? `${d.file}:${d.line}:${d.column}: error: ${d.message}\n` : `error: ${d.message}\n`);
  if (diags.length === 0) io.out(`${file}: ok\n`);
  else io.out(`${diags.length} error(s)\n`);
  return diags.length === 0 ? EXIT_OK : EXIT_FAIL;
}
