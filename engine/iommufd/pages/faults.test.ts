import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../base';
import { addAccess } from './access';
import { checkPagesInvariants } from './invariants';
import { rwAccess } from './rw-access';
import { snapshotPages } from './testing/fixture';
import { NPAGES, Sequence } from './testing/sequence';

interface Scenario {
  name: string;
  setup(s: Sequence): void;
  op(s: Sequence): void;
}

function access(s: Sequence, areaIdx: number, start: number, last: number): void {
  const area = s.areas[areaIdx];
  addAccess(area, start, last, new Uint32Array(last - start + 1), false, s.f.proc);
  s.held.push({ area, start, last });
}

const scenarios: Scenario[] = [
  {
    name: 'fill_domains into three domains, reading from the xarray, a domain and the mm',
    setup: (s) => {
      s.attach(0);
      s.attach(1);
      s.attach(2);
      s.map(0, 16, 0);
      access(s, 0, 4, 9);
    },
    op: (s) => void s.map(6, 24, 0),
  },
  {
    name: 'fill_domains with trimmed ends into two mock domains',
    setup: (s) => {
      s.attach(0);
      s.attach(1);
      s.map(20, 8, 0);
    },
    op: (s) => void s.map(2, 30, 3),
  },
  {
    name: 'fill_domain: attach a first domain over areas with an access',
    setup: (s) => {
      s.map(0, 12, 0);
      s.map(10, 20, 0);
      access(s, 1, 12, 15);
    },
    op: (s) => void s.attach(2),
  },
  {
    name: 'fill_domain: attach a second domain (batch API)',
    setup: (s) => {
      s.attach(0);
      s.map(0, 30, 0);
      access(s, 0, 3, 3);
    },
    op: (s) => void s.attach(3),
  },
  {
    name: 'add_access over domain-held, access-held and unpinned indexes',
    setup: (s) => {
      s.attach(0);
      s.map(10, 10, 0);
      s.map(0, 40, 0);
      access(s, 1, 2, 5);
    },
    op: (s) => access(s, 1, 0, 30),
  },
  {
    name: 'add_access with no domain',
    setup: (s) => {
      s.map(0, 40, 0);
      access(s, 0, 10, 12);
    },
    op: (s) => access(s, 0, 5, 35),
  },
  {
    name: 'rw through the slow path from another process',
    setup: (s) => {
      s.attach(0);
      s.map(0, 10, 0);
      s.map(20, 10, 0);
      access(s, 1, 22, 24);
    },
    op: (s) => {
      const data = new Uint8Array(30 * PAGE_SIZE);
      rwAccess(s.pages, 100, data, 0, data.length, { write: false, slowPath: true }, s.other);
    },
  },
  {
    name: 'rw of a single page from another process (rw_page)',
    setup: (s) => {
      s.map(0, 10, 0);
    },
    op: (s) => {
      const data = new Uint8Array(100).fill(7);
      rwAccess(s.pages, 5 * PAGE_SIZE + 10, data, 0, data.length, { write: true, slowPath: false }, s.other);
    },
  },
];

const sitesSeen = new Set<string>();

function snapshot(s: Sequence): unknown {
  return {
    pages: snapshotPages(s.pages),
    domains: s.f.domainContents(),
    ndomains: s.f.iopt.domains.length,
    areas: s.areas.map((a) => `${a.index}-${a.lastIndex}:${a.storageDomain?.id ?? '-'}:${a.numAccesses}`),
    pins: s.f.pinCounts(s.uptr, NPAGES),
    accounting: s.f.proc.accounting(),
  };
}

describe('fault injection: every fallible step fails once and rolls back exactly', () => {
  for (const sc of scenarios) {
    it(sc.name, () => {
      let failures = 0;
      for (let n = 1; n < 500; n++) {
        const s = new Sequence(32, n);
        sc.setup(s);
        const before = snapshot(s);
        s.f.kernel.faults.failNth(n);
        let threw: unknown = undefined;
        try {
          sc.op(s);
        } catch (e) {
          threw = e;
        }
        const fired = s.f.kernel.faults.consumed();
        if (!fired) {
          expect(threw).toBeUndefined();
          expect(n).toBeGreaterThan(1);
          break;
        }
        expect(threw, `step ${n} (${s.f.kernel.faults.lastSite}) fired but the op succeeded`).toBeDefined();
        failures++;
        sitesSeen.add(String(s.f.kernel.faults.lastSite));
        expect(snapshot(s), `rollback after failing step ${n} at ${s.f.kernel.faults.lastSite}`).toEqual(
          before,
        );
        expect(checkPagesInvariants(s.pages)).toEqual([]);
        expect(s.f.kernel.counters.warnings, JSON.stringify(s.f.kernel.events.events.slice(0, 3))).toBe(0);
        s.teardown();
        expect(s.f.pinCounts(s.uptr, NPAGES)).toEqual(new Array(NPAGES).fill(0));
        expect(s.f.proc.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
        expect(s.f.kernel.counters.warnings).toBe(0);
      }
      expect(failures).toBeGreaterThan(0);
    });
  }
});

describe('fault site coverage', () => {
  it('every fallible step of pages.c was made to fail at least once', () => {
    for (const site of [
      'temp_kmalloc',
      'pin_user_pages',
      'update_pinned',
      'pages_to_xarray',
      'rw_page',
      'kzalloc',
      'iommu_map',
    ])
      expect(sitesSeen.has(site), `${site} never failed; seen ${[...sitesSeen].join(', ')}`).toBe(true);
  });
});

describe('accounting failures unwind like injected ones', () => {
  it('RLIMIT_MEMLOCK exceeded in USER mode: ENOMEM, nothing pinned or charged', () => {
    const s = new Sequence(64);
    s.attach(0);
    s.map(0, 4, 0);
    s.f.proc.memlockLimit = 10 * PAGE_SIZE;
    const before = snapshot(s);
    expect(() => s.map(0, 20, 0)).toThrow(/RLIMIT_MEMLOCK/);
    expect(snapshot(s)).toEqual(before);
    expect(() => access(s, 0, 0, 3)).not.toThrow();
    s.teardown();
    expect(s.f.proc.accounting().userLockedVm).toBe(0);
    expect(s.f.kernel.counters.warnings).toBe(0);
  });

  it('MM mode charges the source mm and refunds it', () => {
    const s = new Sequence(64);
    s.pages.accountMode = 'mm';
    s.attach(0);
    s.map(0, 10, 0);
    expect(s.f.proc.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 10, mmPinnedVm: 10 });
    s.f.proc.memlockLimit = 12 * PAGE_SIZE;
    expect(() => s.map(5, 10, 0)).toThrow(/RLIMIT_MEMLOCK/);
    expect(s.f.proc.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 10, mmPinnedVm: 10 });
    s.teardown();
    expect(s.f.proc.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
  });
});
