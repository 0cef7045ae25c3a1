/**
 * Runs commands from the two sources, the keyboard and the host (desktop
 * menus). In the desktop app a menu accelerator may reach both the page and
 * the menu (which one sees it first depends on the platform): the same
 * command from the other source within DEDUPE_MS counts once. Repeats from
 * one source (a held Alt+Right) all run.
 */
import type { CommandId } from '../../electron/shared/commands';
import { isEnabled, type CommandHandlers } from './handlers';

export type CommandSource = 'key' | 'host';

export const DEDUPE_MS = 400;

export interface Dispatcher {
  /** Run a command; false when it is disabled now or a duplicate. */
  run(id: CommandId, source: CommandSource): boolean;
  enabled(id: CommandId): boolean;
}

export function createDispatcher(
  handlers: CommandHandlers,
  now: () => number = () => performance.now(),
  onError: (id: CommandId, e: unknown) => void = (id, e) => console.error(`command ${id} failed`, e),
): Dispatcher {
  let last: { id: CommandId; source: CommandSource; at: number } | null = null;
  return {
    enabled: (id) => isEnabled(handlers[id]),
    run(id, source) {
      const t = now();
      if (last && last.id === id && last.source !== source && t - last.at < DEDUPE_MS) {
        last = null;
        return false;
      }
      last = { id, source, at: t };
      const h = handlers[id];
      if (!isEnabled(h)) return false;
      try {
        const r = h.run();
        if (r instanceof Promise) r.catch((e: unknown) => onError(id, e));
      } catch (e) {
        onError(id, e);
      }
      return true;
    },
  };
}
