/**
 * The AppState the host needs (menus' enabled and checked states, the quit
 * prompt, the window title), computed from the stores and sent through
 * `app.setState` whenever it changes.
 */
import { watch } from 'vue';
import type { AppHost, AppState } from '../../electron/shared/app-host';
import { useDocumentsStore } from '../stores/documents';
import { useRunsStore } from '../stores/runs';
import { useSelectionStore } from '../stores/selection';
import { useSettingsStore } from '../stores/settings';

/** The documents' part of the state. */
export interface DocumentsState {
  dirtyDocuments: string[];
  activeDocument: string | null;
}

export function computeAppState(docs: DocumentsState): AppState {
  const runs = useRunsStore();
  const selection = useSelectionStore();
  const settings = useSettingsStore();
  void runs.version;
  const length = runs.data.length;
  const hasRun = runs.current !== null && length > 0;
  return {
    dirtyDocuments: docs.dirtyDocuments,
    activeDocument: docs.activeDocument,
    running: runs.running,
    hasRun,
    canStepBack: hasRun && selection.step > 0,
    canStepForward: hasRun && selection.step < length,
    theme: settings.theme,
  };
}

/** Send the state now and on every change (an equal state is not sent again). */
export function reportAppState(app: Pick<AppHost, 'setState'>, docs: () => DocumentsState): () => void {
  let sent = '';
  return watch(
    () => computeAppState(docs()),
    (s) => {
      const key = JSON.stringify(s);
      if (key === sent) return;
      sent = key;
      app.setState(s);
    },
    { immediate: true },
  );
}

/** The open documents (documents store): which are dirty, which is active. */
export function documentsState(): DocumentsState {
  const docs = useDocumentsStore();
  return { dirtyDocuments: [...docs.dirtyNames], activeDocument: docs.active?.name ?? null };
}
