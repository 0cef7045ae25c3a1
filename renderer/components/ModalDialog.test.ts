import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import ModalDialog from './ModalDialog.vue';

/** A dialog whose body is `inner` (HTML). */
function dialog(inner: string, testid = 'dlg') {
  return mount(
    defineComponent({
      emits: ['close'],
      setup(_p, { emit }) {
        return () =>
          h(
            ModalDialog,
            { title: 'A dialog', testid, onClose: () => emit('close') },
            { default: () => h('div', { innerHTML: inner }) },
          );
      },
    }),
    { attachTo: document.body },
  );
}

const key = (k: string, shiftKey = false): boolean =>
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }));
const active = (): string | null =>
  (document.activeElement as HTMLElement | null)?.id || document.activeElement?.tagName || null;

afterEach(() => {
  document.body.innerHTML = '';
});

describe('ModalDialog', () => {
  it('takes the focus: [autofocus] first, else the first control of the body (not the ×), else the box', async () => {
    const a = dialog('<button id="one">1</button><button id="two" autofocus>2</button>');
    await flushPromises();
    expect(active()).toBe('two');
    a.unmount();
    const b = dialog('<p>text</p><input id="field"><button id="ok">ok</button>');
    await flushPromises();
    expect(active()).toBe('field');
    b.unmount();
    const c = dialog('<p>only text</p>');
    await flushPromises();
    expect(document.activeElement).toBe(document.querySelector('[data-testid=dlg]'));
    c.unmount();
  });

  it('Tab and Shift+Tab stay inside; focus that lands outside comes back', async () => {
    const outside = document.createElement('button');
    outside.id = 'outside';
    document.body.appendChild(outside);
    const w = dialog('<button id="one">1</button><button id="two">2</button>');
    await flushPromises();
    expect(active()).toBe('one');
    (document.getElementById('two') as HTMLElement).focus();
    expect(key('Tab')).toBe(false); // prevented: wraps
    expect(document.activeElement).toBe(document.querySelector('[data-testid=dlg-close]'));
    expect(key('Tab', true)).toBe(false); // first (the ×) → last
    expect(active()).toBe('two');
    expect(key('Tab')).toBe(false);
    (document.getElementById('one') as HTMLElement).focus();
    expect(key('Tab')).toBe(true); // in the middle: the browser moves it
    outside.focus();
    expect(active()).toBe('one');
    w.unmount();
  });

  it('Escape, the × and a press outside the box close it; a press inside does not; the focus goes back', async () => {
    const opener = document.createElement('button');
    opener.id = 'opener';
    document.body.appendChild(opener);
    opener.focus();
    const w = dialog('<button id="one">1</button>');
    await flushPromises();
    expect(active()).toBe('one');
    expect(key('Escape')).toBe(false);
    expect(w.emitted('close')).toHaveLength(1);
    document.querySelector<HTMLElement>('[data-testid=dlg-close]')!.click();
    expect(w.emitted('close')).toHaveLength(2);
    document
      .querySelector('[data-testid=dlg]')!
      .dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    expect(w.emitted('close')).toHaveLength(2);
    document.querySelector('.backdrop')!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    expect(w.emitted('close')).toHaveLength(3);
    const box = document.querySelector('[data-testid=dlg]')!;
    expect(box.getAttribute('role')).toBe('dialog');
    expect(box.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(box.getAttribute('aria-labelledby')!)!.textContent).toBe('A dialog');
    w.unmount();
    expect(active()).toBe('opener');
  });

  it('of two open dialogs, only the newer answers Escape', async () => {
    const a = dialog('<button>a</button>', 'first');
    await flushPromises();
    const b = dialog('<button>b</button>', 'second');
    await flushPromises();
    key('Escape');
    expect(b.emitted('close')).toHaveLength(1);
    expect(a.emitted('close')).toBeUndefined();
    b.unmount();
    key('Escape');
    expect(a.emitted('close')).toHaveLength(1);
    a.unmount();
  });
});
