/**
 * What the iommufd access (access.ts) and the other strategies' accesses
 * (strategy/access.ts) share about their pins: the selftest's uptr check of
 * a pin (iommufd_test_check_pages) and the lookup of the item an unpin
 * names (IOMMU_TEST_OP_DESTROY_ACCESS_PAGES: an item object or its id).
 */
import { fail, PAGE_SIZE } from '../../base';
import type { Process } from '../../mm';
import { describeValue } from './args';

function hex(x: number): string {
  return '0x' + x.toString(16);
}

/** iommufd_test_check_pages: the pinned frames must back uptr in the caller's mm (EBADE naming the page). */
export function checkPinnedPages(proc: Process, uptr: number, pfns: Uint32Array): void {
  for (let i = 0; i < pfns.length; i++) {
    const ua = uptr + i * PAGE_SIZE;
    let pfn = ua < 0 ? -1 : proc.translate(ua);
    if (pfn < 0) {
      if (ua < 0) fail('EFAULT', `opts.uptr ${hex(ua)} is not a user address`);
      proc.read(ua, 1); // get_user_pages_fast faults it in, or EFAULT
      pfn = proc.translate(ua);
    }
    if (pfn !== pfns[i])
      fail(
        'EBADE',
        `page ${i} of the pin is frame ${pfns[i]}, but opts.uptr + ${i * PAGE_SIZE} is backed by frame ${pfn}`,
        { page: i, pinned: pfns[i], expected: pfn },
      );
  }
}

/** The id an unpin names: an item of this kind of access, or an integer id; EINVAL otherwise. */
export function unpinItemId<T extends { readonly id: number }>(
  item: unknown,
  isItem: (x: unknown) => x is T,
): number {
  if (isItem(item)) return item.id;
  if (typeof item === 'number' && Number.isSafeInteger(item)) return item;
  return fail('EINVAL', `item must be an AccessItem or an item id, got ${describeValue(item)}`);
}

/** Index in `list` of the pinned item an unpin names (the object itself when given one); ENOENT if none. */
export function pinnedItemIndex<T extends { readonly id: number }>(
  list: readonly T[],
  id: number,
  item: unknown,
  isItem: (x: unknown) => x is T,
  accessId: number,
): number {
  const i = list.findIndex((it) => it.id === id && (!isItem(item) || it === item));
  if (i < 0) fail('ENOENT', `item ${id} is not pinned by access ${accessId} (unknown or already released)`);
  return i;
}
