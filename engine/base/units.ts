/** Machine-wide sizes. The emulated CPU has 4 KiB pages, like x86-64. */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT; // 4096
export const HPAGE_SHIFT = 21;
export const HPAGE_SIZE = 1 << HPAGE_SHIFT; // 2 MiB
export const HPAGE_1G_SIZE = 2 ** 30;
export const U64_MAX = (1n << 64n) - 1n;
/** ULONG_MAX on a 64-bit kernel; IOVAs live in [0, ULONG_MAX]. */
export const ULONG_MAX = U64_MAX;
/** The default TEMP_MEMORY_LIMIT of pages.c. */
export const TEMP_MEMORY_LIMIT_DEFAULT = 65536;
