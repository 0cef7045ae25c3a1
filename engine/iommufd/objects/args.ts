/**
 * Argument validation for the iommufd objects (the ioctl structs' field
 * checks). Every public method validates all of its arguments with these
 * helpers BEFORE touching any state, and every failure names the argument.
 *
 * U64 = number | bigint: a number must be a non-negative safe integer, a
 * bigint must lie in [0, 2^64-1]; anything else → EINVAL.
 */
import { fail, U64_MAX } from '../../base';

export type U64 = number | bigint;

export function describeValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number') return String(v);
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** A U64 argument as a bigint. */
export function u64Arg(v: unknown, name: string): bigint {
  if (typeof v === 'bigint') {
    if (v < 0n || v > U64_MAX) fail('EINVAL', `${name} must be in [0, 2^64-1], got ${describeValue(v)}`);
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0)
      fail('EINVAL', `${name} must be a non-negative safe integer or a bigint, got ${describeValue(v)}`);
    return BigInt(v);
  }
  return fail('EINVAL', `${name} must be a number or a bigint, got ${describeValue(v)}`);
}

/** A user virtual address or a byte count passed as a plain number. */
export function uintArg(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    fail('EINVAL', `${name} must be a non-negative safe integer, got ${describeValue(v)}`);
  return v;
}

export function boolArg(v: unknown, name: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail('EINVAL', `${name} must be a boolean, got ${describeValue(v)}`);
  return v;
}

/** An options bag: undefined → {}, anything but a plain object → EINVAL. */
export function optsArg(v: unknown, name: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    fail('EINVAL', `${name} must be an object, got ${describeValue(v)}`);
  return v as Record<string, unknown>;
}

/** One of a fixed set of strings. */
export function enumArg<T extends string>(v: unknown, name: string, values: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    fail(
      'EINVAL',
      `${name} must be one of ${values.map((x) => `'${x}'`).join(', ')}, got ${describeValue(v)}`,
    );
  return v as T;
}

/** An option name such as 'RLIMIT_MODE'. */
export function optionNameArg<T extends string>(v: unknown, expected: T): T {
  if (v !== expected) fail('EINVAL', `option name must be '${expected}', got ${describeValue(v)}`);
  return expected;
}

/** An option value: a non-negative safe integer (val64). */
export function optionValueArg(v: unknown, name: string): number {
  if (typeof v === 'bigint') {
    if (v < 0n || v > U64_MAX) fail('EINVAL', `${name} must be in [0, 2^64-1], got ${describeValue(v)}`);
    return v > 2n ** 52n ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  return uintArg(v, name);
}
