/**
 * pages.c of iommufd: the PFN storage tiers of an IoptPages and the
 * operations that move PFNs between them (IOMMUFD-ALGORITHMS.md §3–§8).
 */
export { IoptPages, Kref, ITREE_NODE_BYTES, type AccountMode, type IoptPagesAccess } from '../area-pages';
export { fillDomains, fillDomain } from './fill-domains';
export {
  unfillDomains,
  unfillDomain,
  unfillPartialDomain,
  unmapDomain,
  unmapDomainRange,
} from './unfill-domain';
export { fillXarray, fillFromXarray, unfillXarray } from './xarray-fill';
export { addAccess, removeAccess } from './access';
export { rwAccess, type RwFlags } from './rw-access';
export { checkPagesInvariants, forEachHeldPfn } from './invariants';
export { heldRuns, type HeldRuns } from './held-runs';
