/** The saved-run badge's text and tooltip. */
import { ENGINE_VERSION } from '../../engine/version';
import type { SavedRunInfo } from './saved-run';

function when(iso: string): string {
  const d = new Date(iso);
  if (!Number.isFinite(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** What comes after the file name: the strategy (when not the default), when and by which engine it ran. */
export function badgeMeta(s: SavedRunInfo): string {
  const strategy = s.strategy === undefined ? '' : ` · strategy ${s.strategy}`;
  return `${strategy} · ran ${when(s.ranAt)} · engine ${s.engine}`;
}

export function badgeText(s: SavedRunInfo): string {
  return `saved run ${s.name}${badgeMeta(s)}`;
}

export function badgeTitle(
  s: SavedRunInfo,
  flags: { otherEngine: boolean; replayDiffers: boolean },
  thisEngine: string = ENGINE_VERSION,
): string {
  const lines = [
    `Shown from ${s.name}, as it ran on ${new Date(s.ranAt).toString()} (engine ${s.engine}); nothing was run.`,
  ];
  if (s.strategy !== undefined)
    lines.push(`Ran under storage strategy '${s.strategy}' (pfnlab run --strategy); replays use it too.`);
  if (flags.otherEngine)
    lines.push(
      `Made by engine ${s.engine}; this is ${thisEngine}: physical memory and page detail are replayed by this engine and may differ.`,
    );
  if (flags.replayDiffers)
    lines.push(
      "This engine's replay did not reach the state the file recorded: physical memory and page detail may differ.",
    );
  return lines.join('\n');
}
