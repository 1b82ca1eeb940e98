/* pod-network - manage networks (`podman network ...`) */
#include "cli/ctr_opts.h"
#include "cli/filter.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "net/net.h"
#include "runtime/ctr_net.h"
#include "store/store.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

/* the tool frame reads option tables up to the first NULL: never leave one NULL */
static const struct pod_opt no_options[] = { POD_OPT_END };

static struct pod_store *
open_store(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_paths p = { 0 };
	struct pod_store *s = NULL;

	if (pod_paths_resolve(ctx->g.root, ctx->g.runroot, &p, err) < 0)
		return NULL;
	if (pod_store_open(&p, 0, &s, err) < 0)
		s = NULL;
	pod_paths_release(&p);
	return s;
}

static int
print_record(json_t *o, struct pod_err **err)
{
	cleanup_json json_t *c = json_deep_copy(o);

	json_object_set_new(c, "Type", json_string("network"));
	return pod_json_print_line(stdout, c, err);
}

/* inspect's indentation: Podman prints networks with five spaces */
static int
print_indented_json(json_t *v, int indent, struct pod_err **err)
{
	cleanup_free char *txt = json_dumps(v, JSON_INDENT(indent) | JSON_PRESERVE_ORDER);

	if (!txt)
		return pod_err_set(err, POD_E_GENERIC, 0, "cannot encode JSON");
	printf("%s\n", txt);
	return 0;
}

/* Go's time.Time String() from an RFC 3339 text: "2006-01-02 15:04:05.9 +0000 UTC" */
static char *
go_time(const char *rfc)
{
	struct tm tm = { 0 };
	char frac[16] = "";
	const char *p = rfc ? strptime(rfc, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	long off = 0;

	if (!p)
		return xstrdup(rfc ? rfc : "");
	if (*p == '.') {
		size_t n = strspn(p + 1, "0123456789");
		snprintf(frac, sizeof(frac), "%.*s", (int) (n + 1 < 11 ? n + 1 : 10), p);
		p += n + 1;
	}
	if (*p == '+' || *p == '-') {
		int h = 0, m = 0;
		if (sscanf(p + 1, "%d:%d", &h, &m) == 2)
			off = (h * 3600 + m * 60) * (*p == '-' ? -1 : 1);
	}
	char date[64];
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	if (off == 0)
		return xasprintf("%s%s +0000 UTC", date, frac);
	time_t now = time(NULL);
	struct tm lt;
	localtime_r(&now, &lt);
	long a = off < 0 ? -off : off;
	return xasprintf("%s%s %c%02ld%02ld %s", date, frac, off < 0 ? '-' : '+', a / 3600,
			 (a / 60) % 60, lt.tm_zone ? lt.tm_zone : "");
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * The object templates see: Go's field names (Podman's types.Network).
 * ls shows Labels as "k=v,..." text, inspect as the map it is.
 */
static json_t *
template_object(json_t *n, bool trunc, bool labels_text)
{
	const char *id = json_string_value(json_object_get(n, "id"));
	cleanup_free char *created = go_time(json_string_value(json_object_get(n, "created")));
	cleanup_strbuf struct pod_strbuf labels = POD_STRBUF_INIT;
	const char *k;
	json_t *v;
	json_t *o;

	cleanup_strv char **keys = xcalloc(1, sizeof(char *));
	json_object_foreach(json_object_get(n, "labels"), k, v)
		keys = pod_strv_push(keys, xstrdup(k));
	/* Go's map order is random; sorted keys make the text stable */
	qsort(keys, pod_strv_len(keys), sizeof(*keys), cmp_str);
	for (size_t i = 0; keys[i]; i++)
		pod_strbuf_addf(&labels, "%s%s=%s", labels.len ? "," : "", keys[i],
				json_string_value(json_object_get(json_object_get(n, "labels"),
								  keys[i])));
	o = json_pack("{s:O, s:s%, s:O, s:O, s:s, s:O, s:O, s:O, s:O, s:s, s:o, s:O}", "Name",
		      json_object_get(n, "name"), "ID", id ? id : "",
		      trunc && id && strlen(id) > 12 ? (size_t) 12 : strlen(id ? id : ""),
		      "Driver", json_object_get(n, "driver"), "NetworkInterface",
		      json_object_get(n, "network_interface"), "Created", created, "Subnets",
		      json_object_get(n, "subnets") ? json_object_get(n, "subnets") : json_null(),
		      "IPv6Enabled", json_object_get(n, "ipv6_enabled"), "Internal",
		      json_object_get(n, "internal"), "DNSEnabled", json_object_get(n, "dns_enabled"),
		      "Labels", labels.buf, "Options",
		      json_object_get(n, "options") ? json_incref(json_object_get(n, "options"))
						    : json_object(),
		      "IPAMOptions", json_object_get(n, "ipam_options"));
	if (o && !labels_text)
		json_object_set(o, "Labels", json_object_get(n, "labels") ?: json_object());
	return o;
}

/* ---- create ---- */

static struct {
	bool disable_dns, internal, ipv6, ignore;
	char *driver, *ipam_driver, *interface_name;
	char **gateways, **ip_ranges, **labels, **options, **subnets, **dns;
} copt;

static const struct pod_opt create_options[] = {
	POD_OPT_BOOL(0, "disable-dns", &copt.disable_dns, "disable dns plugin"),
	POD_OPT_STRV(0, "dns", "IP", &copt.dns, "DNS servers this network will use"),
	POD_OPT_STRING('d', "driver", "string", &copt.driver,
		       "driver to manage the network (default \"bridge\")"),
	POD_OPT_STRV(0, "gateway", "ipSlice", &copt.gateways,
		     "IPv4 or IPv6 gateway for the subnet"),
	POD_OPT_BOOL(0, "ignore", &copt.ignore,
		     "Don't fail if network already exists (dangerous)"),
	POD_OPT_STRING(0, "interface-name", "string", &copt.interface_name,
		       "interface name which is used by the driver"),
	POD_OPT_BOOL(0, "internal", &copt.internal, "restrict external access from this network"),
	POD_OPT_STRV(0, "ip-range", "stringArray", &copt.ip_ranges,
		     "allocate container IP from range"),
	POD_OPT_STRING(0, "ipam-driver", "string", &copt.ipam_driver,
		       "IP Address Management Driver"),
	POD_OPT_BOOL(0, "ipv6", &copt.ipv6, "enable IPv6 networking"),
	POD_OPT_STRV(0, "label", "stringArray", &copt.labels, "set metadata on a network"),
	POD_OPT_STRV('o', "opt", "stringArray", &copt.options, "Set driver specific options"),
	POD_OPT_STRV(0, "subnet", "stringArray", &copt.subnets, "subnets in CIDR format"),
	POD_OPT_END
};

static int
create_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_json json_t *n = NULL;
	struct pod_net_create_opts o = {
		.name = ctx->args[0],
		.driver = copt.driver,
		.subnets = (const char *const *) copt.subnets,
		.gateways = (const char *const *) copt.gateways,
		.ip_ranges = (const char *const *) copt.ip_ranges,
		.options = (const char *const *) copt.options,
		.labels = (const char *const *) copt.labels,
		.dns_servers = (const char *const *) copt.dns,
		.interface_name = copt.interface_name,
		.internal = copt.internal,
		.disable_dns = copt.disable_dns,
		.ipv6 = copt.ipv6,
		.ignore = copt.ignore,
	};

	if (copt.ipam_driver && *copt.ipam_driver && !STREQ(copt.ipam_driver, "host-local"))
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported ipam driver \"%s\"",
				   copt.ipam_driver);
	s = open_store(ctx, err);
	if (!s)
		return -1;
	if (pod_net_create(s, &o, &n, err) < 0)
		return -1;
	if (!ctx->g.dispatched)
		return print_record(n, err);
	return pod_print_line(json_string_value(json_object_get(n, "name")), err);
}

static const struct pod_tool create_tool = {
	.name = "pod-network",
	.verb = "network create",
	.summary = "network create",
	.description = "Create a network configuration for use with containers. The network is "
		       "set up on the host (bridge, firewall rules, DNS) when the first container "
		       "joins it and taken down when the last one leaves.",
	.usage = "[options] [NAME]",
	.examples = "podman network create podman1\n"
		    "podman network create --subnet 192.5.0.0/16 --ip-range 192.5.1.0/24 net1\n"
		    "podman network create --ipv6 --internal net2",
	.options = create_options,
	.max_args = 1,
	.run = create_run,
};

/* ---- ls ---- */

static struct {
	char **filters;
	char *format;
	bool no_trunc, noheading, quiet;
} lopt;

static const struct pod_opt ls_options[] = {
	POD_OPT_STRV('f', "filter", "stringArray", &lopt.filters,
		     "Provide filter values (e.g. 'name=podman')"),
	POD_OPT_STRING(0, "format", "string", &lopt.format,
		       "Pretty-print networks to JSON or using a Go template"),
	POD_OPT_BOOL(0, "no-trunc", &lopt.no_trunc, "Do not truncate the network ID"),
	POD_OPT_BOOL(0, "noheading", &lopt.noheading, "Do not print headers"),
	POD_OPT_BOOL('q', "quiet", &lopt.quiet, "display only names"),
	POD_OPT_END
};

static bool
id_prefix_any(const char *id, char *const *values)
{
	for (size_t i = 0; values && values[i]; i++)
		if (pod_str_has_prefix(id, values[i]))
			return true;
	return false;
}

/* networks matching filters; used for ls and prune */
static int
filter_networks(struct pod_store *s, const struct pod_filters *f, json_t *all, json_t **ret,
		struct pod_err **err)
{
	cleanup_json json_t *out = json_array();
	int64_t until = 0;
	char *const *v;
	size_t i;
	json_t *n;

	if ((v = pod_filters_get(f, "until")) && pod_filter_until(v, pod_now_ns(), &until, err) < 0)
		return -1;
	if ((v = pod_filters_get(f, "dangling"))) {
		for (i = 0; v[i]; i++)
			if (!STREQ(v[i], "true") && !STREQ(v[i], "false") && !STREQ(v[i], "1") &&
			    !STREQ(v[i], "0"))
				return pod_err_set(err, POD_E_INVALID, 0,
						   "invalid dangling filter value \"%s\"", v[i]);
	}
	json_array_foreach(all, i, n) {
		const char *name = json_string_value(json_object_get(n, "name"));
		const char *id = json_string_value(json_object_get(n, "id"));
		json_t *labels = json_object_get(n, "labels");

		if ((v = pod_filters_get(f, "name")) && !pod_filter_match_regex_any(name, v))
			continue;
		if ((v = pod_filters_get(f, "id")) && !id_prefix_any(id, v))
			continue;
		if ((v = pod_filters_get(f, "driver")) &&
		    !pod_strv_contains(v, json_string_value(json_object_get(n, "driver"))))
			continue;
		if ((v = pod_filters_get(f, "label")) && !pod_filter_match_labels(labels, v))
			continue;
		if ((v = pod_filters_get(f, "label!")) &&
		    !pod_filter_match_labels_negated(labels, v))
			continue;
		if (until) {
			struct tm tm = { 0 };
			const char *c = json_string_value(json_object_get(n, "created"));
			if (c && strptime(c, "%Y-%m-%dT%H:%M:%S", &tm) &&
			    (int64_t) timegm(&tm) * 1000000000LL >= until)
				continue;
		}
		if ((v = pod_filters_get(f, "dangling"))) {
			cleanup_strv char **users = NULL;
			bool want = STREQ(v[0], "true") || STREQ(v[0], "1");
			if (pod_net_network_users(s, name, &users, err) < 0)
				return -1;
			bool dangling = !users[0] && !STREQ(name, pod_net_default_name());
			if (dangling != want)
				continue;
		}
		json_array_append(out, n);
	}
	*ret = TAKE_PTR(out);
	return 0;
}

static const char *const ls_filter_keys[] = { "name", "id", "driver", "label", "label!",
					      "dangling", "until", NULL };

static int
parse_filters(char **args, const char *const *keys, struct pod_filters *f, struct pod_err **err)
{
	for (size_t i = 0; args && args[i]; i++) {
		struct pod_err *e = NULL;
		if (pod_filters_add(f, args[i], keys, &e) < 0) {
			/* Podman: `invalid filter "bogus"` for an unknown key */
			const char *eq = strchr(args[i], '=');
			if (eq && e->kind == POD_E_INVALID && strstr(e->msg, "is an invalid filter")) {
				cleanup_free char *k = xstrndup(args[i], (size_t) (eq - args[i]));
				pod_err_free(&e);
				return pod_err_set(err, POD_E_INVALID, 0, "invalid filter \"%s\"", k);
			}
			*err = e;
			return -1;
		}
	}
	return 0;
}

static int
ls_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_json json_t *all = NULL, *sel = NULL, *recs = json_array();
	cleanup_(pod_filters_release) struct pod_filters f = POD_FILTERS_INIT;
	size_t i;
	json_t *n;

	if (parse_filters(lopt.filters, ls_filter_keys, &f, err) < 0)
		return -1;
	s = open_store(ctx, err);
	if (!s)
		return -1;
	if (pod_net_list(s, &all, err) < 0 || filter_networks(s, &f, all, &sel, err) < 0)
		return -1;
	if (lopt.quiet) {
		json_array_foreach(sel, i, n)
			if (pod_print_line(json_string_value(json_object_get(n, "name")), err) < 0)
				return -1;
		return 0;
	}
	if (lopt.format && pod_format_is_json(lopt.format))
		return print_indented_json(sel, 2, err);
	if (!ctx->g.dispatched && !lopt.format) {
		json_array_foreach(sel, i, n)
			if (print_record(n, err) < 0)
				return -1;
		return 0;
	}
	json_array_foreach(sel, i, n)
		json_array_append_new(recs, template_object(n, !lopt.no_trunc, true));
	const char *format = lopt.format && *lopt.format
				     ? lopt.format
				     : "table {{.ID}}\t{{.Name}}\t{{.Driver}}";
	cleanup_json json_t *headers = json_pack("{s:s, s:s, s:s}", "ID", "NETWORK ID", "Name",
						 "NAME", "Driver", "DRIVER");
	return pod_format_records("network ls", format, recs, headers, lopt.noheading, stdout, err);
}

static const struct pod_tool ls_tool = {
	.name = "pod-network",
	.verb = "network ls",
	.summary = "network list",
	.description = "List networks: a table, JSON (--format json) or a Go template. Filters: "
		       "name, id, driver, label, label!, dangling, until.",
	.usage = "[options]",
	.examples = "podman network ls\npodman network ls --filter name=foo -q",
	.options = ls_options,
	.flags = POD_TOOL_NO_ARGS,
	.run = ls_run,
};

/* ---- inspect ---- */

static struct {
	char *format;
} iopt;

static const struct pod_opt inspect_options[] = {
	POD_OPT_STRING('f', "format", "string", &iopt.format,
		       "Pretty-print network to JSON or using a Go template"),
	POD_OPT_END
};

static int
inspect_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_json json_t *found = json_array();
	struct pod_err *first = NULL;
	size_t nargs = pod_strv_len(ctx->args);

	if (nargs == 0)
		return pod_err_set(err, POD_E_INVALID, 0, "requires at least 1 arg(s), only "
				   "received 0");
	s = open_store(ctx, err);
	if (!s)
		return -1;
	for (size_t i = 0; i < nargs; i++) {
		json_t *n = NULL;
		struct pod_err *e = NULL;
		if (pod_net_inspect(s, ctx->args[i], &n, &e) < 0) {
			if (!first) {
				pod_err_wrap(&e, "inspecting object: network %s", ctx->args[i]);
				first = e;
			} else {
				pod_err_free(&e);
			}
			continue;
		}
		json_array_append_new(found, n);
	}
	int r = 0;
	if (!ctx->g.dispatched && !iopt.format) {
		size_t i;
		json_t *n;
		json_array_foreach(found, i, n)
			if (print_record(n, err) < 0)
				r = -1;
	} else if (iopt.format && *iopt.format && !pod_format_is_json(iopt.format)) {
		size_t i;
		json_t *n;
		json_array_foreach(found, i, n) {
			cleanup_json json_t *t = template_object(n, false, false);
			if (pod_output_one("network inspect", iopt.format, t, stdout, err) < 0) {
				r = -1;
				break;
			}
		}
	} else {
		r = print_indented_json(found, 5, err);
	}
	if (first) {
		if (r == 0) {
			*err = first;
		} else {
			pod_err_free(&first);
		}
		return -1;
	}
	return r;
}

static const struct pod_tool inspect_tool = {
	.name = "pod-network",
	.verb = "network inspect",
	.summary = "Inspect network",
	.description = "Display the network configuration of one or more networks as Podman 4's "
		       "JSON, or through a Go template.",
	.usage = "[options] NETWORK [NETWORK...]",
	.examples = "podman network inspect podman",
	.options = inspect_options,
	.run = inspect_run,
};

/* ---- rm ---- */

static struct {
	bool force;
	int64_t time;
} ropt = { .time = 10 };

static const struct pod_opt rm_options[] = {
	POD_OPT_BOOL('f', "force", &ropt.force, "remove any containers using network"),
	POD_OPT_INT('t', "time", "uint", &ropt.time,
		    "Seconds to wait for running containers to stop before killing the container"),
	POD_OPT_END
};

static int
rm_setup(struct pod_ctx *ctx, struct pod_err **err)
{
	ctx->data = open_store(ctx, err);
	return ctx->data ? 0 : -1;
}

static int
rm_finish(struct pod_ctx *ctx, struct pod_err **err)
{
	pod_store_close(ctx->data);
	ctx->data = NULL;
	return 0;
}

/*
 * Containers using the network (set up on it, or configured for it): with
 * -f they go first, as with Podman; without, the network is in use.
 */
struct net_users {
	const char *net;
	char **live; /* containers set up on it */
};

static int
rm_user(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	struct net_users *u = data;
	cleanup_json json_t *nets = pod_ctr_net_ps_networks(e, c);
	bool uses = pod_strv_contains(u->live, c->id);
	json_t *x;
	size_t k;

	json_array_foreach(nets, k, x)
		uses |= STREQ(json_string_value(x), u->net);
	if (uses && !ropt.force)
		return pod_err_set(err, POD_E_INUSE, 0,
				   "\"%s\" has associated containers with it. Use -f to "
				   "forcibly delete containers and pods: network is being used",
				   u->net);
	if (uses)
		return pod_ctr_remove(e, c, true, ropt.time, err);
	return 0;
}

static int
rm_users(struct pod_ctx *ctx, const char *net, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_strv char **live = NULL;
	struct net_users u = { net, NULL };

	if (pod_net_network_users(ctx->data, net, &live, err) < 0)
		return -1;
	u.live = live;
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	/* one container at a time: the store may hold thousands */
	return pod_ctr_each(e, 0, rm_user, &u, err);
}

static int
rm_one(struct pod_ctx *ctx, const char *name, struct pod_err **err)
{
	cleanup_json json_t *n = NULL;

	if (pod_net_inspect(ctx->data, name, &n, err) < 0)
		return -1;
	if (!STREQ(json_string_value(json_object_get(n, "name")), pod_net_default_name()) &&
	    rm_users(ctx, json_string_value(json_object_get(n, "name")), err) < 0)
		return -1;
	if (pod_net_remove(ctx->data, name, ropt.force, err) < 0)
		return -1;
	if (!ctx->g.dispatched)
		return print_record(n, err);
	return pod_print_line(json_string_value(json_object_get(n, "name")), err);
}

static const struct pod_tool rm_tool = {
	.name = "pod-network",
	.verb = "network rm",
	.summary = "network rm",
	.description = "Remove networks. A network that containers are connected to is removed "
		       "only with --force, which first removes those containers (stopping them "
		       "within --time seconds), as Podman does.",
	.usage = "[options] NETWORK [NETWORK...]",
	.examples = "podman network rm net1 net2",
	.options = rm_options,
	.flags = POD_TOOL_TARGETS,
	.min_args = 1,
	.target_type = "network",
	.setup = rm_setup,
	.each_target = rm_one,
	.finish = rm_finish,
	.exit_code = { [POD_E_NOTFOUND] = 1, [POD_E_INUSE] = 2 },
	.exit_status_doc = ".TP\n.B 0\nAll networks were removed.\n.TP\n.B 1\nOne of the "
			   "networks does not exist.\n.TP\n.B 2\nOne of the networks is in use.\n"
			   ".TP\n.B 125\nAny other error.",
};

/* ---- exists ---- */

static int
exists_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = open_store(ctx, err);
	cleanup_json json_t *n = NULL;
	struct pod_err *e = NULL;

	if (!s)
		return -1;
	if (pod_net_inspect(s, ctx->args[0], &n, &e) < 0) {
		if (e->kind == POD_E_NOTFOUND) {
			pod_err_free(&e);
			ctx->status = 1;
			return 0;
		}
		*err = e;
		return -1;
	}
	return 0;
}

static const struct pod_tool exists_tool = {
	.name = "pod-network",
	.verb = "network exists",
	.summary = "network exists",
	.description = "Check whether a network exists: exit 0 when it does, 1 when it does not.",
	.usage = "NETWORK",
	.examples = "podman network exists net1",
	.options = no_options,
	.min_args = 1,
	.max_args = 1,
	.run = exists_run,
	.exit_status_doc = ".TP\n.B 0\nThe network exists.\n.TP\n.B 1\nIt does not.\n.TP\n"
			   ".B 125\nAn error occurred.",
};

/* ---- prune ---- */

static struct {
	char **filters;
	bool force;
} popt;

static const struct pod_opt prune_options[] = {
	POD_OPT_STRV(0, "filter", "stringArray", &popt.filters,
		     "Provide filter values (e.g. 'label=<key>=<value>')"),
	POD_OPT_BOOL('f', "force", &popt.force, "do not prompt for confirmation"),
	POD_OPT_END
};

static const char *const prune_filter_keys[] = { "label", "label!", "until", NULL };

static int
prune_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_json json_t *all = NULL, *sel = NULL;
	cleanup_(pod_filters_release) struct pod_filters f = POD_FILTERS_INIT;
	size_t i;
	json_t *n;

	if (parse_filters(popt.filters, prune_filter_keys, &f, err) < 0)
		return -1;
	if (!popt.force) {
		char answer[16] = "";
		printf("WARNING! This will remove all networks not used by at least one "
		       "container.\nAre you sure you want to continue? [y/N] ");
		fflush(stdout);
		if (!fgets(answer, sizeof(answer), stdin) ||
		    (answer[0] != 'y' && answer[0] != 'Y'))
			return 0;
	}
	s = open_store(ctx, err);
	if (!s)
		return -1;
	if (pod_net_list(s, &all, err) < 0 || filter_networks(s, &f, all, &sel, err) < 0)
		return -1;
	json_array_foreach(sel, i, n) {
		const char *name = json_string_value(json_object_get(n, "name"));
		cleanup_strv char **users = NULL;
		if (STREQ(name, pod_net_default_name()))
			continue;
		if (pod_net_network_users(s, name, &users, err) < 0)
			return -1;
		if (users[0])
			continue;
		if (pod_net_remove(s, name, false, err) < 0)
			return -1;
		if (ctx->g.dispatched ? pod_print_line(name, err) : print_record(n, err))
			return -1;
	}
	return 0;
}

static const struct pod_tool prune_tool = {
	.name = "pod-network",
	.verb = "network prune",
	.summary = "network prune",
	.description = "Remove all networks no container is connected to (the default network "
		       "stays). Filters: label, label!, until.",
	.usage = "[options]",
	.examples = "podman network prune -f --filter label=test",
	.options = prune_options,
	.flags = POD_TOOL_NO_ARGS,
	.run = prune_run,
};

/* ---- connect / disconnect ---- */

static struct {
	char **aliases;
	char *ip, *ip6, *mac;
	bool force;
} nopt;

static const struct pod_opt connect_options[] = {
	POD_OPT_STRV(0, "alias", "strings", &nopt.aliases, "network scoped alias for container"),
	POD_OPT_STRING(0, "ip", "ip", &nopt.ip,
		       "set a static ipv4 address for this container network"),
	POD_OPT_STRING(0, "ip6", "ip", &nopt.ip6,
		       "set a static ipv6 address for this container network"),
	POD_OPT_STRING(0, "mac-address", "string", &nopt.mac,
		       "set a static mac address for this container network"),
	POD_OPT_END
};

static const struct pod_opt disconnect_options[] = {
	POD_OPT_BOOL('f', "force", &nopt.force, "force removal of container from network"),
	POD_OPT_END
};

static int
connect_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	struct pod_net_attach att = {
		.network = ctx->args[0],
		.static_ip = nopt.ip,
		.static_ip6 = nopt.ip6,
		.static_mac = nopt.mac,
		.aliases = (const char *const *) nopt.aliases,
	};

	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	return pod_ctr_net_connect(e, ctx->args[1], &att, err);
}

static int
disconnect_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;

	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	return pod_ctr_net_disconnect(e, ctx->args[1], ctx->args[0], err);
}

static const struct pod_tool connect_tool = {
	.name = "pod-network",
	.verb = "network connect",
	.summary = "network connect",
	.description = "Connect a container to a network: a running one gets a new interface "
		       "(eth1, ...) with an address from the network, its DNS names and rules at "
		       "once; the connection is kept in the container for its next starts.",
	.usage = "[options] NETWORK CONTAINER",
	.examples = "podman network connect --ip 10.89.0.10 --alias web net1 ctr1",
	.options = connect_options,
	.min_args = 2,
	.max_args = 2,
	.run = connect_run,
};

static const struct pod_tool disconnect_tool = {
	.name = "pod-network",
	.verb = "network disconnect",
	.summary = "network rm",
	.description = "Disconnect a container from a network (at once when it runs, and for "
		       "its next starts).",
	.usage = "[options] NETWORK CONTAINER",
	.examples = "podman network disconnect net1 ctr1",
	.options = disconnect_options,
	.min_args = 2,
	.max_args = 2,
	.run = disconnect_run,
};

/* ---- reload ---- */

static struct {
	bool all, latest;
} lopt2;

static const struct pod_opt reload_options[] = {
	POD_OPT_BOOL('a', "all", &lopt2.all, "Reload network configuration of all containers"),
	POD_OPT_BOOL('l', "latest", &lopt2.latest,
		     "Act on the latest container podman is aware of"),
	POD_OPT_END
};

static int
reload_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_strv char **ids = NULL, **want = xcalloc(1, sizeof(char *));

	if (!lopt2.all && !lopt2.latest && !ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "you must provide at least one name or id");
	if (lopt2.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--all and containers cannot be used together");
	s = open_store(ctx, err);
	if (!s)
		return -1;
	for (size_t i = 0; ctx->args[i]; i++) {
		char *id = NULL;
		if (pod_store_resolve(s, POD_OBJ_CONTAINER, ctx->args[i], &id, err) < 0)
			return -1;
		want = pod_strv_push(want, id);
	}
	if (lopt2.latest) {
		cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
			s, "SELECT id FROM containers ORDER BY created DESC LIMIT 1", err);
		if (!st)
			return -1;
		if (sqlite3_step(st) != SQLITE_ROW)
			return pod_err_set(err, POD_E_NOTFOUND, 0, "no containers to reload");
		want = pod_strv_push(want, xstrdup((const char *) sqlite3_column_text(st, 0)));
	}
	if (pod_net_reload(s, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		if (!lopt2.all && !pod_strv_contains(want, ids[i]))
			continue;
		if (pod_print_line(ids[i], err) < 0)
			return -1;
	}
	return 0;
}

static const struct pod_tool reload_tool = {
	.name = "pod-network",
	.verb = "network reload",
	.summary = "Reload firewall rules for one or more containers",
	.description = "Re-create the firewall rules (table inet podutils) of every network and "
		       "running container, e.g. after the firewall was flushed; prints the IDs "
		       "of the containers asked for.",
	.usage = "[options] [CONTAINER...]",
	.examples = "podman network reload --all",
	.options = reload_options,
	.run = reload_run,
};

/* ---- the noun ---- */

static const struct pod_subverb subverbs[] = {
	{ "connect", NULL, &connect_tool },
	{ "create", NULL, &create_tool },
	{ "disconnect", NULL, &disconnect_tool },
	{ "exists", NULL, &exists_tool },
	{ "inspect", NULL, &inspect_tool },
	{ "ls", "list", &ls_tool },
	{ "prune", NULL, &prune_tool },
	{ "reload", NULL, &reload_tool },
	{ "rm", "remove", &rm_tool },
	{ NULL, NULL, NULL },
};

static int
noun_run(struct pod_ctx *ctx, struct pod_err **err)
{
	if (ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "unrecognized command `%s %s`",
				   ctx->g.prog, ctx->args[0]);
	return pod_err_set(err, POD_E_INVALID, 0, "missing command '%s COMMAND'", ctx->g.prog);
}

static const struct pod_tool tool = {
	.name = "pod-network",
	.verb = "network",
	.summary = "Manage networks",
	.description = "Manage networks: bridge networks with addresses from the database, "
		       "nftables rules in table inet podutils, and DNS for container names on "
		       "user-created networks.",
	.usage = "[command]",
	.examples = "podman network create net1\npodman network ls\npodman network rm net1",
	.options = no_options,
	.flags = POD_TOOL_SUBVERBS,
	.subverbs = subverbs,
	.run = noun_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
