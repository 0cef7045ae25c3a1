import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLabApi } from '../lab';
import { useEngineStore } from '../stores/engine';
import { useSettingsStore } from '../stores/settings';
import { FAKE_VERSION, fakeLab } from '../tests/fakes';
import ThemeToggle from '../theme/ThemeToggle.vue';
import HelpButton from './HelpButton.vue';
import HelpDialogs from './HelpDialogs.vue';
import { useHelpStore } from './store';

function mountWith(component: typeof HelpDialogs | typeof HelpButton | typeof ThemeToggle) {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(component, { global: { plugins: [pinia] }, attachTo: document.body });
}

describe('help dialogs', () => {
  beforeEach(() => {
    localStorage.clear();
    setLabApi(fakeLab());
  });
  afterEach(() => {
    setLabApi(undefined);
    document.body.innerHTML = '';
  });

  it('the shortcuts overlay lists the commands by menu with their keys; Esc closes it', async () => {
    const w = mountWith(HelpDialogs);
    const help = useHelpStore();
    expect(document.querySelector('[data-testid=shortcuts-overlay]')).toBeNull();
    help.show('shortcuts');
    await flushPromises();
    const overlay = w.get('[data-testid=shortcuts-overlay]');
    expect(overlay.get('[data-testid=shortcuts-Run]').text()).toContain('Ctrl+Enter');
    expect(overlay.get('[data-testid=shortcuts-Run]').text()).toContain('Step Forward');
    expect(overlay.get('[data-testid=shortcuts-File]').text()).toContain('Alt+N');
    expect(overlay.findAll('section').map((s) => s.find('h3').text())).toEqual([
      'File',
      'Run',
      'View',
      'Help',
      'Timeline',
      'Editor',
    ]);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(help.open).toBeNull();
    expect(w.find('[data-testid=shortcuts-overlay]').exists()).toBe(false);
    w.unmount();
  });

  it('the emulated panel shows what the model includes and leaves out, and the kernel version', async () => {
    const w = mountWith(HelpDialogs);
    useHelpStore().show('emulated');
    await flushPromises();
    const p = w.get('[data-testid=emulated-panel]');
    expect(p.text()).toContain('v6.2');
    expect(w.findAll('[data-testid=emulated-included] tr').length).toBeGreaterThanOrEqual(6);
    expect(w.get('[data-testid=emulated-left-out]').text()).toContain('No real DMA');
    expect(w.get('[data-testid=emulated-left-out]').text()).toContain('IOTLB');
    await w.get('[data-testid=emulated-panel-close]').trigger('click');
    expect(useHelpStore().open).toBeNull();
    w.unmount();
  });

  it('the About box names app, engine and host', async () => {
    const w = mountWith(HelpDialogs);
    await useEngineStore().connect();
    useHelpStore().show('about');
    await flushPromises();
    expect(w.get('[data-testid=about-engine]').text()).toBe(FAKE_VERSION.engine);
    expect(w.get('[data-testid=about-host]').text()).toContain('browser');
    expect(w.get('[data-testid=about-pfn-lab]').text()).toMatch(/^\d+\.\d+\.\d+/);
    w.unmount();
  });

  it('the header Help button opens each help view', async () => {
    const w = mountWith(HelpButton);
    await w.get('[data-testid=help-button]').trigger('click');
    expect(w.get('[data-testid=help-button]').attributes('aria-expanded')).toBe('true');
    await w.get('[data-testid=help-emulated]').trigger('click');
    expect(useHelpStore().open).toBe('emulated');
    expect(w.find('[data-testid=help-menu]').exists()).toBe(false);
    w.unmount();
  });

  it('the theme control switches and persists the theme', async () => {
    const w = mountWith(ThemeToggle);
    await w.get('[data-testid=theme-toggle]').setValue('light');
    expect(useSettingsStore().theme).toBe('light');
    expect(useSettingsStore().resolvedTheme).toBe('light');
    expect(JSON.parse(localStorage.getItem('pfnlab.settings.v1')!).theme).toBe('light');
    w.unmount();
  });
});
