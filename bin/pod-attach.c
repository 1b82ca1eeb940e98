/* pod-attach - attach to a running container (`podman attach`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"

static struct {
	bool latest, no_stdin, sig_proxy;
	char *detach_keys;
} opt = { .sig_proxy = true };

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_free char *latest = NULL;
	const char *target = ctx->args[0];
	int r;

	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	if (opt.latest) {
		if (target)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "--latest and containers cannot be used together");
		if (pod_cli_latest_ctr(e, &latest, err) < 0)
			return -1;
		target = latest;
	}
	if (!target)
		return pod_err_set(err, POD_E_INVALID, 0, "attach requires the name or id of one "
				   "running container or the latest flag");
	if (pod_ctr_lookup(e, target, &c, err) < 0)
		return -1;
	if (c->state != POD_CTR_RUNNING)
		return pod_err_set(err, POD_E_STATE, 0, "you can only attach to running containers");
	{
		struct pod_attach_opts ao = {
			.stdin_open = !opt.no_stdin && pod_ctr_setting_bool(c, "Interactive"),
			.tty = pod_ctr_setting_bool(c, "Tty"),
			.sig_proxy = opt.sig_proxy,
			.detach_keys = opt.detach_keys,
			.stdout_on = true,
			.stderr_on = true,
		};
		r = pod_ctr_attach(e, c, -1, &ao, pod_ctr_log_size(e, c), err);
	}
	if (r == 0) {
		/*
		 * It ended: record that now (its "died"), as Podman's attach does,
		 * rather than leave it to the monitor's exit command racing us.
		 */
		cleanup_ctr struct pod_ctr *now = NULL;
		struct pod_err *e2 = NULL;
		if (pod_ctr_load(e, c->id, &now, &e2) < 0 || pod_ctr_sync(e, now, &e2) < 0)
			pod_err_free(&e2);
	}
	/* Podman's attach exits 0 whether the container ended or the user detached */
	return r < 0 ? -1 : 0;
}

static const struct pod_opt options[] = {
	POD_OPT_STRING(0, "detach-keys", "[a-Z]", &opt.detach_keys,
		       "Select the key sequence for detaching a container. Format is a single "
		       "character [a-Z] or a comma separated sequence of `ctrl-<value>`, where "
		       "`<value>` is one of: `a-z`, `@`, `^`, `[`, `\\`, `]`, `^` or `_` (default "
		       "\"ctrl-p,ctrl-q\")"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest container podman is aware of"),
	POD_OPT_BOOL(0, "no-stdin", &opt.no_stdin, "Do not attach STDIN. The default is false"),
	POD_OPT_BOOL(0, "sig-proxy", &opt.sig_proxy,
		     "Proxy received signals to the process (default true)"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-attach",
	.verb = "attach",
	.summary = "Attach to a running container",
	.description = "Attach to a running container's output from now on (and its input, when "
		       "it was created with --interactive) through its monitor; several attachers "
		       "may be attached at once. The detach keys leave the container running.",
	.usage = "[options] CONTAINER",
	.examples = "podman attach ctrID\npodman attach 1234\npodman attach --no-stdin foobar",
	.options = options,
	.min_args = 0,
	.max_args = 1,
	.run = run,
	.exit_status_doc = ".TP\n.B 0\nThe container ended or the user detached.\n.TP\n.B 125\n"
			   "No such container, or it does not run.",
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
