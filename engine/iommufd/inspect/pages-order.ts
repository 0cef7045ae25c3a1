/**
 * The IoptPages of a state in digest order (contexts, IOASes, areas in IOVA
 * order; first appearance wins), with their PagesKey and the areas slicing
 * each. digest.ts numbers pages objects with this order, so a digest id and
 * an inspection of the machine name the same object.
 */
import type { InspectArea, PagesKey } from '../../base/inspect-types';
import type { IommuDomain } from '../../iommu';
import type { IommufdCtx } from '../objects/context';
import type { IoptPages } from '../pages';

export function pagesKey(p: IoptPages): PagesKey {
  return `${p.sourceTask.pid}:${p.uptr}:${p.npages}`;
}

export interface PagesIndex {
  /** Digest order: id of order[i] is i + 1. */
  order: IoptPages[];
  ids: Map<IoptPages, number>;
  areas: Map<IoptPages, InspectArea[]>;
  /** hw domain → hw_pagetable id. */
  domainIds: Map<IommuDomain, number>;
}

export function indexPages(contexts: readonly IommufdCtx[]): PagesIndex {
  const order: IoptPages[] = [];
  const ids = new Map<IoptPages, number>();
  const areas = new Map<IoptPages, InspectArea[]>();
  const domainIds = new Map<IommuDomain, number>();
  for (const ctx of contexts)
    for (const ioas of ctx.ioases()) {
      for (const d of ioas.domains) domainIds.set(d.hw, d.id);
      for (const a of ioas.iopt.areas()) {
        const p = a.pages;
        if (p === null) continue;
        let list = areas.get(p);
        if (list === undefined) {
          ids.set(p, order.length + 1);
          order.push(p);
          list = [];
          areas.set(p, list);
        }
        list.push({
          ioas: ioas.id,
          iova: a.iova.toString(),
          length: a.length.toString(),
          index: a.index,
          lastIndex: a.lastIndex,
          pages: pagesKey(p),
          prot: a.iommuProt,
          storageDomain: a.storageDomain === null ? null : (domainIds.get(a.storageDomain) ?? -1),
          numAccesses: a.numAccesses,
        });
      }
    }
  return { order, ids, areas, domainIds };
}

/** Just the order (cheaper: what the digest needs). */
export function pagesInOrder(contexts: readonly IommufdCtx[]): IoptPages[] {
  const seen = new Set<IoptPages>();
  for (const ctx of contexts)
    for (const ioas of ctx.ioases())
      for (const a of ioas.iopt.areas()) if (a.pages !== null) seen.add(a.pages);
  return [...seen];
}
