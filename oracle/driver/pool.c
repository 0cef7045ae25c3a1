/*
 * The hugetlb pools a script sees. The runner reserves the pools at boot
 * (1 GiB pages can only be had then) as large as the largest script of the
 * boot asks for; each script must see exactly its own size, as the engine's
 * hugetlbPages2M / hugetlbPages1G (ENOMEM once empty). So the controller
 * holds the surplus free pages itself (one populated MAP_HUGETLB page each,
 * in the controller, which is no process of the script) and gives them back
 * when the script wants more. Only a 2 MiB pool can grow beyond what boot
 * reserved (nr_hugepages); a 1 GiB shortfall is an error (ENOMEM, and the
 * pool stays as it was).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "controller.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#define MAX_HELD 4096

static void *held[2][MAX_HELD];
static int nheld[2];

static const char *dir_of(int which)
{
	return which ? "/sys/kernel/mm/hugepages/hugepages-1048576kB" : "/sys/kernel/mm/hugepages/hugepages-2048kB";
}

static size_t size_of(int which)
{
	return which ? (size_t)1 << 30 : (size_t)2 << 20;
}

static int read_count(int which, const char *file, unsigned long long *v)
{
	char path[128], b[32];
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "%s/%s", dir_of(which), file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	memset(b, 0, sizeof(b));
	r = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (r <= 0)
		return -1;
	*v = strtoull(b, NULL, 10);
	return 0;
}

static int write_count(int which, const char *file, unsigned long long v)
{
	char path[128], b[32];
	int fd, n, ok;

	snprintf(path, sizeof(path), "%s/%s", dir_of(which), file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = snprintf(b, sizeof(b), "%llu", v);
	ok = write(fd, b, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

static int hold_one(int which)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE |
		    ((which ? 30 : 21) << MAP_HUGE_SHIFT);
	void *p;

	if (nheld[which] == MAX_HELD)
		return -1;
	p = mmap(NULL, size_of(which), PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	held[which][nheld[which]++] = p;
	return 0;
}

/* Release or hold pages until `want` are free, without growing the pool. Returns the free count reached. */
static unsigned long long settle(int which, unsigned long long free_now, unsigned long long want)
{
	while (free_now < want && nheld[which] > 0) {
		munmap(held[which][--nheld[which]], size_of(which));
		free_now++;
	}
	while (free_now > want && hold_one(which) == 0)
		free_now--;
	return free_now;
}

/*
 * Make the free pool of `which` (0: 2 MiB, 1: 1 GiB) exactly `want` pages.
 * Returns 0, or an errno with the pool as it was.
 */
int pool_set(int which, unsigned long long want)
{
	unsigned long long before, free_now, nr;

	if (read_count(which, "free_hugepages", &before))
		return want ? ENOENT : 0; /* no such pool: only an empty one is possible */
	free_now = settle(which, before, want);
	if (free_now < want && which == 0 && read_count(which, "nr_hugepages", &nr) == 0 &&
	    write_count(which, "nr_hugepages", nr + (want - free_now)) == 0 &&
	    read_count(which, "free_hugepages", &free_now) == 0)
		free_now = settle(which, free_now, want);
	if (free_now != want) {
		settle(which, free_now, before);
		return ENOMEM;
	}
	return 0;
}

/* `# pfnlab-oracle hugepages-2M=N hugepages-1G=M` (the runner's header comment, oracle/guest/verdict.ts). */
void pool_header(const char *line, unsigned long long *want2m, unsigned long long *want1g)
{
	const char *s = line;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '#')
		return;
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "pfnlab-oracle ", 14) != 0)
		return;
	for (const char *k = strstr(s, "hugepages-"); k; k = strstr(k + 1, "hugepages-")) {
		if (strncmp(k, "hugepages-2M=", 13) == 0)
			*want2m = strtoull(k + 13, NULL, 10);
		else if (strncmp(k, "hugepages-1G=", 13) == 0)
			*want1g = strtoull(k + 13, NULL, 10);
	}
}
