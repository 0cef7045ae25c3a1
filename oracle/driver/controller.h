/* The controller's tables: processes (servers), named objects, and per-context id models. */
#ifndef PFNLAB_ORACLE_CONTROLLER_H
#define PFNLAB_ORACLE_CONTROLLER_H

#include <sys/types.h>

#include "driver.h"

#define MAX_PROCS 64
#define MAX_OBJS 4096
#define MAX_IDS 4096

struct proc {
	char name[32];
	int wfd, rfd;       /* request pipe (write end), response pipe (read end) */
	pid_t pid;
	int pidfd;
	int alive;
	int is_child_of_controller;
};

enum obj_kind { K_CTX = 1, K_IOAS, K_DOMAIN, K_ACCESS, K_ITEM };

/*
 * What the driver knows of a context's object ids, from the results it saw:
 * enough to derive the id of an access (the kernel allocates it, lowest free
 * id first, but never returns it; userspace only gets the access fd).
 */
struct ctx_model {
	unsigned char used[MAX_IDS];
	unsigned short hwref[MAX_IDS]; /* devices attached to each hwpt */
	int live_accesses;
	int dead;
};

struct obj {
	char name[32];
	int kind;
	int ctx;            /* index of the context object (for K_CTX: itself) */
	int parent;         /* K_ITEM: its access; K_DOMAIN: its IOAS object or -1 */
	uint64_t id;        /* CTX: fd; IOAS: id; DOMAIN: hwpt; ACCESS: access fd; ITEM: item id */
	uint64_t id2, id3;  /* DOMAIN: stdev, idev; ACCESS: derived object id; DOMAIN: ioas id in id3? see ops.c */
	uint64_t ioas_id;   /* DOMAIN, ACCESS: the IOAS it was created on */
	int own_hwpt;       /* DOMAIN: id is a hwpt the driver allocated for it (destroyed after the device) */
	uint64_t holders;   /* CTX, ACCESS: bit per process index holding the fd */
	struct ctx_model *model; /* K_CTX */
};

extern struct proc procs[MAX_PROCS];
extern int nprocs;
extern struct obj objs[MAX_OBJS];
extern int nobjs;

int obj_find(const char *name);
int proc_find(const char *name);
void proc_wait_gone(struct proc *p);
int pidfd_of(pid_t pid);
int call_server(struct proc *p, const struct req *rq, const void *data, struct resp *rs, uint8_t **out);
int read_resp(int fd, struct resp *rs, uint8_t **out);

/* ops.c: execute one parsed line and print its result line. Returns 0 to go on, -1 after a fatal line. */
int run_op(struct line *l);

/* Global machine settings may be changed (not --no-setup, and /dev/iommu exists). */
extern int machine_settings_allowed;

/* pool.c */
int pool_set(int which, unsigned long long want);
void pool_header(const char *line, unsigned long long *want2m, unsigned long long *want1g);

/* server_iommufd.c */
void reset_temp_memory_limit(int fd);

#endif
