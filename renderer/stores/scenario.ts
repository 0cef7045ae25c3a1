/**
 * The active document as the other stores and panels see it: its name, its
 * text and the editor's problems (type errors and warnings from Monaco's
 * TypeScript service). The documents themselves (tabs, files, autosave) are
 * the documents store's; this is a view of its active tab. Type errors never
 * block a run (the same rule as `pfnlab run`, see cli/README.md); they are
 * listed with the run's own problems.
 */
import { defineStore } from 'pinia';
import { useDocumentsStore } from './documents';

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
    /** The active document's problems (the editor reports them for the model it shows). */
    problems: [] as Problem[],
  }),
  getters: {
    name: (): string => useDocumentsStore().active.name,
    source: (): string => useDocumentsStore().active.text,
    /** Bumped when another text shows in the editor (another tab, or a text opened into this one). */
    loadCount: (): number => useDocumentsStore().loadCount,
    errorCount: (s) => s.problems.filter((p) => p.severity === 'error').length,
    warningCount: (s) => s.problems.filter((p) => p.severity === 'warning').length,
  },
  actions: {
    setSource(text: string) {
      const docs = useDocumentsStore();
      docs.setText(docs.activeId, text);
    },
    setProblems(p: Problem[]) {
      // The same list again leaves the state alone: the editor re-reports its
      // markers whenever any marker changes (the run's own included), and a new
      // but equal array here would start a problems → markers → problems loop.
      if (sameProblems(this.problems, p)) return;
      this.problems = p;
    },
    /** Show a text (a tab of its own unless the active one has nothing to lose; the editor follows `loadCount`). */
    load(name: string, source: string) {
      useDocumentsStore().place({ name, text: source, handle: null, savedText: source });
    },
    /** Open a bundled scenario by file name; false when there is none. */
    openExample(name: string): boolean {
      return useDocumentsStore().openExample(name);
    },
  },
});
