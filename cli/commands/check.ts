/**
 * `pfnlab check FILE`: type-check a scenario against the scenario API with
 * the TypeScript compiler API — ES2022 and engine/scenario/api/lab.d.ts are
 * the only declarations (no DOM, no @types/node: a scenario has neither).
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseArgs, UsageError, type OptionSpec } from '../args';
import { EXIT_FAIL, EXIT_OK, readScenario, stdio, type Io } from './shared';

export const LAB_DTS = fileURLToPath(new URL('../../engine/scenario/api/lab.d.ts', import.meta.url));

export const CHECK_HELP = `Usage: pfnlab check FILE...

Type-check scenarios (each on its own) against the lab API declarations
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

/**
 * Scenarios are scripts sharing one global scope, so each file is checked in
 * a program of its own; the host caches the parsed lib and lab.d.ts files
 * across those programs.
 */
const shared = new Map<string, ts.SourceFile>();
const baseHost = ts.createCompilerHost(COMPILER_OPTIONS, true);
const host: ts.CompilerHost = {
  ...baseHost,
  getSourceFile(fileName, languageVersion, onError, shouldCreate) {
    const cacheable = fileName === LAB_DTS || /[\\/]typescript[\\/]lib[\\/]/.test(fileName);
    const known = cacheable ? shared.get(fileName) : undefined;
    if (known) return known;
    const sf = baseHost.getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (sf && cacheable) shared.set(fileName, sf);
    return sf;
  },
};

export function checkFile(path: string): Diagnostic[] {
  const program = ts.createProgram({ rootNames: [path, LAB_DTS], options: COMPILER_OPTIONS, host });
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
  if (p.positional.length === 0)
    throw new UsageError('check takes one or more FILEs; see pfnlab check --help');
  for (const file of p.positional) readScenario(file); // usage error when unreadable
  let errors = 0;
  for (const file of p.positional) {
    const diags = checkFile(file);
    for (const d of diags) {
      io.out(d.file ? `${d.file}:${d.line}:${d.column}: error: ${d.message}\n` : `error: ${d.message}\n`);
    }
    io.out(diags.length === 0 ? `${file}: ok\n` : `${file}: ${diags.length} error(s)\n`);
    errors += diags.length;
  }
  return errors === 0 ? EXIT_OK : EXIT_FAIL;
}
