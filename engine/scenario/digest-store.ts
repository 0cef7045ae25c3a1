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
    const json = jsonSafe(digest, undefined, FULL);
    const text = JSON.stringify(json);
    const known = this.index.get(text);
    if (known !== undefined) return known;
    const i = this.digests.length;
    this.digests.push(json);
    this.index.set(text, i);
    this.bytes += text.length;
    return i;
  }

  /** Canonical text of a digest, to compare states (failnth). */
  static text(digest: unknown): string {
    return JSON.stringify(jsonSafe(digest, undefined, FULL));
  }
}
