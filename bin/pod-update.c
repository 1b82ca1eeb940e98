/* pod-update - change a container's resource limits (`podman update`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/json.h"

#include <math.h>
#include <stdlib.h>

static struct {
	char *memory, *memory_swap, *memory_reservation, *cpus, *cpuset_cpus, *cpuset_mems;
	int64_t cpu_shares, cpu_quota, cpu_period, pids_limit;
	bool cpu_shares_set, cpu_quota_set, cpu_period_set, pids_limit_set;
} opt;

static int
size_change(json_t *ch, const char *key, const char *flag, const char *v, bool minus1,
	    struct pod_err **err)
{
	int64_t n;

	if (!v)
		return 0;
	if (minus1 && STREQ(v, "-1")) {
		json_object_set_new(ch, key, json_integer(-1));
		return 0;
	}
	if (pod_parse_size(v, &n, err) < 0)
		return pod_err_wrap(err, "invalid value for %s", flag);
	json_object_set_new(ch, key, json_integer(n));
	return 0;
}

static int
update_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *engine = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_json json_t *ch = json_object();

	if (size_change(ch, "Memory", "--memory", opt.memory, false, err) < 0 ||
	    size_change(ch, "MemorySwap", "--memory-swap", opt.memory_swap, true, err) < 0 ||
	    size_change(ch, "MemoryReservation", "--memory-reservation", opt.memory_reservation,
			false, err) < 0)
		return -1;
	if (opt.cpus) {
		char *end;
		double n = strtod(opt.cpus, &end);
		if (*end || n < 0 || !isfinite(n))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid argument \"%s\" for \"--cpus\" flag: "
					   "strconv.ParseFloat: parsing \"%s\": invalid syntax",
					   opt.cpus, opt.cpus);
		if (opt.cpu_quota_set || opt.cpu_period_set)
			return pod_err_set(err, POD_E_INVALID, 0, "--cpu-period and --cpu-quota "
					   "cannot be used with --cpus");
		json_object_set_new(ch, "CpuPeriod", json_integer(100000));
		json_object_set_new(ch, "CpuQuota", json_integer((json_int_t) (n * 100000)));
		json_object_set_new(ch, "NanoCpus", json_integer((json_int_t) (n * 1e9)));
	}
	if (opt.cpu_shares_set)
		json_object_set_new(ch, "CpuShares", json_integer(opt.cpu_shares));
	if (opt.cpu_quota_set)
		json_object_set_new(ch, "CpuQuota", json_integer(opt.cpu_quota));
	if (opt.cpu_period_set)
		json_object_set_new(ch, "CpuPeriod", json_integer(opt.cpu_period));
	if (opt.cpuset_cpus)
		json_object_set_new(ch, "CpusetCpus", json_string(opt.cpuset_cpus));
	if (opt.cpuset_mems)
		json_object_set_new(ch, "CpusetMems", json_string(opt.cpuset_mems));
	if (opt.pids_limit_set)
		json_object_set_new(ch, "PidsLimit", json_integer(opt.pids_limit));
	if (pod_cli_engine(&ctx->g, false, &engine, err) < 0)
		return -1;
	if (pod_ctr_lookup(engine, ctx->args[0], &c, err) < 0)
		return -1;
	if (pod_ctr_update(engine, c, ch, err) < 0)
		return -1;
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s}", "Type", "container", "Id", c->id);
		return pod_json_print_line(stdout, rec, err);
	}
	return pod_print_line(c->id, err);
}

static const struct pod_opt options[] = {
	{ POD_OPT_T_INT, 0, "cpu-period", "uint", &opt.cpu_period,
	  "Limit the CPU CFS (Completely Fair Scheduler) period", NULL, 0, NULL,
	  &opt.cpu_period_set },
	{ POD_OPT_T_INT, 0, "cpu-quota", "int", &opt.cpu_quota,
	  "Limit the CPU CFS (Completely Fair Scheduler) quota", NULL, 0, NULL,
	  &opt.cpu_quota_set },
	{ POD_OPT_T_INT, 'c', "cpu-shares", "uint", &opt.cpu_shares, "CPU shares (relative weight)",
	  NULL, 0, NULL, &opt.cpu_shares_set },
	POD_OPT_STRING(0, "cpus", "float", &opt.cpus,
		       "Number of CPUs. The default is 0.000 which means no limit"),
	POD_OPT_STRING(0, "cpuset-cpus", "string", &opt.cpuset_cpus,
		       "CPUs in which to allow execution (0-3, 0,1)"),
	POD_OPT_STRING(0, "cpuset-mems", "string", &opt.cpuset_mems,
		       "Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only effective "
		       "on NUMA systems."),
	POD_OPT_STRING('m', "memory", "<number>[<unit>]", &opt.memory,
		       "Memory limit (format: <number>[<unit>], where unit = b (bytes), k "
		       "(kibibytes), m (mebibytes), or g (gibibytes))"),
	POD_OPT_STRING(0, "memory-reservation", "<number>[<unit>]", &opt.memory_reservation,
		       "Memory soft limit (format: <number>[<unit>], where unit = b (bytes), k "
		       "(kibibytes), m (mebibytes), or g (gibibytes))"),
	POD_OPT_STRING(0, "memory-swap", "string", &opt.memory_swap,
		       "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
	{ POD_OPT_T_INT, 0, "pids-limit", "int", &opt.pids_limit,
	  "Tune container pids limit (set -1 for unlimited)", NULL, 0, NULL, &opt.pids_limit_set },
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-update",
	.verb = "update",
	.summary = "update an existing container",
	.description = "Updates the cgroup configuration of a given container.\n\nA running "
		       "container's cgroup changes at once; the new limits are kept in the "
		       "container's settings, so inspect shows them and every later start "
		       "applies them.",
	.usage = "[options] CONTAINER",
	.examples = "podman update --cpus=5 foobar_container",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.run = update_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
