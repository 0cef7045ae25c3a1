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
 * Token equality is JSON-text equality of the object: every value is a
 * typed token, arrays and objects are bracketed, and keys are either tokens
 * too (`keyed`: any JSON, writeJson) or, for the fixed-schema machine walk,
 * implied by the position (each object of that walk writes one fixed key
 * list, in one order; an optional member is written as a present or absent
 * token of its own).
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

// Token tags (values follow NUM, STR, KEY, U64 tags).
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
/** First token: which walk wrote the stream (a keyless machine stream never equals a keyed one). */
export const MODE_MACHINE = -100;
export const MODE_KEYED = -101;

/**
 * The token stream of one digest (reset before each). `keyed` streams
 * record keys; the machine walk's do not (see the header).
 */
export class DigestKey implements DigestWriter {
  // unfrozen: element stores into a typed array are slow under SES lockdown otherwise (base/typed.ts)
  tokens = unfrozen(new Float64Array(512));
  /** The tokens' bits (hashing), a view of the same buffer. */
  private words = new Uint32Array(this.tokens.buffer);
  n = 0;
  private keyed = false;
  /** Interned strings of this key's lifetime (one run): grows with the distinct strings seen. */
  private readonly ids = new Map<string, number>();

  reset(mode: typeof MODE_MACHINE | typeof MODE_KEYED): void {
    this.n = 0;
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
    this.push(T_OPEN);
  }
  close(): void {
    this.push(T_CLOSE);
  }
  list(): void {
    this.push(T_LIST);
  }
  end(): void {
    this.push(T_END);
  }
  key(k: string): void {
    if (!this.keyed) return;
    this.push(T_KEY);
    this.push(this.id(k));
  }
  num(v: number): void {
    if (!Number.isFinite(v)) {
      this.push(T_NULL);
      return;
    }
    this.push(T_NUM);
    this.push(v === 0 ? 0 : v); // -0 is "0" in JSON
  }
  str(v: string): void {
    this.push(T_STR);
    this.push(this.id(v));
  }
  bool(v: boolean): void {
    this.push(v ? T_TRUE : T_FALSE);
  }
  nil(): void {
    this.push(T_NULL);
  }
  u64(v: bigint): void {
    // a bigint's decimal string is a function of its value: the value itself is the token when exact
    const x = Number(v);
    if (x <= Number.MAX_SAFE_INTEGER && x >= -Number.MAX_SAFE_INTEGER) {
      this.push(T_U64);
      this.push(x);
    } else this.str(v.toString());
  }

  decimal(v: number): void {
    // the same token as u64 of the same value: both are the value's decimal string in the JSON
    if (Number.isSafeInteger(v)) {
      this.push(T_U64);
      this.push(v === 0 ? 0 : v);
    } else this.str(String(v));
  }

  hex(v: number): void {
    // its own tag: "10" from hex(16) is not "10" from decimal(10); one value, one text
    this.push(T_HEX);
    this.push(v);
  }

  /** FNV-1a of the tokens' bits. */
  hash(): number {
    const words = this.words;
    const n = 2 * this.n;
    let h = 2166136261;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ (words[i] as number), 16777619);
    return h >>> 0;
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
