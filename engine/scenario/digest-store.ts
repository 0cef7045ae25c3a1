/**
 * State digests of a run, deduplicated: a digest is stored once and events
 * refer to it by index, so a run whose state repeats (map/unmap loops) or
 * does not change (queries) costs one index per event. Equality is decided on
 * the digest's canonical JSON text.
 */
import { FULL, jsonSafe, type Json } from './facade/values';

export class DigestStore {
  private readonly index = new Map<string, number>();
  readonly digests: Json[] = [];
  /** Serialized bytes of the stored digests (JSON text length). */
  bytes = 0;

  /** Index of `digest`, storing it if it is new. */
  add(digest: unknown): number {
    const text = DigestStore.text(digest);
    const known = this.index.get(text);
    if (known !== undefined) return known;
    const i = this.digests.length;
    this.digests.push(JSON.parse(text) as Json);
    this.index.set(text, i);
    this.bytes += text.length;
    return i;
  }

  /** Canonical text of a digest, to compare states (failnth). */
  static text(digest: unknown): string {
    // a machine digest is plain JSON data already: its text without the JSON-safe copy
    if (isPlainJson(digest, 0)) return JSON.stringify(digest);
    return JSON.stringify(jsonSafe(digest, undefined, FULL));
  }
}

/**
 * Whether JSON.stringify(v) is JSON.stringify(jsonSafe(v, FULL)): only
 * null, booleans, finite numbers, strings, arrays and plain objects without
 * undefined members (and no toJSON), not deeper than FULL's depth. A walk
 * without allocation; anything else takes the jsonSafe path.
 */
function isPlainJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (depth >= FULL.depth) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  const o = v as Record<string, unknown>;
  if ('toJSON' in o) return false;
  for (const k in o) if (!isPlainJson(o[k], depth + 1)) return false;
  return true;
}
