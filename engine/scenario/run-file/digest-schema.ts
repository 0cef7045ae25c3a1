/**
 * Reader of one MachineDigest (engine/iommufd/digest.ts) from a run file,
 * field by field: the views draw from these (tier runs, areas, mapped
 * ranges), so a wrong type or a non-decimal IOVA string would break them.
 * IOVAs and lengths are decimal strings of u64 values.
 */
import type {
  AccessDigest,
  AccountingDigest,
  AreaDigest,
  ContextDigest,
  DomainDigest,
  IoasDigest,
  MachineDigest,
  PagesDigest,
} from '../../iommufd/digest';
import { RUN_FILE_LIMITS as L } from './format';
import type { Obj, Reader } from './reader';

const N = L.items;
const U64 = /^(0|[1-9][0-9]{0,19})$/;

function u64(r: Reader, v: unknown, key?: string | number): string {
  const s = r.strValue(v, key, 20);
  if (!U64.test(s) || BigInt(s) > 0xffff_ffff_ffff_ffffn)
    r.fail(`expected a decimal u64 string, got ${JSON.stringify(s)}`, key);
  return s;
}
const u64Field = (r: Reader, o: Obj, key: string): string => u64(r, r.field(o, key), key);

function ints<T extends number[]>(r: Reader, v: unknown, n: number): T {
  const t = r.tuple(v, n);
  return t.map((x, i) => r.intValue(x, i)) as T;
}

function readPages(r: Reader, v: unknown): PagesDigest {
  const o = r.obj(v);
  const npages = r.int(o, 'npages');
  return {
    id: r.int(o, 'id'),
    pid: r.int(o, 'pid'),
    uptr: r.int(o, 'uptr'),
    npages,
    npinned: r.int(o, 'npinned'),
    lastNpinned: r.int(o, 'lastNpinned'),
    accountMode: r.str(o, 'accountMode', L.name),
    writable: r.bool(o, 'writable'),
    tiers: r.arr(o, 'tiers', N, (x) => {
      const t = r.tuple(x, 3);
      return [r.intValue(t[0], 0), r.intValue(t[1], 1), r.strValue(t[2], 2, L.name)] as [
        number,
        number,
        string,
      ];
    }),
    accessNodes: r.int(o, 'accessNodes'),
    xarrayEntries: r.int(o, 'xarrayEntries'),
    accessIntervals: r.arr(o, 'accessIntervals', N, (x) => ints<[number, number, number]>(r, x, 3)),
    domainSpans: r.arr(o, 'domainSpans', N, (x) => ints<[number, number]>(r, x, 2)),
  };
}

function readArea(r: Reader, v: unknown): AreaDigest {
  const o = r.obj(v);
  const sd = r.field(o, 'storageDomain');
  return {
    iova: u64Field(r, o, 'iova'),
    length: u64Field(r, o, 'length'),
    pages: r.int(o, 'pages'),
    index: r.int(o, 'index'),
    lastIndex: r.int(o, 'lastIndex'),
    pageOffset: r.int(o, 'pageOffset'),
    prot: r.int(o, 'prot'),
    storageDomain: sd === null ? null : r.int(o, 'storageDomain'),
    numAccesses: r.int(o, 'numAccesses'),
    preventAccess: r.bool(o, 'preventAccess'),
  };
}

function readDomain(r: Reader, v: unknown): DomainDigest {
  const o = r.obj(v);
  const stats = r.in('stats', () => r.obj(r.field(o, 'stats')));
  return {
    id: r.int(o, 'id'),
    deviceId: r.int(o, 'deviceId'),
    kind: r.str(o, 'kind', L.name),
    mapped: r.arr(o, 'mapped', N, (x) => {
      const t = r.tuple(x, 3);
      return [u64(r, t[0], 0), u64(r, t[1], 1), r.intValue(t[2], 2)] as [string, string, number];
    }),
    entries: r.int(o, 'entries'),
    stats: r.in('stats', () => ({
      mappedBytes: r.int(stats, 'mappedBytes'),
      tableBytes: r.int(stats, 'tableBytes'),
    })),
  };
}

function readAccess(r: Reader, v: unknown): AccessDigest {
  const o = r.obj(v);
  return {
    id: r.int(o, 'id'),
    needsPinPages: r.bool(o, 'needsPinPages'),
    items: r.arr(o, 'items', N, (x) => {
      const t = r.tuple(x, 3);
      return [r.intValue(t[0], 0), u64(r, t[1], 1), u64(r, t[2], 2)] as [number, string, string];
    }),
  };
}

function readIoas(r: Reader, v: unknown): IoasDigest {
  const o = r.obj(v);
  return {
    id: r.int(o, 'id'),
    iovaAlignment: r.int(o, 'iovaAlignment'),
    disableLargePages: r.bool(o, 'disableLargePages'),
    areas: r.arr(o, 'areas', N, (x) => readArea(r, x)),
    reserved: r.arr(o, 'reserved', N, (x) => {
      const t = r.tuple(x, 3);
      return [u64(r, t[0], 0), u64(r, t[1], 1), r.strValue(t[2], 2, L.name)] as [string, string, string];
    }),
    allowed: r.arr(o, 'allowed', N, (x) => {
      const t = r.tuple(x, 2);
      return [u64(r, t[0], 0), u64(r, t[1], 1)] as [string, string];
    }),
    domains: r.arr(o, 'domains', N, (x) => readDomain(r, x)),
    accesses: r.arr(o, 'accesses', N, (x) => readAccess(r, x)),
  };
}

function readContext(r: Reader, v: unknown): ContextDigest {
  const o = r.obj(v);
  return {
    serial: r.int(o, 'serial'),
    owner: r.int(o, 'owner'),
    accountModeMm: r.bool(o, 'accountModeMm'),
    objects: r.arr(o, 'objects', N, (x) => {
      const t = r.tuple(x, 2);
      return [r.intValue(t[0], 0), r.strValue(t[1], 1, L.name)] as [number, string];
    }),
    ioas: r.arr(o, 'ioas', N, (x) => readIoas(r, x)),
  };
}

function readAccounting(r: Reader, v: unknown): AccountingDigest {
  const o = r.obj(v);
  return {
    pid: r.int(o, 'pid'),
    uid: r.int(o, 'uid'),
    alive: r.bool(o, 'alive'),
    userLockedVm: r.int(o, 'userLockedVm'),
    mmLockedVm: r.int(o, 'mmLockedVm'),
    mmPinnedVm: r.int(o, 'mmPinnedVm'),
  };
}

export function readDigest(r: Reader, v: unknown): MachineDigest {
  const o = r.obj(v);
  const pins = r.in('pins', () => r.obj(r.field(o, 'pins')));
  // engineBytes came later: a file without it reads as absent, not as 0
  const engineBytes = r.field(o, 'engineBytes') === undefined ? undefined : r.int(o, 'engineBytes');
  return {
    ...(engineBytes === undefined ? {} : { engineBytes }),
    contexts: r.arr(o, 'contexts', N, (x) => readContext(r, x)),
    pages: r.arr(o, 'pages', N, (x) => readPages(r, x)),
    accounting: r.arr(o, 'accounting', N, (x) => readAccounting(r, x)),
    pins: r.in('pins', () => ({
      pinnedFrames: r.int(pins, 'pinnedFrames'),
      totalPins: r.int(pins, 'totalPins'),
      runs: r.int(pins, 'runs'),
      hash: r.str(pins, 'hash', 64),
    })),
  };
}
