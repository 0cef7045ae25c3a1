import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLabApi } from '../lab';
import { digest, event, inspectLab, seedRun } from '../ioas/test-fixtures';
import { useInspectStore } from '../stores/inspect';
import DomainsPanel from './DomainsPanel.vue';

describe('domain view', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => setLabApi(undefined));

  it('says what to do before any run', () => {
    inspectLab(() => []);
    expect(mount(DomainsPanel).get('[data-testid=domains-empty]').text()).toContain('Run a scenario');
  });

  it('asks for the work counters of the step and shows each domain', async () => {
    const lab = inspectLab((p) =>
      p.queries.flatMap((q) =>
        q.kind === 'domains'
          ? [
              {
                kind: 'domains' as const,
                domains: [
                  { id: 1, ioas: 1, kind: 'mock', stats: { mapCalls: 5, pteWrites: 2048 }, mapped: [] },
                ],
              },
            ]
          : [],
      ),
    );
    seedRun([event(1, { digest: 0 })], [digest()]);
    const w = mount(DomainsPanel);
    await flushPromises();
    expect(useInspectStore().wantDomains).toBe(true);
    expect(lab.inspects.some((p) => p.queries.some((q) => q.kind === 'domains') && p.step === 1)).toBe(true);
    const cards = w.findAll('[data-testid=domain]');
    expect(cards.map((c) => c.attributes('data-id'))).toEqual(['1', '4']);
    const mock = cards[0];
    expect(mock?.text()).toContain('mock');
    expect(mock?.get('[data-testid=domain-totals]').text()).toMatch(
      /mapped\s+4 MiB · table\s+0 B · entries\s+2\u2009048/,
    );
    expect(mock?.get('[data-testid=domain-mapped]').text()).toContain('0x1000000–0x13fffff');
    expect(mock?.get('[data-testid=domain-stats]').text()).toContain('mapCalls5');
    expect(mock?.find('[data-testid=domain-bar]').exists()).toBe(true);
    const pt = cards[1];
    expect(pt?.findAll('[data-testid=domain-size]').map((s) => s.attributes('data-size'))).toEqual([
      '4096',
      '2097152',
    ]);
    expect(pt?.findAll('[data-testid=domain-run]')).toHaveLength(2);
    expect(pt?.get('[data-testid=domain-stats]').text()).toContain('loading');
  });

  it('explains an empty step', async () => {
    inspectLab(() => []);
    seedRun([event(1, { digest: -1 }), event(2, { digest: 0 })], [digest()], 1);
    const w = mount(DomainsPanel);
    await flushPromises();
    expect(w.get('[data-testid=domains-empty]').text()).toContain('No domain is attached');
  });

  it("never shows another run's work counters (a live run carries none)", async () => {
    inspectLab(() => []);
    seedRun([event(1, { digest: 0 })], [digest()]);
    const inspect = useInspectStore();
    inspect.domains = {
      kind: 'domains',
      domains: [{ id: 1, ioas: 1, kind: 'mock', stats: { mapCalls: 99 }, mapped: [] }],
    };
    inspect.step = 1;
    inspect.domainsStep = 1;
    inspect.runLocalId = 0; // answered for an earlier run
    const w = mount(DomainsPanel);
    expect(w.get('[data-testid=domain-stats]').text()).not.toContain('99');
    inspect.runLocalId = 1;
    inspect.version++;
    await flushPromises();
    // the mount refresh answered nothing for this fake; the store's answer is now this run's
    inspect.domains = {
      kind: 'domains',
      domains: [{ id: 1, ioas: 1, kind: 'mock', stats: { mapCalls: 99 }, mapped: [] }],
    };
    inspect.step = 1;
    inspect.domainsStep = 1;
    inspect.runLocalId = 1;
    inspect.version++;
    await flushPromises();
    expect(w.get('[data-testid=domain-stats]').text()).toContain('99');
  });
});
