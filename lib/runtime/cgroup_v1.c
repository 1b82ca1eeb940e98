/* cgroup_v1.c - the cgroup v1 back-end: one directory per hierarchy */
#include "runtime/cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

static const char *
need(struct pod_cgroup *cg, const char *controller, struct pod_err **err)
{
	const struct pod_cgroup_mount *m = pod_cgroup_find(cg, controller);

	if (!m || m->v2) {
		pod_err_set(err, POD_E_INVALID, 0, "the \"%s\" cgroup controller is not available",
			    controller);
		return NULL;
	}
	return m->dir;
}

static int
write_i64(const char *dir, const char *file, int64_t v, struct pod_err **err)
{
	return pod_cgroup_writef(dir, file, err, "%" PRId64, v);
}

static int
v1_memory(struct pod_cgroup *cg, const struct cg_res *r, struct pod_err **err)
{
	const char *dir;
	bool limit = r->mem_limit.set && r->mem_limit.v != 0;
	bool swap = r->mem_swap.set && r->mem_swap.v != 0;
	struct pod_err *e = NULL;

	if (!limit && !swap && !r->mem_reservation.set && !r->mem_swappiness.set &&
	    !r->mem_oom_disable.set && !r->mem_use_hierarchy.set)
		return 0;
	if (!(dir = need(cg, "memory", err)))
		return -1;
	if (swap && !pod_cgroup_has_file(dir, "memory.memsw.limit_in_bytes"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "swap limits are not supported: the kernel has no swap "
				   "accounting (memory.memsw.limit_in_bytes)");
	if (limit && swap && r->mem_swap.v > 0 && r->mem_limit.v > 0 &&
	    r->mem_swap.v < r->mem_limit.v)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "memory+swap limit (%" PRId64 ") must not be lower than the memory "
				   "limit (%" PRId64 ")", r->mem_swap.v, r->mem_limit.v);
	if (limit && swap) {
		/* memsw must stay >= limit at every step: which goes first
		 * depends on the current values */
		if (write_i64(dir, "memory.limit_in_bytes", r->mem_limit.v, &e) < 0) {
			pod_err_free(&e);
			if (write_i64(dir, "memory.memsw.limit_in_bytes", r->mem_swap.v, err) < 0 ||
			    write_i64(dir, "memory.limit_in_bytes", r->mem_limit.v, err) < 0)
				return -1;
		} else if (write_i64(dir, "memory.memsw.limit_in_bytes", r->mem_swap.v, err) < 0) {
			return -1;
		}
	} else if (limit) {
		if (write_i64(dir, "memory.limit_in_bytes", r->mem_limit.v, err) < 0)
			return -1;
	} else if (swap) {
		if (write_i64(dir, "memory.memsw.limit_in_bytes", r->mem_swap.v, err) < 0)
			return -1;
	}
	if (r->mem_reservation.set && r->mem_reservation.v != 0 &&
	    write_i64(dir, "memory.soft_limit_in_bytes", r->mem_reservation.v, err) < 0)
		return -1;
	if (r->mem_swappiness.set && r->mem_swappiness.v >= 0 &&
	    write_i64(dir, "memory.swappiness", r->mem_swappiness.v, err) < 0)
		return -1;
	if (r->mem_oom_disable.set &&
	    write_i64(dir, "memory.oom_control", r->mem_oom_disable.v, err) < 0)
		return -1;
	if (r->mem_use_hierarchy.set &&
	    write_i64(dir, "memory.use_hierarchy", r->mem_use_hierarchy.v, err) < 0)
		return -1;
	return 0;
}

static int
v1_cpu(struct pod_cgroup *cg, const struct cg_res *r, struct pod_err **err)
{
	const char *dir;
	struct pod_err *e = NULL;
	bool quota = r->cpu_quota.set && r->cpu_quota.v != 0;
	bool period = r->cpu_period.set && r->cpu_period.v != 0;

	if ((r->cpu_shares.set && r->cpu_shares.v != 0) || quota || period) {
		if (!(dir = need(cg, "cpu", err)))
			return -1;
		if (r->cpu_shares.set && r->cpu_shares.v != 0 &&
		    write_i64(dir, "cpu.shares", r->cpu_shares.v, err) < 0)
			return -1;
		if (period && quota) {
			/* the kernel checks quota/period against the parent at
			 * each write: try both orders */
			if (write_i64(dir, "cpu.cfs_period_us", r->cpu_period.v, &e) < 0) {
				pod_err_free(&e);
				if (write_i64(dir, "cpu.cfs_quota_us", r->cpu_quota.v, err) < 0 ||
				    write_i64(dir, "cpu.cfs_period_us", r->cpu_period.v, err) < 0)
					return -1;
			} else if (write_i64(dir, "cpu.cfs_quota_us", r->cpu_quota.v, err) < 0) {
				return -1;
			}
		} else if (period) {
			if (write_i64(dir, "cpu.cfs_period_us", r->cpu_period.v, err) < 0)
				return -1;
		} else if (quota) {
			if (write_i64(dir, "cpu.cfs_quota_us", r->cpu_quota.v, err) < 0)
				return -1;
		}
	}
	if (r->cpu_idle.set && r->cpu_idle.v != 0) {
		if (!(dir = need(cg, "cpu", err)))
			return -1;
		if (!pod_cgroup_has_file(dir, "cpu.idle"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "cpu.idle is not supported by this kernel");
		if (write_i64(dir, "cpu.idle", r->cpu_idle.v, err) < 0)
			return -1;
	}
	if (r->cpus || r->mems) {
		if (!(dir = need(cg, "cpuset", err)))
			return -1;
		if (r->mems && pod_cgroup_write(dir, "cpuset.mems", r->mems, err) < 0)
			return -1;
		if (r->cpus && pod_cgroup_write(dir, "cpuset.cpus", r->cpus, err) < 0)
			return -1;
	}
	return 0;
}

static int
v1_pids(struct pod_cgroup *cg, const struct cg_res *r, struct pod_err **err)
{
	const char *dir;

	if (!r->pids_limit.set || r->pids_limit.v == 0)
		return 0;
	if (!(dir = need(cg, "pids", err)))
		return -1;
	if (r->pids_limit.v < 0)
		return pod_cgroup_write(dir, "pids.max", "max", err);
	return write_i64(dir, "pids.max", r->pids_limit.v, err);
}

static int
v1_blkio(struct pod_cgroup *cg, const struct cg_res *r, struct pod_err **err)
{
	static const char *const throttle_files[4] = {
		"blkio.throttle.read_bps_device",
		"blkio.throttle.write_bps_device",
		"blkio.throttle.read_iops_device",
		"blkio.throttle.write_iops_device",
	};
	const char *dir, *wfile;
	bool any = (r->blkio_weight.set && r->blkio_weight.v) ||
		   (r->blkio_leaf_weight.set && r->blkio_leaf_weight.v) ||
		   json_array_size(r->weight_device) > 0;
	size_t i, j;
	json_t *d;

	for (i = 0; i < 4; i++)
		any = any || json_array_size(r->throttle[i]) > 0;
	if (!any)
		return 0;
	if (!(dir = need(cg, "blkio", err)))
		return -1;
	/* kernels without CFQ only have the BFQ files */
	wfile = pod_cgroup_has_file(dir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
	if (r->blkio_weight.set && r->blkio_weight.v &&
	    write_i64(dir, wfile, r->blkio_weight.v, err) < 0)
		return -1;
	if (r->blkio_leaf_weight.set && r->blkio_leaf_weight.v &&
	    write_i64(dir, "blkio.leaf_weight", r->blkio_leaf_weight.v, err) < 0)
		return -1;
	json_array_foreach(r->weight_device, j, d) {
		cleanup_free char *dev = NULL;
		int64_t w = 0, lw = 0;
		int has_w, has_lw;

		if (pod_cgroup_json_devnum(d, "blockIO.weightDevice", &dev, err) < 0)
			return -1;
		has_w = pod_cgroup_json_int(d, "blockIO.weightDevice", "weight", &w, err);
		has_lw = pod_cgroup_json_int(d, "blockIO.weightDevice", "leafWeight", &lw, err);
		if (has_w < 0 || has_lw < 0)
			return -1;
		if (has_w && pod_cgroup_writef(dir, pod_cgroup_has_file(dir, "blkio.weight_device")
							    ? "blkio.weight_device"
							    : "blkio.bfq.weight_device",
					       err, "%s %" PRId64, dev, w) < 0)
			return -1;
		if (has_lw && pod_cgroup_writef(dir, "blkio.leaf_weight_device", err,
						"%s %" PRId64, dev, lw) < 0)
			return -1;
	}
	for (i = 0; i < 4; i++) {
		json_array_foreach(r->throttle[i], j, d) {
			cleanup_free char *dev = NULL;
			int64_t rate = 0;
			int has;

			if (pod_cgroup_json_devnum(d, pod_cgroup_throttle_keys[i], &dev, err) < 0)
				return -1;
			has = pod_cgroup_json_int(d, pod_cgroup_throttle_keys[i], "rate", &rate, err);
			if (has < 0)
				return -1;
			if (!has || rate < 0)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "blockIO.%s: a rate is required",
						   pod_cgroup_throttle_keys[i]);
			if (pod_cgroup_writef(dir, throttle_files[i], err, "%s %" PRId64, dev,
					      rate) < 0)
				return -1;
		}
	}
	return 0;
}

static bool
valid_page_size(const char *s)
{
	size_t i;

	if (!*s || strlen(s) > 16)
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z')))
			return false;
	return true;
}

static int
v1_hugetlb(struct pod_cgroup *cg, const struct cg_res *r, struct pod_err **err)
{
	const struct pod_cgroup_mount *m;
	size_t i;
	json_t *h;

	if (json_array_size(r->hugepages) == 0)
		return 0;
	m = pod_cgroup_find(cg, "hugetlb");
	if (!m)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "the \"hugetlb\" cgroup controller is not available");
	json_array_foreach(r->hugepages, i, h) {
		json_t *ps = json_object_get(h, "pageSize");
		int64_t limit = 0;
		cleanup_free char *file = NULL;

		if (!json_is_string(ps) || !valid_page_size(json_string_value(ps)))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "hugepageLimits: a valid pageSize is required");
		if (pod_cgroup_json_int(h, "hugepageLimits", "limit", &limit, err) < 0)
			return -1;
		/* in hybrid mode the controller may sit in the unified tree */
		file = xasprintf(m->v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes",
				 json_string_value(ps));
		if (!pod_cgroup_has_file(m->dir, file))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "hugepageLimits: page size \"%s\" is not supported",
					   json_string_value(ps));
		if (write_i64(m->dir, file, limit, err) < 0)
			return -1;
	}
	return 0;
}

static int
v1_network(struct pod_cgroup *cg, const struct cg_res *r, struct pod_err **err)
{
	const char *dir;
	size_t i;
	json_t *p;

	if (r->net_classid.set && r->net_classid.v != 0) {
		if (!(dir = need(cg, "net_cls", err)))
			return -1;
		if (write_i64(dir, "net_cls.classid", r->net_classid.v, err) < 0)
			return -1;
	}
	if (json_array_size(r->net_priorities) == 0)
		return 0;
	if (!(dir = need(cg, "net_prio", err)))
		return -1;
	json_array_foreach(r->net_priorities, i, p) {
		json_t *name = json_object_get(p, "name");
		int64_t prio = 0;

		if (!json_is_string(name) || strchr(json_string_value(name), ' ') ||
		    !*json_string_value(name))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "network.priorities: an interface name is required");
		if (pod_cgroup_json_int(p, "network.priorities", "priority", &prio, err) < 0)
			return -1;
		if (pod_cgroup_writef(dir, "net_prio.ifpriomap", err, "%s %" PRId64,
				      json_string_value(name), prio) < 0)
			return -1;
	}
	return 0;
}

static int
v1_devices(struct pod_cgroup *cg, const struct cg_res *r, struct pod_err **err)
{
	cleanup_free char *allow_path = NULL, *deny_path = NULL;
	cleanup_close int allow_fd = -1, deny_fd = -1;
	const char *dir;
	size_t i;
	json_t *d;

	if (!r->devices)
		return 0;
	if (!(dir = need(cg, "devices", err)))
		return -1;
	/* check every rule before the first write */
	json_array_foreach(r->devices, i, d) {
		cleanup_free char *rule = NULL;
		bool allow;

		if (pod_cgroup_device_rule(d, &allow, &rule, err) < 0)
			return -1;
	}
	/* a rule per write(2), on one open file each (Podman's list has a dozen) */
	allow_path = xasprintf("%s/devices.allow", dir);
	deny_path = xasprintf("%s/devices.deny", dir);
	allow_fd = open(allow_path, O_WRONLY | O_CLOEXEC);
	deny_fd = open(deny_path, O_WRONLY | O_CLOEXEC);
	if (allow_fd < 0 || deny_fd < 0)
		return pod_err_sys(err, "opening \"%s\"", allow_fd < 0 ? allow_path : deny_path);
	if (pod_cgroup_write_fd(deny_fd, deny_path, "a", err) < 0)
		return -1;
	json_array_foreach(r->devices, i, d) {
		cleanup_free char *rule = NULL;
		bool allow = false;

		if (pod_cgroup_device_rule(d, &allow, &rule, err) < 0 ||
		    pod_cgroup_write_fd(allow ? allow_fd : deny_fd, allow ? allow_path : deny_path,
					rule, err) < 0)
			return -1;
	}
	return 0;
}

static int
v1_apply(struct pod_cgroup *cg, const struct cg_res *r, bool create, struct pod_err **err)
{
	if (r->unified && json_object_size(r->unified) > 0)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "linux.resources.unified needs cgroup v2; this host uses cgroup v1");
	if (v1_memory(cg, r, err) < 0 || v1_cpu(cg, r, err) < 0 || v1_pids(cg, r, err) < 0 ||
	    v1_blkio(cg, r, err) < 0 || v1_hugetlb(cg, r, err) < 0 || v1_network(cg, r, err) < 0 ||
	    v1_devices(cg, r, err) < 0)
		return -1;
	return 0;
}

static int
v1_is_frozen(struct pod_cgroup *cg, bool *ret, struct pod_err **err)
{
	const char *dir = need(cg, "freezer", err);
	cleanup_free char *state = NULL;

	if (!dir)
		return -1;
	state = pod_cgroup_read(dir, "freezer.state", err);
	if (!state)
		return -1;
	*ret = STREQ(state, "FROZEN");
	return 0;
}

static int
v1_freeze(struct pod_cgroup *cg, bool frozen, struct pod_err **err)
{
	const char *dir = need(cg, "freezer", err);
	const char *want = frozen ? "FROZEN" : "THAWED";
	int64_t deadline = pod_mono_ns() + 10 * 1000000000LL;
	unsigned tries;

	if (!dir)
		return -1;
	for (tries = 0;; tries++) {
		cleanup_free char *state = NULL;

		/* writing again nudges tasks that were busy in the kernel */
		if (tries % 20 == 0 && pod_cgroup_write(dir, "freezer.state", want, err) < 0)
			return -1;
		state = pod_cgroup_read(dir, "freezer.state", err);
		if (!state)
			return -1;
		if (STREQ(state, want))
			return 0;
		if (pod_mono_ns() > deadline)
			return pod_err_set(err, POD_E_GENERIC, ETIMEDOUT,
					   "timed out waiting for \"%s/freezer.state\" to become %s "
					   "(it is %s)", dir, want, state);
		pod_cgroup_sleep_ms(tries < 10 ? 1 : 10);
	}
}

static int
v1_oom_count(struct pod_cgroup *cg, uint64_t *ret, struct pod_err **err)
{
	const char *dir = need(cg, "memory", err);
	cleanup_free char *text = NULL;

	if (!dir)
		return -1;
	text = pod_cgroup_read(dir, "memory.oom_control", err);
	if (!text)
		return -1;
	if (!pod_cgroup_kv(text, "oom_kill", ret))
		*ret = 0;
	return 0;
}

static void
read_blkio(const char *dir, struct pod_cgroup_stats *st)
{
	static const char *const files[] = {
		"blkio.throttle.io_service_bytes_recursive",
		"blkio.throttle.io_service_bytes",
		"blkio.io_service_bytes_recursive",
	};
	struct pod_err *e = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *text = NULL;
		const char *p;

		if (!pod_cgroup_has_file(dir, files[i]))
			continue;
		text = pod_cgroup_read(dir, files[i], &e);
		if (!text) {
			pod_err_free(&e);
			continue;
		}
		/* "8:0 Read 4096" lines; "Total N" closes */
		for (p = text; p && *p;) {
			unsigned maj, min;
			char op[16];
			unsigned long long v;

			if (sscanf(p, "%u:%u %15s %llu", &maj, &min, op, &v) == 4) {
				if (STREQ(op, "Read"))
					st->blkio_read_bytes += v;
				else if (STREQ(op, "Write"))
					st->blkio_write_bytes += v;
			}
			p = strchr(p, '\n');
			if (p)
				p++;
		}
		return;
	}
}

static int
v1_stats(struct pod_cgroup *cg, struct pod_cgroup_stats *st, struct pod_err **err)
{
	const struct pod_cgroup_mount *m;
	uint64_t v;

	if ((m = pod_cgroup_find(cg, "cpuacct")) && !m->v2) {
		cleanup_free char *text = NULL;
		long hz = sysconf(_SC_CLK_TCK);

		if (pod_cgroup_read_u64(m->dir, "cpuacct.usage", &st->cpu_usage_ns, err) < 0)
			return -1;
		text = pod_cgroup_read(m->dir, "cpuacct.stat", err);
		if (!text)
			return -1;
		if (hz <= 0)
			hz = 100;
		if (pod_cgroup_kv(text, "user", &v))
			st->cpu_user_ns = v * (1000000000ULL / (uint64_t) hz);
		if (pod_cgroup_kv(text, "system", &v))
			st->cpu_system_ns = v * (1000000000ULL / (uint64_t) hz);
	}
	if ((m = pod_cgroup_find(cg, "memory")) && !m->v2) {
		cleanup_free char *text = NULL;
		uint64_t msw_usage, msw_limit;
		struct pod_err *e = NULL;

		if (pod_cgroup_read_u64(m->dir, "memory.usage_in_bytes", &st->mem_usage, err) < 0 ||
		    pod_cgroup_read_u64(m->dir, "memory.limit_in_bytes", &st->mem_limit, err) < 0)
			return -1;
		text = pod_cgroup_read(m->dir, "memory.stat", err);
		if (!text)
			return -1;
		if (!pod_cgroup_kv(text, "total_cache", &st->mem_cache))
			(void) pod_cgroup_kv(text, "cache", &st->mem_cache);
		if (!pod_cgroup_kv(text, "total_inactive_file", &st->mem_inactive_file))
			(void) pod_cgroup_kv(text, "inactive_file", &st->mem_inactive_file);
		if (pod_cgroup_read_u64(m->dir, "memory.memsw.usage_in_bytes", &msw_usage, &e) == 0 &&
		    pod_cgroup_read_u64(m->dir, "memory.memsw.limit_in_bytes", &msw_limit, &e) == 0) {
			st->swap_usage = msw_usage > st->mem_usage ? msw_usage - st->mem_usage : 0;
			if (msw_limit == POD_CGROUP_UNLIMITED || st->mem_limit == POD_CGROUP_UNLIMITED)
				st->swap_limit = POD_CGROUP_UNLIMITED;
			else
				st->swap_limit = msw_limit > st->mem_limit ? msw_limit - st->mem_limit
									   : 0;
		}
		pod_err_free(&e);
		if (v1_oom_count(cg, &st->oom_kill, err) < 0)
			return -1;
	}
	if ((m = pod_cgroup_find(cg, "pids")) && !m->v2) {
		if (pod_cgroup_read_u64(m->dir, "pids.current", &st->pids_current, err) < 0 ||
		    pod_cgroup_read_u64(m->dir, "pids.max", &st->pids_limit, err) < 0)
			return -1;
	}
	if ((m = pod_cgroup_find(cg, "blkio")) && !m->v2)
		read_blkio(m->dir, st);
	return 0;
}

const struct cg_ops pod_cgroup_v1_ops = {
	.name = "v1",
	.apply = v1_apply,
	.freeze = v1_freeze,
	.is_frozen = v1_is_frozen,
	.stats = v1_stats,
	.oom_count = v1_oom_count,
	.kill_fast = NULL,
};
