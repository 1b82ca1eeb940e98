/* pod-port - list a container's published ports (`podman port`) */
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/id.h"
#include "core/json.h"
#include "net/net.h"

#include <stdio.h>

static struct {
	bool all, latest;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Display port information for all containers"),
	POD_OPT_BOOL('l', "latest", &opt.latest,
		     "Act on the latest container podman is aware of"),
	POD_OPT_END
};

/* "80" is "80/tcp" */
static char *
port_key(const char *arg)
{
	return strchr(arg, '/') ? xstrdup(arg) : xasprintf("%s/tcp", arg);
}

static int
print_binding(const char *prefix, const char *key, json_t *b, bool only_addr)
{
	const char *hip = json_string_value(json_object_get(b, "HostIp"));
	const char *hp = json_string_value(json_object_get(b, "HostPort"));

	if (!hip || !*hip)
		hip = "0.0.0.0";
	if (only_addr)
		return printf("%s:%s\n", hip, hp ? hp : "") < 0 ? -1 : 0;
	return printf("%s%s -> %s:%s\n", prefix, key, hip, hp ? hp : "") < 0 ? -1 : 0;
}

/* a running container with published ports was shown */
static bool saw_ports;

/* ports of a running container; 0 printed nothing */
static int
show(struct pod_engine *e, const struct pod_ctr *c, const char *want, bool with_id,
     size_t *ret_printed, struct pod_err **err)
{
	cleanup_json json_t *st = NULL;
	cleanup_free char *wkey = want ? port_key(want) : NULL;
	char prefix[POD_ID_SHORT_LEN + 2] = "";
	struct pod_err *e2 = NULL;
	const char *key;
	json_t *arr;

	*ret_printed = 0;
	if (c->state != POD_CTR_RUNNING && c->state != POD_CTR_PAUSED)
		return 0;
	if (pod_net_status(e->store, c->id, &st, &e2) < 0) {
		if (e2->kind == POD_E_NOTFOUND) {
			pod_err_free(&e2);
			return 0;
		}
		*err = e2;
		return -1;
	}
	if (with_id) {
		pod_id_short(c->id, prefix);
		prefix[POD_ID_SHORT_LEN] = '\t';
		prefix[POD_ID_SHORT_LEN + 1] = '\0';
	}
	json_object_foreach(json_object_get(st, "Ports"), key, arr) {
		json_t *b;
		size_t i;
		if (json_array_size(arr))
			saw_ports = true;
		if (wkey && !STREQ(wkey, key))
			continue;
		json_array_foreach(arr, i, b) {
			if (print_binding(prefix, key, b, wkey != NULL) < 0)
				return pod_err_sys(err, "writing output");
			(*ret_printed)++;
		}
	}
	return 0;
}

static int
show_listed(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	size_t n;

	return show(e, c, NULL, true, &n, err);
}

static int
port_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	const char *want = NULL;
	size_t n = 0;

	if (opt.all && (opt.latest || ctx->args[0]))
		return pod_err_set(err, POD_E_INVALID, 0, opt.latest ?
				   "--all and --latest cannot be used together" :
				   "no arguments are needed with --all");
	if (!opt.all && !opt.latest && !ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "you must supply a running container name or id");
	if (pod_cli_engine(&ctx->g, true, &e, err) < 0)
		return -1;
	if (opt.all)
		return pod_ctr_each(e, 0, show_listed, NULL, err);

	cleanup_ctr struct pod_ctr *c = NULL;
	if (opt.latest) {
		cleanup_strv char **ids = NULL;
		if (ctx->args[0] && ctx->args[1])
			return pod_err_set(err, POD_E_INVALID, 0,
					   "accepts at most 1 arg(s) with --latest, received %d", 2);
		if (pod_ctr_list_ids(e, &ids, err) < 0)
			return -1;
		if (!ids[0])
			return pod_err_set(err, POD_E_NOTFOUND, 0, "no containers to list ports of");
		if (pod_ctr_load(e, ids[0], &c, err) < 0 || pod_ctr_sync(e, c, err) < 0)
			return -1;
		want = ctx->args[0];
	} else {
		if (pod_ctr_lookup(e, ctx->args[0], &c, err) < 0)
			return -1;
		want = ctx->args[1];
	}
	if (show(e, c, want, false, &n, err) < 0)
		return -1;
	/* Podman skips a container without ports: only a missing one among them is an error */
	if (want && n == 0 && saw_ports)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "failed to find published port \"%s\"",
				   want);
	return 0;
}

static const struct pod_tool tool = {
	.name = "pod-port",
	.verb = "port",
	.summary = "List port mappings or a specific mapping for the container",
	.description = "Lists the published ports of a running container (PRIVATE/PROTO -> "
		       "HOSTIP:HOSTPORT), or the host address of one private port; with --all, "
		       "those of every running container, prefixed with its short ID.",
	.usage = "[options] [CONTAINER] [PRIVATE_PORT[/PROTO]]",
	.examples = "podman port --all\npodman port ctrID 80/tcp\npodman port --latest 80",
	.options = options,
	.max_args = 2,
	.run = port_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
