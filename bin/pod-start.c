/* pod-start - start one or more containers (`podman start`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"

static struct {
	bool attach, interactive, all, sig_proxy, latest;
	char *detach_keys;
	char **filter;
} opt = { .sig_proxy = true };

static struct pod_engine *engine;

static int
start_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;
	int attach_fd = -1, r, code = 0;
	int64_t offset;

	if (pod_ctr_lookup(engine, target, &c, err) < 0)
		return -1;
	if (!opt.attach) {
		if (pod_ctr_start(engine, c, NULL, err) < 0)
			return -1;
		if (!ctx->g.dispatched) {
			cleanup_json json_t *rec = json_pack("{s:s, s:s, s:[s]}", "Type", "container",
							     "Id", c->id, "Names", c->name);
			return pod_json_print_line(stdout, rec, err);
		}
		return pod_print_line(target, err);
	}
	offset = pod_ctr_log_size(engine, c);
	if (pod_ctr_start(engine, c, &attach_fd, err) < 0)
		return -1;
	{
		struct pod_attach_opts ao = {
			.stdin_open = opt.interactive && pod_ctr_setting_bool(c, "Interactive"),
			.tty = pod_ctr_setting_bool(c, "Tty"),
			.sig_proxy = opt.sig_proxy,
			.detach_keys = opt.detach_keys,
			.stdout_on = true,
			.stderr_on = true,
		};
		r = pod_ctr_attach(engine, c, attach_fd, &ao, offset, err);
	}
	if (r < 0)
		return -1;
	if (r > 0)
		return 0;
	if (pod_ctr_wait(engine, c->id, NULL, 0, 0, &code, err) < 0) {
		if ((*err)->kind != POD_E_NOTFOUND)
			return -1;
		pod_err_free(err);
	}
	ctx->status = code < 0 ? 125 : code;
	return 0;
}

/* --all, oldest first: one container at a time; a failure is reported and the walk goes on */
static int
start_listed(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	struct pod_ctx *ctx = data;
	struct pod_err *e2 = NULL;

	if (c->state == POD_CTR_RUNNING)
		return 0;
	if (start_one(ctx, c->id, &e2) < 0) {
		pod_err_print(e2);
		pod_err_free(&e2);
		ctx->status = 125;
	}
	return 0;
}

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	if (opt.attach && pod_strv_len(ctx->args) > 1)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "you cannot start and attach multiple containers at once");
	if (pod_cli_engine(&ctx->g, false, &engine, err) < 0)
		return -1;
	if (opt.latest && pod_cli_use_latest(ctx, engine, err) < 0)
		return -1;
	if (opt.all) {
		if (ctx->args[0])
			return pod_err_set(err, POD_E_INVALID, 0,
					   "--all and containers cannot be used together");
		if (pod_ctr_each(engine, POD_CTR_EACH_OLDEST_FIRST, start_listed, ctx, err) < 0)
			return -1;
	}
	return 0;
}

static int
finish(struct pod_ctx *ctx, struct pod_err **err)
{
	engine = pod_engine_free(engine);
	return 0;
}

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "attach", &opt.attach, "Attach container's STDOUT and STDERR"),
	POD_OPT_BOOL(0, "all", &opt.all, "Start all containers regardless of their state or "
		     "configuration"),
	POD_OPT_STRING(0, "detach-keys", "[a-Z]", &opt.detach_keys,
		       "Select the key sequence for detaching a container. Format is a single "
		       "character [a-Z] or a comma separated sequence of `ctrl-<value>`, where "
		       "`<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`"),
	POD_OPT_STRV(0, "filter", "stringArray", &opt.filter,
		     "Filter output based on conditions given"),
	POD_OPT_BOOL('i', "interactive", &opt.interactive, "Keep STDIN open even if not attached"),
	POD_OPT_BOOL(0, "sig-proxy", &opt.sig_proxy,
		     "Proxy received signals to the process (default true if attaching, false "
		     "otherwise)"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest container podman is aware of"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-start",
	.verb = "start",
	.summary = "Start one or more containers",
	.description = "Starts one or more containers; prints each as it was named. With "
		       "--attach, streams the container's output and exits with its code.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman start --latest\npodman start 860a4b231279 5421ab43b45\n"
		    "podman start --interactive --attach imageID",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.target_type = "container",
	.setup = setup,
	.each_target = start_one,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
