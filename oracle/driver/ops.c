/*
 * One script line -> one request to a server -> one result line.
 * Each op's arguments are checked here (an unknown op, flag or key, or a
 * missing argument, is a `fatal` line); names resolve to the real fd / id
 * the kernel gave when the object was created. After an `ok` the tables
 * and the context id model are updated.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "controller.h"

static uint64_t cur_seq;

static int fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fatal(const char *fmt, ...)
{
	va_list ap;

	printf("%llu fatal ", (unsigned long long)cur_seq);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return -1;
}

struct opdef {
	const char *name;
	int code;
	int nargs;            /* required positional arguments */
	const char *flags;    /* allowed flag words, space separated */
	const char *keys;     /* allowed keys besides at=, space separated */
};

static const struct opdef defs[] = {
	{ "mmap", OP_MMAP, 2, " shared thp populate file ro ", " hugetlb " },
	{ "munmap", OP_MUNMAP, 2, "", "" },
	{ "read", OP_READ, 2, " hash ", "" },
	{ "write", OP_WRITE, 2, "", "" },
	{ "fork", OP_FORK, 0, "", "" },
	{ "exit", OP_EXIT, 0, "", "" },
	{ "memlock", OP_MEMLOCK, 1, "", "" },
	{ "cap", OP_CAP, 2, "", "" },
	{ "accounting", OP_ACCOUNTING, 0, "", "" },
	{ "hugetlb_pool", OP_HUGETLB_POOL, 2, "", "" },
	{ "open", OP_OPEN, 0, "", "" },
	{ "close", OP_CLOSE, 1, "", "" },
	{ "fd_option", OP_FD_OPTION, 2, "", "" },          /* F RLIMIT_MODE [VALUE] */
	{ "ioas_alloc", OP_IOAS_ALLOC, 1, "", "" },
	{ "ioas_option", OP_IOAS_OPTION, 3, "", "" },      /* F A HUGE_PAGES [VALUE] */
	{ "map", OP_MAP, 4, " read write ", " iova " },
	{ "unmap", OP_UNMAP, 4, "", "" },
	{ "copy", OP_COPY, 5, " read write ", " iova " },
	{ "iova_ranges", OP_IOVA_RANGES, 2, "", " capacity " },
	{ "allow_iovas", OP_ALLOW_IOVAS, 3, "", "" },
	{ "add_reserved", OP_ADD_RESERVED, 4, "", "" },
	{ "destroy", OP_DESTROY, 2, "", "" },
	{ "mock_domain", OP_MOCK_DOMAIN, 2, "", "" },
	{ "detach", OP_DETACH, 2, "", "" },
	{ "check_map", OP_CHECK_MAP, 5, "", "" },
	{ "check_unmapped", OP_CHECK_UNMAPPED, 3, "", "" },
	{ "check_refs", OP_CHECK_REFS, 4, "", "" },
	{ "access_create", OP_ACCESS_CREATE, 2, " needs_pin ", " unmap " },
	{ "access_pin", OP_ACCESS_PIN, 3, " write ", " uptr " },
	{ "access_unpin", OP_ACCESS_UNPIN, 2, "", "" },
	{ "access_read", OP_ACCESS_READ, 3, " slow hash ", "" },
	{ "access_write", OP_ACCESS_WRITE, 3, " slow ", "" },
	{ "access_close", OP_ACCESS_CLOSE, 1, "", "" },
	{ "temp_memory_limit", OP_TEMP_MEMORY_LIMIT, 2, "", "" },
	{ "fail_nth", OP_FAIL_NTH, 1, "", "" },
	{ "fault_consumed", OP_FAULT_CONSUMED, 0, "", "" },
};

static int word_in(const char *list, const char *w)
{
	char pat[72];

	if (strlen(w) > 64)
		return 0;
	snprintf(pat, sizeof(pat), " %s ", w);
	return strstr(list, pat) != NULL;
}

static const char *kv(const struct line *l, const char *key)
{
	for (int i = 0; i < l->nkv; i++)
		if (strcmp(l->key[i], key) == 0)
			return l->val[i];
	return NULL;
}

static int has_flag(const struct line *l, int from, const char *w)
{
	for (int i = from; i < l->npos; i++)
		if (strcmp(l->pos[i], w) == 0)
			return 1;
	return 0;
}

static const char *kind_name(int k)
{
	switch (k) {
	case K_CTX: return "a context";
	case K_IOAS: return "an IOAS";
	case K_DOMAIN: return "a domain";
	case K_ACCESS: return "an access";
	case K_ITEM: return "an access item";
	}
	return "an object";
}

/* A number, or a NAME of `kind` (its index in *idx, else -1). */
static int resolve(const char *tok, int kind, uint64_t *val, int *idx)
{
	int i;

	*idx = -1;
	if (tok[0] >= '0' && tok[0] <= '9') {
		if (parse_u64(tok, val))
			return fatal("bad number '%s'", tok);
		return 0;
	}
	i = obj_find(tok);
	if (i < 0)
		return fatal("unknown name '%s'", tok);
	if (objs[i].kind != kind)
		return fatal("'%s' is not %s", tok, kind_name(kind));
	*val = objs[i].id;
	*idx = i;
	return 0;
}

static int number(const char *tok, uint64_t *val)
{
	if (parse_u64(tok, val))
		return fatal("bad number '%s'", tok);
	return 0;
}

static int new_obj(const char *name, int kind)
{
	if (!name)
		return fatal("this op creates an object: 'NAME =' is missing");
	if (strlen(name) >= sizeof(objs[0].name))
		return fatal("name '%s' is too long", name);
	if (nobjs == MAX_OBJS)
		return fatal("too many objects");
	memset(&objs[nobjs], 0, sizeof(objs[nobjs]));
	strcpy(objs[nobjs].name, name);
	objs[nobjs].kind = kind;
	objs[nobjs].ctx = -1;
	objs[nobjs].parent = -1;
	return nobjs++;
}

/* --- the id model ---------------------------------------------------------- */

static struct ctx_model *model_of(int ctx)
{
	return ctx >= 0 && objs[ctx].kind == K_CTX ? objs[ctx].model : NULL;
}

static void model_use(int ctx, uint64_t id, int used)
{
	struct ctx_model *m = model_of(ctx);

	if (m && id < MAX_IDS)
		m->used[id] = (unsigned char)used;
}

static void ctx_maybe_gone(int ctx)
{
	struct ctx_model *m = model_of(ctx);

	if (m && !m->dead && objs[ctx].holders == 0 && m->live_accesses == 0) {
		memset(m->used, 0, sizeof(m->used));
		memset(m->hwref, 0, sizeof(m->hwref));
		m->dead = 1;
	}
}

static void access_release_holder(int a, int proc)
{
	objs[a].holders &= ~(1ull << proc);
	if (objs[a].holders == 0 && objs[a].id2) {
		struct ctx_model *m = model_of(objs[a].ctx);

		model_use(objs[a].ctx, objs[a].id2, 0);
		objs[a].id2 = 0;
		if (m && m->live_accesses > 0)
			m->live_accesses--;
		ctx_maybe_gone(objs[a].ctx);
	}
}

/* A process's fds are gone (exit): contexts and accesses lose that holder. */
static void release_process_fds(int proc)
{
	for (int i = 0; i < nobjs; i++)
		if (objs[i].kind == K_ACCESS && (objs[i].holders & (1ull << proc)))
			access_release_holder(i, proc);
	for (int i = 0; i < nobjs; i++)
		if (objs[i].kind == K_CTX && (objs[i].holders & (1ull << proc))) {
			objs[i].holders &= ~(1ull << proc);
			ctx_maybe_gone(i);
		}
}

static uint64_t lowest_free_id(int ctx)
{
	struct ctx_model *m = model_of(ctx);

	if (!m)
		return 0;
	for (uint64_t id = 1; id < MAX_IDS; id++)
		if (!m->used[id])
			return id;
	return 0;
}

/*
 * The engine's close destroys the object whatever processes exist; the
 * kernel's close drops one fd, and fork children hold copies of every
 * context and access fd (at the same numbers). So after the caller's close,
 * close the same fd in every other live holder, so that the object goes as
 * in the engine. `rq0` is the caller's request (op, fds in a[0] / a[1]).
 * Holders that exited have already dropped theirs (release_process_fds).
 */
static int close_in_other_holders(int o, const struct req *rq0)
{
	for (int h = 0; h < nprocs; h++) {
		struct req rq = *rq0;
		struct resp rs;
		uint8_t *out = NULL;
		int32_t *afds = NULL;
		int n = 0, rc;

		if (!procs[h].alive || !(objs[o].holders & (1ull << h)))
			continue;
		rq.borrow = 0;
		if (rq.op == OP_CLOSE) {
			/* this holder's access fds of the context, as for the caller */
			afds = malloc(sizeof(int32_t) * (size_t)(nobjs + 1));
			if (!afds)
				return fatal("out of memory");
			for (int i = 0; i < nobjs; i++)
				if (objs[i].kind == K_ACCESS && objs[i].ctx == o && (objs[i].holders & (1ull << h)))
					afds[n++] = (int32_t)objs[i].id;
		}
		rq.len = (uint32_t)n * 4;
		rc = call_server(&procs[h], &rq, afds, &rs, &out);
		free(afds);
		free(out);
		if (rc)
			return fatal("the server of %s died", procs[h].name);
		if (rs.status != ST_OK)
			return fatal("closing the copy of %s held by %s failed (%s)", objs[o].name, procs[h].name,
				     rs.status > 0 ? errno_name(rs.status) : rs.msg);
		if (rq.op == OP_CLOSE) {
			for (int i = 0; i < nobjs; i++)
				if (objs[i].kind == K_ACCESS && objs[i].ctx == o && (objs[i].holders & (1ull << h)))
					access_release_holder(i, h);
			objs[o].holders &= ~(1ull << h);
		} else {
			access_release_holder(o, h);
		}
	}
	return 0;
}

/* --- ops -------------------------------------------------------------------- */

static void print_ranges(const uint8_t *p, uint64_t n)
{
	printf(" ranges=");
	if (n == 0)
		printf("-");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t s, e;

		memcpy(&s, p + 16 * i, 8);
		memcpy(&e, p + 16 * i + 8, 8);
		printf("%s0x%llx-0x%llx", i ? "," : "", (unsigned long long)s, (unsigned long long)e);
	}
}

static void close_pipes(int *fds)
{
	for (int i = 0; i < 4; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/*
 * After a fork's answer: wait for the child's "ready" on its response pipe
 * (it has opened its ends), then drop the controller's copies of the
 * child's ends. A child that dies first shows on its pidfd.
 */
static int child_ready(int *fds, pid_t pid)
{
	int pidfd = pidfd_of(pid);
	struct pollfd pf[2] = { { .fd = fds[2], .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
	struct resp rs;
	uint8_t *out = NULL;
	int rc;

	while ((rc = poll(pf, pidfd >= 0 ? 2 : 1, 30000)) < 0 && errno == EINTR)
		;
	if (rc <= 0 || !(pf[0].revents & POLLIN)) {
		if (pidfd >= 0)
			close(pidfd);
		return -1;
	}
	if (pidfd >= 0)
		close(pidfd);
	rc = read_resp(fds[2], &rs, &out);
	free(out);
	if (rc || rs.status != ST_OK)
		return -1;
	close(fds[0]);
	close(fds[3]);
	fds[0] = fds[3] = -1;
	return 0;
}

int run_op(struct line *l)
{
	const struct opdef *d = NULL;
	struct req rq;
	struct resp rs;
	uint8_t *payload = NULL, *out = NULL;
	long plen = 0;
	int pi = 0, ctx = -1, target = -1, target2 = -1, rc = 0;
	int child_pipes[4] = { -1, -1, -1, -1 }; /* fork: request r/w, response r/w */
	const char *at;
	struct proc *p;

	cur_seq = l->seq;
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (strcmp(defs[i].name, l->op) == 0)
			d = &defs[i];
	if (!d)
		return fatal("unknown op '%s'", l->op);
	if (l->npos < d->nargs)
		return fatal("%s needs %d arguments, got %d", d->name, d->nargs, l->npos);
	for (int i = 0; i < l->nkv; i++)
		if (strcmp(l->key[i], "at") != 0 && !word_in(d->keys, l->key[i]))
			return fatal("%s has no option '%s='", d->name, l->key[i]);
	at = kv(l, "at");
	pi = proc_find(at ? at : "p0");
	if (pi < 0)
		return fatal("unknown process '%s'", at);
	p = &procs[pi];

	memset(&rq, 0, sizeof(rq));
	rq.op = (uint32_t)d->code;
	/* Positional arguments past the required ones: flag words, or an optional VALUE. */
	{
		int extra_value = d->code == OP_FD_OPTION || d->code == OP_IOAS_OPTION;

		for (int i = d->nargs; i < l->npos; i++) {
			if (extra_value && i == d->nargs && l->pos[i][0] >= '0' && l->pos[i][0] <= '9')
				continue;
			if (!word_in(d->flags, l->pos[i]))
				return fatal("%s has no flag '%s'", d->name, l->pos[i]);
		}
	}

	switch (d->code) {
	case OP_MMAP: {
		const char *h = kv(l, "hugetlb");
		static const struct { const char *w; uint32_t f; } fw[] = {
			{ "shared", RF_SHARED }, { "thp", RF_THP }, { "populate", RF_POPULATE },
			{ "file", RF_FILE }, { "ro", RF_RO },
		};

		if (number(l->pos[0], &rq.a[0]) || number(l->pos[1], &rq.a[1]))
			return -1;
		for (size_t i = 0; i < sizeof(fw) / sizeof(fw[0]); i++)
			if (has_flag(l, 2, fw[i].w))
				rq.flags |= fw[i].f;
		if (h && strcmp(h, "2M") == 0)
			rq.flags |= RF_HUGE2M;
		else if (h && strcmp(h, "1G") == 0)
			rq.flags |= RF_HUGE1G;
		else if (h)
			return fatal("hugetlb= must be 2M or 1G");
		break;
	}
	case OP_MUNMAP:
	case OP_READ:
		if (number(l->pos[0], &rq.a[0]) || number(l->pos[1], &rq.a[1]))
			return -1;
		if (d->code == OP_READ && rq.a[1] > (1ull << 30))
			return fatal("read of more than 1 GiB");
		break;
	case OP_WRITE:
		if (number(l->pos[0], &rq.a[0]))
			return -1;
		plen = parse_hex(l->pos[1], &payload);
		if (plen < 0)
			return fatal("bad hex bytes");
		break;
	case OP_FORK:
		if (!l->bind || !is_name(l->bind) || proc_find(l->bind) >= 0 || obj_find(l->bind) >= 0)
			return fatal("fork needs a new process name: 'PNAME = fork'");
		if (nprocs == MAX_PROCS)
			return fatal("too many processes");
		if (pipe2(child_pipes, O_CLOEXEC) || pipe2(child_pipes + 2, O_CLOEXEC))
			return fatal("pipe: %s", strerror(errno));
		/* The child opens its ends through /proc/CONTROLLER/fd/N. */
		rq.a[0] = (uint64_t)getpid();
		rq.a[1] = (uint64_t)child_pipes[0];
		rq.a[2] = (uint64_t)child_pipes[3];
		break;
	case OP_MEMLOCK:
		if (strcmp(l->pos[0], "unlimited") == 0 || strcmp(l->pos[0], "inf") == 0 ||
		    strcmp(l->pos[0], "Infinity") == 0)
			rq.flags |= RF_UNLIMITED;
		else if (number(l->pos[0], &rq.a[0]))
			return -1;
		break;
	case OP_CAP:
		if (strcmp(l->pos[0], "ipc_lock") == 0)
			rq.a[0] = 0;
		else if (strcmp(l->pos[0], "sys_resource") == 0)
			rq.a[0] = 1;
		else
			return fatal("cap: ipc_lock or sys_resource, not '%s'", l->pos[0]);
		if (number(l->pos[1], &rq.a[1]) || rq.a[1] > 1)
			return fatal("cap: 0 or 1");
		break;
	case OP_HUGETLB_POOL:
		if (strcmp(l->pos[0], "2M") == 0)
			rq.a[0] = 0;
		else if (strcmp(l->pos[0], "1G") == 0)
			rq.a[0] = 1;
		else
			return fatal("hugetlb_pool: 2M or 1G, not '%s'", l->pos[0]);
		if (number(l->pos[1], &rq.a[1]))
			return -1;
		break;
	case OP_OPEN:
		break;
	case OP_FAIL_NTH:
		if (number(l->pos[0], &rq.a[0]) || rq.a[0] == 0 || rq.a[0] > 0xffffffffu)
			return fatal("fail_nth: N must be 1 .. 2^32-1");
		break;
	case OP_FAULT_CONSUMED:
	case OP_EXIT:
	case OP_ACCOUNTING:
		break;
	case OP_ACCESS_PIN:
	case OP_ACCESS_UNPIN:
	case OP_ACCESS_READ:
	case OP_ACCESS_WRITE:
	case OP_ACCESS_CLOSE: {
		uint64_t afd;

		if (resolve(l->pos[0], K_ACCESS, &afd, &target))
			return -1;
		if (target < 0)
			return fatal("%s needs an access name", d->name);
		ctx = objs[target].ctx;
		rq.a[0] = objs[ctx].id;
		rq.a[1] = afd;
		if (d->code == OP_ACCESS_CLOSE)
			break;
		if (d->code == OP_ACCESS_UNPIN) {
			if (resolve(l->pos[1], K_ITEM, &rq.a[2], &target2))
				return -1;
			break;
		}
		if (number(l->pos[1], &rq.a[2]))
			return -1;
		if (d->code == OP_ACCESS_PIN) {
			const char *u = kv(l, "uptr");

			if (number(l->pos[2], &rq.a[3]) || (u && number(u, &rq.a[4])))
				return -1;
			if (has_flag(l, 3, "write"))
				rq.flags |= RF_WRITE;
		} else if (d->code == OP_ACCESS_READ) {
			if (number(l->pos[2], &rq.a[3]))
				return -1;
			if (rq.a[3] > (1ull << 30))
				return fatal("access_read of more than 1 GiB");
		} else {
			plen = parse_hex(l->pos[2], &payload);
			if (plen < 0)
				return fatal("bad hex bytes");
		}
		if (has_flag(l, 3, "slow"))
			rq.flags |= RF_SLOW;
		break;
	}
	default: {
		/* Every other op starts with F, the context. */
		uint64_t fd;

		if (resolve(l->pos[0], K_CTX, &fd, &ctx))
			return -1;
		rq.a[0] = fd;
		switch (d->code) {
		case OP_CLOSE:
			break;
		case OP_FD_OPTION:
			if (strcmp(l->pos[1], "RLIMIT_MODE") != 0)
				return fatal("fd_option: only RLIMIT_MODE");
			if (l->npos > 2) {
				if (number(l->pos[2], &rq.a[2]))
					return -1;
			} else {
				rq.flags |= RF_GET;
			}
			break;
		case OP_IOAS_ALLOC:
			break;
		case OP_IOAS_OPTION:
			if (resolve(l->pos[1], K_IOAS, &rq.a[1], &target))
				return -1;
			if (strcmp(l->pos[2], "HUGE_PAGES") != 0)
				return fatal("ioas_option: only HUGE_PAGES");
			if (l->npos > 3) {
				if (number(l->pos[3], &rq.a[2]))
					return -1;
			} else {
				rq.flags |= RF_GET;
			}
			break;
		case OP_MAP:
		case OP_COPY: {
			const char *iova = kv(l, "iova");
			int n = d->code == OP_MAP ? 4 : 5;

			if (resolve(l->pos[1], K_IOAS, &rq.a[1], &target))
				return -1;
			if (d->code == OP_MAP) {
				if (number(l->pos[2], &rq.a[2]) || number(l->pos[3], &rq.a[3]))
					return -1;
				if (iova && number(iova, &rq.a[4]))
					return -1;
			} else {
				if (resolve(l->pos[2], K_IOAS, &rq.a[2], &target2) || number(l->pos[3], &rq.a[3]) ||
				    number(l->pos[4], &rq.a[4]))
					return -1;
				if (iova && number(iova, &rq.a[5]))
					return -1;
			}
			if (iova)
				rq.flags |= RF_FIXED;
			if (has_flag(l, n, "read"))
				rq.flags |= RF_READ;
			if (has_flag(l, n, "write"))
				rq.flags |= RF_WRITE;
			break;
		}
		case OP_UNMAP:
		case OP_ADD_RESERVED:
			if (resolve(l->pos[1], K_IOAS, &rq.a[1], &target) || number(l->pos[2], &rq.a[2]) ||
			    number(l->pos[3], &rq.a[3]))
				return -1;
			break;
		case OP_IOVA_RANGES: {
			const char *c = kv(l, "capacity");

			if (resolve(l->pos[1], K_IOAS, &rq.a[1], &target))
				return -1;
			if (c) {
				if (number(c, &rq.a[2]) || rq.a[2] > 0xffffffffu)
					return fatal("capacity must fit 32 bits");
				rq.flags |= RF_CAPACITY;
			}
			break;
		}
		case OP_ALLOW_IOVAS: {
			uint64_t *pairs;
			long nr;

			if (resolve(l->pos[1], K_IOAS, &rq.a[1], &target))
				return -1;
			nr = parse_ranges(l->pos[2], &pairs);
			if (nr < 0)
				return fatal("bad ranges '%s' (START-LAST,... or -)", l->pos[2]);
			payload = (uint8_t *)pairs;
			plen = nr * 16;
			break;
		}
		case OP_DESTROY: {
			/* Any named object: an IOAS (its id), a domain (its hwpt), an access (its derived id). */
			int i = l->pos[1][0] >= 'a' && l->pos[1][0] <= 'z' ? obj_find(l->pos[1]) : -1;

			if (i >= 0) {
				target = i;
				rq.a[1] = objs[i].kind == K_ACCESS ? objs[i].id2 : objs[i].id;
			} else if (number(l->pos[1], &rq.a[1])) {
				return -1;
			}
			break;
		}
		case OP_MOCK_DOMAIN: {
			/* the hwpts of the context's live mock domains: a device the kernel
			 * puts on one of them gets a domain of its own (server_iommufd.c) */
			struct ctx_model *m;
			uint32_t *live;
			long n = 0;

			if (resolve(l->pos[1], K_IOAS, &rq.a[1], &target))
				return -1;
			m = model_of(ctx);
			live = malloc(sizeof(uint32_t) * MAX_IDS);
			if (!live)
				return fatal("out of memory");
			for (uint32_t id = 0; m && id < MAX_IDS; id++)
				if (m->hwref[id])
					live[n++] = id;
			payload = (uint8_t *)live;
			plen = n * 4;
			break;
		}
		case OP_DETACH:
		case OP_CHECK_MAP:
		case OP_CHECK_UNMAPPED:
			if (resolve(l->pos[1], K_DOMAIN, &rq.a[1], &target))
				return -1;
			if (d->code == OP_DETACH) {
				if (target < 0)
					return fatal("detach needs a domain name (its stdev id is destroyed)");
				rq.a[1] = objs[target].id2;
				rq.a[2] = objs[target].own_hwpt ? objs[target].id : 0;
			} else if (d->code == OP_CHECK_MAP) {
				if (number(l->pos[2], &rq.a[2]) || number(l->pos[3], &rq.a[3]) ||
				    number(l->pos[4], &rq.a[4]))
					return -1;
			} else {
				if (target < 0)
					return fatal("check_unmapped needs a domain name");
				if (number(l->pos[2], &rq.a[2]))
					return -1;
				rq.a[3] = objs[target].ioas_id;
			}
			break;
		case OP_CHECK_REFS:
			if (number(l->pos[1], &rq.a[1]) || number(l->pos[2], &rq.a[2]) || number(l->pos[3], &rq.a[3]))
				return -1;
			break;
		case OP_ACCESS_CREATE: {
			const char *u = kv(l, "unmap");

			if (resolve(l->pos[1], K_IOAS, &rq.a[1], &target))
				return -1;
			if (has_flag(l, 2, "needs_pin"))
				rq.flags |= RF_NEEDS_PIN;
			if (u && strcmp(u, "ignore") == 0)
				return fatal("access_create unmap=ignore: the selftest's access always unpins on unmap");
			if (u && strcmp(u, "unpin") != 0)
				return fatal("unmap= must be unpin or ignore");
			break;
		}
		case OP_TEMP_MEMORY_LIMIT:
			if (number(l->pos[1], &rq.a[1]))
				return -1;
			if (rq.a[1] > 0xffffffffu)
				return fatal("temp_memory_limit: the selftest's limit is 32 bits");
			break;
		}
		break;
	}
	}
	if (d->code != OP_FORK && d->code != OP_OPEN && d->code != OP_IOAS_ALLOC && d->code != OP_MOCK_DOMAIN &&
	    d->code != OP_ACCESS_CREATE && d->code != OP_ACCESS_PIN && l->bind)
		return fatal("%s creates nothing to bind '%s' to", d->name, l->bind);

	/* Fds of contexts and accesses: this process's own, or borrowed for the op from a holder. */
	if (ctx >= 0) {
		int fdslot[2] = { ctx, (d->code >= OP_ACCESS_PIN && d->code <= OP_ACCESS_CLOSE) ? target : -1 };

		for (int i = 0; i < 2; i++) {
			int o = fdslot[i], h;

			if (o < 0 || (objs[o].holders & (1ull << pi)))
				continue;
			if (d->code == OP_CLOSE || d->code == OP_ACCESS_CLOSE) {
				/* closing an fd the process does not have */
				printf("%llu err EBADF\n", (unsigned long long)l->seq);
				free(payload);
				return 0;
			}
			for (h = 0; h < nprocs; h++)
				if (procs[h].alive && (objs[o].holders & (1ull << h)))
					break;
			if (h == nprocs) {
				rq.a[i] = UINT64_MAX; /* nobody has it any more: EBADF from the kernel */
				continue;
			}
			rq.borrow |= 1u << i;
			rq.borrow_pid[i] = (uint32_t)procs[h].pid;
		}
	}
	if (d->code == OP_CLOSE && (objs[ctx].holders & (1ull << pi))) {
		/* close F also closes this process's access fds of F (the engine's close destroys its accesses) */
		int32_t *afds = malloc(sizeof(int32_t) * (size_t)(nobjs + 1));
		int n = 0;

		if (!afds)
			return fatal("out of memory");
		for (int i = 0; i < nobjs; i++)
			if (objs[i].kind == K_ACCESS && objs[i].ctx == ctx && (objs[i].holders & (1ull << pi)))
				afds[n++] = (int32_t)objs[i].id;
		payload = (uint8_t *)afds;
		plen = (long)n * 4;
	}
	if (d->code == OP_HUGETLB_POOL) {
		/* The pools are global: the controller sets them (pool.c), no process makes a call. */
		int e;

		if (!machine_settings_allowed)
			return fatal("hugetlb_pool changes the machine: not with --no-setup or without /dev/iommu");
		e = pool_set((int)rq.a[0], rq.a[1]);

		if (e)
			printf("%llu err %s\n", (unsigned long long)l->seq, errno_name(e));
		else
			printf("%llu ok\n", (unsigned long long)l->seq);
		return 0;
	}
	if (!p->alive) {
		printf("%llu err ESRCH\n", (unsigned long long)l->seq); /* no process left to make the call */
		free(payload);
		close_pipes(child_pipes);
		return 0;
	}
	rq.len = (uint32_t)plen;
	rc = call_server(p, &rq, payload, &rs, &out);
	free(payload);
	if (rc == 0 && d->code == OP_FORK && rs.status == ST_OK)
		rc = child_ready(child_pipes, (pid_t)rs.v[0]);
	if (rc) {
		free(out);
		return fatal("the server of %s died", p->name);
	}
	if (rs.status == ST_FATAL) {
		free(out);
		return fatal("%s", rs.msg);
	}
	if (rs.status > 0) {
		printf("%llu err %s\n", (unsigned long long)l->seq, errno_name(rs.status));
		close_pipes(child_pipes);
		free(out);
		return 0;
	}

	/* ok: print the values, update the tables */
	printf("%llu ok", (unsigned long long)l->seq);
	switch (d->code) {
	case OP_MMAP:
		printf(" 0x%llx", (unsigned long long)rs.v[0]);
		break;
	case OP_READ:
	case OP_ACCESS_READ: {
		int hashed = has_flag(l, d->code == OP_READ ? 2 : 3, "hash");
		char *h = hashed ? hash_string(out, rs.len) : hex_string(out, rs.len);

		printf(" %s", h ? h : "?");
		free(h);
		break;
	}
	case OP_FORK: {
		struct proc *c = &procs[nprocs];

		memset(c, 0, sizeof(*c));
		strcpy(c->name, l->bind);
		c->wfd = child_pipes[1];
		c->rfd = child_pipes[2];
		c->pid = (pid_t)rs.v[0];
		c->pidfd = pidfd_of(c->pid);
		c->alive = 1;
		for (int i = 0; i < nobjs; i++)
			if ((objs[i].kind == K_CTX || objs[i].kind == K_ACCESS) && (objs[i].holders & (1ull << pi)))
				objs[i].holders |= 1ull << nprocs;
		nprocs++;
		break;
	}
	case OP_EXIT:
		proc_wait_gone(p);
		close(p->wfd);
		close(p->rfd);
		p->alive = 0;
		release_process_fds(pi);
		break;
	case OP_ACCOUNTING:
		printf(" locked=%llu pinned=%llu", (unsigned long long)rs.v[0], (unsigned long long)rs.v[1]);
		break;
	case OP_OPEN: {
		int i = l->bind ? new_obj(l->bind, K_CTX) : -1;

		if (i < 0) {
			printf("\n");
			return fatal("open needs 'FNAME ='");
		}
		objs[i].id = rs.v[0];
		objs[i].ctx = i;
		objs[i].holders = 1ull << pi;
		objs[i].model = calloc(1, sizeof(struct ctx_model));
		if (!objs[i].model) {
			printf("\n");
			return fatal("out of memory");
		}
		break;
	}
	case OP_CLOSE:
		for (int i = 0; i < nobjs; i++)
			if (objs[i].kind == K_ACCESS && objs[i].ctx == ctx && (objs[i].holders & (1ull << pi)))
				access_release_holder(i, pi);
		objs[ctx].holders &= ~(1ull << pi);
		if (close_in_other_holders(ctx, &rq)) {
			printf("\n");
			free(out);
			return -1;
		}
		ctx_maybe_gone(ctx);
		break;
	case OP_FD_OPTION:
	case OP_IOAS_OPTION:
	case OP_FAULT_CONSUMED:
		if (rs.nv)
			printf(" %llu", (unsigned long long)rs.v[0]);
		break;
	case OP_IOAS_ALLOC: {
		int i = l->bind ? new_obj(l->bind, K_IOAS) : -1;

		printf(" %llu", (unsigned long long)rs.v[0]);
		model_use(ctx, rs.v[0], 1);
		if (i < 0) {
			printf("\n");
			return fatal("ioas_alloc needs 'ANAME ='");
		}
		objs[i].id = rs.v[0];
		objs[i].ctx = ctx;
		break;
	}
	case OP_MAP:
	case OP_COPY:
		printf(" 0x%llx", (unsigned long long)rs.v[0]);
		break;
	case OP_UNMAP:
		printf(" %llu", (unsigned long long)rs.v[0]);
		break;
	case OP_IOVA_RANGES:
		printf(" alignment=%llu", (unsigned long long)rs.v[0]);
		print_ranges(out, rs.len / 16);
		break;
	case OP_DESTROY:
		if (target >= 0 && objs[target].kind == K_IOAS)
			model_use(ctx, objs[target].id, 0);
		else
			model_use(ctx, rq.a[1], 0);
		break;
	case OP_MOCK_DOMAIN: {
		int i = l->bind ? new_obj(l->bind, K_DOMAIN) : -1;
		struct ctx_model *m = model_of(ctx);

		printf(" %llu stdev=%llu hwpt=%llu idev=%llu", (unsigned long long)rs.v[0], (unsigned long long)rs.v[1],
		       (unsigned long long)rs.v[0], (unsigned long long)rs.v[2]);
		model_use(ctx, rs.v[0], 1);
		model_use(ctx, rs.v[1], 1);
		model_use(ctx, rs.v[2], 1);
		if (m && rs.v[0] < MAX_IDS)
			m->hwref[rs.v[0]]++;
		if (i < 0) {
			printf("\n");
			return fatal("mock_domain needs 'DNAME ='");
		}
		objs[i].id = rs.v[0];
		objs[i].id2 = rs.v[1];
		objs[i].id3 = rs.v[2];
		objs[i].own_hwpt = rs.nv > 3 && rs.v[3];
		objs[i].ioas_id = rq.a[1];
		objs[i].ctx = ctx;
		break;
	}
	case OP_DETACH: {
		struct ctx_model *m = model_of(ctx);
		uint64_t hw = objs[target].id;

		model_use(ctx, objs[target].id2, 0);
		model_use(ctx, objs[target].id3, 0);
		if (m && hw < MAX_IDS && m->hwref[hw] > 0 && --m->hwref[hw] == 0)
			m->used[hw] = 0;
		break;
	}
	case OP_ACCESS_CREATE: {
		int i = l->bind ? new_obj(l->bind, K_ACCESS) : -1;
		uint64_t id = lowest_free_id(ctx);
		struct ctx_model *m = model_of(ctx);

		printf(" %llu", (unsigned long long)id);
		model_use(ctx, id, 1);
		if (m)
			m->live_accesses++;
		if (i < 0) {
			printf("\n");
			return fatal("access_create needs 'XNAME ='");
		}
		objs[i].id = rs.v[0];
		objs[i].id2 = id;
		objs[i].ioas_id = rq.a[1];
		objs[i].ctx = ctx;
		objs[i].holders = 1ull << pi;
		break;
	}
	case OP_ACCESS_PIN: {
		int i = l->bind ? new_obj(l->bind, K_ITEM) : -1;

		printf(" %llu", (unsigned long long)rs.v[0]);
		if (i < 0) {
			printf("\n");
			return fatal("access_pin needs 'INAME ='");
		}
		objs[i].id = rs.v[0];
		objs[i].parent = target;
		objs[i].ctx = ctx;
		break;
	}
	case OP_ACCESS_CLOSE:
		access_release_holder(target, pi);
		if (close_in_other_holders(target, &rq)) {
			printf("\n");
			free(out);
			return -1;
		}
		break;
	default:
		break;
	}
	printf("\n");
	free(out);
	return 0;
}
