/**
 * Electron accelerator strings ("CmdOrCtrl+Shift+O", "Alt+Left", "Shift+/")
 * parsed into a key and modifiers, matched against keyboard events and
 * formatted for the platform. Pure: no DOM, no stores (tested alone).
 *
 * Matching uses `KeyboardEvent.code` for letters and digits (Alt+N on macOS
 * types "ñ", Shift+1 types "!": the physical key is what an accelerator
 * names) and `key` for the rest; a shifted punctuation key also matches its
 * US-layout character ("Shift+/" is the `?` key).
 */
export type Platform = 'mac' | 'other';

export interface Accelerator {
  /** Canonical key name: 'A'..'Z', '0'..'9', 'F1'.., 'Enter', 'Left', '/', '.' … */
  key: string;
  ctrl: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

/** The fields of a KeyboardEvent that matching reads. */
export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const KEY_ALIASES: Readonly<Record<string, string>> = {
  return: 'Enter',
  enter: 'Enter',
  esc: 'Escape',
  escape: 'Escape',
  left: 'Left',
  right: 'Right',
  up: 'Up',
  down: 'Down',
  space: 'Space',
  tab: 'Tab',
  backspace: 'Backspace',
  delete: 'Delete',
  insert: 'Insert',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  plus: '+',
};

/** `KeyboardEvent.key` of the named keys (canonical name → key). */
const EVENT_KEYS: Readonly<Record<string, string>> = {
  Left: 'ArrowLeft',
  Right: 'ArrowRight',
  Up: 'ArrowUp',
  Down: 'ArrowDown',
  Space: ' ',
};

/** US layout: the character Shift gives on a punctuation key. */
const SHIFTED: Readonly<Record<string, string>> = {
  '/': '?',
  '.': '>',
  ',': '<',
  ';': ':',
  "'": '"',
  '[': '{',
  ']': '}',
  '\\': '|',
  '-': '_',
  '=': '+',
  '`': '~',
};

/** Parse an Electron accelerator; null when it is not one (unknown modifier, no key, two keys). */
export function parseAccelerator(text: string, platform: Platform): Accelerator | null {
  // "CmdOrCtrl++" names the plus key.
  const plusKey = text === '+' || text.endsWith('++');
  const parts = plusKey ? [...text.slice(0, -1).split('+').slice(0, -1), '+'] : text.split('+');
  const acc: Accelerator = { key: '', ctrl: false, meta: false, alt: false, shift: false };
  for (const [i, raw] of parts.entries()) {
    const p = raw.trim();
    const lower = p.toLowerCase();
    if (i < parts.length - 1) {
      switch (lower) {
        case 'cmdorctrl':
        case 'commandorcontrol':
          if (platform === 'mac') acc.meta = true;
          else acc.ctrl = true;
          break;
        case 'cmd':
        case 'command':
        case 'super':
        case 'meta':
          acc.meta = true;
          break;
        case 'ctrl':
        case 'control':
          acc.ctrl = true;
          break;
        case 'alt':
        case 'option':
          acc.alt = true;
          break;
        case 'shift':
          acc.shift = true;
          break;
        default:
          return null;
      }
      continue;
    }
    if (p === '') return null;
    if (/^[a-z]$/i.test(p)) acc.key = p.toUpperCase();
    else if (/^f([1-9]|1[0-9]|2[0-4])$/i.test(p)) acc.key = p.toUpperCase();
    else if (p.length === 1) acc.key = p;
    else if (KEY_ALIASES[lower] !== undefined) acc.key = KEY_ALIASES[lower] as string;
    else return null;
  }
  return acc.key === '' ? null : acc;
}

/** Whether a key event is this accelerator (modifiers exactly, key by code or by character). */
export function matchesAccelerator(acc: Accelerator, e: KeyLike): boolean {
  if (e.ctrlKey !== acc.ctrl || e.metaKey !== acc.meta || e.altKey !== acc.alt || e.shiftKey !== acc.shift)
    return false;
  const k = acc.key;
  if (/^[A-Z]$/.test(k)) return e.code === `Key${k}` || e.key.toUpperCase() === k;
  if (/^[0-9]$/.test(k)) return e.code === `Digit${k}` || e.code === `Numpad${k}` || e.key === k;
  const eventKey = EVENT_KEYS[k] ?? k;
  if (e.key === eventKey) return true;
  return acc.shift && SHIFTED[k] !== undefined && e.key === SHIFTED[k];
}

const MAC_KEYS: Readonly<Record<string, string>> = { Enter: '↩', Escape: '⎋', Backspace: '⌫', Delete: '⌦', Tab: '⇥' };
const ARROWS: Readonly<Record<string, string>> = { Left: '←', Right: '→', Up: '↑', Down: '↓' };

/** How the overlay and menus show it: "Ctrl+Shift+O", "Alt+→", "?" on Linux/Windows; "⌘⇧O", "⌥→" on macOS. */
export function formatAccelerator(acc: Accelerator, platform: Platform): string {
  // Shift+/ is the `?` key: show the character the user types.
  const typed = acc.shift && !acc.ctrl && !acc.meta && !acc.alt ? SHIFTED[acc.key] : undefined;
  if (typed !== undefined) return typed;
  const arrow = ARROWS[acc.key];
  if (platform === 'mac') {
    const key = arrow ?? MAC_KEYS[acc.key] ?? acc.key;
    return `${acc.ctrl ? '⌃' : ''}${acc.alt ? '⌥' : ''}${acc.shift ? '⇧' : ''}${acc.meta ? '⌘' : ''}${key}`;
  }
  const mods = [acc.ctrl && 'Ctrl', acc.meta && 'Super', acc.alt && 'Alt', acc.shift && 'Shift'].filter(
    (m): m is string => typeof m === 'string',
  );
  return [...mods, arrow ?? acc.key].join('+');
}

/** Whether the accelerator only types a character (no Ctrl, Meta or Alt): a text field must keep it. */
export function isPrintable(acc: Accelerator): boolean {
  return !acc.ctrl && !acc.meta && !acc.alt;
}

/** The platform of this browser (navigator), for CmdOrCtrl. */
export function currentPlatform(nav: { platform?: string; userAgent?: string } | undefined): Platform {
  const p = `${nav?.platform ?? ''} ${nav?.userAgent ?? ''}`;
  return /Mac|iPhone|iPad/i.test(p) ? 'mac' : 'other';
}
