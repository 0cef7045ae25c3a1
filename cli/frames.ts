/**
 * A run error's scenario stack frames as the CLI prints them under the
 * error line, innermost first: `    at fn (FILE:L:C)`, `    at FILE:L:C` at
 * the top level. Nothing when the only frame is the position already shown.
 */
import type { RunError } from '../engine/scenario/runner';

export function formatFrames(error: RunError, fileName: string): string {
  const frames = error.frames ?? [];
  const only = frames[0];
  if (!only) return '';
  if (frames.length === 1 && only.line === error.line && only.column === error.column) return '';
  return frames
    .map((f) => {
      const where = `${fileName}:${f.line}:${f.column}`;
      return f.fn ? `    at ${f.fn} (${where})\n` : `    at ${where}\n`;
    })
    .join('');
}
