/**
 * The step keys (← → Home End, Space play/pause) and where they apply: not
 * while typing in the editor or a form field (the scrubber's range input
 * handles its own arrows), everywhere else — the timeline list included.
 */
export type StepAction = 'first' | 'prev' | 'next' | 'last' | 'toggle-play';

/** What has the focus, as far as the step keys care. */
export type FocusKind = 'editor' | 'field' | 'button' | 'other';

/** Minimal element surface (so tests need no DOM). */
export interface FocusTarget {
  tagName?: string;
  isContentEditable?: boolean;
  closest?(selector: string): unknown;
}

export function focusKind(el: FocusTarget | null | undefined): FocusKind {
  if (!el || typeof el.tagName !== 'string') return 'other';
  if (el.closest?.('.monaco-editor, [data-testid=editor]')) return 'editor';
  // Dividers and sliders use the arrows themselves.
  if (el.closest?.('[role=separator], [role=slider], [role=menu]')) return 'field';
  const tag = el.tagName.toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable === true)
    return 'field';
  if (tag === 'BUTTON' || tag === 'A') return 'button';
  return 'other';
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Already handled by the element that had the focus. */
  defaultPrevented?: boolean;
}

/** The action of a key press with the focus on `kind`, or null (let the key through). */
export function stepAction(ev: KeyLike, kind: FocusKind): StepAction | null {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return null;
  if (kind === 'editor' || kind === 'field') return null;
  switch (ev.key) {
    case 'ArrowLeft':
      return 'prev';
    case 'ArrowRight':
      return 'next';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    case ' ':
    case 'Spacebar':
      // A focused button's Space is its click.
      return kind === 'button' ? null : 'toggle-play';
    default:
      return null;
  }
}
