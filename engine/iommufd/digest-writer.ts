/**
 * Writers of a MachineDigest. The digest is emitted once, as a stream of
 * values (digest.ts: writeMachineDigest), into either writer:
 * - `ObjectWriter` builds the JSON object (what the timeline stores and the
 *   app reads);
 * - `DigestKey` records the same stream as numeric tokens in a reused
 *   Float64Array (strings interned to ids), no allocation per value: the
 *   digest's identity, compared and hashed without building or serialising
 *   the object (scenario/digest-store.ts dedups on it).
 *
 * Token equality is JSON-text equality of the object. A keyed stream
 * (`keyed`: any JSON, writeJson) tags every value and brackets arrays and
 * objects, keys as tokens too. The fixed-schema machine walk writes values
 * only, their meaning implied by the position (each object of that walk
 * writes one fixed key list, in one order, each member always of one type),
 * and frames each list by its length (DigestKey).
 */

import { unfrozen } from '../base/typed';

/** What the digest walk writes into. Keys precede each member of an object. */
export interface DigestWriter {
  /** Start / end an object. */
  open(): void;
  close(): void;
  /** Start / end an array. */
  list(): void;
  end(): void;
  key(k: string): void;
  num(v: number): void;
  str(v: string): void;
  bool(v: boolean): void;
  nil(): void;
  /** A bigint, written into the JSON as its decimal string. */
  u64(v: bigint): void;
  /** A safe integer, written into the JSON as its decimal string. */
  decimal(v: number): void;
  /** A non-negative safe integer, written into the JSON as its hexadecimal string (no prefix). */
  hex(v: number): void;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

type Container = JsonValue[] | { [k: string]: JsonValue };

/** Builds the JSON object of the stream (result). */
export class ObjectWriter implements DigestWriter {
  result: JsonValue = null;
  private readonly stack: Container[] = [];
  private readonly isList: boolean[] = [];
  private pending = '';

  private put(v: JsonValue): void {
    const n = this.stack.length;
    if (n === 0) this.result = v;
    else if (this.isList[n - 1] === true) (this.stack[n - 1] as JsonValue[]).push(v);
    else (this.stack[n - 1] as { [k: string]: JsonValue })[this.pending] = v;
  }

  open(): void {
    const o: { [k: string]: JsonValue } = {};
    this.put(o);
    this.stack.push(o);
    this.isList.push(false);
  }
  close(): void {
    this.stack.pop();
    this.isList.pop();
  }
  list(): void {
    const a: JsonValue[] = [];
    this.put(a);
    this.stack.push(a);
    this.isList.push(true);
  }
  end(): void {
    this.close();
  }
  key(k: string): void {
    this.pending = k;
  }
  num(v: number): void {
    // JSON has no NaN / Infinity: JSON.stringify writes them as null
    this.put(Number.isFinite(v) ? v : null);
  }
  str(v: string): void {
    this.put(v);
  }
  bool(v: boolean): void {
    this.put(v);
  }
  nil(): void {
    this.put(null);
  }
  u64(v: bigint): void {
    this.put(v.toString());
  }
  decimal(v: number): void {
    this.put(String(v));
  }
  hex(v: number): void {
    this.put(v.toString(16));
  }
}

/** Token i's two 32-bit halves folded into one word (hash). */
function tokenWord(words: Uint32Array, i: number): number {
  return (words[2 * i] as number) ^ Math.imul(words[2 * i + 1] as number, 0x85ebca6b);
}

// Token tags of keyed streams (values follow NUM, STR, KEY, U64 tags).
const T_OPEN = -1;
const T_CLOSE = -2;
const T_LIST = -3;
const T_END = -4;
const T_NUM = -5;
const T_STR = -6;
const T_TRUE = -7;
const T_FALSE = -8;
const T_NULL = -9;
const T_KEY = -10;
const T_U64 = -11;
const T_HEX = -12;
/** u64(2^64 - 1), the last IOVA: every reserved range up to the top ends with it (its decimal string is slow to make). */
const T_U64_MAX = -13;
const U64_MAX = (1n << 64n) - 1n;
/** First token: which walk wrote the stream (a keyless machine stream never equals a keyed one). */
export const MODE_MACHINE = -100;
export const MODE_KEYED = -101;

/**
 * The token stream of one digest (reset before each).
 *
 * A keyed stream (writeJson of any JSON) tags every value and records keys
 * and brackets. The machine walk's stream is positional: its schema is
 * fixed (each object one key list in one order, each position one type), so
 * a value is its token alone and objects write nothing; only lists are
 * framed, by one token holding the list's token count (written at `end`).
 * Values by position type: num, hex — the number (-0 as 0), a non-finite
 * one or nil() as Infinity (both are null in the JSON; nil stands only where
 * a num could); bool — 1 or 0; str — its interned id; u64, decimal — a safe
 * non-negative integer as itself, 2^64 - 1 as -1, anything else as
 * -2 - (the id of its decimal string). Half the tokens of the tagged form,
 * so half the work to write, hash and compare.
 */
export class DigestKey implements DigestWriter {
  // unfrozen: element stores into a typed array are slow under SES lockdown otherwise (base/typed.ts)
  tokens = unfrozen(new Float64Array(512));
  /** The tokens' bits (hashing), a view of the same buffer. */
  private words = new Uint32Array(this.tokens.buffer);
  n = 0;
  private keyed = false;
  /** Machine streams: indexes of the open lists' count tokens (lists[0..depth)). */
  private lists = unfrozen(new Int32Array(32));
  private depth = 0;
  /** Interned strings of this key's lifetime (one run): grows with the distinct strings seen. */
  private readonly ids = new Map<string, number>();

  reset(mode: typeof MODE_MACHINE | typeof MODE_KEYED): void {
    this.n = 0;
    this.depth = 0;
    this.keyed = mode === MODE_KEYED;
    this.push(mode);
  }

  private push(x: number): void {
    if (this.n === this.tokens.length) {
      const t = unfrozen(new Float64Array(this.tokens.length * 2));
      t.set(this.tokens);
      this.tokens = t;
      this.words = new Uint32Array(t.buffer);
    }
    this.tokens[this.n++] = x;
  }

  private id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(s, i);
    }
    return i;
  }

  open(): void {
    if (this.keyed) this.push(T_OPEN);
  }
  close(): void {
    if (this.keyed) this.push(T_CLOSE);
  }
  list(): void {
    if (this.keyed) {
      this.push(T_LIST);
      return;
    }
    if (this.depth === this.lists.length) {
      const l = unfrozen(new Int32Array(2 * this.depth));
      l.set(this.lists);
      this.lists = l;
    }
    this.lists[this.depth++] = this.n;
    this.push(0);
  }
  end(): void {
    if (this.keyed) {
      this.push(T_END);
      return;
    }
    const at = this.lists[--this.depth] as number;
    this.tokens[at] = this.n - at;
  }
  key(k: string): void {
    if (!this.keyed) return;
    this.push(T_KEY);
    this.push(this.id(k));
  }
  num(v: number): void {
    if (!Number.isFinite(v)) {
      this.push(this.keyed ? T_NULL : Infinity);
      return;
    }
    if (this.keyed) this.push(T_NUM);
    this.push(v === 0 ? 0 : v); // -0 is "0" in JSON
  }
  str(v: string): void {
    if (this.keyed) this.push(T_STR);
    this.push(this.id(v));
  }
  bool(v: boolean): void {
    if (this.keyed) this.push(v ? T_TRUE : T_FALSE);
    else this.push(v ? 1 : 0);
  }
  nil(): void {
    this.push(this.keyed ? T_NULL : Infinity);
  }
  u64(v: bigint): void {
    // a bigint's decimal string is a function of its value: the value itself is the token when exact
    const x = Number(v);
    if (x > Number.MAX_SAFE_INTEGER && v === U64_MAX) {
      this.push(this.keyed ? T_U64_MAX : -1);
      return;
    }
    if (this.keyed) {
      if (x <= Number.MAX_SAFE_INTEGER && x >= -Number.MAX_SAFE_INTEGER) {
        this.push(T_U64);
        this.push(x);
      } else this.str(v.toString());
    } else if (x >= 0 && x <= Number.MAX_SAFE_INTEGER) this.push(x === 0 ? 0 : x);
    else this.push(-2 - this.id(v.toString()));
  }

  decimal(v: number): void {
    // the same token as u64 of the same value: both are the value's decimal string in the JSON
    if (this.keyed) {
      if (Number.isSafeInteger(v)) {
        this.push(T_U64);
        this.push(v === 0 ? 0 : v);
      } else this.str(String(v));
    } else if (v >= 0 && Number.isSafeInteger(v)) this.push(v === 0 ? 0 : v);
    else this.push(-2 - this.id(String(v)));
  }

  hex(v: number): void {
    // keyed: its own tag ("10" from hex(16) is not "10" from decimal(10)); machine: its position says hex
    if (this.keyed) this.push(T_HEX);
    this.push(v);
  }

  /**
   * A hash of the tokens (collisions only cost an equals): FNV-1a steps over
   * each token's two 32-bit halves folded into one word, in two interleaved
   * lanes so that the multiply chains overlap (one chain of 2n steps was
   * most of the cost of finding a digest).
   */
  hash(): number {
    const words = this.words;
    const n = this.n;
    let a = 2166136261;
    let b = 0x9e3779b9;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      a = Math.imul(a ^ tokenWord(words, i), 16777619);
      b = Math.imul(b ^ tokenWord(words, i + 1), 16777619);
    }
    if (i < n) a = Math.imul(a ^ tokenWord(words, i), 16777619);
    return (Math.imul(a ^ (b >>> 15), 0x27d4eb2d) ^ b) >>> 0;
  }

  /** Whether `stored` (a copy) holds exactly the current tokens. */
  equals(stored: Float64Array): boolean {
    if (stored.length !== this.n) return false;
    const t = this.tokens;
    for (let i = 0; i < this.n; i++) if (stored[i] !== t[i]) return false;
    return true;
  }

  copy(): Float64Array {
    return this.tokens.slice(0, this.n);
  }
}

/**
 * Any plain JSON value (null, booleans, finite numbers, strings, arrays,
 * plain objects; no undefined members) into a writer, keys included.
 */
export function writeJson(v: unknown, w: DigestWriter): void {
  switch (typeof v) {
    case 'number':
      w.num(v);
      return;
    case 'string':
      w.str(v);
      return;
    case 'boolean':
      w.bool(v);
      return;
    default:
      break;
  }
  if (v === null || typeof v !== 'object') {
    w.nil();
    return;
  }
  if (Array.isArray(v)) {
    w.list();
    for (let i = 0; i < v.length; i++) writeJson(v[i], w);
    w.end();
    return;
  }
  w.open();
  const o = v as Record<string, unknown>;
  for (const k in o) {
    w.key(k);
    writeJson(o[k], w);
  }
  w.close();
}
