/*
 * A server process: one per process of the script (p0, and every fork
 * child). It reads struct req from its request pipe, runs the op with its
 * own system calls and answers with struct resp. `fork` forks the server
 * itself (the child inherits the mm copy-on-write and every fd, iommufd and
 * access fds included, as in the kernel); the child opens the two new pipes
 * the controller made for it through /proc/CONTROLLER/fd/N (no sockets, so
 * no fd passing in this kernel), says it is ready on the new response pipe
 * and serves them; `exit` answers, then _exit()s (the mm goes away).
 *
 * fail-nth: the count the script armed is written to
 * /proc/self/task/TID/fail-nth right before the op's first iommufd ioctl and
 * read back and cleared right after it, so that no other system call of the
 * driver (pipe I/O, malloc) consumes it. What is left is carried to the
 * next op of this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "driver.h"

struct server_state srv = { .in = -1, .out = -1, .nth_fd = -1 };
static int nth_armed;

void set_fatal(struct resp *rs, const char *fmt, ...)
{
	va_list ap;

	rs->status = ST_FATAL;
	va_start(ap, fmt);
	vsnprintf(rs->msg, sizeof(rs->msg), fmt, ap);
	va_end(ap);
}

void set_err(struct resp *rs, int e)
{
	rs->status = e > 0 ? e : EIO;
}

static void open_nth_fd(void)
{
	char path[64];

	if (srv.nth_fd >= 0)
		close(srv.nth_fd);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth", (long)syscall(SYS_gettid));
	srv.nth_fd = open(path, O_RDWR | O_CLOEXEC);
	srv.nth_pending = 0;
	srv.nth_consumed = 0;
}

void nth_arm(void)
{
	char b[24];
	int n;

	if (!srv.nth_pending || srv.nth_used_this_op || srv.nth_fd < 0)
		return;
	n = snprintf(b, sizeof(b), "%u", srv.nth_pending);
	srv.nth_used_this_op = 1;
	if (pwrite(srv.nth_fd, b, (size_t)n, 0) == n)
		nth_armed = 1;
}

void nth_disarm(void)
{
	char b[32];
	ssize_t r;
	unsigned long left;

	if (!nth_armed)
		return;
	nth_armed = 0;
	memset(b, 0, sizeof(b));
	r = pread(srv.nth_fd, b, sizeof(b) - 1, 0);
	/* Disarming can itself hit the armed fault: retry once, as it is idempotent. */
	if (pwrite(srv.nth_fd, "0", 1, 0) != 1)
		(void)!pwrite(srv.nth_fd, "0", 1, 0);
	if (r <= 0) {
		/* The read itself failed: the fault fired inside it, not in the op. */
		srv.nth_pending = 0;
		return;
	}
	left = strtoul(b, NULL, 10);
	if (left == 0) {
		srv.nth_consumed = 1;
		srv.nth_pending = 0;
	} else {
		srv.nth_pending = (unsigned int)left;
	}
}

int nth_ioctl(int fd, unsigned long req, void *arg)
{
	int rc, e;

	nth_arm();
	rc = ioctl(fd, req, arg);
	e = errno;
	nth_disarm();
	errno = e;
	return rc;
}

/* capget/capset on this process's effective set (permitted stays whole, so a cap can come back). */
int cap_effective(int cap, int on)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	int was;

	if (syscall(SYS_capget, &h, d))
		return -1;
	was = !!(d[cap / 32].effective & (1u << (cap % 32)));
	if (on)
		d[cap / 32].effective |= 1u << (cap % 32);
	else
		d[cap / 32].effective &= ~(1u << (cap % 32));
	if (syscall(SYS_capset, &h, d))
		return -1;
	return was;
}

void server_process_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_NOCLDWAIT; /* children of a server are reaped by the kernel */
	sigaction(SIGCHLD, &sa, NULL);
	/* The engine's defaults (engine/mm/process.ts): RLIMIT_MEMLOCK unlimited,
	 * no CAP_IPC_LOCK, CAP_SYS_RESOURCE. */
	{
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		setrlimit(RLIMIT_MEMLOCK, &rl);
	}
	cap_effective(CAP_IPC_LOCK, 0);
	cap_effective(CAP_SYS_RESOURCE, 1);
	open_nth_fd();
}

static void reply(const struct resp *rs, const uint8_t *out, size_t outlen)
{
	if (write_all(srv.out, rs, sizeof(*rs)) || (outlen && write_all(srv.out, out, outlen)))
		_exit(3);
}

/*
 * An op on a context (or access) fd of another process: the engine lets any
 * process issue a call on a context; in the kernel the caller needs the fd.
 * Take a duplicate of the holder's fd for this op only (pidfd_getfd), so the
 * call is made by this process (current->mm is its mm) and no reference
 * outlives the op.
 */
static int borrow_fds(struct req *rq, int *dups, struct resp *rs)
{
	for (int i = 0; i < 2; i++) {
		int pidfd, fd;

		if (!(rq->borrow & (1u << i)))
			continue;
		pidfd = (int)syscall(434 /* pidfd_open */, rq->borrow_pid[i], 0);
		fd = pidfd < 0 ? -1 : (int)syscall(438 /* pidfd_getfd */, pidfd, (int)rq->a[i], 0);
		if (pidfd >= 0)
			close(pidfd);
		if (fd < 0) {
			set_fatal(rs, "cannot borrow fd %d of pid %u: %s", (int)rq->a[i], rq->borrow_pid[i], strerror(errno));
			return -1;
		}
		dups[i] = fd;
		rq->a[i] = (uint64_t)fd;
	}
	return 0;
}

/* In the fork child: take over the pipes the controller made (its pid, its fd numbers). */
static int adopt_pipes(const struct req *rq)
{
	char path[64];
	int in, out;

	snprintf(path, sizeof(path), "/proc/%llu/fd/%llu", (unsigned long long)rq->a[0], (unsigned long long)rq->a[1]);
	in = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%llu/fd/%llu", (unsigned long long)rq->a[0], (unsigned long long)rq->a[2]);
	out = open(path, O_WRONLY | O_CLOEXEC);
	if (in < 0 || out < 0)
		return -1;
	close(srv.in);
	close(srv.out);
	srv.in = in;
	srv.out = out;
	return 0;
}

void server_main(int in, int out)
{
	srv.in = in;
	srv.out = out;
	for (;;) {
		struct req rq;
		struct resp rs;
		uint8_t *data, *outbuf = NULL;
		size_t outlen = 0;

		if (read_all(srv.in, &rq, sizeof(rq)))
			_exit(0); /* the controller is done: the process exits */
		data = malloc(rq.len + 1u);
		if (!data || (rq.len && read_all(srv.in, data, rq.len)))
			_exit(3);
		memset(&rs, 0, sizeof(rs));
		srv.nth_used_this_op = 0;
		if (rq.op == OP_FORK) {
			pid_t pid = fork();

			if (pid == 0) {
				if (adopt_pipes(&rq))
					_exit(4);
				open_nth_fd();
				free(data);
				reply(&rs, NULL, 0); /* ready */
				continue; /* the child serves its own pipes */
			}
			if (pid < 0) {
				set_err(&rs, errno);
			} else {
				rs.nv = 1;
				rs.v[0] = (uint64_t)pid;
			}
		} else if (rq.op == OP_EXIT) {
			reply(&rs, NULL, 0);
			_exit(0);
		} else if (rq.op == OP_FAIL_NTH) {
			if (srv.nth_fd < 0) {
				set_fatal(&rs, "fail_nth: no /proc/self/task/TID/fail-nth (kernel without FAULT_INJECTION)");
			} else {
				srv.nth_pending = (unsigned int)rq.a[0];
				srv.nth_consumed = 0;
			}
		} else if (rq.op == OP_FAULT_CONSUMED) {
			rs.nv = 1;
			rs.v[0] = (uint64_t)srv.nth_consumed;
			srv.nth_consumed = 0;
			srv.nth_pending = 0;
		} else if (rq.op < OP_OPEN) {
			do_mm_op(&rq, data, &rs, &outbuf, &outlen);
		} else {
			int dups[2] = { -1, -1 };

			if (borrow_fds(&rq, dups, &rs) == 0)
				do_iommufd_op(&rq, data, &rs, &outbuf, &outlen);
			for (int i = 0; i < 2; i++)
				if (dups[i] >= 0)
					close(dups[i]);
		}
		rs.len = (uint32_t)outlen;
		reply(&rs, outbuf, outlen);
		free(outbuf);
		free(data);
	}
}
