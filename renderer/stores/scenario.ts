/**
 * The open scenario document: its name, text and the editor's problems
 * (type errors and warnings from Monaco's TypeScript service). Type errors
 * never block a run (the same rule as `pfnlab run`, see cli/README.md); they
 * are listed with the run's own problems.
 */
import { defineStore } from 'pinia';
import { DEFAULT_SCENARIO } from '../examples/default-scenario';
import { EXAMPLES } from './examples';

export interface Problem {
  severity: 'error' | 'warning';
  line: number;
  column?: number;
  message: string;
}

function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i] as Problem;
      return (
        x.severity === y.severity && x.line === y.line && x.column === y.column && x.message === y.message
      );
    })
  );
}

export const useScenarioStore = defineStore('scenario', {
  state: () => ({
    name: 'untitled.ts',
    source: DEFAULT_SCENARIO,
    /** Bumped when the text is replaced from outside the editor (open an example). */
    loadCount: 0,
    problems: [] as Problem[],
  }),
  getters: {
    errorCount: (s) => s.problems.filter((p) => p.severity === 'error').length,
    warningCount: (s) => s.problems.filter((p) => p.severity === 'warning').length,
  },
  actions: {
    setSource(text: string) {
      this.source = text;
    },
    setProblems(p: Problem[]) {
      // The same list again leaves the state alone: the editor re-reports its
      // markers whenever any marker changes (the run's own included), and a new
      // but equal array here would start a problems → markers → problems loop.
      if (sameProblems(this.problems, p)) return;
      this.problems = p;
    },
    /** Replace the document (the editor picks it up through `loadCount`). */
    load(name: string, source: string) {
      this.name = name;
      this.source = source;
      this.loadCount++;
    },
    /** Open a bundled scenario by file name; false when there is none. */
    openExample(name: string): boolean {
      const ex = EXAMPLES.find((e) => e.name === name);
      if (!ex) return false;
      this.load(ex.name, ex.source);
      return true;
    },
  },
});
