/* ctr_stats.c - a running container's resource usage (`podman stats`) */
#include "core/fs.h"
#include "runtime/cgroup.h"
#include "runtime/ctr.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* MemTotal in bytes, 0 when unknown */
static uint64_t
host_mem_total(void)
{
	cleanup_free char *text = NULL;
	struct pod_err *e = NULL;
	size_t len;
	char *p;

	if (pod_read_file("/proc/meminfo", &text, &len, 1 << 16, &e) < 0) {
		pod_err_free(&e);
		return 0;
	}
	p = strstr(text, "MemTotal:");
	return p ? strtoull(p + 9, NULL, 10) * 1024 : 0;
}

/* every interface but lo of the network namespace pid lives in */
static void
net_io(pid_t pid, uint64_t *rx, uint64_t *tx)
{
	cleanup_free char *path = xasprintf("/proc/%d/net/dev", pid);
	cleanup_free char *text = NULL;
	struct pod_err *e = NULL;
	size_t len;
	int lineno = 0;

	*rx = *tx = 0;
	if (pod_read_file(path, &text, &len, 1 << 20, &e) < 0) {
		pod_err_free(&e);
		return;
	}
	for (char *l = text; l && *l; lineno++) {
		char *nl = strchr(l, '\n');
		char *colon;

		if (nl)
			*nl = '\0';
		colon = strchr(l, ':');
		if (lineno >= 2 && colon) {
			char *name = l + strspn(l, " ");
			unsigned long long v[9] = { 0 };
			*colon = '\0';
			if (!STREQ(name, "lo") &&
			    sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
				   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9) {
				*rx += v[0];
				*tx += v[8];
			}
		}
		l = nl ? nl + 1 : NULL;
	}
}

int
pod_ctr_stats(struct pod_engine *e, const struct pod_ctr *c, struct pod_ctr_stats *ret,
	      struct pod_err **err)
{
	const char *cgpath = pod_ctr_str(c, "CgroupsPath");
	struct pod_cgroup *cg = NULL;
	struct pod_cgroup_stats cs = { 0 };
	struct pod_ctr_stats s = { 0 };
	uint64_t total;
	int r;

	s.at_ns = pod_now_ns();
	s.started_ns = c->started_ns;
	if (c->state != POD_CTR_RUNNING && c->state != POD_CTR_PAUSED) {
		*ret = s;
		return 0;
	}
	if (!cgpath || !*cgpath)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "container %s has no cgroup: stats are not available", c->name);
	if (pod_cgroup_load(cgpath, &cg, err) < 0)
		return -1;
	r = pod_cgroup_stats(cg, &cs, err);
	pod_cgroup_free(cg);
	if (r < 0)
		return -1;
	s.running = true;
	s.cpu_ns = cs.cpu_usage_ns;
	/* Docker's and Podman's usage: page cache that could go does not count */
	s.mem_usage = cs.mem_usage > cs.mem_inactive_file ? cs.mem_usage - cs.mem_inactive_file :
							   cs.mem_usage;
	total = host_mem_total();
	s.mem_limit = cs.mem_limit;
	if (total && (s.mem_limit == POD_CGROUP_UNLIMITED || s.mem_limit > total))
		s.mem_limit = total;
	s.block_read = cs.blkio_read_bytes;
	s.block_write = cs.blkio_write_bytes;
	s.pids = cs.pids_current;
	if (c->pid > 0)
		net_io(c->pid, &s.net_rx, &s.net_tx);
	(void) e;
	*ret = s;
	return 0;
}
