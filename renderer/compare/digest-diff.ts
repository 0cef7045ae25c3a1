/**
 * What differs between two MachineDigests (a run's state and another's, at
 * the same step or at the end): IOASes, their areas, domains, accesses,
 * reserved and allowed ranges; pages objects and their tier counts; the pin
 * totals and the memlock accounting. Pure and O(size of the digests), which
 * are O(runs): never per page.
 *
 * Identity: an IOAS by (context serial, id); an area by its IOVA, then the
 * areas left over by (pages object, first index) — an area the other run
 * mapped elsewhere is "changed iova", not removed + added; a pages object by
 * its key (pid:uptr:npages) and occurrence (two maps of one buffer share a
 * key); digest ids of pages objects are order numbers, so fields that point
 * at pages compare by key. A domain, access or process by id.
 *
 * Symmetry: diffDigests(b, a) lists the same keys as diffDigests(a, b), with
 * added ↔ removed and every field's a ↔ b swapped (the tests check it).
 */
import type {
  AccessDigest,
  AreaDigest,
  DomainDigest,
  IoasDigest,
  MachineDigest,
  PagesDigest,
} from '../../engine/iommufd/digest';

export type DiffSection =
  'ioas' | 'areas' | 'tiers' | 'domains' | 'accesses' | 'reserved' | 'allowed' | 'pins' | 'accounting';

export const SECTION_TITLES: Record<DiffSection, string> = {
  ioas: 'IOASes',
  areas: 'Areas',
  tiers: 'Pages objects and tiers',
  domains: 'Domains',
  accesses: 'Accesses',
  reserved: 'Reserved ranges',
  allowed: 'Allowed ranges',
  pins: 'Pinned frames',
  accounting: 'Memlock accounting',
};

export type DiffKind = 'added' | 'removed' | 'changed';

/** One field that differs; values as display text (decimal; the view formats). */
export interface FieldDiff {
  name: string;
  a: string;
  b: string;
  /** Both sides are numbers: b − a (for sizes and signs). */
  delta?: number;
}

export interface DigestDifference {
  section: DiffSection;
  /** added: only in b; removed: only in a; changed: in both, `fields` differ. */
  kind: DiffKind;
  /** Identity within the section (stable, unique per section). */
  key: string;
  /** What it is, for people ("IOAS 1 · area 0x100000"). */
  label: string;
  fields: FieldDiff[];
}

const EMPTY: MachineDigest = {
  contexts: [],
  pages: [],
  accounting: [],
  pins: { pinnedFrames: 0, totalPins: 0, runs: 0, hash: '' },
};

const hex = (dec: string): string => `0x${BigInt(dec).toString(16)}`;
export const pagesKeyOf = (p: PagesDigest): string => `${p.pid}:${p.uptr}:${p.npages}`;

/** Pages digest ids → their keys, with an occurrence suffix when a key repeats. */
function pagesNames(d: MachineDigest): Map<number, string> {
  const seen = new Map<string, number>();
  const out = new Map<number, string>();
  for (const p of d.pages) {
    const k = pagesKeyOf(p);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    out.set(p.id, n === 1 ? k : `${k}#${n}`);
  }
  return out;
}

/** Compare two flat records field by field (given order); only the differing ones. */
function fieldDiffs(a: Record<string, string | number>, b: Record<string, string | number>): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const name of Object.keys(a)) {
    const va = a[name] as string | number;
    const vb = b[name] as string | number;
    if (va === vb) continue;
    const f: FieldDiff = { name, a: String(va), b: String(vb) };
    if (typeof va === 'number' && typeof vb === 'number') f.delta = vb - va;
    out.push(f);
  }
  return out;
}

/** Everything a record shows when it is only on one side: its fields, with '' on the missing side. */
function oneSided(r: Record<string, string | number>, side: 'a' | 'b'): FieldDiff[] {
  return Object.entries(r).map(([name, v]) =>
    side === 'a' ? { name, a: String(v), b: '' } : { name, a: '', b: String(v) },
  );
}

/** Match keyed records of both sides and emit added / removed / changed. */
function diffKeyed(
  out: DigestDifference[],
  section: DiffSection,
  a: Map<string, { label: string; rec: Record<string, string | number> }>,
  b: Map<string, { label: string; rec: Record<string, string | number> }>,
): void {
  for (const [key, x] of a) {
    const y = b.get(key);
    if (!y) out.push({ section, kind: 'removed', key, label: x.label, fields: oneSided(x.rec, 'a') });
    else {
      const fields = fieldDiffs(x.rec, y.rec);
      if (fields.length > 0) out.push({ section, kind: 'changed', key, label: x.label, fields });
    }
  }
  for (const [key, y] of b)
    if (!a.has(key)) out.push({ section, kind: 'added', key, label: y.label, fields: oneSided(y.rec, 'b') });
}

type Keyed = Map<string, { label: string; rec: Record<string, string | number> }>;

interface IoasRef {
  key: string;
  label: string;
  ioas: IoasDigest;
}

function ioasList(d: MachineDigest): IoasRef[] {
  const multi = d.contexts.length > 1;
  const out: IoasRef[] = [];
  for (const ctx of d.contexts)
    for (const ioas of ctx.ioas)
      out.push({
        key: `${ctx.serial}/${ioas.id}`,
        label: multi ? `context ${ctx.serial} · IOAS ${ioas.id}` : `IOAS ${ioas.id}`,
        ioas,
      });
  return out;
}

function areaRec(a: AreaDigest, names: Map<number, string>): Record<string, string | number> {
  return {
    iova: hex(a.iova),
    length: Number(a.length),
    pages: a.pages === 0 ? 'none' : (names.get(a.pages) ?? `#${a.pages}`),
    index: a.index,
    lastIndex: a.lastIndex,
    pageOffset: a.pageOffset,
    prot: a.prot,
    storageDomain: a.storageDomain === null ? 'none' : a.storageDomain,
    numAccesses: a.numAccesses,
    preventAccess: String(a.preventAccess),
  };
}

/**
 * Pair the areas of one IOAS: equal IOVA first, then the rest by (pages
 * object, first index), the i-th of a group with the i-th (IOVA order) —
 * a rule that reads both sides alike, so the result is symmetric.
 */
function diffAreas(
  out: DigestDifference[],
  io: string,
  ioLabel: string,
  a: readonly AreaDigest[],
  b: readonly AreaDigest[],
  na: Map<number, string>,
  nb: Map<number, string>,
): void {
  const byIova = (l: readonly AreaDigest[]): Map<string, AreaDigest> => new Map(l.map((x) => [x.iova, x]));
  const ma = byIova(a);
  const mb = byIova(b);
  const pairs: [AreaDigest | null, AreaDigest | null][] = [];
  const restA: AreaDigest[] = [];
  const restB: AreaDigest[] = [];
  for (const x of a) {
    const y = mb.get(x.iova);
    if (y) pairs.push([x, y]);
    else restA.push(x);
  }
  for (const y of b) if (!ma.has(y.iova)) restB.push(y);
  const groupKey = (x: AreaDigest, names: Map<number, string>): string =>
    `${x.pages === 0 ? 'none' : (names.get(x.pages) ?? `#${x.pages}`)}@${x.index}`;
  const groups = new Map<string, { a: AreaDigest[]; b: AreaDigest[] }>();
  const order = (l: AreaDigest[]): AreaDigest[] =>
    [...l].sort((p, q) => (BigInt(p.iova) < BigInt(q.iova) ? -1 : BigInt(p.iova) > BigInt(q.iova) ? 1 : 0));
  for (const x of order(restA)) {
    const k = groupKey(x, na);
    const g = groups.get(k) ?? { a: [], b: [] };
    g.a.push(x);
    groups.set(k, g);
  }
  for (const y of order(restB)) {
    const k = groupKey(y, nb);
    const g = groups.get(k) ?? { a: [], b: [] };
    g.b.push(y);
    groups.set(k, g);
  }
  for (const g of groups.values()) {
    const n = Math.max(g.a.length, g.b.length);
    for (let i = 0; i < n; i++) pairs.push([g.a[i] ?? null, g.b[i] ?? null]);
  }
  for (const [x, y] of pairs) {
    // The key names the pair by both IOVAs when they differ: the same string from either side.
    const ia = x ? hex(x.iova) : '';
    const ib = y ? hex(y.iova) : '';
    const key = `${io} area ${x && y && ia !== ib ? [ia, ib].sort().join('↔') : ia || ib}`;
    const label = `${ioLabel} · area ${x && y && ia !== ib ? `${ia} → ${ib}` : ia || ib}`;
    if (x && y) {
      const fields = fieldDiffs(areaRec(x, na), areaRec(y, nb));
      if (fields.length > 0) out.push({ section: 'areas', kind: 'changed', key, label, fields });
    } else if (x)
      out.push({ section: 'areas', kind: 'removed', key, label, fields: oneSided(areaRec(x, na), 'a') });
    else if (y)
      out.push({ section: 'areas', kind: 'added', key, label, fields: oneSided(areaRec(y, nb), 'b') });
  }
}

function domainRec(d: DomainDigest): Record<string, string | number> {
  let mapped = 0;
  for (const m of d.mapped) mapped += Number(m[1]);
  return {
    kind: d.kind,
    deviceId: d.deviceId,
    mappedBytes: d.stats.mappedBytes,
    mappedRuns: d.mapped.length,
    mappedSpan: mapped,
    entries: d.entries,
    tableBytes: d.stats.tableBytes,
  };
}

function accessRec(x: AccessDigest): Record<string, string | number> {
  let bytes = 0;
  for (const it of x.items) bytes += Number(it[2]);
  return {
    needsPinPages: String(x.needsPinPages),
    items: x.items.length,
    itemBytes: bytes,
    ranges: x.items.map((it) => `${hex(it[1])}+${hex(it[2])}`).join(' ') || '—',
  };
}

/** Union length of possibly overlapping [start, last] pairs sorted by start. */
function unionLength(pairs: readonly (readonly number[])[]): number {
  let total = 0;
  let s = -1;
  let l = -2;
  for (const p of pairs) {
    const ps = p[0] as number;
    const pl = p[1] as number;
    if (ps > l + 1) {
      if (l >= s) total += l - s + 1;
      s = ps;
      l = pl;
    } else if (pl > l) l = pl;
  }
  if (l >= s && s >= 0) total += l - s + 1;
  return total;
}

/** Length of the intersection of two unions (each list sorted by start, may overlap). */
function intersectLength(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  const merge = (l: readonly (readonly number[])[]): [number, number][] => {
    const out: [number, number][] = [];
    for (const p of l) {
      const last = out[out.length - 1];
      if (last && (p[0] as number) <= last[1] + 1) last[1] = Math.max(last[1], p[1] as number);
      else out.push([p[0] as number, p[1] as number]);
    }
    return out;
  };
  const x = merge(a);
  const y = merge(b);
  let i = 0;
  let j = 0;
  let total = 0;
  while (i < x.length && j < y.length) {
    const [s1, l1] = x[i] as [number, number];
    const [s2, l2] = y[j] as [number, number];
    const lo = Math.max(s1, s2);
    const hi = Math.min(l1, l2);
    if (hi >= lo) total += hi - lo + 1;
    if (l1 < l2) i++;
    else j++;
  }
  return total;
}

/** Pages in each of the four tiers (TIER_* order: not pinned, domain, xarray, xarray + domain). */
export function tierCountsOf(p: PagesDigest): [number, number, number, number] {
  const acc = unionLength(p.accessIntervals);
  const dom = unionLength(p.domainSpans);
  const both = intersectLength(p.accessIntervals, p.domainSpans);
  return [p.npages - acc - dom + both, dom - both, acc - both, both];
}

function pagesRec(p: PagesDigest): Record<string, string | number> {
  const [none, domain, xarray, both] = tierCountsOf(p);
  return {
    'not pinned': none,
    domain,
    xarray,
    'xarray + domain': both,
    npinned: p.npinned,
    lastNpinned: p.lastNpinned,
    // tier layout: the same counts can sit at other indexes
    'tier runs': p.tiers.length,
    'access intervals': p.accessIntervals.map((x) => `${x[0]}-${x[1]}×${x[2]}`).join(' ') || '—',
    'domain spans': p.domainSpans.map((x) => `${x[0]}-${x[1]}`).join(' ') || '—',
    accountMode: p.accountMode,
    writable: String(p.writable),
  };
}

export function diffDigests(a: MachineDigest | null, b: MachineDigest | null): DigestDifference[] {
  const da = a ?? EMPTY;
  const db = b ?? EMPTY;
  const out: DigestDifference[] = [];
  const na = pagesNames(da);
  const nb = pagesNames(db);

  // IOASes and what they hold
  const ia = ioasList(da);
  const ib = ioasList(db);
  const ioasRec = (x: IoasDigest): Record<string, string | number> => ({
    areas: x.areas.length,
    domains: x.domains.length,
    accesses: x.accesses.length,
    iovaAlignment: x.iovaAlignment,
    disableLargePages: String(x.disableLargePages),
  });
  diffKeyed(
    out,
    'ioas',
    new Map(ia.map((r) => [r.key, { label: r.label, rec: ioasRec(r.ioas) }])),
    new Map(ib.map((r) => [r.key, { label: r.label, rec: ioasRec(r.ioas) }])),
  );
  const mb = new Map(ib.map((r) => [r.key, r]));
  const ma = new Map(ia.map((r) => [r.key, r]));
  const none: IoasDigest = {
    id: 0,
    iovaAlignment: 0,
    disableLargePages: false,
    areas: [],
    reserved: [],
    allowed: [],
    domains: [],
    accesses: [],
  };
  const keys = [...ia.map((r) => r.key), ...ib.filter((r) => !ma.has(r.key)).map((r) => r.key)];
  const per = <T>(
    section: DiffSection,
    list: (x: IoasDigest) => readonly T[],
    key: (t: T) => string,
    label: (t: T) => string,
    rec: (t: T) => Record<string, string | number>,
  ): void => {
    for (const k of keys) {
      const x = ma.get(k);
      const y = mb.get(k);
      const io = (x ?? y) as IoasRef;
      const build = (io2: IoasDigest): Keyed =>
        new Map(
          list(io2).map((t) => [`${k} ${key(t)}`, { label: `${io.label} · ${label(t)}`, rec: rec(t) }]),
        );
      diffKeyed(out, section, build(x?.ioas ?? none), build(y?.ioas ?? none));
    }
  };
  for (const k of keys) {
    const x = ma.get(k);
    const y = mb.get(k);
    const io = (x ?? y) as IoasRef;
    diffAreas(out, k, io.label, x?.ioas.areas ?? [], y?.ioas.areas ?? [], na, nb);
  }
  per(
    'domains',
    (x) => x.domains,
    (d) => `domain ${d.id}`,
    (d) => `domain ${d.id} (${d.kind})`,
    domainRec,
  );
  per(
    'accesses',
    (x) => x.accesses,
    (c) => `access ${c.id}`,
    (c) => `access ${c.id}`,
    accessRec,
  );
  const range = (r: readonly string[]): string => `${hex(r[0] as string)}–${hex(r[1] as string)}`;
  per(
    'reserved',
    (x) => x.reserved,
    (r) => `${range(r)} ${r[2]}`,
    (r) => `reserved ${range(r)} (${r[2]})`,
    () => ({ range: 'present' }),
  );
  per(
    'allowed',
    (x) => x.allowed,
    (r) => range(r),
    (r) => `allowed ${range(r)}`,
    () => ({ range: 'present' }),
  );

  // pages objects: tier counts per object
  const pagesMap = (d: MachineDigest, names: Map<number, string>): Keyed =>
    new Map(
      d.pages.map((p) => {
        const name = names.get(p.id) as string;
        return [name, { label: `pages ${name} (${p.npages} pages)`, rec: pagesRec(p) }];
      }),
    );
  diffKeyed(out, 'tiers', pagesMap(da, na), pagesMap(db, nb));

  // machine-wide pins: the run hash only as "same / different" (it is a hash)
  const pinsRec = (d: MachineDigest): Record<string, string | number> => ({
    pinnedFrames: d.pins.pinnedFrames,
    totalPins: d.pins.totalPins,
    'pin runs': d.pins.runs,
    'layout hash (pfn, count runs)': d.pins.hash,
  });
  const pinFields = fieldDiffs(pinsRec(da), pinsRec(db));
  if (pinFields.length > 0)
    out.push({ section: 'pins', kind: 'changed', key: 'pins', label: 'pinned frames', fields: pinFields });

  const acct = (d: MachineDigest): Keyed =>
    new Map(
      d.accounting.map((x) => [
        `pid ${x.pid}`,
        {
          label: `process ${x.pid} (uid ${x.uid})`,
          rec: {
            alive: String(x.alive),
            userLockedVm: x.userLockedVm,
            mmLockedVm: x.mmLockedVm,
            mmPinnedVm: x.mmPinnedVm,
          },
        },
      ]),
    );
  diffKeyed(out, 'accounting', acct(da), acct(db));
  return out;
}

/** The differences of one section, in the order of SECTION_TITLES. */
export function groupBySection(
  diffs: readonly DigestDifference[],
): { section: DiffSection; title: string; items: DigestDifference[] }[] {
  const out: { section: DiffSection; title: string; items: DigestDifference[] }[] = [];
  for (const s of Object.keys(SECTION_TITLES) as DiffSection[]) {
    const items = diffs.filter((d) => d.section === s);
    if (items.length > 0) out.push({ section: s, title: SECTION_TITLES[s], items });
  }
  return out;
}
