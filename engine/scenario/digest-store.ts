/**
 * State digests of a run, deduplicated: a digest is stored once and events
 * refer to it by index, so a run whose state repeats (map/unmap loops) or
 * does not change (queries) costs one index per event. Two digests are the
 * same when their canonical JSON texts are equal; that is decided on the
 * digest's token stream (engine/iommufd/digest-writer.ts: equal tokens ⇔
 * equal JSON text), hashed and compared without serialising: after every
 * event the machine writes its digest as tokens (`addFrom`), and only a
 * state not seen before is built as an object and stored.
 */
import { DigestKey, MODE_KEYED, writeJson } from '../iommufd/digest-writer';
import { FULL, jsonSafe, type Json } from './facade/values';

/** What addFrom reads: a digest, and (optional) its token stream without the object. */
export interface DigestSource {
  digest(): unknown;
  digestKey?(key: DigestKey): void;
}

export class DigestStore {
  readonly digests: Json[] = [];
  /** Serialized bytes of the stored digests (JSON text length). */
  bytes = 0;
  /** Token hash → first digest index with it; `next` chains digests of one hash. */
  private readonly first = new Map<number, number>();
  private readonly next: number[] = [];
  private readonly tokens: Float64Array[] = [];
  private readonly key = new DigestKey();

  /** Index of the digest of `source`'s current state, storing it if it is new. */
  addFrom(source: DigestSource): number {
    if (source.digestKey === undefined) return this.add(source.digest());
    source.digestKey(this.key);
    const i = this.find();
    return i >= 0 ? i : this.store(source.digest());
  }

  /** Index of `digest`, storing it if it is new. */
  add(digest: unknown): number {
    const plain = isPlainJson(digest, 0) ? digest : jsonSafe(digest, undefined, FULL);
    this.key.reset(MODE_KEYED);
    writeJson(plain, this.key);
    const i = this.find();
    return i >= 0 ? i : this.store(plain);
  }

  /** The stored digest whose tokens are the key's, or -1. */
  private find(): number {
    let i = this.first.get(this.key.hash()) ?? -1;
    while (i >= 0 && !this.key.equals(this.tokens[i] as Float64Array)) i = this.next[i] as number;
    return i;
  }

  /** Store `digest` (plain JSON data) under the key's tokens: a copy, the caller keeps its object. */
  private store(digest: unknown): number {
    const text = JSON.stringify(digest);
    const i = this.digests.length;
    this.digests.push(JSON.parse(text) as Json);
    this.tokens.push(this.key.copy());
    const h = this.key.hash();
    this.next.push(this.first.get(h) ?? -1);
    this.first.set(h, i);
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
