/*
 * iommufd ops, run in the server of the op's process: the uapi ioctls of
 * <linux/iommufd.h> and the selftest's IOMMU_TEST_CMD ops of iommufd_test.h
 * (both included from the kernel build's headers at compile time).
 * Argument layout of each struct req: see the table in README.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include "iommufd_test.h"

#include "driver.h"

static int test_cmd(int fd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return nth_ioctl(fd, IOMMU_TEST_CMD, cmd);
}

static int option(int fd, uint32_t option_id, uint32_t object_id, int get, uint64_t *val)
{
	struct iommu_option o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.option_id = option_id;
	o.op = get ? IOMMU_OPTION_OP_GET : IOMMU_OPTION_OP_SET;
	o.object_id = object_id;
	o.val64 = get ? 0 : *val;
	rc = nth_ioctl(fd, IOMMU_OPTION, &o);
	if (rc == 0 && get)
		*val = o.val64;
	return rc;
}

static uint32_t map_flags(uint32_t f)
{
	return ((f & RF_FIXED) ? IOMMU_IOAS_MAP_FIXED_IOVA : 0) | ((f & RF_READ) ? IOMMU_IOAS_MAP_READABLE : 0) |
	       ((f & RF_WRITE) ? IOMMU_IOAS_MAP_WRITEABLE : 0);
}

static void op_iova_ranges(const struct req *rq, struct resp *rs, uint8_t **out, size_t *outlen)
{
	struct iommu_ioas_iova_ranges r;
	/* Unbounded (the engine's default): start with room for 64 ranges, grow on EMSGSIZE. */
	uint32_t cap = (rq->flags & RF_CAPACITY) ? (uint32_t)rq->a[2] : 64;

	for (;;) {
		struct iommu_iova_range *buf = calloc(cap ? cap : 1, sizeof(*buf));
		int rc, e;

		if (!buf) {
			set_fatal(rs, "iova_ranges: out of memory");
			return;
		}
		memset(&r, 0, sizeof(r));
		r.size = sizeof(r);
		r.ioas_id = (uint32_t)rq->a[1];
		r.num_iovas = cap;
		r.allowed_iovas = (uintptr_t)buf;
		rc = nth_ioctl((int)rq->a[0], IOMMU_IOAS_IOVA_RANGES, &r);
		e = errno;
		if (rc && e == EMSGSIZE && !(rq->flags & RF_CAPACITY) && r.num_iovas > cap) {
			cap = r.num_iovas;
			free(buf);
			continue;
		}
		if (rc) {
			free(buf);
			set_err(rs, e);
			return;
		}
		rs->nv = 2;
		rs->v[0] = r.out_iova_alignment;
		rs->v[1] = r.num_iovas;
		*out = (uint8_t *)buf;
		*outlen = (size_t)r.num_iovas * sizeof(*buf);
		return;
	}
}

/* IOMMU_DESTROY outside the op's armed fail-nth call (a clean-up step). */
static int destroy_id(int fd, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &d);
}

/*
 * mock_domain with v6.2's semantics: every device a domain of its own. Since
 * 6.4 MOCK_DOMAIN attaches the new device to the IOAS's existing auto domain;
 * when the hwpt it returns is already the domain of another live mock domain
 * (the controller's list in the payload), the device gets its own paging
 * hwpt (HWPT_ALLOC on the IOAS: filled with the IOAS's mappings) and is moved
 * to it (MOCK_DOMAIN_REPLACE). Ids: stdev, idev, then the new hwpt, lowest
 * free first, as the engine's attachDomain allocates them. v[3] = 1: own hwpt.
 */
static void op_mock_domain(const struct req *rq, const uint8_t *data, struct resp *rs)
{
	int fd = (int)rq->a[0];
	struct iommu_test_cmd c;
	const uint32_t *live = (const uint32_t *)data;
	uint32_t nlive = rq->len / 4, hwpt, stdev, idev;
	int shared = 0;

	memset(&c, 0, sizeof(c));
	c.op = IOMMU_TEST_OP_MOCK_DOMAIN;
	c.id = (uint32_t)rq->a[1];
	if (test_cmd(fd, &c)) {
		set_err(rs, errno);
		return;
	}
	hwpt = c.mock_domain.out_hwpt_id;
	stdev = c.mock_domain.out_stdev_id;
	idev = c.mock_domain.out_idev_id;
	for (uint32_t i = 0; i < nlive; i++)
		if (live[i] == hwpt)
			shared = 1;
	if (shared) {
		struct iommu_hwpt_alloc h = { .size = sizeof(h) };
		int e;

		h.dev_id = idev;
		h.pt_id = (uint32_t)rq->a[1];
		h.data_type = IOMMU_HWPT_DATA_NONE;
		if (ioctl(fd, IOMMU_HWPT_ALLOC, &h)) {
			e = errno;
			destroy_id(fd, stdev); /* the op changes nothing */
			set_err(rs, e);
			return;
		}
		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE;
		c.id = stdev;
		c.mock_domain_replace.pt_id = h.out_hwpt_id;
		if (ioctl(fd, IOMMU_TEST_CMD, &c)) {
			e = errno;
			destroy_id(fd, stdev);
			destroy_id(fd, h.out_hwpt_id);
			set_err(rs, e);
			return;
		}
		hwpt = h.out_hwpt_id;
	}
	rs->nv = 4;
	rs->v[0] = hwpt;
	rs->v[1] = stdev;
	rs->v[2] = idev;
	rs->v[3] = (uint64_t)shared;
}

/*
 * Does the mock domain map IOVA? The selftest has no query for that, so:
 * the domain must exist (MD_CHECK_MAP of length 0 on its hwpt), then a
 * temporary access (no pin, so the IOAS alignment stays) reads one byte at
 * IOVA: ENOENT = no area there = the domain maps nothing (a mock domain
 * mirrors every area of its IOAS). The temporary access takes and frees an
 * object id; the pages behind an area of an IOAS with a domain are already
 * pinned, so the read has no effect on the mm.
 */
static void op_check_unmapped(const struct req *rq, struct resp *rs)
{
	int fd = (int)rq->a[0];
	struct iommu_test_cmd c;
	uint8_t byte;
	int afd, rc, e;

	memset(&c, 0, sizeof(c));
	c.op = IOMMU_TEST_OP_MD_CHECK_MAP;
	c.id = (uint32_t)rq->a[1];
	if (test_cmd(fd, &c)) {
		set_err(rs, errno);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.op = IOMMU_TEST_OP_CREATE_ACCESS;
	c.id = (uint32_t)rq->a[3];
	if (test_cmd(fd, &c)) {
		set_fatal(rs, "check_unmapped: the probe access could not be created (%s)", errno_name(errno));
		return;
	}
	afd = (int)c.create_access.out_access_fd;
	memset(&c, 0, sizeof(c));
	c.op = IOMMU_TEST_OP_ACCESS_RW;
	c.id = (uint32_t)afd;
	c.access_rw.iova = rq->a[2];
	c.access_rw.length = 1;
	c.access_rw.uptr = (uintptr_t)&byte;
	rc = test_cmd(fd, &c);
	e = errno;
	close(afd);
	if (rc == 0)
		set_err(rs, EINVAL); /* mapped: as MD_CHECK_MAP's mismatch */
	else if (e != ENOENT)
		set_err(rs, e);
}

void do_iommufd_op(const struct req *rq, const uint8_t *data, struct resp *rs, uint8_t **out, size_t *outlen)
{
	int fd = (int)rq->a[0];
	struct iommu_test_cmd c;

	memset(&c, 0, sizeof(c));
	switch (rq->op) {
	case OP_OPEN: {
		int f, e;

		nth_arm();
		f = open("/dev/iommu", O_RDWR);
		e = errno;
		nth_disarm();
		if (f < 0) {
			set_err(rs, e);
			return;
		}
		rs->nv = 1;
		rs->v[0] = (uint64_t)f;
		return;
	}
	case OP_CLOSE:
		/* The context's access fds first (payload: int32 fds), as the engine's close destroys its accesses. */
		for (uint32_t i = 0; i + 4 <= rq->len; i += 4) {
			int32_t afd;

			memcpy(&afd, data + i, 4);
			close(afd);
		}
		if (close(fd))
			set_err(rs, errno);
		return;
	case OP_ACCESS_CLOSE:
		if (close((int)rq->a[1]))
			set_err(rs, errno);
		return;
	case OP_FD_OPTION:
	case OP_IOAS_OPTION: {
		uint64_t v = rq->a[2];
		int get = !!(rq->flags & RF_GET);

		if (option(fd, rq->op == OP_FD_OPTION ? IOMMU_OPTION_RLIMIT_MODE : IOMMU_OPTION_HUGE_PAGES,
			   rq->op == OP_FD_OPTION ? 0 : (uint32_t)rq->a[1], get, &v)) {
			set_err(rs, errno);
			return;
		}
		if (get) {
			rs->nv = 1;
			rs->v[0] = v;
		}
		return;
	}
	case OP_IOAS_ALLOC: {
		struct iommu_ioas_alloc a = { .size = sizeof(a) };

		if (nth_ioctl(fd, IOMMU_IOAS_ALLOC, &a)) {
			set_err(rs, errno);
			return;
		}
		rs->nv = 1;
		rs->v[0] = a.out_ioas_id;
		return;
	}
	case OP_MAP: {
		struct iommu_ioas_map m = { .size = sizeof(m) };

		m.flags = map_flags(rq->flags);
		m.ioas_id = (uint32_t)rq->a[1];
		m.user_va = rq->a[2];
		m.length = rq->a[3];
		m.iova = rq->a[4];
		if (nth_ioctl(fd, IOMMU_IOAS_MAP, &m)) {
			set_err(rs, errno);
			return;
		}
		rs->nv = 1;
		rs->v[0] = m.iova;
		return;
	}
	case OP_UNMAP: {
		struct iommu_ioas_unmap u = { .size = sizeof(u) };

		u.ioas_id = (uint32_t)rq->a[1];
		u.iova = rq->a[2];
		u.length = rq->a[3];
		if (nth_ioctl(fd, IOMMU_IOAS_UNMAP, &u)) {
			set_err(rs, errno);
			return;
		}
		rs->nv = 1;
		rs->v[0] = u.length;
		return;
	}
	case OP_COPY: {
		struct iommu_ioas_copy cp = { .size = sizeof(cp) };

		cp.flags = map_flags(rq->flags);
		cp.dst_ioas_id = (uint32_t)rq->a[1];
		cp.src_ioas_id = (uint32_t)rq->a[2];
		cp.src_iova = rq->a[3];
		cp.length = rq->a[4];
		cp.dst_iova = rq->a[5];
		if (nth_ioctl(fd, IOMMU_IOAS_COPY, &cp)) {
			set_err(rs, errno);
			return;
		}
		rs->nv = 1;
		rs->v[0] = cp.dst_iova;
		return;
	}
	case OP_IOVA_RANGES:
		op_iova_ranges(rq, rs, out, outlen);
		return;
	case OP_ALLOW_IOVAS: {
		struct iommu_ioas_allow_iovas a = { .size = sizeof(a) };

		a.ioas_id = (uint32_t)rq->a[1];
		a.num_iovas = rq->len / (uint32_t)sizeof(struct iommu_iova_range);
		a.allowed_iovas = a.num_iovas ? (uintptr_t)data : 0;
		if (nth_ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &a))
			set_err(rs, errno);
		return;
	}
	case OP_ADD_RESERVED:
		c.op = IOMMU_TEST_OP_ADD_RESERVED;
		c.id = (uint32_t)rq->a[1];
		c.add_reserved.start = rq->a[2];
		c.add_reserved.length = rq->a[3];
		if (test_cmd(fd, &c))
			set_err(rs, errno);
		return;
	case OP_DESTROY:
	case OP_DETACH: {
		struct iommu_destroy d = { .size = sizeof(d), .id = (uint32_t)rq->a[1] };

		if (nth_ioctl(fd, IOMMU_DESTROY, &d)) {
			set_err(rs, errno);
			return;
		}
		/* detach of a domain of its own: the device is gone, now its hwpt
		 * (user-allocated, so not freed with its last device) */
		if (rq->op == OP_DETACH && rq->a[2] && destroy_id(fd, (uint32_t)rq->a[2]))
			set_fatal(rs, "detach: IOMMU_DESTROY of the domain's own hwpt %llu: %s",
				  (unsigned long long)rq->a[2], errno_name(errno));
		return;
	}
	case OP_MOCK_DOMAIN:
		op_mock_domain(rq, data, rs);
		return;
	case OP_CHECK_MAP:
		c.op = IOMMU_TEST_OP_MD_CHECK_MAP;
		c.id = (uint32_t)rq->a[1];
		c.check_map.iova = rq->a[2];
		c.check_map.length = rq->a[3];
		c.check_map.uptr = rq->a[4];
		if (test_cmd(fd, &c))
			set_err(rs, errno);
		return;
	case OP_CHECK_UNMAPPED:
		op_check_unmapped(rq, rs);
		return;
	case OP_CHECK_REFS:
		c.op = IOMMU_TEST_OP_MD_CHECK_REFS;
		c.check_refs.uptr = rq->a[1];
		c.check_refs.length = rq->a[2];
		c.check_refs.refs = (uint32_t)rq->a[3];
		if (test_cmd(fd, &c))
			set_err(rs, errno);
		return;
	case OP_ACCESS_CREATE:
		c.op = IOMMU_TEST_OP_CREATE_ACCESS;
		c.id = (uint32_t)rq->a[1];
		c.create_access.flags = (rq->flags & RF_NEEDS_PIN) ? MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES : 0;
		if (test_cmd(fd, &c)) {
			set_err(rs, errno);
			return;
		}
		rs->nv = 1;
		rs->v[0] = c.create_access.out_access_fd;
		return;
	case OP_ACCESS_PIN:
		c.op = IOMMU_TEST_OP_ACCESS_PAGES;
		c.id = (uint32_t)rq->a[1];
		c.access_pages.flags = (rq->flags & RF_WRITE) ? MOCK_FLAGS_ACCESS_WRITE : 0;
		c.access_pages.iova = rq->a[2];
		c.access_pages.length = rq->a[3];
		c.access_pages.uptr = rq->a[4];
		if (test_cmd(fd, &c)) {
			set_err(rs, errno);
			return;
		}
		rs->nv = 1;
		rs->v[0] = c.access_pages.out_access_pages_id;
		return;
	case OP_ACCESS_UNPIN:
		c.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES;
		c.id = (uint32_t)rq->a[1];
		c.destroy_access_pages.access_pages_id = (uint32_t)rq->a[2];
		if (test_cmd(fd, &c))
			set_err(rs, errno);
		return;
	case OP_ACCESS_READ:
	case OP_ACCESS_WRITE: {
		int wr = rq->op == OP_ACCESS_WRITE;
		size_t n = wr ? rq->len : (size_t)rq->a[3];
		uint8_t *buf = malloc(n ? n : 1);

		if (!buf) {
			set_fatal(rs, "access rw: out of memory for %zu bytes", n);
			return;
		}
		if (wr && n)
			memcpy(buf, data, n);
		else
			memset(buf, 0, n);
		c.op = IOMMU_TEST_OP_ACCESS_RW;
		c.id = (uint32_t)rq->a[1];
		c.access_rw.iova = rq->a[2];
		c.access_rw.length = n;
		c.access_rw.uptr = (uintptr_t)buf;
		c.access_rw.flags = (wr ? MOCK_ACCESS_RW_WRITE : 0) | ((rq->flags & RF_SLOW) ? MOCK_ACCESS_RW_SLOW_PATH : 0);
		if (test_cmd(fd, &c)) {
			set_err(rs, errno);
			free(buf);
			return;
		}
		if (wr) {
			free(buf);
		} else {
			*out = buf;
			*outlen = n;
		}
		return;
	}
	case OP_TEMP_MEMORY_LIMIT:
		c.op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT;
		c.memory_limit.limit = (uint32_t)rq->a[1];
		if (test_cmd(fd, &c))
			set_err(rs, errno);
		return;
	default:
		set_fatal(rs, "server: op %u is not an iommufd op", rq->op);
	}
}

/* The selftest's limit is a global of the kernel: back to its default (65536) for each script. */
void reset_temp_memory_limit(int fd)
{
	struct iommu_test_cmd c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT;
	c.memory_limit.limit = 65536;
	ioctl(fd, IOMMU_TEST_CMD, &c);
}
