/**
 * After every op: does the engine hold what the model says? Domain contents
 * are compared as relations: every IOVA page of every area of an IOAS with
 * domains must translate, in every domain, to one frame per page identity
 * (distinct identities → distinct frames; a page still mapped in the process
 * → the frame behind it; a held page keeps its frame), nothing outside the
 * areas (pages next to them and pages mapped before); pin counts of every
 * page mapped in the process and of every frame seen in a domain; the mm's
 * pin totals; user accounting; access items; the engine's own invariants.
 * Each mismatch comes with a `lab` check that shows it in a scenario.
 */
import type { EngineDriver } from './engine-driver';
import { PAGE } from './ops';
import { heldByMode, totalHeld, type State } from './model';

export interface Mismatch {
  kind: 'domain' | 'pins' | 'accounting' | 'items' | 'invariants' | 'teardown';
  message: string;
  /** TypeScript lines using the scenario's variable names that fail on this mismatch. */
  check: string;
}

const hex = (x: bigint | number): string => '0x' + x.toString(16);

/** Frames seen per identity across checks, while the identity stays held. */
export class FrameMemory {
  readonly frameOf = new Map<number, number>();
}

/** `full`: every mapped user page's pin count (else the held ones); `deep`: the engine's every-frame check. */
export function compareState(
  s: State,
  d: EngineDriver,
  mem: FrameMemory,
  full: boolean,
  deep: boolean,
): Mismatch | null {
  const m = d.machine;
  const proc = d.process;
  const pinArr = m.memory.phys.frames.pin;
  const pinCounts = new Map<number, number>();
  for (const o of s.objs.values())
    for (const v of o.held.values()) pinCounts.set(v, (pinCounts.get(v) ?? 0) + 1);
  const pinsOf = (id: number): number => pinCounts.get(id) ?? 0;
  const identityOfFrame = new Map<number, number>();
  const frameOf = new Map<number, number>();
  // where and check are built only on a mismatch (this runs once per page)
  const bind = (id: number, pfn: number, where: () => string, check: () => string): Mismatch | null => {
    const f = frameOf.get(id);
    if (f !== undefined && f !== pfn)
      return {
        kind: 'domain',
        message: `${where()}: page identity ${id} on frame ${pfn}, elsewhere on frame ${f}`,
        check: check(),
      };
    const other = identityOfFrame.get(pfn);
    if (other !== undefined && other !== id)
      return {
        kind: 'domain',
        message: `${where()}: frame ${pfn} holds two different user pages (${other}, ${id})`,
        check: check(),
      };
    frameOf.set(id, pfn);
    identityOfFrame.set(pfn, id);
    return null;
  };

  // access items
  for (let a = 0; a < s.accesses.length; a++) {
    const ac = s.accesses[a];
    if (!ac.alive) continue;
    const eng = d.accesses[a].items.map((it) => `${it.id}:${hex(it.iova)}+${hex(it.length)}`).sort();
    const mod = ac.items.map((it) => `${it.id}:${hex(it.iova)}+${hex(it.pages * PAGE)}`).sort();
    if (eng.join(',') !== mod.join(','))
      return {
        kind: 'items',
        message: `access ${a} items: engine [${eng.join(', ')}], model [${mod.join(', ')}]`,
        check: `expectEq('access ${a} items', acc${a}.items.length, ${ac.items.length});`,
      };
  }

  // domain contents
  for (let i = 0; i < s.ioas.length; i++) {
    const io = s.ioas[i];
    if (!io.alive) continue;
    let bytes = 0;
    for (const a of io.areas) bytes += a.pages * PAGE;
    for (const dh of io.domains) {
      const dom = d.domains[dh];
      const st = dom.stats();
      if (st.mappedBytes !== bytes)
        return {
          kind: 'domain',
          message: `domain ${dh} maps ${st.mappedBytes} bytes, the areas of ioas ${i} cover ${bytes}`,
          check: `expectEq('domain ${dh} mappedBytes', dom${dh}.stats().mappedBytes, ${bytes});`,
        };
      for (let ai = 0; ai < io.areas.length; ai++) {
        const a = io.areas[ai];
        const obj = s.objs.get(a.obj)!;
        // every page on a full check, else the first and the last
        const step = full || a.pages <= 2 ? 1 : a.pages - 1;
        for (let p = 0; p < a.pages; p += step) {
          const iova = a.iova + BigInt(p * PAGE);
          const phys = dom.iovaToPhys(iova);
          const id = obj.held.get(a.start + p);
          const chk = (): string => `expectMapped(dom${dh}, ${hex(iova)}n);`;
          if (phys === null || id === undefined)
            return {
              kind: 'domain',
              message: `domain ${dh} ioas ${i} iova ${hex(iova)}: engine ${phys === null ? 'unmapped' : hex(phys)}, model ${id === undefined ? 'page not held' : `user page ${id}`}`,
              check: chk(),
            };
          if (phys % BigInt(PAGE) !== 0n)
            return {
              kind: 'domain',
              message: `domain ${dh} iova ${hex(iova)} → ${hex(phys)} not page aligned`,
              check: chk(),
            };
          const pfn = Number(phys / BigInt(PAGE));
          const bad = bind(id, pfn, () => `domain ${dh} iova ${hex(iova)}`, chk);
          if (bad) return bad;
          // the mock's second 2 KiB IO page of the first page of the area
          const half = p === 0 ? dom.iovaToPhys(iova + 2048n) : phys + 2048n;
          if (half !== phys + 2048n)
            return {
              kind: 'domain',
              message: `domain ${dh} iova ${hex(iova + 2048n)} → ${half === null ? 'unmapped' : hex(half)}, expected ${hex(phys + 2048n)}`,
              check: chk(),
            };
        }
        // the pages around the area must be unmapped unless another area covers them
        const prev = io.areas[ai - 1];
        const next = io.areas[ai + 1];
        for (const iova of [a.iova - BigInt(PAGE), a.iova + BigInt(a.pages * PAGE)]) {
          const covers = (b: typeof a | undefined): boolean =>
            b !== undefined && b.iova <= iova + BigInt(PAGE) - 1n && iova < b.iova + BigInt(b.pages * PAGE);
          // an area at IOVA 0 (pagetable aperture) or at the top has no page on that side
          if (covers(prev) || covers(next) || iova < 0n || iova > (1n << 64n) - 1n) continue;
          const phys = dom.iovaToPhys(iova);
          if (phys !== null)
            return {
              kind: 'domain',
              message: `domain ${dh} iova ${hex(iova)} (outside every area) maps ${hex(phys)}`,
              check: `expectEq('domain ${dh} iova ${hex(iova)}', dom${dh}.iovaToPhys(${hex(iova)}n), null);`,
            };
        }
      }
    }
  }

  // pins of every page mapped in the process, on a full check
  // (between full checks the mm's pin total and the accounting below catch a count gone wrong)
  for (const [page, id] of full ? s.mem : []) {
    const pfn = proc.translate(page * PAGE);
    const want = pinsOf(id);
    const got = pfn < 0 ? 0 : pinArr[pfn];
    const chk = (): string =>
      `expectEq('pin count at ${hex(page * PAGE)}', lab.pinCount(${hex(page * PAGE)}), ${want});`;
    if (got !== want)
      return {
        kind: 'pins',
        message: `pin count of user page ${hex(page * PAGE)}: engine ${got}, model ${want}`,
        check: chk(),
      };
    if (pfn >= 0 && want > 0) {
      const bad = bind(id, pfn, () => `user page ${hex(page * PAGE)}`, chk);
      if (bad) return bad;
    }
  }
  // frames seen in domains: pin counts; held pages keep their frame
  for (const [id, pfn] of frameOf) {
    const want = pinsOf(id);
    if (pinArr[pfn] !== want)
      return {
        kind: 'pins',
        message: `frame ${pfn} (user page ${id}): pin count ${pinArr[pfn]}, model ${want}`,
        check: `lab.checkInvariants();`,
      };
    const before = mem.frameOf.get(id);
    if (before !== undefined && before !== pfn)
      return {
        kind: 'domain',
        message: `held user page ${id} moved from frame ${before} to ${pfn}`,
        check: `lab.checkInvariants();`,
      };
  }
  const held = new Set<number>();
  for (const o of s.objs.values()) for (const v of o.held.values()) held.add(v);
  for (const id of [...mem.frameOf.keys()]) if (!held.has(id)) mem.frameOf.delete(id);
  for (const [id, pfn] of frameOf) mem.frameOf.set(id, pfn);

  const total = totalHeld(s);
  if (m.memory.phys.totalPins !== total)
    return {
      kind: 'pins',
      message: `mm pin total ${m.memory.phys.totalPins}, model ${total}`,
      check: `lab.checkInvariants();`,
    };
  const acc = proc.accounting();
  // USER-mode pages charge the user's locked_vm, MM-mode ones the mm's, none-mode (CAP_IPC_LOCK) nothing;
  // the source mm's pinned_vm always follows npinned
  const by = heldByMode(s);
  const want = { userLockedVm: by.user, mmLockedVm: by.mm, mmPinnedVm: total };
  for (const k of ['userLockedVm', 'mmLockedVm', 'mmPinnedVm'] as const)
    if (acc[k] !== want[k])
      return {
        kind: 'accounting',
        message: `accounting ${JSON.stringify(acc)}, model ${JSON.stringify(want)}`,
        check: `expectEq('${k}', lab.process.accounting().${k}, ${want[k]});`,
      };

  const v = m.violations({ deep });
  if (v.length > 0)
    return {
      kind: 'invariants',
      message: `invariants: ${v.slice(0, 5).join('; ')}`,
      check: `lab.checkInvariants();`,
    };
  return null;
}
