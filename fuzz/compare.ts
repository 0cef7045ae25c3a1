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
import { heldByMode, recountPins, totalHeld, type Area, type ItemM, type State } from './model';

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

const PAGE_N = BigInt(PAGE);
const ULONG_MAX = (1n << 64n) - 1n;

/** Whether area b covers any byte of the page at iova. */
function covers(b: Area | undefined, iova: bigint): boolean {
  return b !== undefined && b.iova <= iova + PAGE_N - 1n && iova < b.iova + BigInt(b.pages * PAGE);
}

function domainMismatch(dh: number, iova: bigint, message: string): Mismatch {
  return { kind: 'domain', message, check: `expectMapped(dom${dh}, ${hex(iova)}n);` };
}

function pinCheck(page: number, want: number): string {
  return `expectEq('pin count at ${hex(page * PAGE)}', lab.pinCount(${hex(page * PAGE)}), ${want});`;
}

/** The same items (id, IOVA, length) in any order. */
function sameItems(
  eng: readonly { id: number; iova: bigint; length: bigint | number }[],
  mod: readonly ItemM[],
): boolean {
  if (eng.length !== mod.length) return false;
  const byId = new Map<number, ItemM>();
  for (const it of mod) byId.set(it.id, it);
  if (byId.size !== mod.length) return false;
  for (const it of eng) {
    const m = byId.get(it.id);
    if (m === undefined || m.iova !== it.iova || BigInt(m.pages * PAGE) !== BigInt(it.length)) return false;
  }
  return true;
}

/** The model's pin cache against a recount from its pages objects: a difference is a fuzzer bug, not the engine's. */
function verifyPinCache(s: State): void {
  const r = recountPins(s);
  let bad = r.size !== s.pins.size;
  for (const [id, n] of r) if (s.pins.get(id) !== n) bad = true;
  if (bad)
    throw new Error(
      `fuzz model: pin cache differs from the pages objects (${s.pins.size} vs ${r.size} identities)`,
    );
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
  // the model keeps its expected pin count per identity; a full check recounts it from the pages objects
  if (full) verifyPinCache(s);
  const pinsOf = (id: number): number => s.pins.get(id) ?? 0;
  const identityOfFrame = new Map<number, number>();
  const frameOf = new Map<number, number>();
  /** Identity id seen on frame pfn: null, or what is wrong (the caller names the place). */
  const bind = (id: number, pfn: number): string | null => {
    const f = frameOf.get(id);
    if (f !== undefined && f !== pfn) return `page identity ${id} on frame ${pfn}, elsewhere on frame ${f}`;
    const other = identityOfFrame.get(pfn);
    if (other !== undefined && other !== id)
      return `frame ${pfn} holds two different user pages (${other}, ${id})`;
    frameOf.set(id, pfn);
    identityOfFrame.set(pfn, id);
    return null;
  };

  // access items (strings only on a mismatch)
  for (let a = 0; a < s.accesses.length; a++) {
    const ac = s.accesses[a];
    if (!ac.alive) continue;
    const engItems = d.accesses[a].items;
    if (!sameItems(engItems, ac.items)) {
      const eng = engItems.map((it) => `${it.id}:${hex(it.iova)}+${hex(it.length)}`).sort();
      const mod = ac.items.map((it) => `${it.id}:${hex(it.iova)}+${hex(it.pages * PAGE)}`).sort();
      return {
        kind: 'items',
        message: `access ${a} items: engine [${eng.join(', ')}], model [${mod.join(', ')}]`,
        check: `expectEq('access ${a} items', acc${a}.items.length, ${ac.items.length});`,
      };
    }
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
          if (phys === null || id === undefined)
            return domainMismatch(
              dh,
              iova,
              `domain ${dh} ioas ${i} iova ${hex(iova)}: engine ${phys === null ? 'unmapped' : hex(phys)}, model ${id === undefined ? 'page not held' : `user page ${id}`}`,
            );
          if (phys % PAGE_N !== 0n)
            return domainMismatch(dh, iova, `domain ${dh} iova ${hex(iova)} → ${hex(phys)} not page aligned`);
          const pfn = Number(phys / PAGE_N);
          const bad = bind(id, pfn);
          if (bad) return domainMismatch(dh, iova, `domain ${dh} iova ${hex(iova)}: ${bad}`);
          // the mock's second 2 KiB IO page of the first page of the area
          if (p === 0) {
            const half = dom.iovaToPhys(iova + 2048n);
            if (half !== phys + 2048n)
              return domainMismatch(
                dh,
                iova,
                `domain ${dh} iova ${hex(iova + 2048n)} → ${half === null ? 'unmapped' : hex(half)}, expected ${hex(phys + 2048n)}`,
              );
          }
        }
        // the pages around the area must be unmapped unless another area covers them
        const prev = io.areas[ai - 1];
        const next = io.areas[ai + 1];
        for (let side = 0; side < 2; side++) {
          const iova = side === 0 ? a.iova - PAGE_N : a.iova + BigInt(a.pages * PAGE);
          // an area at IOVA 0 (pagetable aperture) or at the top has no page on that side
          if (covers(prev, iova) || covers(next, iova) || iova < 0n || iova > ULONG_MAX) continue;
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
  let bad: Mismatch | null = null;
  if (full)
    s.mem.some((page, id) => {
      const pfn = proc.translate(page * PAGE);
      const want = pinsOf(id);
      const got = pfn < 0 ? 0 : pinArr[pfn];
      if (got !== want)
        bad = {
          kind: 'pins',
          message: `pin count of user page ${hex(page * PAGE)}: engine ${got}, model ${want}`,
          check: pinCheck(page, want),
        };
      else if (pfn >= 0 && want > 0) {
        const b = bind(id, pfn);
        if (b)
          bad = {
            kind: 'domain',
            message: `user page ${hex(page * PAGE)}: ${b}`,
            check: pinCheck(page, want),
          };
      }
      return bad !== null;
    });
  if (bad) return bad;
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
  // identities no longer held may move: forget their frames
  for (const id of [...mem.frameOf.keys()]) if (!s.pins.has(id)) mem.frameOf.delete(id);
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

  // the engine's own invariants are O(live state): on full checks only (a located re-run has every op full)
  const v = full || deep ? m.violations({ deep }) : [];
  if (v.length > 0)
    return {
      kind: 'invariants',
      message: `invariants: ${v.slice(0, 5).join('; ')}`,
      check: `lab.checkInvariants();`,
    };
  return null;
}
