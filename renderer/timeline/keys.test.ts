import { describe, expect, it } from 'vitest';
import { focusKind, stepAction, type FocusTarget } from './keys';

function el(tagName: string, inside: string[] = [], extra: Partial<FocusTarget> = {}): FocusTarget {
  return {
    tagName,
    closest: (sel: string) => (sel.split(',').some((s) => inside.includes(s.trim())) ? {} : null),
    ...extra,
  };
}

describe('focusKind', () => {
  it('tells the editor, form fields, buttons and the rest apart', () => {
    expect(focusKind(el('TEXTAREA', ['.monaco-editor']))).toBe('editor');
    expect(focusKind(el('DIV', ['[data-testid=editor]']))).toBe('editor');
    expect(focusKind(el('INPUT'))).toBe('field');
    expect(focusKind(el('select'))).toBe('field');
    expect(focusKind(el('DIV', [], { isContentEditable: true }))).toBe('field');
    expect(focusKind(el('DIV', ['[role=separator]']))).toBe('field');
    expect(focusKind(el('BUTTON'))).toBe('button');
    expect(focusKind(el('BODY'))).toBe('other');
    // The timeline's own list takes the step keys.
    expect(focusKind(el('DIV', ['[role=listbox]']))).toBe('other');
    expect(focusKind(null)).toBe('other');
  });
});

describe('stepAction', () => {
  it('maps the step keys outside text entry', () => {
    expect(stepAction({ key: 'ArrowLeft' }, 'other')).toBe('prev');
    expect(stepAction({ key: 'ArrowRight' }, 'other')).toBe('next');
    expect(stepAction({ key: 'Home' }, 'other')).toBe('first');
    expect(stepAction({ key: 'End' }, 'other')).toBe('last');
    expect(stepAction({ key: ' ' }, 'other')).toBe('toggle-play');
    expect(stepAction({ key: 'a' }, 'other')).toBeNull();
  });

  it('leaves the editor, fields, modified keys and handled keys alone', () => {
    expect(stepAction({ key: 'ArrowLeft' }, 'editor')).toBeNull();
    expect(stepAction({ key: 'Home' }, 'field')).toBeNull();
    expect(stepAction({ key: 'ArrowLeft', ctrlKey: true }, 'other')).toBeNull();
    expect(stepAction({ key: 'End', metaKey: true }, 'other')).toBeNull();
    expect(stepAction({ key: 'ArrowRight', defaultPrevented: true }, 'other')).toBeNull();
  });

  it('steps with a button focused but lets Space click it', () => {
    expect(stepAction({ key: 'ArrowRight' }, 'button')).toBe('next');
    expect(stepAction({ key: ' ' }, 'button')).toBeNull();
  });
});
