/**
 * Values crossing the facade. In: scenario arguments are copied into plain
 * data before the engine sees them (getters and proxies run now, never in the
 * middle of an engine operation), facades are swapped for the engine objects
 * they stand for, and anything else that is not plain data is EINVAL. Out:
 * engine results are copied, so no engine reference reaches the scenario.
 * And JSON-safe summaries for the timeline.
 */
import { LabError } from '../../base/errno';

/** Facade ↔ engine object bookkeeping of one run. */
export class Registry {
  private readonly toEngine = new WeakMap<object, object>();
  private readonly labels = new WeakMap<object, string>();
  private readonly toFacade = new WeakMap<object, object>();

  /** The one facade of `engine`, made (and hardened) on first use. */
  wrap<F extends object>(engine: object, label: string, make: () => F): F {
    const known = this.toFacade.get(engine);
    if (known !== undefined) return known as F;
    return this.add(harden(make()), engine, label);
  }

  add<F extends object>(facade: F, engine: object, label: string): F {
    this.toFacade.set(engine, facade);
    this.toEngine.set(facade, engine);
    this.labels.set(facade, label);
    this.labels.set(engine, label);
    return facade;
  }

  /** Throws EINVAL unless `v` is an engine object that one of this run's facades stands for. */
  requireEngine(v: unknown, where: string, what: string): void {
    if (typeof v !== 'object' || v === null || !this.toFacade.has(v)) {
      throw new LabError('EINVAL', `${where} must be ${what} of this run`);
    }
  }

  engineOf(v: object): object | undefined {
    return this.toEngine.get(v);
  }

  isFacade(v: unknown): boolean {
    return typeof v === 'object' && v !== null && this.toEngine.has(v);
  }

  label(v: object): string | undefined {
    return this.labels.get(v);
  }
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const MAX_DEPTH = 6;
const MAX_ITEMS = 32;
const MAX_STRING = 200;

function isPlainObject(v: object): boolean {
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** A scenario argument as engine input. `where` names it in errors. */
export function copyIn(v: unknown, reg: Registry, where: string, depth = 0): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol') {
      throw new LabError('EINVAL', `${where} must not be a ${typeof v}`);
    }
    return v;
  }
  const engine = reg.engineOf(v);
  if (engine !== undefined) return engine;
  if (depth >= MAX_DEPTH) throw new LabError('EINVAL', `${where} is nested too deeply`);
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(copyIn(v[i], reg, `${where}[${i}]`, depth + 1));
    return out;
  }
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (k === 'process' && x !== undefined) out[k] = facadeIn(x, reg, `${where}.process`, 'a Process');
      else out[k] = copyIn(x, reg, `${where}.${k}`, depth + 1);
    }
    return out;
  }
  throw new LabError('EINVAL', `${where}: unknown object (not a lab object of this run, nor plain data)`);
}

/** An argument that must be one of this run's lab objects (a Process, an Ioas). */
export function facadeIn(v: unknown, reg: Registry, where: string, what: string): object {
  const engine = typeof v === 'object' && v !== null ? reg.engineOf(v) : undefined;
  if (engine === undefined) throw new LabError('EINVAL', `${where} must be ${what} of this run`);
  return engine;
}

/** An engine result as scenario data: a deep copy without engine references. */
export function copyOut(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'function' ? undefined : v;
  if (depth >= MAX_DEPTH) return undefined;
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map((x) => copyOut(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copyOut((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

export interface JsonLimits {
  depth: number;
  items: number;
  string: number;
}

/** Limits for arguments and results on the timeline. */
export const SUMMARY: JsonLimits = { depth: MAX_DEPTH, items: MAX_ITEMS, string: MAX_STRING };
/** No truncation (state digests). */
export const FULL: JsonLimits = { depth: 64, items: Infinity, string: Infinity };

/** A compact JSON-safe summary: bigints as "123n", byte arrays as "Uint8Array(n)". */
export function jsonSafe(v: unknown, reg?: Registry, lim: JsonLimits = SUMMARY, depth = 0): Json {
  switch (typeof v) {
    case 'undefined':
      return null;
    case 'bigint': {
      // a safe integer's decimal text is its number's (V8 caches those); a bigint's costs a conversion per call
      const x = Number(v);
      return Number.isSafeInteger(x) ? `${x}n` : `${v}n`;
    }
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'boolean':
      return v;
    case 'string':
      return v.length > lim.string ? `${v.slice(0, lim.string)}…` : v;
    case 'function':
      return 'function';
    case 'symbol':
      return 'symbol';
    default:
      break;
  }
  if (v === null) return null;
  const o = v as object;
  const label = reg?.label(o);
  if (label !== undefined) return label;
  if (o instanceof Uint8Array) return `Uint8Array(${o.length})`;
  if (depth >= lim.depth) return '…';
  if (Array.isArray(o)) {
    const items = o.slice(0, lim.items).map((x) => jsonSafe(x, reg, lim, depth + 1));
    if (o.length > lim.items) items.push(`…(+${o.length - lim.items})`);
    return items;
  }
  const out: { [k: string]: Json } = {};
  for (const k of Object.keys(o)) {
    const x = (o as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = jsonSafe(x, reg, lim, depth + 1);
  }
  return out;
}

/** One log value as text (never throws, never runs scenario code twice). */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) {
    const errno = (v as { errno?: unknown }).errno;
    return `${typeof errno === 'string' ? `${errno}: ` : `${v.name}: `}${v.message}`;
  }
  try {
    const j = jsonSafe(v);
    return typeof j === 'string' ? j : JSON.stringify(j);
  } catch (e) {
    return `<unprintable: ${e instanceof Error ? e.message : 'error'}>`;
  }
}
