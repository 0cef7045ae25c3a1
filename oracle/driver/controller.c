/*
 * The controller: main(). Reads the operation script (a path, or stdin),
 * resolves script names to real ids / fds, sends each op to the server of
 * its `at=` process and prints the result line (docs/ORACLE-SCRIPT.md).
 *
 * Usage: pfnlab-oracle-driver [--no-setup] [SCRIPT]
 *   --no-setup: leave the machine's global settings alone (THP mode, hugetlb
 *   pools, fault-injection knobs, ASLR); for tests on a development host.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "controller.h"

struct proc procs[MAX_PROCS];
int nprocs;
struct obj objs[MAX_OBJS];
int nobjs;
int machine_settings_allowed;

int obj_find(const char *name)
{
	for (int i = nobjs - 1; i >= 0; i--)
		if (strcmp(objs[i].name, name) == 0)
			return i;
	return -1;
}

int proc_find(const char *name)
{
	for (int i = 0; i < nprocs; i++)
		if (strcmp(procs[i].name, name) == 0)
			return i;
	return -1;
}

int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	return (int)syscall(434, pid, 0);
#endif
}

/* Wait until the server's process is gone (its mm and fds released). */
void proc_wait_gone(struct proc *p)
{
	if (p->pidfd >= 0) {
		struct pollfd pf = { .fd = p->pidfd, .events = POLLIN };

		while (poll(&pf, 1, -1) < 0 && errno == EINTR)
			;
		close(p->pidfd);
		p->pidfd = -1;
	} else {
		while (kill(p->pid, 0) == 0)
			usleep(1000);
	}
	if (p->is_child_of_controller)
		waitpid(p->pid, NULL, 0);
}

static int start_p0(void)
{
	int q[2], r[2];
	pid_t pid;

	if (pipe2(q, O_CLOEXEC) || pipe2(r, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(q[1]);
		close(r[0]);
		server_process_setup();
		server_main(q[0], r[1]);
	}
	close(q[0]);
	close(r[1]);
	memset(&procs[0], 0, sizeof(procs[0]));
	strcpy(procs[0].name, "p0");
	procs[0].wfd = q[1];
	procs[0].rfd = r[0];
	procs[0].pid = pid;
	procs[0].pidfd = pidfd_of(pid);
	procs[0].alive = 1;
	procs[0].is_child_of_controller = 1;
	nprocs = 1;
	return 0;
}

int read_resp(int fd, struct resp *rs, uint8_t **out)
{
	*out = NULL;
	if (read_all(fd, rs, sizeof(*rs)))
		return -1;
	rs->msg[sizeof(rs->msg) - 1] = 0;
	if (rs->len) {
		*out = malloc(rs->len);
		if (!*out || read_all(fd, *out, rs->len))
			return -1;
	}
	return 0;
}

/* Send one request to a server and read its answer. Returns 0, or -1 when the server died. */
int call_server(struct proc *p, const struct req *rq, const void *data, struct resp *rs, uint8_t **out)
{
	*out = NULL;
	if (write_all(p->wfd, rq, sizeof(*rq)) || (rq->len && write_all(p->wfd, data, rq->len)))
		return -1;
	return read_resp(p->rfd, rs, out);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0) {
		/* best effort: a knob the kernel lacks */
	}
	close(fd);
}

/*
 * Global settings that an earlier script of the same boot may have changed,
 * back to the engine's defaults: THP only where asked (madvise), the
 * selftest's temporary memory limit
 * (65536), every allocation fault-injectable (as the kernel's fail_nth test).
 */
static void machine_setup(void)
{
	int fd;

	write_file("/sys/kernel/mm/transparent_hugepage/enabled", "madvise");
	write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N");
	write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N");
	write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N");
	write_file("/sys/kernel/debug/failslab/verbose", "0");
	write_file("/sys/kernel/debug/fail_page_alloc/verbose", "0");
	write_file("/sys/kernel/debug/fail_iommufd/verbose", "0");
	fd = open("/dev/iommu", O_RDWR);
	if (fd >= 0) {
		reset_temp_memory_limit(fd);
		close(fd);
	}
}

static int apply_pools(unsigned long long want2m, unsigned long long want1g, uint64_t seq)
{
	int e = pool_set(0, want2m);

	if (!e)
		e = pool_set(1, want1g);
	if (e) {
		printf("%llu fatal the hugetlb pools cannot be made %llu x 2M and %llu x 1G (%s)\n",
		       (unsigned long long)seq, want2m, want1g, errno_name(e));
		return -1;
	}
	return 0;
}

static void finish(int executed, int code)
{
	/* Closing a server's request pipe makes it exit; wait so the next script starts clean. */
	for (int i = 0; i < nprocs; i++) {
		if (!procs[i].alive)
			continue;
		close(procs[i].wfd);
		close(procs[i].rfd);
		proc_wait_gone(&procs[i]);
		procs[i].alive = 0;
	}
	printf("end %d\n", executed);
	fflush(stdout);
	exit(code);
}

int main(int argc, char **argv)
{
	int setup = 1, argi = 1, executed = 0, header = 0;
	FILE *in = stdin;
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	/* The engine's default pools; a `# pfnlab-oracle hugepages-…` comment changes them. */
	unsigned long long want2m = 64, want1g = 0;
	int pools_done = 0;
	uint64_t last_seq = 0;

	if (argi < argc && strcmp(argv[argi], "--no-setup") == 0) {
		setup = 0;
		argi++;
	}
	/* The same addresses on every run: re-exec once without address space randomization. */
	if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE) && !getenv("PFNLAB_DRIVER_REEXEC")) {
		personality(ADDR_NO_RANDOMIZE);
		setenv("PFNLAB_DRIVER_REEXEC", "1", 1);
		execv("/proc/self/exe", argv);
		/* no /proc: carry on randomized */
	}
	if (argi < argc) {
		in = fopen(argv[argi], "r");
		if (!in) {
			printf("0 fatal cannot open %s: %s\n", argv[argi], strerror(errno));
			printf("end 0\n");
			return 1;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN); /* a dead server is a fatal line, not the controller's death */
	if (setup && access("/dev/iommu", F_OK) == 0) {
		machine_settings_allowed = 1;
		machine_setup();
	}
	if (start_p0()) {
		printf("0 fatal cannot start the server of p0: %s\n", strerror(errno));
		printf("end 0\n");
		return 1;
	}
	while ((n = getline(&text, &cap, in)) >= 0) {
		struct line l;
		const char *msg;
		int r;

		lineno++;
		if (n > 0 && text[n - 1] == '\n')
			text[n - 1] = 0;
		if (!pools_done)
			pool_header(text, &want2m, &want1g);
		if (!header) {
			char *s = text;

			while (*s == ' ' || *s == '\t')
				s++;
			if (*s == 0 || *s == '#')
				continue;
			if (strncmp(s, "pfnlab-oracle-script ", 21) != 0 || strtol(s + 21, NULL, 10) != 1) {
				printf("0 fatal line %lu: expected the header 'pfnlab-oracle-script 1'\n", lineno);
				finish(executed, 1);
			}
			header = 1;
			continue;
		}
		r = parse_line(text, &l, &msg);
		if (r == 1)
			continue;
		executed++;
		if (!pools_done) {
			pools_done = 1;
			if (machine_settings_allowed && apply_pools(want2m, want1g, l.seq))
				finish(executed, 1);
		}
		if (r < 0) {
			printf("%llu fatal line %lu: %s\n", (unsigned long long)l.seq, lineno, msg);
			finish(executed, 1);
		}
		if (l.seq <= last_seq) {
			printf("%llu fatal line %lu: SEQ must increase (after %llu)\n", (unsigned long long)l.seq, lineno,
			       (unsigned long long)last_seq);
			finish(executed, 1);
		}
		last_seq = l.seq;
		if (run_op(&l) != 0)
			finish(executed, 1);
	}
	if (!header) {
		printf("0 fatal expected the header 'pfnlab-oracle-script 1'\n");
		finish(executed, 1);
	}
	finish(executed, 0);
	return 0;
}
