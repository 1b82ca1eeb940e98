/* pod-container - container sub-verbs: exists, cleanup, prune */
#include "cli/ctr_opts.h"
#include "cli/filter.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/json.h"

#include <unistd.h>

static struct {
	bool force;
	char **filter;
	bool rm;
} opt;

static struct pod_engine *engine;

static int
setup_engine(struct pod_ctx *ctx, struct pod_err **err)
{
	return pod_cli_engine(&ctx->g, false, &engine, err);
}

static int
finish_engine(struct pod_ctx *ctx, struct pod_err **err)
{
	engine = pod_engine_free(engine);
	return 0;
}

/* --- exists ------------------------------------------------------------ */

static int
exists_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_free char *id = NULL;
	struct pod_err *e2 = NULL;

	if (pod_cli_engine(&ctx->g, true, &e, err) < 0)
		return -1;
	if (pod_store_resolve(e->store, POD_OBJ_CONTAINER, ctx->args[0], &id, &e2) < 0) {
		if (e2->kind != POD_E_NOTFOUND) {
			*err = e2;
			return -1;
		}
		pod_err_free(&e2);
		ctx->status = 1;
	}
	return 0;
}

static const struct pod_opt no_options[] = { POD_OPT_END };

static const struct pod_tool exists_tool = {
	.name = "pod-container",
	.verb = "container exists",
	.summary = "Check if a container exists in local storage",
	.description = "Exits 0 when the container exists, 1 when it does not; prints nothing.",
	.usage = "CONTAINER",
	.examples = "podman container exists --external containerID\n"
		    "podman container exists myctr || podman run --name myctr [etc...]",
	.options = no_options,
	.min_args = 1,
	.max_args = 1,
	.run = exists_run,
	.exit_status_doc = ".TP\n.B 0\nThe container exists.\n.TP\n.B 1\nIt does not.\n.TP\n"
			   ".B 125\nThe command failed.",
};

/* --- cleanup ------------------------------------------------------------ */

static int
cleanup_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_free char *id = NULL;

	if (pod_store_resolve(engine->store, POD_OBJ_CONTAINER, target, &id, err) < 0 ||
	    pod_ctr_load(engine, id, &c, err) < 0)
		return -1;
	if (opt.rm && !pod_ctr_setting_bool(c, "Rm"))
		json_object_set_new(c->settings, "Rm", json_true());
	if (pod_ctr_cleanup(engine, c, err) < 0)
		return -1;
	if (opt.rm) {
		struct pod_err *e2 = NULL;
		if (pod_ctr_remove(engine, c, false, 0, &e2) < 0 && e2->kind != POD_E_NOTFOUND) {
			*err = e2;
			return -1;
		}
		pod_err_free(&e2);
	}
	if (!ctx->g.dispatched)
		return 0;
	return pod_print_line(c->id, err);
}

static const struct pod_opt cleanup_options[] = {
	POD_OPT_BOOL(0, "rm", &opt.rm, "After cleanup, remove the container entirely"),
	POD_OPT_END
};

static const struct pod_tool cleanup_tool = {
	.name = "pod-container",
	.verb = "container cleanup",
	.summary = "Clean up network and mountpoints of one or more containers",
	.description = "Records how an exited container ended, unmounts its root file system, "
		       "removes its cgroup and applies its restart policy or --rm. pod-monitor "
		       "runs it when a container exits; running it again does nothing.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman container cleanup ctrID1 ctrID2",
	.options = cleanup_options,
	.flags = POD_TOOL_TARGETS,
	.min_args = 1,
	.max_args = -1,
	.target_type = "container",
	.setup = setup_engine,
	.each_target = cleanup_one,
	.finish = finish_engine,
};

/* --- prune ------------------------------------------------------------- */

/* label=, label!= and until=, as Podman's container prune reads them */
static int
prune_filters(struct pod_filters *f, int64_t *until, struct pod_err **err)
{
	static const char *const keys[] = { "label", "label!", "until", NULL };

	for (size_t i = 0; opt.filter && opt.filter[i]; i++) {
		if (!strchr(opt.filter[i], '='))
			return pod_err_set(err, POD_E_INVALID, 0, "filter input must be in the form "
					   "of filter=value: %s is invalid", opt.filter[i]);
		if (pod_filters_add(f, opt.filter[i], keys, err) < 0)
			return -1;
	}
	if (pod_filters_get(f, "until") &&
	    pod_filter_until(pod_filters_get(f, "until"), pod_now_ns(), until, err) < 0)
		return -1;
	return 0;
}

static bool
prune_match(const struct pod_filters *f, int64_t until, const struct pod_ctr *c)
{
	char *const *yes = pod_filters_get(f, "label"), *const *no = pod_filters_get(f, "label!");
	bool ok = true;

	if (pod_filters_get(f, "until") && c->created_ns >= until)
		return false;
	if (yes || no) {
		json_t *img = json_object_get(json_object_get(c->data, "ImageConfig"), "Labels");
		json_t *own = json_object_get(c->settings, "Labels");
		cleanup_json json_t *labels = json_object();
		if (json_is_object(img))
			json_object_update(labels, img);
		if (json_is_object(own))
			json_object_update(labels, own);
		ok = (!yes || pod_filter_match_labels(labels, yes)) &&
		     (!no || pod_filter_match_labels_negated(labels, no));
	}
	return ok;
}

static int
prune_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_(pod_filters_release) struct pod_filters f = POD_FILTERS_INIT;
	cleanup_strv char **ids = NULL;
	int64_t until = 0;
	int rc = 0;

	if (prune_filters(&f, &until, err) < 0)
		return -1;

	if (!opt.force && isatty(STDIN_FILENO)) {
		char answer[16] = "";
		printf("WARNING! This will remove all non running containers.\n"
		       "Are you sure you want to continue? [y/N] ");
		fflush(stdout);
		if (!fgets(answer, sizeof(answer), stdin) ||
		    (answer[0] != 'y' && answer[0] != 'Y'))
			return 0;
	}
	/* one container loaded at a time: 1000 held at once took 8 MiB */
	if (pod_ctr_list_ids(engine, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		cleanup_ctr struct pod_ctr *c = NULL;
		struct pod_err *e2 = NULL;
		if (pod_ctr_load(engine, ids[i], &c, &e2) < 0 || pod_ctr_sync(engine, c, &e2) < 0) {
			if (e2->kind != POD_E_NOTFOUND) {
				pod_err_print(e2);
				rc = 125;
			}
			pod_err_free(&e2);
			continue;
		}
		if (c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED ||
		    c->state == POD_CTR_STOPPING || !prune_match(&f, until, c))
			continue;
		if (pod_ctr_remove(engine, c, false, 0, &e2) < 0) {
			if (e2->kind != POD_E_NOTFOUND && e2->kind != POD_E_STATE) {
				pod_err_print(e2);
				rc = 125;
			}
			pod_err_free(&e2);
			continue;
		}
		if (ctx->g.dispatched) {
			if (pod_print_line(c->id, err) < 0)
				break;
		} else {
			cleanup_json json_t *r = json_pack("{s:s, s:s}", "Type", "container", "Id",
							   c->id);
			if (pod_json_print_line(stdout, r, err) < 0)
				break;
		}
	}
	ctx->status = rc;
	return *err ? -1 : 0;
}

static const struct pod_opt prune_options[] = {
	POD_OPT_BOOL('f', "force", &opt.force, "Do not prompt for confirmation.  The default is "
		     "false"),
	POD_OPT_STRV(0, "filter", "filter", &opt.filter,
		     "Provide filter values (e.g. 'label=<key>=<value>')"),
	POD_OPT_END
};

static const struct pod_tool prune_tool = {
	.name = "pod-container",
	.verb = "container prune",
	.summary = "Remove all non running containers",
	.description = "Removes every container that is not running and prints their IDs.",
	.usage = "[options]",
	.examples = "podman container prune",
	.options = prune_options,
	.flags = POD_TOOL_NO_ARGS,
	.setup = setup_engine,
	.run = prune_run,
	.finish = finish_engine,
};

static const struct pod_subverb subverbs[] = {
	{ "cleanup", NULL, &cleanup_tool },
	{ "exists", NULL, &exists_tool },
	{ "prune", NULL, &prune_tool },
	{ NULL, NULL, NULL },
};

static int
no_subverb(struct pod_ctx *ctx, struct pod_err **err)
{
	return pod_err_set(err, POD_E_INVALID, 0, "missing command '%s COMMAND'",
			   ctx->g.dispatched ? "podman container" : "pod-container");
}

static const struct pod_tool tool = {
	.name = "pod-container",
	.verb = "container",
	.summary = "Manage containers",
	.description = "Sub-verbs for containers that have no tool of their own; create, run, "
		       "ps, inspect, logs, ... are their own tools and `podman container VERB` "
		       "runs them.",
	.usage = "COMMAND",
	.options = no_options,
	.flags = POD_TOOL_SUBVERBS,
	.subverbs = subverbs,
	.run = no_subverb,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
