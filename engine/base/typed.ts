/**
 * Typed arrays that keep their store speed under SES lockdown. V8 (Node 20's
 * at least) turns every element store into a typed array into a slow runtime
 * path, 10-30x slower, as soon as an object on the array's prototype chain is
 * frozen — and lockdown freezes them all (endojs/endo#1563). Reads are not
 * affected. `unfrozen(a)` gives `a` a prototype of its own: a copy, rooted at
 * null and never frozen, of its class's prototype chain (methods, `length`,
 * `constructor`), so stores stay fast and every method still works; only
 * `instanceof` no longer sees the class. Outside lockdown it does nothing.
 * For engine-private arrays only: the copies are mutable, so such an array
 * must never reach a scenario (the facade copies values out).
 */
type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array | Float32Array;

const copies = new Map<object, object>();

function copyOf(proto: object): object {
  const known = copies.get(proto);
  if (known !== undefined) return known;
  const copy = Object.create(null) as object;
  for (let o: object | null = proto; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Reflect.ownKeys(o)) {
      if (k === '__proto__' || Object.prototype.hasOwnProperty.call(copy, k)) continue;
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d !== undefined) Object.defineProperty(copy, k, { ...d, configurable: true });
    }
  }
  copies.set(proto, copy);
  return copy;
}

export function unfrozen<T extends Typed>(a: T): T {
  const proto = Object.getPrototypeOf(a) as object;
  if (Object.isFrozen(proto)) Object.setPrototypeOf(a, copyOf(proto));
  return a;
}
