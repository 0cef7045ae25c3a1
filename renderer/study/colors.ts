/**
 * One colour per strategy, from the shared Okabe–Ito palette (theme/palette.ts
 * AREA_COLORS: the same in both themes, read at draw time). A strategy the
 * list does not know (a later one) takes the next free colour.
 */
import { AREA_COLORS } from '../theme/palette';

const KNOWN: Record<string, number> = { iommufd: 0, 'iommufd+batch-api': 1, naive: 4, 'vfio-type1': 5 };
const SPARE = [3, 2];

export function strategyColor(strategy: string, order: readonly string[]): string {
  const k = KNOWN[strategy];
  if (k !== undefined) return AREA_COLORS[k] as string;
  const unknown = order.filter((s) => KNOWN[s] === undefined);
  const i = Math.max(0, unknown.indexOf(strategy));
  return AREA_COLORS[SPARE[i % SPARE.length] as number] as string;
}
