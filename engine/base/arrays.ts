/**
 * Arrays built by push. Under SES lockdown (the scenario runtime) V8 takes a
 * slow path, 10-35x, for a spread into an array literal, Array.from and an
 * array grown by stores past its end, because Array.prototype is frozen;
 * push and slice keep their speed. The engine's hot folders may not use the
 * slow forms (an ESLint rule, eslint.config.js); these are the replacements
 * for iterables, fills and stores that may grow an array.
 */

/** The elements of an iterable (a Set, a Map's keys / values / entries, a typed array), in order. */
export function toArray<T>(items: Iterable<T>): T[] {
  const out: T[] = [];
  for (const x of items) out.push(x);
  return out;
}

/** A map's number keys, ascending. */
export function sortedKeys(m: ReadonlyMap<number, unknown>): number[] {
  return toArray(m.keys()).sort((a, b) => a - b);
}

/** a[i] = v for i <= a.length: by push when it grows the array (a store past the end is the slow path). */
export function storeAt<T>(a: T[], i: number, v: T): void {
  if (i === a.length) a.push(v);
  else a[i] = v;
}

/** n copies of v. */
export function filled<T>(n: number, v: T): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(v);
  return out;
}
