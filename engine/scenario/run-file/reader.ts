/**
 * Field-by-field checks of untrusted parsed JSON, with the path of the
 * offending field in the error ("timeline.events[12].seq: expected an
 * integer, got string"). The path is a stack of keys pushed and popped while
 * walking, joined only when something is wrong, so checking 100 000 events
 * allocates no path strings.
 */
import { LabError } from '../../base/errno';
import type { Json } from '../facade/values';
import { RUN_FILE_LIMITS } from './format';

export type Obj = Record<string, unknown>;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

export class Reader {
  private readonly path: (string | number)[] = [];

  where(key?: string | number): string {
    const parts = key === undefined ? this.path : [...this.path, key];
    let s = '';
    for (const p of parts) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
    return s === '' ? '(top level)' : s;
  }

  fail(what: string, key?: string | number): never {
    throw new LabError('EINVAL', `${this.where(key)}: ${what}`);
  }

  /** Run `fn` with `key` on the path. */
  in<T>(key: string | number, fn: () => T): T {
    this.path.push(key);
    const r = fn();
    this.path.pop();
    return r;
  }

  obj(v: unknown, key?: string | number): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(`expected an object, got ${kindOf(v)}`, key);
    return v as Obj;
  }

  field(o: Obj, key: string): unknown {
    return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
  }

  num(o: Obj, key: string, min = -Infinity): number {
    const v = this.field(o, key);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`expected a number, got ${kindOf(v)}`, key);
    if (v < min) this.fail(`expected a number ≥ ${min}, got ${v}`, key);
    return v;
  }

  int(o: Obj, key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.field(o, key);
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      this.fail(`expected an integer, got ${kindOf(v)}`, key);
    if (v < min || v > max) this.fail(`expected an integer in ${min}..${max}, got ${v}`, key);
    return v;
  }

  str(o: Obj, key: string, max: number = RUN_FILE_LIMITS.string): string {
    return this.strValue(this.field(o, key), key, max);
  }

  strValue(v: unknown, key: string | number | undefined, max: number = RUN_FILE_LIMITS.string): string {
    if (typeof v !== 'string') this.fail(`expected a string, got ${kindOf(v)}`, key);
    if (v.length > max) this.fail(`string longer than ${max} characters`, key);
    return v;
  }

  bool(o: Obj, key: string): boolean {
    const v = this.field(o, key);
    if (typeof v !== 'boolean') this.fail(`expected a boolean, got ${kindOf(v)}`, key);
    return v;
  }

  oneOf<T extends string>(o: Obj, key: string, values: readonly T[]): T {
    const v = this.field(o, key);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
      this.fail(
        `expected one of ${values.join(', ')}, got ${typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : kindOf(v)}`,
        key,
      );
    return v as T;
  }

  /** An array at `o[key]` of at most `max` items, each read by `item` with its index on the path. */
  arr<T>(o: Obj, key: string, max: number, item: (v: unknown, i: number) => T): T[] {
    const v = this.field(o, key);
    return this.in(key, () => this.list(v, max, item));
  }

  list<T>(v: unknown, max: number, item: (v: unknown, i: number) => T): T[] {
    if (!Array.isArray(v)) this.fail(`expected an array, got ${kindOf(v)}`);
    if (v.length > max) this.fail(`more than ${max} items (${v.length})`);
    const out = new Array<T>(v.length);
    for (let i = 0; i < v.length; i++) {
      this.path.push(i);
      out[i] = item(v[i], i);
      this.path.pop();
    }
    return out;
  }

  /** A fixed-length array (a digest's runs: [start, last, tier]). */
  tuple(v: unknown, n: number): unknown[] {
    if (!Array.isArray(v) || v.length !== n)
      this.fail(
        `expected an array of ${n} items, got ${kindOf(v)}${Array.isArray(v) ? ` of ${v.length}` : ''}`,
      );
    return v;
  }

  intValue(v: unknown, key?: number, min = 0): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
      this.fail(`expected an integer ≥ ${min}, got ${kindOf(v) === 'number' ? v : kindOf(v)}`, key);
    return v;
  }

  /** Any JSON value (event arguments, results), depth-bounded, finite numbers, bounded strings. */
  json(v: unknown, depth = 0): Json {
    if (depth > RUN_FILE_LIMITS.jsonDepth) this.fail(`nested deeper than ${RUN_FILE_LIMITS.jsonDepth}`);
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) this.fail(`expected a finite number, got ${v}`);
      return v;
    }
    if (typeof v === 'string') return this.strValue(v, undefined);
    if (Array.isArray(v)) return this.list(v, RUN_FILE_LIMITS.items, (x) => this.json(x, depth + 1));
    if (typeof v === 'object') {
      const out: { [k: string]: Json } = {};
      for (const k of Object.keys(v as Obj)) {
        this.path.push(k);
        const x = this.json((v as Obj)[k], depth + 1);
        this.path.pop();
        Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return this.fail(`expected a JSON value, got ${kindOf(v)}`);
  }
}
