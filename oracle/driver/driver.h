/*
 * PFN Lab oracle driver: shared declarations.
 *
 * The controller (controller.c) reads an operation script
 * (docs/ORACLE-SCRIPT.md), resolves names to real ids / fds, and sends each
 * op as a struct req over a pipe to the server process of its `at=` process
 * (the guest kernel has no sockets: tinyconfig without CONFIG_NET). A server
 * (server.c, server_mm.c, server_iommufd.c) executes it with its own system
 * calls (so current->mm is its mm) and answers with a struct resp. The
 * controller formats the result line. Our own code; no kernel code here.
 */
#ifndef PFNLAB_ORACLE_DRIVER_H
#define PFNLAB_ORACLE_DRIVER_H

#include <stddef.h>
#include <stdint.h>

enum op_code {
	OP_NONE = 0,
	/* processes */
	OP_MMAP, OP_MUNMAP, OP_READ, OP_WRITE, OP_FORK, OP_EXIT, OP_MEMLOCK, OP_CAP,
	OP_ACCOUNTING, OP_HUGETLB_POOL,
	/* contexts */
	OP_OPEN, OP_CLOSE, OP_FD_OPTION,
	/* IOAS */
	OP_IOAS_ALLOC, OP_IOAS_OPTION, OP_MAP, OP_UNMAP, OP_COPY, OP_IOVA_RANGES,
	OP_ALLOW_IOVAS, OP_ADD_RESERVED, OP_DESTROY,
	/* mock domains */
	OP_MOCK_DOMAIN, OP_DETACH, OP_CHECK_MAP, OP_CHECK_UNMAPPED, OP_CHECK_REFS,
	/* accesses */
	OP_ACCESS_CREATE, OP_ACCESS_PIN, OP_ACCESS_UNPIN, OP_ACCESS_READ, OP_ACCESS_WRITE,
	OP_ACCESS_CLOSE,
	/* global */
	OP_TEMP_MEMORY_LIMIT, OP_FAIL_NTH, OP_FAULT_CONSUMED,
	OP_COUNT
};

/* Request flags (struct req.flags). */
enum {
	RF_SHARED = 1u << 0,
	RF_HUGE2M = 1u << 1,
	RF_HUGE1G = 1u << 2,
	RF_THP = 1u << 3,
	RF_POPULATE = 1u << 4,
	RF_FILE = 1u << 5,
	RF_RO = 1u << 6,
	RF_READ = 1u << 7,    /* map/copy: IOMMU_IOAS_MAP_READABLE */
	RF_WRITE = 1u << 8,   /* map/copy: WRITEABLE; access_pin: MOCK_FLAGS_ACCESS_WRITE */
	RF_FIXED = 1u << 9,   /* map/copy: iova= given */
	RF_SLOW = 1u << 10,   /* access rw: MOCK_ACCESS_RW_SLOW_PATH */
	RF_NEEDS_PIN = 1u << 11,
	RF_GET = 1u << 12,    /* option: get (no VALUE) */
	RF_CAPACITY = 1u << 13,
	RF_UNLIMITED = 1u << 14, /* memlock: RLIM_INFINITY */
};

#define REQ_ARGS 8
#define RESP_VALS 8

/* Controller -> server. Followed by `len` payload bytes. */
struct req {
	uint32_t op;
	uint32_t flags;
	uint64_t a[REQ_ARGS];
	uint32_t len;
	/* Bit i: a[i] is an fd this process does not hold; take a duplicate from
	 * process borrow_pid[i] (pidfd_getfd) for this op only. */
	uint32_t borrow;
	uint32_t borrow_pid[2];
};

enum { ST_OK = 0, ST_FATAL = -1 }; /* > 0: the errno of a failed op */

/* Server -> controller. Followed by `len` payload bytes. */
struct resp {
	int32_t status;
	uint32_t nv;
	uint64_t v[RESP_VALS];
	uint32_t len;
	uint32_t pad;
	char msg[160];
};

/* errnames.c */
const char *errno_name(int e);

/* parse.c: small, pure helpers (unit tested in test/test_parse.c). */
#define MAX_TOKENS 64
struct line {
	uint64_t seq;
	const char *bind;               /* NAME of `NAME =`, or NULL */
	const char *op;
	int npos;                       /* positional args (no '=') */
	const char *pos[MAX_TOKENS];
	int nkv;
	const char *key[MAX_TOKENS];    /* key=value args, split in place */
	const char *val[MAX_TOKENS];
};
/* Split a script line in place. Returns 0 for an op line, 1 for blank/comment, -1 on error (msg set). */
int parse_line(char *text, struct line *out, const char **msg);
/* Unsigned 64-bit decimal or 0x hex. Returns 0 on success. */
int parse_u64(const char *s, uint64_t *out);
/* Lowercase/uppercase hex string ("-" = empty) into buf (malloc'd). Returns length or -1. */
long parse_hex(const char *s, uint8_t **buf);
/* "START-LAST,START-LAST" ("-" = none) into a malloc'd array of pairs. Returns the number of ranges or -1. */
long parse_ranges(const char *s, uint64_t **pairs);
/* A name of the script: [a-z][a-z0-9]* */
int is_name(const char *s);
/* Append hex of bytes to a malloc'd string ("-" when empty). */
char *hex_string(const uint8_t *p, size_t n);
char *hash_string(const uint8_t *p, size_t n);

/* io.c: whole-buffer pipe I/O. */
int write_all(int fd, const void *p, size_t n);
int read_all(int fd, void *p, size_t n); /* 0 ok, -1 error/EOF */

/* server.c */
void server_main(int in, int out) __attribute__((noreturn));
void server_process_setup(void);
/* Raise/drop one capability in the effective set; returns its previous state, -1 on error. */
int cap_effective(int cap, int on);

/* Per-server state shared by the op files. */
struct server_state {
	int in, out;            /* request pipe (read end), response pipe (write end) */
	int nth_fd;             /* /proc/self/task/TID/fail-nth, or -1 */
	unsigned int nth_pending; /* armed count carried to the next ioctl, 0 = none */
	int nth_consumed;       /* a fault fired since the last fault_consumed */
	int nth_used_this_op;   /* only the op's first ioctl is armed */
};
extern struct server_state srv;

/* Execute one op; fill resp (status, values) and optionally a malloc'd payload. */
void do_mm_op(const struct req *rq, const uint8_t *data, struct resp *rs, uint8_t **out, size_t *outlen);
void do_iommufd_op(const struct req *rq, const uint8_t *data, struct resp *rs, uint8_t **out, size_t *outlen);
/* ioctl with the pending fail-nth armed around it (the op's first ioctl only). */
int nth_ioctl(int fd, unsigned long req, void *arg);
/* Arm / disarm around any other syscall that must consume the pending fault. */
void nth_arm(void);
void nth_disarm(void);

void set_fatal(struct resp *rs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void set_err(struct resp *rs, int e);

#endif
