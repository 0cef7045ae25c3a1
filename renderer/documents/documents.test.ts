import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLabApi } from '../lab';
import { useDocumentsStore } from '../stores/documents';
import { EXAMPLES } from '../stores/examples';
import { fakeLab } from '../tests/fakes';
import DocActions from './DocActions.vue';
import DocTabs from './DocTabs.vue';
import DocumentsLayer from './DocumentsLayer.vue';
import { filterCards, galleryCards } from './gallery';

describe('gallery cards', () => {
  it('has a title and what it teaches for every bundled scenario', () => {
    const cards = galleryCards(EXAMPLES);
    expect(cards).toHaveLength(EXAMPLES.length);
    for (const c of cards) {
      expect(c.number, c.name).toMatch(/^\d\d$/);
      expect(c.title.length, c.name).toBeGreaterThan(5);
      expect(c.teaches.length, c.name).toBeGreaterThan(40);
    }
    expect(cards.find((c) => c.name === '03-four-domains.ts')?.title).toBe(
      'Map into an IOAS with four domains (fill_domains)',
    );
  });

  it('filters by every word of the query', () => {
    const cards = galleryCards(EXAMPLES);
    expect(filterCards(cards, '').length).toBe(cards.length);
    const huge = filterCards(cards, 'HUGE page');
    expect(huge.length).toBeGreaterThan(0);
    expect(huge.every((c) => `${c.title} ${c.teaches}`.toLowerCase().includes('huge'))).toBe(true);
    expect(filterCards(cards, 'zzz-no-such-word')).toEqual([]);
  });
});

describe('documents UI', () => {
  beforeEach(() => setLabApi(fakeLab()));
  afterEach(() => {
    setLabApi(undefined);
    document.body.innerHTML = '';
  });

  async function mountAll() {
    const pinia = createPinia();
    setActivePinia(pinia);
    const docs = useDocumentsStore();
    await docs.init();
    const w = mount(
      {
        components: { DocActions, DocTabs, DocumentsLayer },
        template: '<DocActions /><DocTabs /><DocumentsLayer />',
      },
      { global: { plugins: [pinia] }, attachTo: document.body },
    );
    await flushPromises();
    return { w, docs };
  }

  it('adds tabs, marks the changed one, and asks before closing it', async () => {
    const { w, docs } = await mountAll();
    await w.get('[data-testid=doc-new]').trigger('click');
    expect(w.findAll('[data-testid^=doc-tab-close-]')).toHaveLength(2);
    expect(w.find('[data-testid=doc-dirty-1]').exists()).toBe(false);
    docs.setText(docs.activeId, 'typed');
    await flushPromises();
    expect(w.find('[data-testid=doc-dirty-1]').exists()).toBe(true);
    expect(w.find('[data-testid=doc-dirty-0]').exists()).toBe(false);
    await w.get('[data-testid=doc-tab-close-1]').trigger('click');
    expect(document.querySelector('[data-testid=close-dialog]')).not.toBeNull();
    (document.querySelector('[data-testid=close-discard]') as HTMLButtonElement).click();
    await flushPromises();
    expect(w.findAll('[data-testid^=doc-tab-close-]')).toHaveLength(1);
    expect(document.querySelector('[data-testid=close-dialog]')).toBeNull();
    w.unmount();
  });

  it('renames a tab by double-click', async () => {
    const { w, docs } = await mountAll();
    await w.get('[data-testid=doc-tab-0]').trigger('dblclick');
    const input = w.get('[data-testid=doc-rename-0]');
    await input.setValue('study');
    await input.trigger('keydown', { key: 'Enter' });
    expect(docs.active.name).toBe('study.ts');
    expect(w.get('[data-testid=doc-tab-0]').text()).toContain('study.ts');
    w.unmount();
  });

  it('opens the gallery and an example from it', async () => {
    const { w, docs } = await mountAll();
    await w.get('[data-testid=doc-gallery]').trigger('click');
    const card = document.querySelector<HTMLButtonElement>(
      '[data-testid="gallery-item-10-last-domain-with-access-in-huge-page.ts"]',
    );
    expect(card?.textContent).toMatch(/huge page/i);
    card?.click();
    await flushPromises();
    expect(docs.active.name).toBe('10-last-domain-with-access-in-huge-page.ts');
    expect(document.querySelector('[data-testid=gallery]')).toBeNull();
    w.unmount();
  });

  it('shows the restore notice and the recent files’ empty state', async () => {
    const { w, docs } = await mountAll();
    docs.restored = 2;
    await flushPromises();
    expect(w.get('[data-testid=restore-notice]').text()).toContain(
      'Restored 2 documents from your last session',
    );
    await w.get('[data-testid=restore-dismiss]').trigger('click');
    expect(w.find('[data-testid=restore-notice]').exists()).toBe(false);
    await w.get('[data-testid=recent-files]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid=recent-menu]').text()).toContain('No recent files yet');
    w.unmount();
  });
});
