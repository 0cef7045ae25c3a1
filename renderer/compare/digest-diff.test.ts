/** The digest diff: examples, and fast-check properties (empty on equal states, symmetric, every entry real, complete). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AreaDigest,
  DomainDigest,
  IoasDigest,
  MachineDigest,
  PagesDigest,
} from '../../engine/iommufd/digest';
import { diffDigests, groupBySection, tierCountsOf, type DigestDifference } from './digest-diff';

const PARAMS = { numRuns: 150, seed: 4242 };

function pages(id: number, over: Partial<PagesDigest> = {}): PagesDigest {
  return {
    id,
    pid: 1,
    uptr: 0x10000 * id,
    npages: 64,
    npinned: 64,
    lastNpinned: 64,
    accountMode: 'user',
    writable: true,
    tiers: [[0, 63, 'domain']],
    accessNodes: 0,
    xarrayEntries: 0,
    accessIntervals: [],
    domainSpans: [[0, 63]],
    ...over,
  };
}

function area(iova: number, pagesId: number, over: Partial<AreaDigest> = {}): AreaDigest {
  return {
    iova: String(iova),
    length: String(64 * 4096),
    pages: pagesId,
    index: 0,
    lastIndex: 63,
    pageOffset: 0,
    prot: 3,
    storageDomain: 2,
    numAccesses: 0,
    preventAccess: false,
    ...over,
  };
}

function domain(id: number, over: Partial<DomainDigest> = {}): DomainDigest {
  return {
    id,
    deviceId: 10 + id,
    kind: 'mock',
    mapped: [['1048576', '262144', 4096]],
    entries: 64,
    stats: { mappedBytes: 262144, tableBytes: 8192 },
    ...over,
  };
}

function ioas(id: number, over: Partial<IoasDigest> = {}): IoasDigest {
  return {
    id,
    iovaAlignment: 4096,
    disableLargePages: false,
    areas: [area(0x100000, 1)],
    reserved: [],
    allowed: [],
    domains: [domain(2)],
    accesses: [],
    ...over,
  };
}

function digest(over: Partial<MachineDigest> = {}, io: IoasDigest[] = [ioas(1)]): MachineDigest {
  return {
    contexts: [{ serial: 1, owner: 1, accountModeMm: false, objects: [], ioas: io }],
    pages: [pages(1)],
    accounting: [{ pid: 1, uid: 1000, alive: true, userLockedVm: 64, mmLockedVm: 0, mmPinnedVm: 64 }],
    pins: { pinnedFrames: 64, totalPins: 64, runs: 1, hash: 'abc' },
    ...over,
  };
}

describe('diffDigests (examples)', () => {
  it('finds nothing between a state and itself, and nothing between two empty states', () => {
    expect(diffDigests(digest(), digest())).toEqual([]);
    expect(diffDigests(null, null)).toEqual([]);
  });

  it('reports an area mapped at another IOVA as changed iova, not removed and added', () => {
    const b = digest({}, [ioas(1, { areas: [area(0x200000, 1)] })]);
    const d = diffDigests(digest(), b).filter((x) => x.section === 'areas');
    expect(d).toHaveLength(1);
    expect(d[0]?.kind).toBe('changed');
    expect(d[0]?.fields).toEqual([{ name: 'iova', a: '0x100000', b: '0x200000' }]);
    expect(d[0]?.label).toBe('IOAS 1 · area 0x100000 → 0x200000');
  });

  it('reports a changed length with its delta, and an added area', () => {
    const b = digest({}, [
      ioas(1, {
        areas: [
          area(0x100000, 1, { length: String(32 * 4096), lastIndex: 31 }),
          area(0x400000, 1, { index: 32 }),
        ],
      }),
    ]);
    const d = diffDigests(digest(), b).filter((x) => x.section === 'areas');
    const changed = d.find((x) => x.kind === 'changed');
    expect(changed?.fields.find((f) => f.name === 'length')).toEqual({
      name: 'length',
      a: String(64 * 4096),
      b: String(32 * 4096),
      delta: -32 * 4096,
    });
    expect(d.find((x) => x.kind === 'added')?.label).toBe('IOAS 1 · area 0x400000');
  });

  it('compares the pages an area maps by key, not by the digest order number', () => {
    // the same two pages objects, numbered the other way round
    const a = digest({ pages: [pages(1), pages(2)] }, [ioas(1, { areas: [area(0, 1), area(0x100000, 2)] })]);
    const swapped = digest({ pages: [pages(1, { uptr: 0x20000 }), pages(2, { uptr: 0x10000 })] }, [
      ioas(1, { areas: [area(0, 2), area(0x100000, 1)] }),
    ]);
    expect(diffDigests(a, swapped)).toEqual([]);
  });

  it('counts the four tiers of a pages object from its access intervals and domain spans', () => {
    const p = pages(1, {
      accessIntervals: [
        [0, 9, 1],
        [5, 19, 1],
      ],
      domainSpans: [[10, 49]],
    });
    // access ∪ = 0..19 (20), domain 10..49 (40), both 10..19 (10)
    expect(tierCountsOf(p)).toEqual([64 - 20 - 40 + 10, 30, 10, 10]);
    const b = digest({ pages: [p] });
    const t = diffDigests(digest(), b).find((x) => x.section === 'tiers');
    expect(t?.fields.find((f) => f.name === 'xarray')).toEqual({
      name: 'xarray',
      a: '0',
      b: '10',
      delta: 10,
    });
  });

  it('lists domain, access, reserved and pin differences in their sections', () => {
    const b = digest({ pins: { pinnedFrames: 32, totalPins: 32, runs: 1, hash: 'abc' } }, [
      ioas(1, {
        domains: [domain(2, { stats: { mappedBytes: 131072, tableBytes: 8192 } }), domain(3)],
        accesses: [{ id: 5, needsPinPages: true, items: [[1, '0', '4096']] }],
        reserved: [['0', '4095', 'test']],
      }),
    ]);
    const groups = groupBySection(diffDigests(digest(), b)).map((g) => g.section);
    expect(groups).toEqual(['ioas', 'domains', 'accesses', 'reserved', 'pins']);
  });
});

// ---- properties ----

const IOVAS = [0, 0x10000, 0x20000, 0x100000, 0x400000];

const pagesArb = (id: number): fc.Arbitrary<PagesDigest> =>
  fc
    .record({
      pid: fc.constantFrom(1, 2),
      uptr: fc.constantFrom(0x1000, 0x200000),
      npages: fc.constantFrom(16, 64),
      npinned: fc.nat(64),
      acc: fc.array(fc.tuple(fc.nat(15), fc.nat(15), fc.integer({ min: 1, max: 3 })), { maxLength: 3 }),
      dom: fc.array(fc.tuple(fc.nat(15), fc.nat(15)), { maxLength: 2 }),
    })
    .map(({ pid, uptr, npages, npinned, acc, dom }) => {
      const accessIntervals = acc
        .map(([x, y, u]) => [Math.min(x, y), Math.max(x, y), u] as [number, number, number])
        .sort((p, q) => p[0] - q[0]);
      const domainSpans: [number, number][] = [];
      for (const [x, y] of dom
        .map(([x, y]) => [Math.min(x, y), Math.max(x, y)])
        .sort((p, q) => (p[0] as number) - (q[0] as number))) {
        const last = domainSpans[domainSpans.length - 1];
        if (last && (x as number) <= last[1] + 1) last[1] = Math.max(last[1], y as number);
        else domainSpans.push([x as number, y as number]);
      }
      return pages(id, {
        pid,
        uptr,
        npages,
        npinned,
        accessIntervals,
        domainSpans,
        tiers: [[0, npages - 1, 'none']],
      });
    });

const ioasArb = (id: number, npages: number): fc.Arbitrary<IoasDigest> =>
  fc
    .record({
      areas: fc.uniqueArray(
        fc.record({
          iova: fc.constantFrom(...IOVAS),
          pages: fc.nat(npages),
          index: fc.constantFrom(0, 8),
          len: fc.constantFrom(4096, 65536),
          sd: fc.constantFrom(null, 2),
        }),
        { selector: (a) => a.iova, maxLength: 3 },
      ),
      domains: fc.uniqueArray(
        fc.record({
          id: fc.integer({ min: 2, max: 4 }),
          mapped: fc.nat(4),
          table: fc.constantFrom(4096, 8192),
        }),
        { selector: (d) => d.id, maxLength: 2 },
      ),
      accesses: fc.uniqueArray(
        fc.record({ id: fc.integer({ min: 5, max: 7 }), items: fc.nat(2), pin: fc.boolean() }),
        { selector: (d) => d.id, maxLength: 2 },
      ),
      reserved: fc.uniqueArray(fc.constantFrom(0, 0x1000, 0xfee00000), { maxLength: 2 }),
      allowed: fc.uniqueArray(fc.constantFrom(0, 0x100000), { maxLength: 1 }),
      align: fc.constantFrom(4096, 65536),
    })
    .map((r) =>
      ioas(id, {
        iovaAlignment: r.align,
        areas: r.areas.map((x) =>
          area(x.iova, x.pages, { index: x.index, length: String(x.len), storageDomain: x.sd }),
        ),
        domains: r.domains.map((d) =>
          domain(d.id, {
            mapped: Array.from({ length: d.mapped }, (_, k) => [String(k * 0x100000), '4096', 4096]),
            stats: { mappedBytes: d.mapped * 4096, tableBytes: d.table },
          }),
        ),
        accesses: r.accesses.map((x) => ({
          id: x.id,
          needsPinPages: x.pin,
          items: Array.from(
            { length: x.items },
            (_, k) => [k, String(k * 4096), '4096'] as [number, string, string],
          ),
        })),
        reserved: r.reserved.map((s) => [String(s), String(s + 0xfff), 'test']),
        allowed: r.allowed.map((s) => [String(s), String(s + 0xfffff)]),
      }),
    );

const digestArb: fc.Arbitrary<MachineDigest> = fc
  .integer({ min: 0, max: 3 })
  .chain((np) =>
    fc.record({
      pages: fc.tuple(...Array.from({ length: np }, (_, i) => pagesArb(i + 1))),
      ioasIds: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
      np: fc.constant(np),
      pinned: fc.nat(100),
      hash: fc.constantFrom('a', 'b'),
      locked: fc.nat(100),
    }),
  )
  .chain((r) =>
    fc.tuple(...r.ioasIds.map((id) => ioasArb(id, r.np))).map((io) =>
      digest(
        {
          pages: r.pages,
          pins: { pinnedFrames: r.pinned, totalPins: r.pinned, runs: 1, hash: r.hash },
          accounting: [
            { pid: 1, uid: 1000, alive: true, userLockedVm: r.locked, mmLockedVm: 0, mmPinnedVm: 0 },
          ],
        },
        io,
      ),
    ),
  );

const swapKind = (k: DigestDifference['kind']): DigestDifference['kind'] =>
  k === 'added' ? 'removed' : k === 'removed' ? 'added' : 'changed';

const byKey = (l: readonly DigestDifference[]): Map<string, DigestDifference> =>
  new Map(l.map((d) => [`${d.section}|${d.key}`, d]));

describe('diffDigests (properties)', () => {
  it('is empty between a digest and itself, and a deep copy of it', () => {
    fc.assert(
      fc.property(digestArb, (a) => {
        expect(diffDigests(a, a)).toEqual([]);
        expect(diffDigests(a, structuredClone(a))).toEqual([]);
      }),
      PARAMS,
    );
  });

  it('is symmetric: diff(b, a) has the same keys, added ↔ removed and each field a ↔ b', () => {
    fc.assert(
      fc.property(digestArb, digestArb, (a, b) => {
        const ab = diffDigests(a, b);
        const ba = byKey(diffDigests(b, a));
        expect(ba.size).toBe(ab.length);
        for (const d of ab) {
          const r = ba.get(`${d.section}|${d.key}`);
          expect(r, `${d.section} ${d.key}`).toBeDefined();
          expect(r?.kind).toBe(swapKind(d.kind));
          expect(r?.fields.map((f) => [f.name, f.b, f.a])).toEqual(d.fields.map((f) => [f.name, f.a, f.b]));
        }
      }),
      PARAMS,
    );
  });

  it('lists only real differences: unique keys, changed fields differ, one-sided items exist on their side only', () => {
    fc.assert(
      fc.property(digestArb, digestArb, (a, b) => {
        const ab = diffDigests(a, b);
        expect(byKey(ab).size).toBe(ab.length);
        const ids = (d: MachineDigest, pick: (x: IoasDigest) => { id: number }[]): Set<string> =>
          new Set(
            d.contexts.flatMap((c) =>
              c.ioas.flatMap((x) => pick(x).map((o) => `${c.serial}/${x.id} ${o.id}`)),
            ),
          );
        for (const d of ab) {
          if (d.kind === 'changed') {
            expect(d.fields.length).toBeGreaterThan(0);
            for (const f of d.fields) expect(f.a).not.toBe(f.b);
          } else {
            const side = d.kind === 'added' ? 'b' : 'a';
            for (const f of d.fields) expect(side === 'a' ? f.b : f.a).toBe('');
          }
          // the one-sided domains really are on one side only
          if (d.section === 'domains' && d.kind !== 'changed') {
            const k = d.key.replace(' domain ', ' ');
            expect(ids(a, (x) => x.domains).has(k)).toBe(d.kind === 'removed');
            expect(ids(b, (x) => x.domains).has(k)).toBe(d.kind === 'added');
          }
          if (d.section === 'areas' && d.kind !== 'changed') {
            const iova = BigInt(d.key.split(' area ')[1] as string).toString();
            const has = (m: MachineDigest): boolean =>
              m.contexts.some((c) =>
                c.ioas.some(
                  (x) =>
                    `${c.serial}/${x.id}` === d.key.split(' ')[0] && x.areas.some((y) => y.iova === iova),
                ),
              );
            expect(has(a)).toBe(d.kind === 'removed');
            expect(has(b)).toBe(d.kind === 'added');
          }
        }
      }),
      PARAMS,
    );
  });

  it('is complete: any one change to a compared field shows up in its section', () => {
    type Mut = { section: DigestDifference['section']; apply: (d: MachineDigest) => boolean };
    const firstIoas = (d: MachineDigest): IoasDigest | undefined => d.contexts[0]?.ioas[0];
    const muts: Mut[] = [
      {
        section: 'areas',
        apply: (d) => {
          const x = firstIoas(d)?.areas[0];
          if (!x) return false;
          x.length = String(Number(x.length) + 4096);
          return true;
        },
      },
      {
        section: 'domains',
        apply: (d) => {
          const x = firstIoas(d)?.domains[0];
          if (!x) return false;
          x.stats.tableBytes += 4096;
          return true;
        },
      },
      {
        section: 'accesses',
        apply: (d) => {
          const x = firstIoas(d)?.accesses[0];
          if (!x) return false;
          x.needsPinPages = !x.needsPinPages;
          return true;
        },
      },
      {
        section: 'tiers',
        apply: (d) => {
          const p = d.pages[0];
          if (!p) return false;
          p.npinned += 1;
          return true;
        },
      },
      {
        section: 'reserved',
        apply: (d) => {
          const x = firstIoas(d);
          if (!x) return false;
          x.reserved.push(['123456789', '123456799', 'test']);
          return true;
        },
      },
      {
        section: 'pins',
        apply: (d) => {
          d.pins.totalPins += 1;
          return true;
        },
      },
    ];
    fc.assert(
      fc.property(digestArb, fc.nat(muts.length - 1), (a, m) => {
        const b = structuredClone(a);
        const mut = muts[m] as Mut;
        if (!mut.apply(b)) return;
        const d = diffDigests(a, b);
        expect(d.some((x) => x.section === mut.section)).toBe(true);
      }),
      PARAMS,
    );
  });
});
