"""The process captured for python-4m.layout.json (see README.md).

mmap LEN bytes of private anonymous memory, ask for transparent huge pages
(MADV_HUGEPAGE) on its second half only, write every page, print the range
(hex start and end, as /proc/PID/maps prints them) and wait to be captured.
"""
import ctypes
import mmap
import sys
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4 << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
half = n // 2
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
# madvise takes an offset into the mapping; the second half gets THPs
m.madvise(mmap.MADV_HUGEPAGE, half, n - half)
for off in range(0, n, 4096):
    m[off] = 1
print(f"{addr:x}-{addr + n:x}", flush=True)
time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 60)
