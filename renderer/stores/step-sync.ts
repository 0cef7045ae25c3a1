/**
 * Glue between the stores, installed once by the app shell: a run that grows
 * moves the followed step; a new run resets the selection; the selected step
 * (or a live frame) refreshes the inspect answers, one request in flight at
 * a time and the newest step last (playback and scrubbing send no backlog).
 */
import { watch } from 'vue';
import { useInspectStore } from './inspect';
import { useRunsStore } from './runs';
import { useSelectionStore } from './selection';

export function installStepSync(): () => void {
  const runs = useRunsStore();
  const sel = useSelectionStore();
  const inspect = useInspectStore();
  let inFlight = false;
  let again = false;

  const refresh = async (): Promise<void> => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      do {
        again = false;
        await inspect.refresh();
      } while (again);
    } finally {
      inFlight = false;
    }
  };

  const stops = [
    watch(
      () => runs.current?.id,
      () => {
        sel.runStarted();
        void refresh();
      },
    ),
    watch(
      () => runs.version,
      () => {
        sel.runAdvanced();
        if (runs.running) void refresh();
      },
    ),
    watch(
      () => [sel.step, runs.status, runs.current?.runId] as const,
      () => void refresh(),
    ),
  ];
  return () => stops.forEach((s) => s());
}
