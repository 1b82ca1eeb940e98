/* cgroup_v2.c - the cgroup v2 back-end: one directory in the unified tree */
#include "runtime/cgroup-internal.h"

#include <errno.h>
#include <inttypes.h>

static const char *
v2_dir(struct pod_cgroup *cg)
{
	return pod_cgroup_dir(cg, "");
}

static int
write_i64(const char *dir, const char *file, int64_t v, struct pod_err **err)
{
	return pod_cgroup_writef(dir, file, err, "%" PRId64, v);
}

/* -1 is "max" in v2 */
static int
write_limit(const char *dir, const char *file, int64_t v, struct pod_err **err)
{
	if (v < 0)
		return pod_cgroup_write(dir, file, "max", err);
	return write_i64(dir, file, v, err);
}

static int
v2_memory(const char *dir, const struct cg_res *r, struct pod_err **err)
{
	int64_t limit = r->mem_limit.set ? r->mem_limit.v : 0;

	if (r->mem_limit.set && r->mem_limit.v != 0 &&
	    write_limit(dir, "memory.max", r->mem_limit.v, err) < 0)
		return -1;
	if (r->mem_reservation.set && r->mem_reservation.v != 0 &&
	    write_limit(dir, "memory.low", r->mem_reservation.v, err) < 0)
		return -1;
	if (r->mem_swap.set && r->mem_swap.v != 0) {
		cleanup_free char *val = NULL;

		if (!r->mem_limit.set || limit == 0) {
			/* an update of the swap alone: the limit is the current one */
			uint64_t cur;

			if (pod_cgroup_read_u64(dir, "memory.max", &cur, err) < 0)
				return -1;
			limit = cur == POD_CGROUP_UNLIMITED ? -1 : (int64_t) cur;
		}
		if (limit < 0 && r->mem_swap.v > 0)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "cannot set a swap limit without a memory limit");
		if (pod_cgroup_swap_max(limit, r->mem_swap.v, &val, err) < 0)
			return -1;
		if (val && !pod_cgroup_has_file(dir, "memory.swap.max"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "swap limits are not supported: the kernel has no swap "
					   "accounting (memory.swap.max)");
		if (val && pod_cgroup_write(dir, "memory.swap.max", val, err) < 0)
			return -1;
	}
	/* swappiness, disableOOMKiller and useHierarchy have no v2 file;
	 * crun ignores them too */
	return 0;
}

static int
v2_cpu(const char *dir, const struct cg_res *r, struct pod_err **err)
{
	bool quota = r->cpu_quota.set && r->cpu_quota.v != 0;
	bool period = r->cpu_period.set && r->cpu_period.v != 0;

	if (r->cpu_shares.set && r->cpu_shares.v > 0 &&
	    write_i64(dir, "cpu.weight",
		      (int64_t) pod_cgroup_shares_to_weight((uint64_t) r->cpu_shares.v), err) < 0)
		return -1;
	if (quota || period) {
		int64_t q = quota ? r->cpu_quota.v : -1;
		uint64_t p = period ? (uint64_t) r->cpu_period.v : 0;
		cleanup_free char *val = NULL;

		if (!quota || !period) {
			/* keep the half that is not being changed */
			cleanup_free char *cur = pod_cgroup_read(dir, "cpu.max", err);
			char qs[32] = "";
			unsigned long long ps = 0;

			if (!cur)
				return -1;
			if (sscanf(cur, "%31s %llu", qs, &ps) == 2) {
				int64_t cq;

				if (!quota && pod_parse_int64(qs, &cq))
					q = cq;
				if (!period)
					p = ps;
			}
		}
		val = pod_cgroup_cpu_max(q, p);
		if (pod_cgroup_write(dir, "cpu.max", val, err) < 0)
			return -1;
	}
	if (r->cpu_idle.set && write_i64(dir, "cpu.idle", r->cpu_idle.v, err) < 0)
		return -1;
	if (r->mems && pod_cgroup_write(dir, "cpuset.mems", r->mems, err) < 0)
		return -1;
	if (r->cpus && pod_cgroup_write(dir, "cpuset.cpus", r->cpus, err) < 0)
		return -1;
	return 0;
}

static int
v2_io(const char *dir, const struct cg_res *r, struct pod_err **err)
{
	static const char *const keys[4] = { "rbps", "wbps", "riops", "wiops" };
	bool bfq = pod_cgroup_has_file(dir, "io.bfq.weight");
	size_t i, j;
	json_t *d;

	if (r->blkio_weight.set && r->blkio_weight.v > 0) {
		if (bfq) {
			if (write_i64(dir, "io.bfq.weight", r->blkio_weight.v, err) < 0)
				return -1;
		} else if (write_i64(dir, "io.weight",
				     (int64_t) pod_cgroup_blkio_to_io_weight(
					     (uint64_t) r->blkio_weight.v),
				     err) < 0) {
			return -1;
		}
	}
	json_array_foreach(r->weight_device, j, d) {
		cleanup_free char *dev = NULL;
		int64_t w = 0;
		int has;

		if (pod_cgroup_json_devnum(d, "blockIO.weightDevice", &dev, err) < 0)
			return -1;
		has = pod_cgroup_json_int(d, "blockIO.weightDevice", "weight", &w, err);
		if (has < 0)
			return -1;
		if (!has || w <= 0)
			continue;
		if (bfq) {
			if (pod_cgroup_writef(dir, "io.bfq.weight", err, "%s %" PRId64, dev, w) < 0)
				return -1;
		} else if (pod_cgroup_writef(dir, "io.weight", err, "%s %" PRIu64, dev,
					     pod_cgroup_blkio_to_io_weight((uint64_t) w)) < 0) {
			return -1;
		}
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
			/* rate 0 lifts the limit, as on v1 */
			if (rate == 0) {
				if (pod_cgroup_writef(dir, "io.max", err, "%s %s=max", dev,
						      keys[i]) < 0)
					return -1;
			} else if (pod_cgroup_writef(dir, "io.max", err, "%s %s=%" PRId64, dev,
						     keys[i], rate) < 0) {
				return -1;
			}
		}
	}
	return 0;
}

static int
v2_hugetlb(const char *dir, const struct cg_res *r, struct pod_err **err)
{
	size_t i;
	json_t *h;

	json_array_foreach(r->hugepages, i, h) {
		json_t *ps = json_object_get(h, "pageSize");
		int64_t limit = 0;
		cleanup_free char *file = NULL;
		const char *s;

		if (!json_is_string(ps) || !*(s = json_string_value(ps)) || strchr(s, '/') ||
		    strchr(s, '.') || strlen(s) > 16)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "hugepageLimits: a valid pageSize is required");
		if (pod_cgroup_json_int(h, "hugepageLimits", "limit", &limit, err) < 0)
			return -1;
		file = xasprintf("hugetlb.%s.max", s);
		if (!pod_cgroup_has_file(dir, file))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "hugepageLimits: page size \"%s\" is not supported", s);
		if (write_limit(dir, file, limit, err) < 0)
			return -1;
	}
	return 0;
}

static int
v2_unified(const char *dir, const struct cg_res *r, struct pod_err **err)
{
	const char *key;
	json_t *v;

	json_object_foreach(r->unified, key, v) {
		if (!*key || strchr(key, '/') || key[0] == '.' || !strchr(key, '.'))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "linux.resources.unified: invalid key \"%s\"", key);
		if (pod_str_has_prefix(key, "cgroup."))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "linux.resources.unified: \"%s\" cannot be set", key);
		if (!json_is_string(v))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "linux.resources.unified: the value of \"%s\" must be a "
					   "string", key);
		if (!pod_cgroup_has_file(dir, key))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "linux.resources.unified: \"%s/%s\" does not exist (is "
					   "its controller enabled?)", dir, key);
		if (pod_cgroup_write(dir, key, json_string_value(v), err) < 0)
			return -1;
	}
	return 0;
}

static int
v2_apply(struct pod_cgroup *cg, const struct cg_res *r, bool create, struct pod_err **err)
{
	const char *dir = v2_dir(cg);

	if (!dir)
		return pod_err_set(err, POD_E_GENERIC, 0, "no cgroup v2 hierarchy");
	if ((r->net_classid.set && r->net_classid.v) || json_array_size(r->net_priorities) > 0)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "network class and priority limits (net_cls, net_prio) are not "
				   "available on cgroup v2");
	if (v2_memory(dir, r, err) < 0 || v2_cpu(dir, r, err) < 0)
		return -1;
	if (r->pids_limit.set && r->pids_limit.v != 0 &&
	    write_limit(dir, "pids.max", r->pids_limit.v, err) < 0)
		return -1;
	if (v2_io(dir, r, err) < 0 || v2_hugetlb(dir, r, err) < 0)
		return -1;
	if (r->devices && pod_cgroup_bpf_devices(dir, r->devices, err) < 0)
		return -1;
	/* unified last: its raw values override the mapped ones */
	if (r->unified && v2_unified(dir, r, err) < 0)
		return -1;
	return 0;
}

static int
v2_is_frozen(struct pod_cgroup *cg, bool *ret, struct pod_err **err)
{
	const char *dir = v2_dir(cg);
	cleanup_free char *text = NULL;
	uint64_t v = 0;

	if (!pod_cgroup_has_file(dir, "cgroup.freeze"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "the cgroup v2 freezer is not available (cgroup.freeze)");
	text = pod_cgroup_read(dir, "cgroup.events", err);
	if (!text)
		return -1;
	*ret = pod_cgroup_kv(text, "frozen", &v) && v == 1;
	return 0;
}

static int
v2_freeze(struct pod_cgroup *cg, bool frozen, struct pod_err **err)
{
	const char *dir = v2_dir(cg);
	int64_t deadline = pod_mono_ns() + 10 * 1000000000LL;
	unsigned tries;

	if (!pod_cgroup_has_file(dir, "cgroup.freeze"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "the cgroup v2 freezer is not available (cgroup.freeze)");
	if (pod_cgroup_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	for (tries = 0;; tries++) {
		bool now = false;

		if (v2_is_frozen(cg, &now, err) < 0)
			return -1;
		if (now == frozen)
			return 0;
		if (pod_mono_ns() > deadline)
			return pod_err_set(err, POD_E_GENERIC, ETIMEDOUT,
					   "timed out waiting for \"%s/cgroup.events\" to report "
					   "frozen %d", dir, frozen ? 1 : 0);
		pod_cgroup_sleep_ms(tries < 10 ? 1 : 10);
	}
}

static int
v2_kill_fast(struct pod_cgroup *cg, struct pod_err **err)
{
	const char *dir = v2_dir(cg);

	if (!pod_cgroup_has_file(dir, "cgroup.kill"))
		return 1;
	return pod_cgroup_write(dir, "cgroup.kill", "1", err);
}

static int
v2_oom_count(struct pod_cgroup *cg, uint64_t *ret, struct pod_err **err)
{
	const char *dir = v2_dir(cg);
	cleanup_free char *text = NULL;

	if (!pod_cgroup_has_file(dir, "memory.events")) {
		*ret = 0;
		return 0;
	}
	text = pod_cgroup_read(dir, "memory.events", err);
	if (!text)
		return -1;
	if (!pod_cgroup_kv(text, "oom_kill", ret))
		*ret = 0;
	return 0;
}

static int
v2_stats(struct pod_cgroup *cg, struct pod_cgroup_stats *st, struct pod_err **err)
{
	const char *dir = v2_dir(cg);
	uint64_t v;

	if (pod_cgroup_has_file(dir, "cpu.stat")) {
		cleanup_free char *text = pod_cgroup_read(dir, "cpu.stat", err);

		if (!text)
			return -1;
		if (pod_cgroup_kv(text, "usage_usec", &v))
			st->cpu_usage_ns = v * 1000;
		if (pod_cgroup_kv(text, "user_usec", &v))
			st->cpu_user_ns = v * 1000;
		if (pod_cgroup_kv(text, "system_usec", &v))
			st->cpu_system_ns = v * 1000;
	}
	if (pod_cgroup_has_file(dir, "memory.current")) {
		cleanup_free char *text = NULL;

		if (pod_cgroup_read_u64(dir, "memory.current", &st->mem_usage, err) < 0 ||
		    pod_cgroup_read_u64(dir, "memory.max", &st->mem_limit, err) < 0)
			return -1;
		text = pod_cgroup_read(dir, "memory.stat", err);
		if (!text)
			return -1;
		(void) pod_cgroup_kv(text, "file", &st->mem_cache);
		(void) pod_cgroup_kv(text, "inactive_file", &st->mem_inactive_file);
		if (pod_cgroup_has_file(dir, "memory.swap.current") &&
		    (pod_cgroup_read_u64(dir, "memory.swap.current", &st->swap_usage, err) < 0 ||
		     pod_cgroup_read_u64(dir, "memory.swap.max", &st->swap_limit, err) < 0))
			return -1;
		if (v2_oom_count(cg, &st->oom_kill, err) < 0)
			return -1;
	}
	if (pod_cgroup_has_file(dir, "pids.current") &&
	    (pod_cgroup_read_u64(dir, "pids.current", &st->pids_current, err) < 0 ||
	     pod_cgroup_read_u64(dir, "pids.max", &st->pids_limit, err) < 0))
		return -1;
	if (pod_cgroup_has_file(dir, "io.stat")) {
		cleanup_free char *text = pod_cgroup_read(dir, "io.stat", err);
		const char *p;

		if (!text)
			return -1;
		/* "8:0 rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" */
		for (p = text; *p; p++) {
			unsigned long long n;

			if ((p == text || p[-1] == ' ') && sscanf(p, "rbytes=%llu", &n) == 1)
				st->blkio_read_bytes += n;
			else if ((p == text || p[-1] == ' ') && sscanf(p, "wbytes=%llu", &n) == 1)
				st->blkio_write_bytes += n;
		}
	}
	return 0;
}

const struct cg_ops pod_cgroup_v2_ops = {
	.name = "v2",
	.apply = v2_apply,
	.freeze = v2_freeze,
	.is_frozen = v2_is_frozen,
	.stats = v2_stats,
	.oom_count = v2_oom_count,
	.kill_fast = v2_kill_fast,
};
