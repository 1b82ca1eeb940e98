/* pod-run - create, start and attach to a container (`podman run`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"

#include <unistd.h>

static int tool_argc;
static char **tool_argv;

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_json json_t *settings = NULL;
	struct pod_ctr_opts *o = &pod_ctr_opt;
	int attach_fd = -1, code = 0, r;

	if (o->cidfile && access(o->cidfile, F_OK) == 0)
		return pod_err_set(err, POD_E_EXISTS, 0,
				   "container id file exists. Ensure another container is not "
				   "using it or delete %s", o->cidfile);
	settings = pod_ctr_settings_from_opts(o, ctx->args, &ctx->g, tool_argc, tool_argv, err);
	if (!settings)
		return -1;
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	if (pod_cli_ensure_image(e, ctx->args[0], o->pull, o->quiet, err) < 0)
		return -1;
	/* a --rm we wait for is ours to clean up and remove (no exit command) */
	e->create_as_runner = !o->detach && o->rm;
	if (pod_ctr_create(e, settings, &c, err) < 0)
		return -1;
	if (o->cidfile && pod_cli_write_cidfile(o->cidfile, c->id, err) < 0)
		goto fail_remove;
	if (pod_ctr_start(e, c, o->detach ? NULL : &attach_fd, err) < 0)
		goto fail_remove;
	if (o->detach) {
		if (!ctx->g.dispatched) {
			cleanup_json json_t *rec = json_pack("{s:s, s:s, s:[s]}", "Type", "container",
							     "Id", c->id, "Names", c->name);
			return pod_json_print_line(stdout, rec, err);
		}
		return pod_print_line(c->id, err);
	}
	{
		struct pod_attach_opts ao = {
			.stdin_open = o->interactive,
			.tty = o->tty,
			.sig_proxy = o->sig_proxy,
			.detach_keys = o->detach_keys,
			.stdout_on = true,
			.stderr_on = true,
		};
		r = pod_ctr_attach(e, c, attach_fd, &ao, 0, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return 0; /* detached: the container runs on */
	}
	if (pod_ctr_wait(e, c->id, NULL, 0, 0, &code, err) < 0) {
		/* --rm may have removed it already: its monitor's cleanup was first */
		if ((*err)->kind != POD_E_NOTFOUND)
			return -1;
		pod_err_free(err);
		code = 0;
	}
	if (o->rm) {
		struct pod_err *e2 = NULL;
		if (pod_ctr_remove(e, c, true, 0, &e2) < 0 && e2->kind != POD_E_NOTFOUND) {
			*err = e2;
			return -1;
		}
		pod_err_free(&e2);
	}
	ctx->status = code < 0 ? 125 : code;
	/*
	 * The process ends now, and its memory with it: closing the store
	 * (SQLite's page cache walked and freed) and freeing the container's
	 * JSON would only cost the time it takes. Nothing is pending in them:
	 * every transaction has committed.
	 */
	(void) TAKE_PTR(e);
	(void) TAKE_PTR(c);
	return 0;

fail_remove:
	if (o->rm) {
		struct pod_err *e2 = NULL;
		if (pod_ctr_remove(e, c, true, 0, &e2) < 0)
			pod_err_free(&e2);
	}
	return -1;
}

static const struct pod_tool tool = {
	.name = "pod-run",
	.verb = "run",
	.summary = "Run a command in a new container",
	.description = "Runs a process in a new container: create, start, then attach to its "
		       "output (or print its ID with --detach). The exit code is the container's.",
	.usage = "[options] IMAGE [COMMAND [ARG...]]",
	.examples = "podman run imageID ls -alF /etc\n"
		    "podman run --network=host imageID dnf -y install java\n"
		    "podman run --volume /var/hostdir:/var/ctrdir -i -t fedora /bin/bash",
	.options = pod_run_options,
	.flags = POD_TOOL_STOP_AT_ARG,
	.min_args = 1,
	.max_args = -1,
	.run = run,
	.exit_status_doc = ".TP\n.B 0..124\nThe container's own exit code (128+N when signal N "
			   "killed it).\n.TP\n.B 125\nThe engine failed: a bad flag, a missing "
			   "image, a name in use.\n.TP\n.B 126\nThe command could not be "
			   "executed.\n.TP\n.B 127\nThe command was not found.",
};

int
main(int argc, char **argv)
{
	tool_argc = argc;
	tool_argv = argv;
	return pod_tool_main(&tool, argc, argv);
}
