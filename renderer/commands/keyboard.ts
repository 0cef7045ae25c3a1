/**
 * The app's keyboard shortcuts: one keydown listener on the window in the
 * capture phase, so a shortcut works wherever the focus is — Monaco handles
 * keys on its own text area and would otherwise see Ctrl+Enter first. A key
 * the app takes is prevented and stopped there.
 *
 * A text field or the editor keeps the keys that type or edit text: there
 * only shortcuts with Ctrl or Cmd fire (`?` and Alt+Arrow stay the field's).
 * A command whose handler is disabled (Stop with nothing running) leaves its
 * key alone, so Ctrl+. still reaches Monaco's quick fix then.
 */
import type { CommandId } from '../../electron/shared/commands';
import { matchesAccelerator, type KeyLike } from './accelerator';
import type { KeyBinding } from './bindings';

/** Whether an element takes text: inputs, text areas, selects, contenteditable, anything inside Monaco. */
export function isTextTarget(el: EventTarget | null): boolean {
  if (typeof Element === 'undefined' || !(el instanceof Element)) return false;
  if (el.closest('.monaco-editor')) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement)
    return !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image'].includes(el.type);
  return el instanceof HTMLElement && el.isContentEditable;
}

/** The command a key event triggers, or null (no binding, or the focus keeps the key). */
export function commandForKey(
  bindings: readonly KeyBinding[],
  e: KeyLike,
  inText: boolean,
  enabled: (id: CommandId) => boolean,
): CommandId | null {
  for (const b of bindings) {
    if (!matchesAccelerator(b.acc, e)) continue;
    if (inText && !b.acc.ctrl && !b.acc.meta) continue;
    if (!enabled(b.id)) continue;
    return b.id;
  }
  return null;
}

/** Install the listener; returns the uninstall. */
export function installKeyboard(
  target: Window,
  bindings: readonly KeyBinding[],
  enabled: (id: CommandId) => boolean,
  dispatch: (id: CommandId) => void,
): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (e.isComposing || e.defaultPrevented) return;
    const id = commandForKey(bindings, e, isTextTarget(e.target), enabled);
    if (id === null) return;
    e.preventDefault();
    e.stopPropagation();
    dispatch(id);
  };
  target.addEventListener('keydown', onKey, { capture: true });
  return () => target.removeEventListener('keydown', onKey, { capture: true });
}
