/* ctr_update.c - `podman update`: new resource limits, live and persisted */
#include "core/json.h"
#include "runtime/cgroup.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr.h"

static int64_t
setting(json_t *s, const char *key)
{
	json_t *v = json_object_get(s, key);

	return json_is_integer(v) ? (int64_t) json_integer_value(v) : 0;
}

/* the OCI linux.resources for what changes names, from the merged settings */
static json_t *
resources_of(json_t *s, json_t *changes)
{
	json_t *r = json_object(), *mem = json_object(), *cpu = json_object();
	int64_t v;

	if (json_object_get(changes, "Memory") || json_object_get(changes, "MemorySwap")) {
		int64_t limit = setting(s, "Memory");
		json_object_set_new(mem, "limit", json_integer(limit > 0 ? limit : -1));
		v = setting(s, "MemorySwap");
		if (v == 0 && limit > 0)
			v = 2 * limit; /* Podman's default: swap as large as memory */
		if (v != 0)
			json_object_set_new(mem, "swap", json_integer(v));
	}
	if (json_object_get(changes, "MemoryReservation"))
		json_object_set_new(mem, "reservation",
				    json_integer(setting(s, "MemoryReservation") > 0 ?
							 setting(s, "MemoryReservation") : -1));
	if (json_object_get(changes, "CpuShares"))
		json_object_set_new(cpu, "shares", json_integer(setting(s, "CpuShares")));
	if (json_object_get(changes, "CpuQuota"))
		json_object_set_new(cpu, "quota", json_integer(setting(s, "CpuQuota") ?
								      setting(s, "CpuQuota") : -1));
	if (json_object_get(changes, "CpuPeriod") && setting(s, "CpuPeriod") > 0)
		json_object_set_new(cpu, "period", json_integer(setting(s, "CpuPeriod")));
	if (json_object_get(changes, "CpusetCpus"))
		json_object_set(cpu, "cpus", json_object_get(s, "CpusetCpus"));
	if (json_object_get(changes, "CpusetMems"))
		json_object_set(cpu, "mems", json_object_get(s, "CpusetMems"));
	if (json_object_get(changes, "PidsLimit"))
		json_object_set_new(r, "pids", json_pack("{s:I}", "limit",
							 (json_int_t) (setting(s, "PidsLimit") > 0 ?
									       setting(s, "PidsLimit") :
									       -1)));
	if (json_object_size(mem))
		json_object_set(r, "memory", mem);
	if (json_object_size(cpu))
		json_object_set(r, "cpu", cpu);
	json_decref(mem);
	json_decref(cpu);
	return r;
}

int
pod_ctr_update(struct pod_engine *e, struct pod_ctr *c, json_t *changes, struct pod_err **err)
{
	cleanup_close int lock = pod_ctr_lock(e, c->id, err);
	cleanup_json json_t *merged = NULL, *res = NULL;
	int64_t mem, swap;

	if (lock < 0 || pod_ctr_reload(e, c, err) < 0)
		return -1;
	merged = json_deep_copy(c->settings);
	json_object_update(merged, changes);
	/* a new memory limit without a new swap limit gets the default swap again */
	if (json_object_get(changes, "Memory") && !json_object_get(changes, "MemorySwap") &&
	    setting(merged, "MemorySwap") != -1)
		json_object_del(merged, "MemorySwap");
	mem = setting(merged, "Memory");
	swap = setting(merged, "MemorySwap");
	if (swap > 0 && mem > 0 && swap < mem)
		return pod_err_set(err, POD_E_INVALID, 0, "must be greater than or equal to memory");
	if (swap != 0 && mem <= 0)
		return pod_err_set(err, POD_E_INVALID, 0, "you should always set a memory limit "
				   "when using a memoryswap limit");
	if (mem > 0 && mem < 6 * 1024 * 1024)
		return pod_err_set(err, POD_E_INVALID, 0, "minimum memory limit allowed is 6MB");
	if ((c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED) &&
	    pod_ctr_process_alive(c)) {
		const char *cgpath = pod_ctr_str(c, "CgroupsPath");
		struct pod_cgroup *cg = NULL;
		int r;

		if (!cgpath || !*cgpath)
			return pod_err_set(err, POD_E_INVALID, 0, "container %s has no cgroup to "
					   "update", c->id);
		res = resources_of(merged, changes);
		if (pod_cgroup_load(cgpath, &cg, err) < 0)
			return -1;
		r = pod_cgroup_update(cg, res, err);
		pod_cgroup_free(cg);
		if (r < 0)
			return pod_err_wrap(err, "updating the cgroup of %s", c->id);
	}
	/* Settings, so inspect shows it and the next start applies it */
	json_object_set(c->data, "Settings", merged);
	c->settings = merged;
	if (pod_ctr_save(e, c, err) < 0)
		return -1;
	pod_ctr_event(e, c, "update", 0);
	return 0;
}
