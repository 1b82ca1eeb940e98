/* pod-rm - remove one or more containers (`podman rm`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"
#include "runtime/pod.h"

static struct {
	bool force, all, volumes, depend, ignore, time_set, latest;
	int64_t time;
} opt = { .time = -1 };

static struct pod_engine *engine;

static int rm_ctr(struct pod_ctx *ctx, struct pod_ctr *c, const char *as_given,
		  struct pod_err **err);

/* --depend: the containers that require c go first (theirs before them) */
static int
rm_dependents(struct pod_ctx *ctx, struct pod_ctr *c, struct pod_err **err)
{
	cleanup_strv char **deps = NULL;

	if (pod_ctr_dependents(engine, c->id, &deps, err) < 0)
		return -1;
	for (size_t i = 0; deps[i]; i++) {
		cleanup_ctr struct pod_ctr *d = NULL;
		if (pod_ctr_lookup(engine, deps[i], &d, err) < 0) {
			if ((*err)->kind != POD_E_NOTFOUND)
				return -1;
			pod_err_free(err); /* removed meanwhile */
			continue;
		}
		if (rm_ctr(ctx, d, d->id, err) < 0)
			return -1;
	}
	return 0;
}

static int
rm_ctr(struct pod_ctx *ctx, struct pod_ctr *c, const char *as_given_, struct pod_err **err)
{
	/* as_given may be c->id, which a reload replaces */
	cleanup_free char *as_given = xstrdup(as_given_);

	if (opt.depend && rm_dependents(ctx, c, err) < 0)
		return -1;
	/* rm --all takes a pod's infra container with its pod, as Podman does */
	if (opt.all && pod_ctr_setting_bool(c, "PodInfra")) {
		if (pod_pod_remove_by_infra(engine, c, opt.force, opt.time_set ? opt.time : -1,
					    err) < 0)
			return -1;
	} else if (pod_ctr_remove(engine, c, opt.force, opt.time_set ? opt.time : -1, err) < 0) {
		return -1;
	}
	if (opt.volumes && pod_ctr_remove_volumes(engine, c, err) < 0)
		return -1;
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:[s]}", "Type", "container", "Id",
						     c->id, "Names", c->name);
		return pod_json_print_line(stdout, rec, err);
	}
	/* with --depend Podman prints every removed container by ID */
	return pod_print_line(opt.depend ? c->id : as_given, err);
}

static int
rm_one(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_ctr_lookup(engine, target, &c, err) < 0) {
		if (opt.ignore && (*err)->kind == POD_E_NOTFOUND) {
			pod_err_free(err);
			return 0;
		}
		return -1;
	}
	return rm_ctr(ctx, c, target, err);
}

static int
setup(struct pod_ctx *ctx, struct pod_err **err)
{
	if (opt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--all and containers cannot be used together");
	if (pod_cli_engine(&ctx->g, false, &engine, err) < 0)
		return -1;
	if (opt.latest && pod_cli_use_latest(ctx, engine, err) < 0)
		return -1;
	if (opt.all) {
		/* one container loaded at a time: 1000 held at once took 8 MiB */
		cleanup_strv char **ids = NULL;
		if (pod_ctr_list_ids(engine, &ids, err) < 0)
			return -1;
		for (size_t i = 0; ids[i]; i++) {
			cleanup_ctr struct pod_ctr *c = NULL;
			struct pod_err *e2 = NULL;
			if (pod_ctr_load(engine, ids[i], &c, &e2) < 0) {
				if (e2->kind == POD_E_NOTFOUND) {
					pod_err_free(&e2); /* removed meanwhile (with its pod) */
					continue;
				}
			} else if (pod_ctr_sync(engine, c, &e2) == 0) {
				(void) rm_ctr(ctx, c, c->id, &e2);
			}
			if (e2) {
				ctx->status = pod_tool_exit_code(ctx->tool, e2);
				pod_err_print(e2);
				pod_err_free(&e2);
			}
		}
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
	POD_OPT_BOOL('a', "all", &opt.all, "Remove all containers"),
	POD_OPT_BOOL(0, "depend", &opt.depend,
		     "Remove container and all containers that depend on the selected container"),
	POD_OPT_BOOL('f', "force", &opt.force,
		     "Force removal of a running or unusable container"),
	POD_OPT_BOOL('i', "ignore", &opt.ignore,
		     "Ignore errors when a specified container is missing"),
	POD_OPT_BOOL('l', "latest", &opt.latest,
		     "Act on the latest container podman is aware of"),
	{ POD_OPT_T_INT, 't', "time", "int", &opt.time,
	  "Seconds to wait for stop before killing the container", NULL, 0, NULL, &opt.time_set },
	POD_OPT_BOOL('v', "volumes", &opt.volumes,
		     "Remove anonymous volumes associated with the container"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-rm",
	.verb = "rm",
	.summary = "Remove one or more containers",
	.description = "Removes containers and their writable layers; a running one only with "
		       "--force (stopped first). Prints each as it was named.",
	.usage = "[options] CONTAINER [CONTAINER...]",
	.examples = "podman rm imageID\npodman rm mywebserver myflaskserver 860a4b23\n"
		    "podman rm --force --all\npod-ps -a | jq -c 'select(.State==\"exited\")' | "
		    "pod-rm",
	.options = options,
	.flags = POD_TOOL_TARGETS,
	.target_type = "container",
	.setup = setup,
	.each_target = rm_one,
	.finish = finish,
	.exit_code = { [POD_E_NOTFOUND] = 1, [POD_E_STATE] = 2, [POD_E_INUSE] = 2 },
	.exit_status_doc = ".TP\n.B 0\nAll containers were removed.\n.TP\n.B 1\nOne of the "
			   "containers does not exist.\n.TP\n.B 2\nOne of the containers is "
			   "running (without --force) or in use.\n.TP\n.B 125\nThe command "
			   "failed.",
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
