/* pod-wait - wait for containers to reach a state (`podman wait`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/json.h"
#include "runtime/ctr_exec.h"

#include <inttypes.h>
#include <time.h>

static struct {
	char **condition;
	char *interval;
	bool ignore, latest;
} opt;

static struct pod_engine *engine;
static enum pod_ctr_state conds[16];
static size_t n_conds;
static int64_t interval_ns = 250000000;
static const char *health_conds[2]; /* "healthy", "unhealthy" */
static size_t n_health;

/*
 * --condition healthy|unhealthy (h3-exec): polls the container's health
 * status; 1 with *code -1 once one matches, 0 when it stopped running first.
 */
static int
wait_health(const char *id, int *code, struct pod_err **err)
{
	for (;;) {
		cleanup_ctr struct pod_ctr *c = NULL;
		struct timespec ts = { .tv_sec = interval_ns / 1000000000,
				       .tv_nsec = interval_ns % 1000000000 };
		if (pod_ctr_lookup(engine, id, &c, err) < 0)
			return -1;
		for (size_t i = 0; i < n_health; i++)
			if (STREQ(pod_ctr_health_status(c), health_conds[i])) {
				*code = -1;
				return 1;
			}
		if (c->state != POD_CTR_RUNNING && c->state != POD_CTR_PAUSED)
			return 0;
		nanosleep(&ts, NULL);
	}
}

static int
wait_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;
	int code = 0;
	char buf[32];

	if (pod_ctr_lookup(engine, target, &c, err) < 0) {
		if (opt.ignore && (*err)->kind == POD_E_NOTFOUND) {
			pod_err_free(err);
			return pod_print_line("-1", err);
		}
		return -1;
	}
	if (n_health && !n_conds) {
		int r = wait_health(c->id, &code, err);
		if (r < 0)
			return -1;
		if (r == 0 && pod_ctr_wait(engine, c->id, NULL, 0, interval_ns, &code, err) < 0)
			return -1;
	} else if (pod_ctr_wait(engine, c->id, conds, n_conds, interval_ns, &code, err) < 0) {
		return -1;
	}
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:i}", "Type", "container", "Id",
						     c->id, "ExitCode", code);
		return pod_json_print_line(stdout, rec, err);
	}
	snprintf(buf, sizeof(buf), "%d", code);
	return pod_print_line(buf, err);
}

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	for (size_t i = 0; opt.condition && opt.condition[i]; i++) {
		enum pod_ctr_state s = pod_ctr_state_parse(opt.condition[i]);
		if (STREQ(opt.condition[i], "healthy") || STREQ(opt.condition[i], "unhealthy")) {
			if (n_health < ARRAY_SIZE(health_conds))
				health_conds[n_health++] = opt.condition[i];
			continue;
		}
		if (s == POD_CTR_UNKNOWN || n_conds == ARRAY_SIZE(conds))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s is not a valid container state", opt.condition[i]);
		conds[n_conds++] = s;
	}
	if (n_health && n_conds)
		return pod_err_set(err, POD_E_INVALID, 0, "cannot mix health and state conditions");
	if (opt.interval) {
		int64_t ms;
		if (pod_parse_int64(opt.interval, &ms)) {
			interval_ns = ms * 1000000;
		} else if (pod_parse_duration(opt.interval, &interval_ns, err) < 0) {
			return -1;
		}
		if (interval_ns <= 0)
			return pod_err_set(err, POD_E_INVALID, 0, "interval must be greater then 0");
	}
	if (pod_cli_engine(&ctx->g, false, &engine, err) < 0)
		return -1;
	if (opt.latest && pod_cli_use_latest(ctx, engine, err) < 0)
		return -1;
	return 0;
}

static int
finish(struct pod_ctx *ctx, struct pod_err **err)
{
	engine = pod_engine_free(engine);
	return 0;
}

static const struct pod_opt options[] = {
	POD_OPT_STRV(0, "condition", "strings", &opt.condition,
		     "Condition to wait on (default [stopped])"),
	POD_OPT_BOOL(0, "ignore", &opt.ignore,
		     "Ignore if a container does not exist"),
	POD_OPT_STRING('i', "interval", "string", &opt.interval,
		       "Time Interval to wait before polling for completion (default \"250ms\")"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest container podman is aware of"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-wait",
	.verb = "wait",
	.summary = "Block on one or more containers",
	.description = "Waits until each container stops (or reaches a --condition) and prints "
		       "its exit code.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman wait --interval 5s ctrID\npodman wait ctrID1 ctrID2",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.min_args = 1,
	.target_type = "container",
	.setup = setup,
	.each_target = wait_one,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
