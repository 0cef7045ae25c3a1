/**
 * localStorage for settings-like state, never fatal: no storage (privacy
 * mode, tests), a quota error or a stored text that is not a JSON object all
 * fall back to the caller's defaults.
 */

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The stored text under `key`, or null. */
export function loadText(key: string): string | null {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Store `value` as JSON under `key`; on failure it is kept for this session only. */
export function saveJson(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // quota or privacy mode
  }
}

/** A stored text as a plain record, or null when it is absent, not JSON or not an object. */
export function parseRecord(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : null;
}
