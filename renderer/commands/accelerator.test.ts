import { describe, expect, it } from 'vitest';
import {
  currentPlatform,
  formatAccelerator,
  isPrintable,
  matchesAccelerator,
  parseAccelerator,
  type KeyLike,
} from './accelerator';

const key = (k: string, code: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('accelerator parsing', () => {
  it('maps CmdOrCtrl to Meta on macOS and to Ctrl elsewhere', () => {
    expect(parseAccelerator('CmdOrCtrl+Enter', 'other')).toEqual({
      key: 'Enter',
      ctrl: true,
      meta: false,
      alt: false,
      shift: false,
    });
    expect(parseAccelerator('CommandOrControl+Enter', 'mac')).toMatchObject({ ctrl: false, meta: true });
    expect(parseAccelerator('Cmd+S', 'other')).toMatchObject({ meta: true, ctrl: false });
  });

  it('reads modifiers in any case and order, letters upper case, aliases canonical', () => {
    expect(parseAccelerator('shift+cmdorctrl+o', 'other')).toEqual({
      key: 'O',
      ctrl: true,
      meta: false,
      alt: false,
      shift: true,
    });
    expect(parseAccelerator('Option+Left', 'mac')).toMatchObject({ key: 'Left', alt: true });
    expect(parseAccelerator('Ctrl+Return', 'other')?.key).toBe('Enter');
    expect(parseAccelerator('Esc', 'other')?.key).toBe('Escape');
    expect(parseAccelerator('F12', 'other')?.key).toBe('F12');
    expect(parseAccelerator('CmdOrCtrl++', 'other')).toMatchObject({ key: '+', ctrl: true });
    expect(parseAccelerator('CmdOrCtrl+Plus', 'other')?.key).toBe('+');
    expect(parseAccelerator('Shift+/', 'other')).toMatchObject({ key: '/', shift: true });
  });

  it('rejects what is not an accelerator', () => {
    expect(parseAccelerator('', 'other')).toBeNull();
    expect(parseAccelerator('Ctrl+', 'other')).toBeNull();
    expect(parseAccelerator('Hyper+A', 'other')).toBeNull();
    expect(parseAccelerator('Ctrl+Banana', 'other')).toBeNull();
    expect(parseAccelerator('F25', 'other')).toBeNull();
  });
});

describe('accelerator matching', () => {
  const ctrlEnter = parseAccelerator('CmdOrCtrl+Enter', 'other')!;
  it('needs exactly the modifiers', () => {
    expect(matchesAccelerator(ctrlEnter, key('Enter', 'Enter', { ctrlKey: true }))).toBe(true);
    expect(matchesAccelerator(ctrlEnter, key('Enter', 'Enter'))).toBe(false);
    expect(matchesAccelerator(ctrlEnter, key('Enter', 'Enter', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(matchesAccelerator(ctrlEnter, key('Enter', 'Enter', { metaKey: true }))).toBe(false);
  });

  it('matches letters and digits by physical key, whatever they type', () => {
    const altN = parseAccelerator('Alt+N', 'mac')!;
    expect(matchesAccelerator(altN, key('ñ', 'KeyN', { altKey: true }))).toBe(true);
    expect(matchesAccelerator(altN, key('n', 'KeyM', { altKey: true }))).toBe(true);
    expect(matchesAccelerator(altN, key('m', 'KeyM', { altKey: true }))).toBe(false);
    const ctrl1 = parseAccelerator('CmdOrCtrl+1', 'other')!;
    expect(matchesAccelerator(ctrl1, key('&', 'Digit1', { ctrlKey: true }))).toBe(true);
    expect(matchesAccelerator(ctrl1, key('2', 'Digit2', { ctrlKey: true }))).toBe(false);
  });

  it('matches arrows, punctuation and the shifted ? key', () => {
    const altRight = parseAccelerator('Alt+Right', 'other')!;
    expect(matchesAccelerator(altRight, key('ArrowRight', 'ArrowRight', { altKey: true }))).toBe(true);
    expect(matchesAccelerator(altRight, key('ArrowLeft', 'ArrowLeft', { altKey: true }))).toBe(false);
    const help = parseAccelerator('Shift+/', 'other')!;
    expect(matchesAccelerator(help, key('?', 'Slash', { shiftKey: true }))).toBe(true);
    expect(matchesAccelerator(help, key('/', 'Slash'))).toBe(false);
    const stop = parseAccelerator('CmdOrCtrl+.', 'other')!;
    expect(matchesAccelerator(stop, key('.', 'Period', { ctrlKey: true }))).toBe(true);
  });
});

describe('accelerator display', () => {
  it('spells modifiers on Linux/Windows and uses symbols on macOS', () => {
    expect(formatAccelerator(parseAccelerator('CmdOrCtrl+Shift+O', 'other')!, 'other')).toBe('Ctrl+Shift+O');
    expect(formatAccelerator(parseAccelerator('CmdOrCtrl+Shift+O', 'mac')!, 'mac')).toBe('⇧⌘O');
    expect(formatAccelerator(parseAccelerator('CmdOrCtrl+Enter', 'other')!, 'other')).toBe('Ctrl+Enter');
    expect(formatAccelerator(parseAccelerator('CmdOrCtrl+Enter', 'mac')!, 'mac')).toBe('⌘↩');
    expect(formatAccelerator(parseAccelerator('Alt+Left', 'other')!, 'other')).toBe('Alt+←');
    expect(formatAccelerator(parseAccelerator('Shift+/', 'other')!, 'other')).toBe('?');
  });

  it('knows which keys only type a character', () => {
    expect(isPrintable(parseAccelerator('Shift+/', 'other')!)).toBe(true);
    expect(isPrintable(parseAccelerator('Alt+Left', 'other')!)).toBe(false);
  });

  it('detects macOS from the navigator', () => {
    expect(currentPlatform({ platform: 'MacIntel' })).toBe('mac');
    expect(currentPlatform({ platform: 'Linux x86_64', userAgent: 'X11' })).toBe('other');
    expect(currentPlatform(undefined)).toBe('other');
  });
});
