/** The open scenario document and its editor problems. */
import { defineStore } from 'pinia';
import { DEFAULT_SCENARIO } from '../examples/default-scenario';

export interface Problem {
  severity: 'error' | 'warning';
  line: number;
  message: string;
}

export const useScenarioStore = defineStore('scenario', {
  state: () => ({
    name: 'untitled.ts',
    source: DEFAULT_SCENARIO,
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
      this.problems = p;
    },
  },
});
