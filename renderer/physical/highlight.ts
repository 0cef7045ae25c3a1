/**
 * Which frames the physical view highlights: the frames behind one pages
 * object (by PagesKey), optionally only its indexes [start, end) — what an
 * IOAS area slices. The physical view's select writes it; the IOAS view
 * writes it when an area is clicked (then shows the physical tab).
 */
import { defineStore } from 'pinia';
import type { PagesKey } from '../../engine/base/inspect-types';

export const usePhysHighlightStore = defineStore('physHighlight', {
  state: () => ({
    /** '' = nothing highlighted. */
    key: '' as PagesKey,
    /** Page index range inside the pages object; -1 = the whole object. */
    start: -1,
    end: -1,
    /** How the choice reads when it is an area slice ('' for a whole pages object). */
    label: '',
  }),
  actions: {
    set(key: PagesKey, range?: { start: number; end: number; label: string }): void {
      this.key = key;
      this.start = range?.start ?? -1;
      this.end = range?.end ?? -1;
      this.label = range?.label ?? '';
    },
    clear(): void {
      this.set('');
    },
  },
});
