import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel';

describe('FaultInjector', () => {
  it('fails exactly the n-th step from arming, once', () => {
    const k = new Kernel();
    k.faults.shouldFail('kzalloc'); // a step before arming does not count
    k.faults.failNth(3);
    const seen = [1, 2, 3, 4, 5].map(() => k.faults.shouldFail('iommu_map'));
    expect(seen).toEqual([false, false, true, false, false]);
    expect(k.counters.faultsInjected).toBe(1);
    expect(k.faults.lastSite).toBe('iommu_map');
    expect(k.faults.consumed()).toBe(true);
    expect(k.faults.consumed()).toBe(false);
  });

  it('reports not consumed when the run never reaches step n, and disarms', () => {
    const k = new Kernel();
    k.faults.failNth(10);
    for (let i = 0; i < 9; i++) expect(k.faults.shouldFail('pin_user_pages')).toBe(false);
    expect(k.faults.armed).toBe(true);
    expect(k.faults.consumed()).toBe(false);
    expect(k.faults.armed).toBe(false);
    expect(k.faults.shouldFail('pin_user_pages')).toBe(false);
  });
});

describe('Kernel.warn', () => {
  it('counts warnings and records them as events', () => {
    const k = new Kernel();
    const seen: string[] = [];
    k.events.subscribe((e) => seen.push(`${e.kind}:${e.source}`));
    k.warn('mock-domain 1', 'unmap does not start on a map boundary');
    k.events.probe('mock-domain 1', 'read of an unmapped IOVA during unfill read-ahead');
    expect(k.counters.warnings).toBe(1);
    expect(k.events.warnings).toBe(1);
    expect(k.events.probes).toBe(1);
    expect(seen).toEqual(['warning:mock-domain 1', 'probe:mock-domain 1']);
  });
});
