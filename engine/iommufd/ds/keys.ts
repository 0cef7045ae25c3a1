/**
 * Arithmetic on interval keys that may be numbers (page indexes) or bigints
 * (IOVAs). Callers guarantee no overflow at the top of the u64 space: the
 * iterators only compute `x + 1` for x below the range's last.
 */
export function keyInc<K extends number | bigint>(k: K): K {
  return (typeof k === 'bigint' ? k + 1n : (k as number) + 1) as K;
}

export function keyDec<K extends number | bigint>(k: K): K {
  return (typeof k === 'bigint' ? k - 1n : (k as number) - 1) as K;
}

export function keyMin<K extends number | bigint>(a: K, b: K): K {
  return a < b ? a : b;
}

export function keyMax<K extends number | bigint>(a: K, b: K): K {
  return a > b ? a : b;
}
