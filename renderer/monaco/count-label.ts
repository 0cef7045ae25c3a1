/** `×256`, `×12.3k`, `×1.2M`: how many events a line produced, as the editor shows it after the line. */
export function countLabel(n: number): string {
  if (n < 10_000) return `×${n}`;
  if (n < 1_000_000) return `×${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `×${(n / 1_000_000).toFixed(1)}M`;
}
