/**
 * checkInvariants of a naive or vfio-type1 machine: every domain maps every
 * mapping it should, each page at the PFN the strategy pinned for it, and
 * nothing else; every frame's pin count is the number of pins the strategy
 * holds on it (and the mm's totals agree); the accounting counters are the
 * sums of what the mappings charged, and each charge follows the
 * strategy's rule; no kernel warning. O(held pages × domains); `deep` adds
 * the mm's own O(frames) checks.
 */
import { PAGE_SIZE, type Kernel } from '../../base';
import { memoryViolations, type MemorySystem } from '../../mm';
import type { CtxView } from './types';

const MAX_REPORTS = 20;

export function strategyViolations(
  kernel: Kernel,
  memory: MemorySystem,
  contexts: readonly CtxView[],
  deep: boolean,
): string[] {
  const v: string[] = [];
  const push = (s: string): void => {
    if (v.length < MAX_REPORTS) v.push(s);
  };
  const expectPins = new Map<number, number>();
  const userLocked = new Map<object, number>();
  const mmLocked = new Map<object, number>();
  const mmPinned = new Map<object, number>();
  const add = (m: Map<object, number>, k: object, n: number): void => {
    m.set(k, (m.get(k) ?? 0) + n);
  };
  for (const ctx of contexts)
    for (const ioas of ctx.ioases()) {
      const tag = `ctx ${ctx.serial} ioas ${ioas.id}`;
      const maps = ioas.mappings();
      for (const d of ioas.domains()) {
        let want = 0;
        for (const m of maps) {
          if (!ioas.mappedInDomains(m)) continue;
          const view = ioas.view(m);
          want += Number(m.length);
          for (let i = 0; i < m.npages; i++) {
            const pfn = view.expectedPfn(d.hw, i);
            const got = d.hw.translate(m.iovaOf(i));
            if (got !== pfn * PAGE_SIZE) {
              push(
                `${tag} domain ${d.id}: iova 0x${m.iovaOf(i).toString(16)} maps ${got}, expected frame ${pfn}`,
              );
              break;
            }
          }
        }
        const mapped = d.hw.stats().mappedBytes;
        if (mapped !== want) push(`${tag} domain ${d.id}: ${mapped} bytes mapped, the mappings need ${want}`);
      }
      for (const m of maps) {
        const view = ioas.view(m);
        view.forEachPin((pfn, n) => expectPins.set(pfn, (expectPins.get(pfn) ?? 0) + n));
        if (view.accounted !== view.expectedAccounted)
          push(
            `${tag} mapping 0x${m.iova.toString(16)}: ${view.accounted} pages charged, expected ${view.expectedAccounted}`,
          );
        const a = view.accounted;
        switch (view.accountMode) {
          case 'user':
            add(userLocked, m.task.user, a);
            add(mmPinned, m.task.mm, a);
            break;
          case 'mm':
            add(mmLocked, m.task.mm, a);
            add(mmPinned, m.task.mm, a);
            break;
          case 'none':
            add(mmPinned, m.task.mm, a);
            break;
          case 'locked_vm':
            add(mmLocked, m.task.mm, a);
            break;
        }
      }
    }
  const phys = memory.phys;
  let total = 0;
  for (const [pfn, n] of expectPins) {
    total += n;
    const c = phys.pinCount(pfn);
    if (c !== n) push(`frame ${pfn}: pin count ${c}, but the strategy holds ${n} pin(s) on it`);
  }
  if (total !== phys.totalPins || expectPins.size !== phys.pinnedFrames)
    push(
      `the mm's pin totals say ${phys.totalPins} pins on ${phys.pinnedFrames} frames, the strategy holds ${total} on ${expectPins.size}`,
    );
  const seenUsers = new Set<object>();
  const seenMms = new Set<object>();
  for (const p of memory.processes()) {
    if (!seenUsers.has(p.user)) {
      seenUsers.add(p.user);
      const want = userLocked.get(p.user) ?? 0;
      if (p.user.lockedVm !== want)
        push(`user ${p.user.uid}: locked_vm ${p.user.lockedVm}, the mappings charged ${want}`);
    }
    if (!seenMms.has(p.mm)) {
      seenMms.add(p.mm);
      const wl = mmLocked.get(p.mm) ?? 0;
      const wp = mmPinned.get(p.mm) ?? 0;
      if (p.mm.lockedVm !== wl) push(`mm ${p.mm.id}: locked_vm ${p.mm.lockedVm}, the mappings charged ${wl}`);
      if (p.mm.pinnedVm !== wp) push(`mm ${p.mm.id}: pinned_vm ${p.mm.pinnedVm}, the mappings charged ${wp}`);
    }
  }
  if (deep) for (const s of memoryViolations(memory)) push(`mm: ${s}`);
  if (kernel.counters.warnings !== 0) {
    const last = kernel.events.events.filter((e) => e.kind === 'warning').slice(-3);
    v.push(
      `${kernel.counters.warnings} kernel warning(s) raised: ${last.map((e) => `${e.source}: ${e.message}`).join('; ')}`,
    );
  }
  return v;
}
