/**
 * Type-checking a scenario against the scenario API with the TypeScript
 * compiler API — ES2022 and engine/scenario/api/lab.d.ts are the only
 * declarations (no DOM, no @types/node: a scenario has neither). Loading
 * `typescript` takes a second or more, so the commands import this module
 * only when they check (`pfnlab check`, and `pfnlab run` in a child process,
 * see typecheck-child.ts).
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const LAB_DTS = fileURLToPath(new URL('../engine/scenario/api/lab.d.ts', import.meta.url));

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
  /** The file as the program names it ('' for an options diagnostic). */
  file: string;
  line: number;
  column: number;
  /** TypeScript's diagnostic number (TS2339 → 2339). */
  code: number;
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
      if (!d.file || d.start === undefined) return { file: '', line: 0, column: 0, code: d.code, message };
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return { file: d.file.fileName, line: line + 1, column: character + 1, code: d.code, message };
    });
}
