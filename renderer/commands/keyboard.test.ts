import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandId } from '../../electron/shared/commands';
import { keyBindings } from './bindings';
import { installKeyboard, isTextTarget } from './keyboard';

const bindings = keyBindings('web', 'other');

function press(target: EventTarget, init: KeyboardEventInit): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  return e;
}

describe('keyboard shortcuts', () => {
  let off: (() => void) | null = null;
  afterEach(() => {
    off?.();
    document.body.innerHTML = '';
  });

  function setup(enabled: (id: CommandId) => boolean = () => true): CommandId[] {
    const ran: CommandId[] = [];
    off = installKeyboard(window, bindings, enabled, (id) => ran.push(id));
    return ran;
  }

  it('runs Ctrl+Enter inside the editor before the editor sees it', () => {
    const ran = setup();
    document.body.innerHTML = '<div class="monaco-editor"><textarea id="ta"></textarea></div>';
    const ta = document.getElementById('ta')!;
    const editorSaw = vi.fn();
    ta.addEventListener('keydown', editorSaw);
    const e = press(ta, { key: 'Enter', code: 'Enter', ctrlKey: true });
    expect(ran).toEqual(['run.run']);
    expect(e.defaultPrevented).toBe(true);
    expect(editorSaw).not.toHaveBeenCalled();
  });

  it('opens the overlay on ? only outside text fields and the editor', () => {
    const ran = setup();
    document.body.innerHTML =
      '<button id="b">x</button><input id="i"><div class="monaco-editor"><div id="m" tabindex="0"></div></div>';
    press(document.getElementById('i')!, { key: '?', code: 'Slash', shiftKey: true });
    press(document.getElementById('m')!, { key: '?', code: 'Slash', shiftKey: true });
    expect(ran).toEqual([]);
    press(document.getElementById('b')!, { key: '?', code: 'Slash', shiftKey: true });
    press(document.body, { key: '?', code: 'Slash', shiftKey: true });
    expect(ran).toEqual(['help.shortcuts', 'help.shortcuts']);
  });

  it('leaves Alt+Arrow to a text field, steps elsewhere', () => {
    const ran = setup();
    document.body.innerHTML = '<textarea id="t"></textarea>';
    press(document.getElementById('t')!, { key: 'ArrowRight', code: 'ArrowRight', altKey: true });
    press(document.body, { key: 'ArrowRight', code: 'ArrowRight', altKey: true });
    press(document.body, { key: 'ArrowLeft', code: 'ArrowLeft', altKey: true });
    expect(ran).toEqual(['run.stepForward', 'run.stepBack']);
  });

  it('a disabled command leaves its key alone (Ctrl+. reaches the editor when nothing runs)', () => {
    const ran = setup((id) => id !== 'run.stop');
    const e = press(document.body, { key: '.', code: 'Period', ctrlKey: true });
    expect(ran).toEqual([]);
    expect(e.defaultPrevented).toBe(false);
  });

  it('ignores plain typing and stops listening when uninstalled', () => {
    const ran = setup();
    press(document.body, { key: 'a', code: 'KeyA' });
    press(document.body, { key: 'Enter', code: 'Enter' });
    off?.();
    off = null;
    press(document.body, { key: 'Enter', code: 'Enter', ctrlKey: true });
    expect(ran).toEqual([]);
  });

  it('knows text targets', () => {
    document.body.innerHTML =
      '<input id="a" type="text"><input id="b" type="checkbox"><div id="c" contenteditable="true"></div><select id="d"></select>';
    expect(isTextTarget(document.getElementById('a'))).toBe(true);
    expect(isTextTarget(document.getElementById('b'))).toBe(false);
    expect(isTextTarget(document.getElementById('d'))).toBe(true);
    expect(isTextTarget(null)).toBe(false);
    expect(isTextTarget(window)).toBe(false);
  });
});
