/*
 * Process ops, run in the server of the op's process: mmap (at the engine's
 * address, MAP_FIXED_NOREPLACE), munmap, CPU read/write of user memory
 * (a fault gives EFAULT, as the engine), RLIMIT_MEMLOCK, capabilities,
 * VmLck/VmPin. (The hugetlb pools are the controller's: pool.c.)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "driver.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 4U
#endif

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

/*
 * A copy that turns SIGSEGV/SIGBUS into EFAULT, going forward page by page
 * (a memcpy per piece that crosses no 4 KiB boundary of either side), so a
 * fault leaves exactly the pages before it copied: the CPU's in-order stores
 * of the engine's Process.write. One memcpy of the whole range does not:
 * glibc keeps the first 16 bytes in a register and stores them last, so a
 * fault part way left them unwritten (fuzz seed 1004 against the kernel).
 */
static void copy_forward(void *dst, const void *src, size_t n)
{
	size_t done = 0;

	while (done < n) {
		uintptr_t d = (uintptr_t)dst + done, s = (uintptr_t)src + done;
		size_t k = 4096 - (d & 4095), ks = 4096 - (s & 4095);

		if (ks < k)
			k = ks;
		if (k > n - done)
			k = n - done;
		memcpy((char *)dst + done, (const char *)src + done, k);
		done += k;
	}
}

static int guarded_copy(void *dst, const void *src, size_t n)
{
	struct sigaction sa, old_segv, old_bus;
	volatile int faulted = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(fault_jmp, 1) == 0)
		copy_forward(dst, src, n);
	else
		faulted = 1;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return faulted ? -1 : 0;
}

/* Fault every page in as MAP_POPULATE would: write faults for private writable mappings. */
static int populate(void *p, size_t len, uint32_t flags)
{
	int write = !(flags & RF_RO) && !(flags & RF_SHARED);

	if (madvise(p, len, write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	/* A kernel without MADV_POPULATE_*: touch each page. */
	for (size_t off = 0; off < len; off += 4096) {
		volatile char *c = (volatile char *)p + off;

		if (write)
			*c = *c;
		else
			(void)*c;
	}
	return 0;
}

static void op_mmap(const struct req *rq, struct resp *rs)
{
	uint64_t addr = rq->a[0], len = rq->a[1];
	uint32_t f = rq->flags;
	int prot = (f & RF_RO) ? PROT_READ : PROT_READ | PROT_WRITE;
	int mflags = MAP_FIXED_NOREPLACE | ((f & RF_SHARED) ? MAP_SHARED : MAP_PRIVATE);
	int huge = (f & RF_HUGE2M) ? 21 : (f & RF_HUGE1G) ? 30 : 0;
	int fd = -1;
	void *p;

	if (f & RF_FILE) {
		unsigned mfd = huge ? (MFD_HUGETLB | ((unsigned)huge << MAP_HUGE_SHIFT)) : 0;

		fd = memfd_create("pfnlab-file", mfd | MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, (off_t)len)) {
			set_err(rs, errno);
			if (fd >= 0)
				close(fd);
			return;
		}
	} else {
		mflags |= MAP_ANONYMOUS;
		if (huge)
			mflags |= MAP_HUGETLB | (huge << MAP_HUGE_SHIFT);
	}
	p = mmap((void *)(uintptr_t)addr, (size_t)len, prot, mflags, fd, 0);
	if (p == MAP_FAILED) {
		set_err(rs, errno);
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	if ((uint64_t)(uintptr_t)p != addr) {
		/* A kernel that took the address as a hint only */
		munmap(p, (size_t)len);
		set_err(rs, EEXIST);
		return;
	}
	if (!huge)
		madvise(p, (size_t)len, (f & RF_THP) ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if ((f & RF_POPULATE) && populate(p, (size_t)len, f)) {
		int e = errno;

		munmap(p, (size_t)len);
		set_err(rs, e);
		return;
	}
	rs->nv = 1;
	rs->v[0] = addr;
}

static int status_kb(const char *field, uint64_t *out)
{
	char line[256];
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	*out = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			*out = strtoull(line + n + 1, NULL, 10) * 1024;
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

void do_mm_op(const struct req *rq, const uint8_t *data, struct resp *rs, uint8_t **out, size_t *outlen)
{
	switch (rq->op) {
	case OP_MMAP:
		op_mmap(rq, rs);
		return;
	case OP_MUNMAP:
		if (munmap((void *)(uintptr_t)rq->a[0], (size_t)rq->a[1]))
			set_err(rs, errno);
		return;
	case OP_READ: {
		uint8_t *buf = malloc(rq->a[1] ? (size_t)rq->a[1] : 1);

		if (!buf) {
			set_fatal(rs, "read: out of memory for %llu bytes", (unsigned long long)rq->a[1]);
			return;
		}
		if (guarded_copy(buf, (const void *)(uintptr_t)rq->a[0], (size_t)rq->a[1])) {
			free(buf);
			set_err(rs, EFAULT);
			return;
		}
		*out = buf;
		*outlen = (size_t)rq->a[1];
		return;
	}
	case OP_WRITE:
		if (guarded_copy((void *)(uintptr_t)rq->a[0], data, rq->len))
			set_err(rs, EFAULT);
		return;
	case OP_MEMLOCK: {
		struct rlimit rl;
		int was = cap_effective(CAP_SYS_RESOURCE, 1); /* raising the hard limit needs it */
		int rc, e;

		rl.rlim_cur = rl.rlim_max = (rq->flags & RF_UNLIMITED) ? RLIM_INFINITY : (rlim_t)rq->a[0];
		rc = setrlimit(RLIMIT_MEMLOCK, &rl);
		e = errno;
		if (was == 0)
			cap_effective(CAP_SYS_RESOURCE, 0);
		if (rc)
			set_err(rs, e);
		return;
	}
	case OP_CAP:
		if (cap_effective(rq->a[0] ? CAP_SYS_RESOURCE : CAP_IPC_LOCK, (int)rq->a[1]) < 0)
			set_err(rs, errno);
		return;
	case OP_ACCOUNTING:
		if (status_kb("VmLck", &rs->v[0]) || status_kb("VmPin", &rs->v[1])) {
			set_fatal(rs, "accounting: no VmLck/VmPin in /proc/self/status");
			return;
		}
		rs->nv = 2;
		return;
	default:
		set_fatal(rs, "server: op %u is not a process op", rq->op);
	}
}
