/* pod-logs - print the logs of containers (`podman logs`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/filter.h"
#include "cli/tool.h"
#include "core/id.h"

#include <unistd.h>

static struct {
	bool follow, timestamps, names, latest;
	char *since, *until;
	int64_t tail;
} opt = { .tail = -1 };

static struct pod_engine *engine;
static struct pod_log_opts lo;
static bool multi;

static int
logs_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;
	char shortid[POD_ID_SHORT_LEN + 1];
	struct pod_log_opts o = lo;

	if (pod_ctr_lookup(engine, target, &c, err) < 0)
		return -1;
	pod_id_short(c->id, shortid);
	if (opt.names)
		o.prefix = c->name;
	else if (multi)
		o.prefix = shortid;
	return pod_ctr_logs(engine, c, &o, err);
}

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	int64_t now = pod_now_ns();

	lo.follow = opt.follow;
	lo.timestamps = opt.timestamps;
	lo.tail = opt.tail;
	lo.out_fd = STDOUT_FILENO;
	lo.err_fd = STDERR_FILENO;
	if (opt.since && pod_parse_timestamp(opt.since, now, &lo.since_ns, err) < 0)
		return -1;
	if (opt.until && pod_parse_timestamp(opt.until, now, &lo.until_ns, err) < 0)
		return -1;
	multi = pod_strv_len(ctx->args) > 1;
	fflush(stdout);
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
	POD_OPT_BOOL('f', "follow", &opt.follow, "Follow log output.  The default is false"),
	POD_OPT_BOOL('l', "latest", &opt.latest,
		     "Act on the latest container podman is aware of"),
	POD_OPT_BOOL('n', "names", &opt.names, "Output the container name in the log"),
	POD_OPT_STRING(0, "since", "string", &opt.since,
		       "Show logs since TIMESTAMP"),
	POD_OPT_INT(0, "tail", "int", &opt.tail,
		    "Output the specified number of LINES at the end of the logs.  Defaults to -1, "
		    "which prints all lines"),
	POD_OPT_BOOL('t', "timestamps", &opt.timestamps, "Output the timestamps in the log"),
	POD_OPT_STRING(0, "until", "string", &opt.until, "Show logs until TIMESTAMP"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-logs",
	.verb = "logs",
	.summary = "Fetch the logs of one or more containers",
	.description = "Prints what containers wrote to stdout (on stdout) and stderr (on "
		       "stderr), from their k8s-file logs; -f follows until the container stops.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman logs ctrID\npodman logs --names ctrID1 ctrID2\n"
		    "podman logs --tail 2 mywebserver\npodman logs --follow=true --since 10m "
		    "ctrID",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.min_args = 1,
	.target_type = "container",
	.setup = setup,
	.each_target = logs_one,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
