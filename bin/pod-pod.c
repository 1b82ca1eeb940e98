/* pod-pod - manage pods (`podman pod create|ps|inspect|start|stop|rm|...`) */
#include "cli/ctr_devices.h"
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/filter.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/fs.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "runtime/ctr_net.h"
#include "runtime/ctr_ns.h"
#include "runtime/oci.h"
#include "runtime/pod.h"

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <unistd.h>

static struct {
	/* create */
	char *name, *infra_image, *infra_command, *infra_name, *hostname, *cgroup_parent;
	char *memory, *cpus, *exit_policy, *share;
	char **label, **label_file, **publish, **network, **add_host, **dns, **dns_search;
	char **dns_option, **volume, **device, **security_opt, **sysctl;
	char *userns, **uidmap, **gidmap, *subuidname, *subgidname, *ip, *ip6, *mac, **network_alias;
	char *cpuset_cpus, *cpuset_mems, *memory_swap, *blkio_weight;
	int64_t cpu_shares;
	bool cpu_shares_set;
	char *pid_ns, *uts_ns, **read_bps, **write_bps;
	bool infra, no_hosts, replace, share_parent;
	/* ps */
	bool ctr_names, ctr_ids, ctr_status, quiet, no_trunc, noheading, latest;
	char *format, *sort;
	char **filter;
	/* lifecycle */
	bool force, all, ignore, time_set;
	char **pod_id_file;
	int64_t time;
	char *signal;
	/* logs */
	char *container, *since, *until;
	bool follow, names, timestamps, color;
	int64_t tail;
} opt = { .infra = true, .share_parent = true, .time = 10, .signal = (char *) "KILL", .tail = -1 };

static int tool_argc;
static char **tool_argv;
static struct pod_engine *engine;

static int
open_engine(struct pod_ctx *ctx, bool readonly, struct pod_err **err)
{
	if (engine)
		return 0;
	return pod_cli_engine(&ctx->g, readonly, &engine, err);
}

static int
finish(struct pod_ctx *ctx, struct pod_err **err)
{
	engine = pod_engine_free(engine);
	return 0;
}

/* JSON as Go's MarshalIndent with `width` spaces (Podman varies by command) */
static int
print_json_indent(json_t *j, int width, struct pod_err **err)
{
	cleanup_free char *text = pod_json_dumps_pretty(j);
	struct pod_strbuf sb = POD_STRBUF_INIT;
	int rc;

	for (const char *q = text; *q;) {
		size_t sp = strspn(q, " "), nl = strcspn(q + sp, "\n");
		if (q != text)
			pod_strbuf_addch(&sb, '\n');
		for (size_t k = 0; k < sp / 4 * (size_t) width; k++)
			pod_strbuf_addch(&sb, ' ');
		pod_strbuf_add(&sb, q + sp, nl);
		q += sp + nl;
		if (*q)
			q++;
	}
	rc = pod_print_line(sb.buf ? sb.buf : "", err);
	pod_strbuf_release(&sb);
	return rc;
}

static int
print_pod(struct pod_ctx *ctx, const struct pod_pod *p, struct pod_err **err)
{
	if (!ctx->g.dispatched) {
		cleanup_json json_t *r = json_pack("{s:s, s:s, s:s}", "Type", "pod", "Id", p->id,
						   "Name", p->name);
		return pod_json_print_line(stdout, r, err);
	}
	return pod_print_line(p->id, err);
}

/* ---- create ---- */

static int
share_setting(json_t *s, const char *v, struct pod_err **err)
{
	static const char *const known[] = { "cgroup", "ipc", "net", "pid", "uts", NULL };
	/* "+pid": the defaults and more; "none": nothing shared */
	cleanup_free char *copy = xstrdup(v[0] == '+' ? v + 1 : v);
	json_t *a = v[0] == '+' ? json_pack("[s,s,s]", "ipc", "net", "uts") : json_array();
	char *rest = copy, *w;

	while ((w = strsep(&rest, ","))) {
		bool ok = false, have = false;
		json_t *x;
		size_t k;
		if (!*w || (STREQ(w, "none") && v[0] != '+'))
			continue;
		json_array_foreach(a, k, x)
			have |= STREQ(json_string_value(x), w);
		if (have)
			continue;
		for (size_t i = 0; known[i]; i++)
			ok |= STREQ(known[i], w);
		if (!ok) {
			json_decref(a);
			return pod_err_set(err, POD_E_INVALID, 0, "invalid kernel namespace to "
					   "share: %s. Options are: cgroup, ipc, net, pid, uts or "
					   "none", w);
		}
		json_array_append_new(a, json_string(w));
	}
	json_object_set_new(s, "Share", a);
	return 0;
}

/* the pod cgroup's other limits (pod_resources() in pod.c), as Podman sets them */
static int
resource_settings(json_t *s, struct pod_err **err)
{
	if (opt.cpu_shares_set)
		json_object_set_new(s, "CpuShares", json_integer(opt.cpu_shares));
	if (opt.cpuset_cpus)
		json_object_set_new(s, "CpusetCpus", pod_json_string(opt.cpuset_cpus));
	if (opt.cpuset_mems)
		json_object_set_new(s, "CpusetMems", pod_json_string(opt.cpuset_mems));
	if (opt.memory_swap) {
		int64_t v = -1;
		if (!STREQ(opt.memory_swap, "-1") && pod_parse_size(opt.memory_swap, &v, err) < 0)
			return -1;
		json_object_set_new(s, "MemorySwap", json_integer(v));
	}
	if (opt.read_bps || opt.write_bps) {
		json_t *r = pod_ctr_throttle_setting(opt.read_bps, err), *w = NULL;
		if (!r || !(w = pod_ctr_throttle_setting(opt.write_bps, err))) {
			json_decref(r);
			return -1;
		}
		json_object_set_new(s, "ThrottleReadBpsDevice", r);
		json_object_set_new(s, "ThrottleWriteBpsDevice", w);
	}
	if (opt.blkio_weight) {
		int64_t w;
		if (!pod_parse_int64(opt.blkio_weight, &w) || w < 0)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid value for blkio-weight: "
					   "strconv.ParseUint: parsing \"%s\": invalid syntax",
					   opt.blkio_weight);
		if (w > 0)
			json_object_set_new(s, "BlkioWeight", json_integer(w));
	}
	return 0;
}

/*
 * --sysctl, --security-opt and --device belong to the infra container, as
 * in Podman: its sysctls reach the members through the namespaces they
 * share, and members get its devices too (pod.h).
 */
static int
security_settings(json_t *s, struct pod_err **err)
{
	if (opt.userns || opt.uidmap || opt.gidmap || opt.subuidname || opt.subgidname)
		return pod_err_set(err, POD_E_INVALID, 0, "--%s is not supported for pods: "
				   "podutils does not run containers in a user namespace",
				   opt.userns ? "userns" : opt.uidmap ? "uidmap" : opt.gidmap ?
				   "gidmap" : opt.subuidname ? "subuidname" : "subgidname");
	if (opt.sysctl) {
		if (pod_ctr_sysctls_check(opt.sysctl, err) < 0)
			return -1;
		json_object_set_new(s, "Sysctls", pod_json_strv(opt.sysctl));
	}
	if (opt.security_opt) {
		if (pod_ctr_security_opts(s, opt.security_opt, err) < 0)
			return -1;
		json_object_set_new(s, "SecurityOpt", pod_json_strv(opt.security_opt));
	}
	if (opt.device) {
		json_t *d = pod_ctr_devices_setting(opt.device, err);
		if (!d)
			return -1;
		json_object_set_new(s, "Devices", d);
	}
	return 0;
}

static json_t *
create_settings(struct pod_err **err)
{
	cleanup_json json_t *s = json_object();
	json_t *cc = json_array();

	if (opt.name)
		json_object_set_new(s, "Name", pod_json_string(opt.name));
	if (pod_ctr_labels_setting(s, opt.label_file, opt.label, err) < 0)
		return NULL;
	if (opt.hostname)
		json_object_set_new(s, "Hostname", pod_json_string(opt.hostname));
	json_object_set_new(s, "Infra", json_boolean(opt.infra));
	/* Podman's words; --infra-image, --infra-command, --infra-name are ignored */
	if (!opt.infra && opt.publish && opt.publish[0])
		return pod_err_set(err, POD_E_INVALID, 0, "you must have an infra container to "
				   "publish port bindings to the host"), NULL;
	if (!opt.infra && (opt.ip || opt.ip6 || opt.mac || opt.network_alias))
		return pod_err_set(err, POD_E_INVALID, 0, "cannot set --%s without infra container: "
				   "invalid argument", opt.ip ? "ip" : opt.ip6 ? "ip6" :
				   opt.mac ? "mac" : "network-alias"), NULL;
	if (opt.infra_image)
		json_object_set_new(s, "InfraImage", pod_json_string(opt.infra_image));
	if (opt.infra_command) {
		json_t *ep;
		if (opt.infra_command[0] == '[') {
			ep = json_loads(opt.infra_command, 0, NULL);
			if (!json_is_array(ep)) {
				json_decref(ep);
				return pod_err_set(err, POD_E_INVALID, 0, "invalid --infra-command "
						   "%s", opt.infra_command), NULL;
			}
		} else {
			ep = json_pack("[o]", pod_json_string(opt.infra_command));
		}
		json_object_set_new(s, "InfraCommand", ep);
	}
	if (opt.infra_name)
		json_object_set_new(s, "InfraName", pod_json_string(opt.infra_name));
	if (opt.share && share_setting(s, opt.share, err) < 0)
		return NULL;
	if (opt.cgroup_parent)
		json_object_set_new(s, "CgroupParent", pod_json_string(opt.cgroup_parent));
	if (opt.exit_policy) {
		if (!STREQ(opt.exit_policy, "continue") && !STREQ(opt.exit_policy, "stop"))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid pod exit policy: \"%s\"",
					   opt.exit_policy), NULL;
		json_object_set_new(s, "ExitPolicy", json_string(opt.exit_policy));
	}
	if (opt.memory) {
		int64_t m;
		if (pod_parse_size(opt.memory, &m, err) < 0)
			return NULL;
		if (m > 0 && m < 6 * 1024 * 1024)
			return pod_err_set(err, POD_E_INVALID, 0, "minimum memory limit allowed is "
					   "6MB"), NULL;
		json_object_set_new(s, "Memory", json_integer(m));
	}
	if (opt.cpus) {
		char *end;
		double c = strtod(opt.cpus, &end);
		if (*end || c < 0 || !isfinite(c))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid argument \"%s\" for "
					   "\"--cpus\" flag: strconv.ParseFloat: parsing \"%s\": "
					   "invalid syntax", opt.cpus, opt.cpus), NULL;
		if (c > 0) {
			json_object_set_new(s, "CpuPeriod", json_integer(100000));
			json_object_set_new(s, "CpuQuota", json_integer((json_int_t) (c * 100000)));
		}
	}
	if (resource_settings(s, err) < 0)
		return NULL;
	if (!opt.share_parent)
		json_object_set_new(s, "ShareParent", json_false());
	{
		/* the infra's own namespaces, which members sharing them join (--share) */
		struct pod_ctr_ns_flags nsf = { .pid = opt.pid_ns, .uts = opt.uts_ns };
		if (pod_ctr_ns_settings(&nsf, s, err) < 0)
			return NULL;
	}
	{
		json_t *vols = pod_ctr_volumes_setting(opt.volume, err);
		if (!vols)
			return NULL;
		json_object_set_new(s, "Volumes", vols);
	}
	if (security_settings(s, err) < 0)
		return NULL;
	{
		struct pod_ctr_net_flags nf = {
			.networks = opt.network, .aliases = opt.network_alias, .ip = opt.ip,
			.ip6 = opt.ip6, .mac = opt.mac, .publish = opt.publish, .dns = opt.dns,
			.dns_search = opt.dns_search, .dns_option = opt.dns_option,
			.add_host = opt.add_host, .no_hosts = opt.no_hosts,
		};
		if (pod_ctr_net_settings(&nf, s, err) < 0)
			return NULL;
	}
	for (int i = 0; i < tool_argc; i++)
		json_array_append_new(cc, pod_json_string(tool_argv[i]));
	json_object_set_new(s, "CreateCommand", cc);
	return TAKE_PTR(s);
}

static int
create_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *s = NULL;
	cleanup_pod struct pod_pod *p = NULL;

	if (ctx->args[0]) {
		if (opt.name)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "cannot specify --name and NAME at the same time");
		opt.name = ctx->args[0];
	}
	s = create_settings(err);
	if (!s || open_engine(ctx, false, err) < 0)
		return -1;
	if (opt.replace && opt.name) {
		cleanup_pod struct pod_pod *old = NULL;
		struct pod_err *e2 = NULL;
		if (pod_pod_lookup(engine, opt.name, &old, &e2) == 0 &&
		    STREQ(old->name, opt.name) && pod_pod_remove(engine, old, true, 0, err) < 0)
			return -1;
		pod_err_free(&e2);
	}
	if (opt.pod_id_file && opt.pod_id_file[0] && access(opt.pod_id_file[0], F_OK) == 0)
		return pod_err_set(err, POD_E_EXISTS, 0, "pod id file exists. Ensure another pod is "
				   "not using it or delete %s", opt.pod_id_file[0]);
	if (pod_pod_create(engine, s, &p, err) < 0)
		return -1;
	if (opt.pod_id_file && opt.pod_id_file[0] &&
	    pod_cli_write_cidfile(opt.pod_id_file[0], p->id, err) < 0)
		return -1;
	return print_pod(ctx, p, err);
}

/*
 * Podman's user namespace flags, which pods here refuse with one line (the
 * check in security_settings): accepted by the parser, hidden from help.
 */
#define USERNS_REFUSED_OPTS                                                                    \
	{ POD_OPT_T_STRV, 0, "gidmap", "strings", &opt.gidmap,                                  \
	  "Not supported: GID map to use for the user namespace", NULL, POD_OPT_HIDDEN, NULL,   \
	  NULL },                                                                              \
	{ POD_OPT_T_STRING, 0, "subgidname", "string", &opt.subgidname,                        \
	  "Not supported: name of range listed in /etc/subgid", NULL, POD_OPT_HIDDEN, NULL,     \
	  NULL },                                                                              \
	{ POD_OPT_T_STRING, 0, "subuidname", "string", &opt.subuidname,                        \
	  "Not supported: name of range listed in /etc/subuid", NULL, POD_OPT_HIDDEN, NULL,     \
	  NULL },                                                                              \
	{ POD_OPT_T_STRV, 0, "uidmap", "strings", &opt.uidmap,                                  \
	  "Not supported: UID map to use for the user namespace", NULL, POD_OPT_HIDDEN, NULL,   \
	  NULL },                                                                              \
	{ POD_OPT_T_STRING, 0, "userns", "string", &opt.userns,                                \
	  "Not supported: user namespace to use", NULL, POD_OPT_HIDDEN, NULL, NULL },

static const struct pod_opt create_options[] = {
	POD_OPT_STRV(0, "add-host", "host:ip", &opt.add_host,
		     "Add a custom host-to-IP mapping (host:ip)"),
	POD_OPT_STRING(0, "cgroup-parent", "string", &opt.cgroup_parent,
		       "Optional parent cgroup for the pod"),
	POD_OPT_STRING(0, "blkio-weight", "string", &opt.blkio_weight,
		       "Block IO weight (relative weight) accepts a weight value between 10 and "
		       "1000."),
	{ POD_OPT_T_UINT, 'c', "cpu-shares", "uint", &opt.cpu_shares,
	  "CPU shares (relative weight)", NULL, 0, NULL, &opt.cpu_shares_set },
	POD_OPT_STRING(0, "cpus", "float", &opt.cpus, "Number of CPUs the pod may use"),
	POD_OPT_STRING(0, "cpuset-cpus", "string", &opt.cpuset_cpus,
		       "CPUs in which to allow execution (0-3, 0,1)"),
	POD_OPT_STRING(0, "cpuset-mems", "string", &opt.cpuset_mems,
		       "Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only "
		       "effective on NUMA systems."),
	POD_OPT_STRV(0, "device", "strings", &opt.device, "Add a host device to the pod"),
	POD_OPT_STRV(0, "device-read-bps", "strings", &opt.read_bps,
		     "Limit read rate (bytes per second) from a device (e.g. "
		     "--device-read-bps=/dev/sda:1mb)"),
	POD_OPT_STRV(0, "device-write-bps", "strings", &opt.write_bps,
		     "Limit write rate (bytes per second) to a device (e.g. "
		     "--device-write-bps=/dev/sda:1mb)"),
	POD_OPT_STRV(0, "dns", "ip", &opt.dns, "Set custom DNS servers"),
	POD_OPT_STRV(0, "dns-option", "option", &opt.dns_option, "Set custom DNS options"),
	POD_OPT_STRV(0, "dns-search", "domain", &opt.dns_search, "Set custom DNS search domains"),
	POD_OPT_STRING(0, "exit-policy", "string", &opt.exit_policy,
		       "Behaviour when the last container exits (\"continue\"|\"stop\")"),
	POD_OPT_STRING('h', "hostname", "string", &opt.hostname, "Set a hostname to the pod"),
	POD_OPT_BOOL(0, "infra", &opt.infra, "Create an infra container associated with the pod "
		     "to share namespaces with"),
	POD_OPT_STRING(0, "infra-command", "string", &opt.infra_command,
		       "The command to run on the infra container when the pod is started"),
	POD_OPT_STRING(0, "infra-image", "string", &opt.infra_image,
		       "The image of the infra container to associate with the pod"),
	POD_OPT_STRING(0, "infra-name", "string", &opt.infra_name,
		       "The name used as infra container name"),
	POD_OPT_STRING(0, "ip", "string", &opt.ip,
		       "Specify a static IPv4 address for the pod"),
	POD_OPT_STRING(0, "ip6", "string", &opt.ip6,
		       "Specify a static IPv6 address for the pod"),
	POD_OPT_STRV('l', "label", "stringArray", &opt.label, "Set metadata on pod (default [])"),
	POD_OPT_STRV(0, "label-file", "stringArray", &opt.label_file,
		     "Read in a line delimited file of labels"),
	POD_OPT_STRING(0, "mac-address", "string", &opt.mac,
		       "Pod MAC address (e.g. 92:d0:c6:0a:29:33)"),
	POD_OPT_STRING('m', "memory", "string", &opt.memory,
		       "Memory limit of the whole pod (format: <number>[<unit>])"),
	POD_OPT_STRING(0, "memory-swap", "string", &opt.memory_swap,
		       "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
	POD_OPT_STRING('n', "name", "string", &opt.name, "Assign a name to the pod"),
	POD_OPT_STRING(0, "pid", "string", &opt.pid_ns, "PID namespace to use"),
	POD_OPT_STRV(0, "pod-id-file", "string", &opt.pod_id_file,
		     "Write the pod ID to the file"),
	POD_OPT_STRV(0, "network", "string", &opt.network, "Connect a container to a network"),
	{ POD_OPT_T_STRV, 0, "net", "string", &opt.network, "Connect a container to a network",
	  NULL, POD_OPT_HIDDEN, NULL, NULL },
	POD_OPT_STRV(0, "network-alias", "strings", &opt.network_alias,
		     "Add network-scoped alias for the pod"),
	POD_OPT_BOOL(0, "no-hosts", &opt.no_hosts,
		     "Do not create /etc/hosts within the pod's containers, instead use the "
		     "version from the image"),
	POD_OPT_STRV('p', "publish", "strings", &opt.publish,
		     "Publish a container's port, or a range of ports, to the host (default [])"),
	POD_OPT_BOOL(0, "replace", &opt.replace,
		     "If a pod with the same name exists, replace it"),
	POD_OPT_STRV(0, "security-opt", "stringArray", &opt.security_opt, "Security Options"),
	POD_OPT_STRING(0, "share", "string", &opt.share,
		       "A comma delimited list of kernel namespaces the pod will share (default "
		       "\"ipc,net,uts\")"),
	POD_OPT_BOOL(0, "share-parent", &opt.share_parent,
		     "Set the pod's cgroup as the cgroup parent for all containers joining the "
		     "pod (default true)"),
	POD_OPT_STRV(0, "sysctl", "strings", &opt.sysctl, "Sysctl options"),
	POD_OPT_STRING(0, "uts", "string", &opt.uts_ns, "UTS namespace to use"),
	POD_OPT_STRV('v', "volume", "volume", &opt.volume,
		     "Bind mount a volume into every container of the pod"),
	USERNS_REFUSED_OPTS
	POD_OPT_END
};

static const struct pod_tool create_tool = {
	.name = "pod-pod create",
	.verb = "pod create",
	.summary = "Create a new empty pod",
	.description = "Creates an empty pod, or unit of multiple containers, and prepares it to "
		       "have containers added to it. Its infra container (the local "
		       "localhost/podman-pause image, built on first use) holds the namespaces "
		       "the pod shares; -p ports belong to the pod.",
	.usage = "[options] [NAME]",
	.examples = "podman pod create --name web -p 8080:80\n"
		    "podman pod create --share net,ipc,uts,pid mypod",
	.options = create_options,
	.max_args = 1,
	.run = create_run,
	.finish = finish,
};

/* ---- ps ---- */

static const char *const ps_filter_keys[] = { "id",	   "name",	"label",   "label!",
					       "status",   "ctr-names", "ctr-ids", "ctr-status",
					       "ctr-number", "network", "until",  NULL };

struct prow {
	struct pod_pod *p;
	struct pod_ctr **m;
	size_t n;
	json_t *rec;
};

static bool
ps_keep(struct prow *r, const struct pod_filters *f, int64_t now)
{
	for (size_t k = 0; k < f->n; k++) {
		const char *key = f->keys[k].key;
		char *const *vals = f->keys[k].values;
		bool any = false;
		if (STREQ(key, "label")) {
			if (!pod_filter_match_labels(json_object_get(r->p->settings, "Labels"), vals))
				return false;
			continue;
		}
		if (STREQ(key, "label!")) {
			if (!pod_filter_match_labels_negated(json_object_get(r->p->settings,
									     "Labels"), vals))
				return false;
			continue;
		}
		for (size_t i = 0; vals[i] && !any; i++) {
			const char *v = vals[i];
			if (STREQ(key, "id"))
				any = pod_str_has_prefix(r->p->id, v) ||
				      pod_filter_match_regex(r->p->id, v);
			else if (STREQ(key, "name"))
				any = pod_filter_match_regex(r->p->name, v);
			else if (STREQ(key, "status"))
				any = strcasecmp(pod_pod_state(r->m, r->n), v) == 0;
			else if (STREQ(key, "ctr-number")) {
				int64_t num;
				any = pod_parse_int64(v, &num) && (size_t) num == r->n;
			} else if (STREQ(key, "network")) {
				json_t *x;
				size_t j;
				json_array_foreach(json_object_get(r->rec, "Networks"), j, x)
					any |= STREQ(json_string_value(x), v);
			} else if (STREQ(key, "until")) {
				int64_t t;
				struct pod_err *e = NULL;
				any = pod_parse_timestamp(v, now, &t, &e) == 0 && r->p->created_ns < t;
				pod_err_free(&e);
			} else {
				for (size_t j = 0; j < r->n && !any; j++) {
					if (STREQ(key, "ctr-names"))
						any = pod_filter_match_regex(r->m[j]->name, v);
					else if (STREQ(key, "ctr-ids"))
						any = pod_str_has_prefix(r->m[j]->id, v);
					else if (STREQ(key, "ctr-status"))
						any = STREQ(pod_ctr_state_name(r->m[j]->state), v);
				}
			}
		}
		if (!any)
			return false;
	}
	return true;
}

static const char *ps_sort_by;

static int
ps_cmp(const void *a, const void *b)
{
	const struct prow *x = a, *y = b;

	if (STREQ(ps_sort_by, "id"))
		return strcmp(x->p->id, y->p->id);
	if (STREQ(ps_sort_by, "name"))
		return strcmp(x->p->name, y->p->name);
	if (STREQ(ps_sort_by, "number"))
		return (x->n > y->n) - (x->n < y->n);
	if (STREQ(ps_sort_by, "status"))
		return strcmp(pod_pod_state(x->m, x->n), pod_pod_state(y->m, y->n));
	return (y->p->created_ns > x->p->created_ns) - (y->p->created_ns < x->p->created_ns);
}

static char *
join_members(const struct prow *r, int what)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char *out;

	for (size_t i = 0; i < r->n; i++) {
		char s[POD_ID_SHORT_LEN + 1];
		if (i)
			pod_strbuf_addch(&sb, ',');
		if (what == 0) {
			pod_id_short(r->m[i]->id, s);
			pod_strbuf_adds(&sb, opt.no_trunc ? r->m[i]->id : s);
		} else if (what == 1) {
			pod_strbuf_adds(&sb, r->m[i]->name);
		} else {
			pod_strbuf_adds(&sb, pod_ctr_state_name(r->m[i]->state));
		}
	}
	out = xstrdup(sb.buf ? sb.buf : "");
	pod_strbuf_release(&sb);
	return out;
}

static json_t *
ps_view(const struct prow *r, int64_t now)
{
	json_t *v = json_deep_copy(r->rec);
	char sid[POD_ID_SHORT_LEN + 1], iid[POD_ID_SHORT_LEN + 1] = "";
	cleanup_free char *ago = pod_human_ago(r->p->created_ns, now);
	cleanup_free char *ids = join_members(r, 0), *names = join_members(r, 1);
	cleanup_free char *sts = join_members(r, 2);
	struct pod_strbuf nb = POD_STRBUF_INIT;
	json_t *x;
	size_t i;

	pod_id_short(r->p->id, sid);
	if (r->p->infra_id)
		pod_id_short(r->p->infra_id, iid);
	json_object_set_new(v, "ID", json_string(opt.no_trunc ? r->p->id : sid));
	json_object_set_new(v, "InfraID", json_string(opt.no_trunc && r->p->infra_id ?
							      r->p->infra_id : iid));
	json_object_set_new(v, "Created", json_string(ago));
	json_object_set_new(v, "NumberOfContainers", json_integer((json_int_t) r->n));
	json_object_set_new(v, "ContainerIds", json_string(ids));
	json_object_set_new(v, "ContainerNames", json_string(names));
	json_object_set_new(v, "ContainerStatuses", json_string(sts));
	json_array_foreach(json_object_get(r->rec, "Networks"), i, x) {
		if (i)
			pod_strbuf_addch(&nb, ',');
		pod_strbuf_adds(&nb, json_string_value(x));
	}
	json_object_set_new(v, "Networks", json_string(nb.buf ? nb.buf : ""));
	pod_strbuf_release(&nb);
	return v;
}

static int
ps_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_(pod_filters_release) struct pod_filters f = POD_FILTERS_INIT;
	cleanup_json json_t *records = json_array();
	struct pod_pod **pods = NULL;
	struct prow *rows = NULL;
	size_t n = 0, nrows = 0;
	int64_t now = pod_now_ns();
	int rc = -1;

	for (size_t i = 0; opt.filter && opt.filter[i]; i++)
		if (pod_filters_add(&f, opt.filter[i], ps_filter_keys, err) < 0)
			return -1;
	if (opt.quiet && opt.format && *opt.format)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "quiet and format cannot be used together");
	if (opt.sort && !STREQ(opt.sort, "created") && !STREQ(opt.sort, "id") &&
	    !STREQ(opt.sort, "name") && !STREQ(opt.sort, "number") && !STREQ(opt.sort, "status"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid option for --sort, options are: "
				   "created, id, name, number, or status");
	if (open_engine(ctx, false, err) < 0 || pod_pod_list(engine, &pods, &n, err) < 0)
		return -1;
	rows = xcalloc(n + 1, sizeof(*rows));
	for (size_t i = 0; i < n; i++) {
		struct prow *r = &rows[nrows];
		r->p = pods[i];
		if (pod_pod_members_brief(engine, pods[i], &r->m, &r->n, err) < 0)
			goto out;
		r->rec = pod_pod_ps_json(engine, r->p, r->m, r->n);
		nrows++;
		if (!ps_keep(r, &f, now)) {
			json_decref(r->rec);
			pod_ctr_list_free(r->m, r->n);
			memset(r, 0, sizeof(*r));
			nrows--;
		}
	}
	ps_sort_by = "created";
	qsort(rows, nrows, sizeof(*rows), ps_cmp);
	if (opt.latest && nrows > 1)
		nrows = 1;
	if (opt.sort) {
		ps_sort_by = opt.sort;
		qsort(rows, nrows, sizeof(*rows), ps_cmp);
	}
	if (opt.quiet) {
		for (size_t i = 0; i < nrows; i++) {
			char s[POD_ID_SHORT_LEN + 1];
			pod_id_short(rows[i].p->id, s);
			if (pod_print_line(opt.no_trunc ? rows[i].p->id : s, err) < 0)
				goto out;
		}
		rc = 0;
		goto out;
	}
	if (!ctx->g.dispatched && !(opt.format && *opt.format)) {
		for (size_t i = 0; i < nrows; i++) {
			json_object_set_new(rows[i].rec, "Type", json_string("pod"));
			if (pod_json_print_line(stdout, rows[i].rec, err) < 0)
				goto out;
		}
		rc = 0;
		goto out;
	}
	if (opt.format && pod_format_is_json(opt.format)) {
		for (size_t i = 0; i < nrows; i++)
			json_array_append(records, rows[i].rec);
		rc = print_json_indent(records, 2, err);
		goto out;
	}
	{
		cleanup_json json_t *headers = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID",
			"POD ID", "Name", "NAME", "Status", "STATUS", "Created", "CREATED",
			"InfraID", "INFRA ID", "NumberOfContainers", "# OF CONTAINERS",
			"ContainerIds", "IDS", "ContainerNames", "NAMES", "ContainerStatuses",
			"STATUS", "Networks", "NETWORKS", "Labels", "LABELS", "Cgroup", "CGROUP");
		struct pod_strbuf fmt = POD_STRBUF_INIT;
		for (size_t i = 0; i < nrows; i++)
			json_array_append_new(records, ps_view(&rows[i], now));
		if (opt.format && *opt.format) {
			pod_strbuf_adds(&fmt, opt.format);
		} else {
			pod_strbuf_adds(&fmt, "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t"
					      "{{.InfraID}}");
			if (opt.ctr_ids)
				pod_strbuf_adds(&fmt, "\t{{.ContainerIds}}");
			if (opt.ctr_names)
				pod_strbuf_adds(&fmt, "\t{{.ContainerNames}}");
			if (opt.ctr_status)
				pod_strbuf_adds(&fmt, "\t{{.ContainerStatuses}}");
			if (!opt.ctr_ids && !opt.ctr_names && !opt.ctr_status)
				pod_strbuf_adds(&fmt, "\t{{.NumberOfContainers}}");
		}
		rc = pod_format_records("pod ps", fmt.buf, records, headers, opt.noheading, stdout,
					err);
		pod_strbuf_release(&fmt);
	}
out:
	for (size_t i = 0; i < nrows; i++) {
		json_decref(rows[i].rec);
		pod_ctr_list_free(rows[i].m, rows[i].n);
	}
	free(rows);
	pod_pod_list_free(pods, n);
	return rc;
}

static const struct pod_opt ps_options[] = {
	POD_OPT_BOOL(0, "ctr-ids", &opt.ctr_ids, "Display the container UUIDs. If no-trunc is "
		     "not set they will be truncated"),
	POD_OPT_BOOL(0, "ctr-names", &opt.ctr_names, "Display the container names"),
	POD_OPT_BOOL(0, "ctr-status", &opt.ctr_status, "Display the container status"),
	POD_OPT_STRV('f', "filter", "stringArray", &opt.filter,
		     "Filter output based on conditions given"),
	POD_OPT_STRING(0, "format", "string", &opt.format,
		       "Pretty-print pods to JSON or using a Go template"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	POD_OPT_BOOL(0, "no-trunc", &opt.no_trunc, "Do not truncate pod and container IDs"),
	POD_OPT_BOOL(0, "noheading", &opt.noheading, "Do not print headers"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Print the numeric IDs of the pods only"),
	POD_OPT_STRING(0, "sort", "choice", &opt.sort,
		       "Sort output by created, id, name, or number"),
	POD_OPT_END
};

static const struct pod_tool ps_tool = {
	.name = "pod-pod ps",
	.verb = "pod ps",
	.summary = "List pods",
	.description = "Lists the pods with their state (derived from their containers), infra "
		       "container and number of containers. Run as pod-pod ps it prints one "
		       "JSON record per pod (Podman's `pod ps --format json` keys plus Type).",
	.usage = "[options]",
	.examples = "podman pod ps\npodman pod ps --ctr-names --ctr-status\n"
		    "podman pod ps --filter status=running -q",
	.options = ps_options,
	.flags = POD_TOOL_NO_ARGS,
	.run = ps_run,
	.finish = finish,
};

/* the newest pod (pod_pod_list's first); none is an error "no pods to WHAT" */
static int
latest_pod(const char *what, struct pod_pod **ret, struct pod_err **err)
{
	struct pod_pod **v = NULL;
	size_t n = 0;

	if (pod_pod_list(engine, &v, &n, err) < 0)
		return -1;
	*ret = n ? TAKE_PTR(v[0]) : NULL;
	pod_pod_list_free(v, n);
	if (!*ret)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "no pods to %s", what);
	return 0;
}

/* ---- inspect ---- */

static int
inspect_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *arr = json_array();
	int rc = 0;

	if (!ctx->args[0] && !opt.latest)
		return pod_err_set(err, POD_E_INVALID, 0, "you must provide pod name or id");
	if (open_engine(ctx, false, err) < 0)
		return -1;
	if (opt.latest) {
		cleanup_pod struct pod_pod *p = NULL;
		if (latest_pod("inspect", &p, err) < 0)
			return -1;
		pod_strv_free(ctx->args);
		ctx->args = pod_strv_push(NULL, xstrdup(p->id));
	}
	for (size_t i = 0; ctx->args[i]; i++) {
		cleanup_pod struct pod_pod *p = NULL;
		struct pod_ctr **m = NULL;
		size_t n = 0;
		struct pod_err *e2 = NULL;
		if (pod_pod_lookup(engine, ctx->args[i], &p, &e2) < 0) {
			if (e2->kind == POD_E_NOTFOUND) {
				pod_err_free(&e2);
				pod_err_set(&e2, POD_E_NOTFOUND, 0, "inspecting object: no such pod %s",
					    ctx->args[i]);
			}
			pod_err_print(e2);
			pod_err_free(&e2);
			rc = 125;
			continue;
		}
		if (pod_pod_members(engine, p, &m, &n, err) < 0)
			return -1;
		json_array_append_new(arr, pod_pod_inspect_json(engine, p, m, n));
		pod_ctr_list_free(m, n);
	}
	if (!ctx->g.dispatched && !(opt.format && *opt.format)) {
		json_t *x;
		size_t i;
		json_array_foreach(arr, i, x) {
			json_object_set_new(x, "Type", json_string("pod"));
			if (pod_json_print_line(stdout, x, err) < 0)
				return -1;
		}
	} else if (opt.format && *opt.format && !pod_format_is_json(opt.format)) {
		if (pod_format_records("pod inspect", opt.format, arr, NULL, true, stdout, err) < 0)
			return -1;
	} else {
		/* Podman 4.3 prints a single pod as an object, indented by 5 */
		json_t *one = json_array_size(arr) == 1 && !ctx->args[1] ? json_array_get(arr, 0) :
									    arr;
		if (print_json_indent(one, 5, err) < 0)
			return -1;
	}
	ctx->status = rc;
	return 0;
}

static const struct pod_opt inspect_options[] = {
	POD_OPT_STRING('f', "format", "string", &opt.format,
		       "Format the output to a Go template or json"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	POD_OPT_END
};

static const struct pod_tool inspect_tool = {
	.name = "pod-pod inspect",
	.verb = "pod inspect",
	.summary = "Displays a pod configuration",
	.description = "Displays the configuration of pods: Podman's `pod inspect` object (one "
		       "JSON record per pod when run as pod-pod inspect).",
	.usage = "[options] POD [POD...]",
	.examples = "podman pod inspect podID\npodman pod inspect --format '{{.State}}' web",
	.options = inspect_options,
	.max_args = -1,
	.run = inspect_run,
	.finish = finish,
};

/* ---- start, stop, restart, kill, pause, unpause, rm ---- */

enum act { A_START, A_STOP, A_RESTART, A_KILL, A_PAUSE, A_UNPAUSE, A_RM };

static int
act_on(struct pod_ctx *ctx, struct pod_pod *p, enum act a, struct pod_err **err)
{
	int64_t t = opt.time_set ? opt.time : -1;
	int sig = SIGKILL;

	switch (a) {
	case A_START:
		if (pod_pod_start(engine, p, err) < 0)
			return -1;
		break;
	case A_STOP:
		if (pod_pod_stop(engine, p, t, err) < 0)
			return -1;
		break;
	case A_RESTART:
		if (pod_pod_stop(engine, p, t, err) < 0 || pod_pod_start(engine, p, err) < 0)
			return -1;
		break;
	case A_KILL:
		if (pod_oci_parse_signal(opt.signal, &sig, err) < 0 ||
		    pod_pod_kill(engine, p, sig, err) < 0)
			return -1;
		break;
	case A_PAUSE:
	case A_UNPAUSE:
		if (pod_pod_pause(engine, p, a == A_PAUSE, err) < 0)
			return -1;
		break;
	case A_RM:
		if (pod_pod_remove(engine, p, opt.force, t, err) < 0)
			return -1;
		break;
	}
	return print_pod(ctx, p, err);
}

static int
act_target(struct pod_ctx *ctx, const char *target, enum act a, struct pod_err **err)
{
	cleanup_pod struct pod_pod *p = NULL;

	if (pod_pod_lookup(engine, target, &p, err) < 0) {
		if ((opt.ignore || (a == A_RM && opt.force)) && (*err)->kind == POD_E_NOTFOUND) {
			pod_err_free(err);
			return 0;
		}
		return -1;
	}
	return act_on(ctx, p, a, err);
}

static int
act_setup(struct pod_ctx *ctx, enum act a, struct pod_err **err)
{
	if (opt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "--all and pods cannot be used together");
	if (opt.latest && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--latest and pods cannot be used together");
	if (open_engine(ctx, false, err) < 0)
		return -1;
	for (size_t i = 0; opt.pod_id_file && opt.pod_id_file[i]; i++) {
		cleanup_free char *id = NULL;
		struct pod_err *e2 = NULL;
		if (pod_read_file(opt.pod_id_file[i], &id, NULL, 4096, &e2) == 0) {
			id[strcspn(id, "\n")] = '\0';
			if (act_target(ctx, id, a, &e2) == 0)
				continue;
		} else if (opt.ignore) {
			pod_err_free(&e2);
			continue;
		}
		ctx->status = pod_tool_exit_code(ctx->tool, e2);
		pod_err_print(e2);
		pod_err_free(&e2);
	}
	if (opt.all || opt.latest) {
		struct pod_pod **v = NULL;
		size_t n = 0;
		if (pod_pod_list(engine, &v, &n, err) < 0)
			return -1;
		if (opt.latest && n > 1)
			n = 1;
		for (size_t i = 0; i < n; i++) {
			struct pod_err *e2 = NULL;
			if (act_on(ctx, v[i], a, &e2) < 0) {
				ctx->status = pod_tool_exit_code(ctx->tool, e2);
				pod_err_print(e2);
				pod_err_free(&e2);
			}
		}
		pod_pod_list_free(v, n);
	}
	return 0;
}

#define ACT_FNS(lower, A)                                                                      \
	static int lower##_setup(struct pod_ctx *ctx, struct pod_err **err)                    \
	{                                                                                      \
		return act_setup(ctx, A, err);                                                 \
	}                                                                                      \
	static int lower##_each(struct pod_ctx *ctx, const char *t, struct pod_err **err)      \
	{                                                                                      \
		return act_target(ctx, t, A, err);                                             \
	}
ACT_FNS(start, A_START)
ACT_FNS(stop, A_STOP)
ACT_FNS(restart, A_RESTART)
ACT_FNS(kill, A_KILL)
ACT_FNS(pause, A_PAUSE)
ACT_FNS(unpause, A_UNPAUSE)
ACT_FNS(rm, A_RM)

static const struct pod_opt start_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Start all pods"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	POD_OPT_STRV(0, "pod-id-file", "stringArray", &opt.pod_id_file,
		     "Read the pod ID from the file"),
	POD_OPT_END
};

static const struct pod_opt stop_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Stop all running pods"),
	POD_OPT_BOOL('i', "ignore", &opt.ignore,
		     "Ignore errors when a specified pod is missing"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	{ POD_OPT_T_INT, 't', "time", "int", &opt.time,
	  "Seconds to wait for pod stop before killing the container", NULL, 0, NULL,
	  &opt.time_set },
	POD_OPT_STRV(0, "pod-id-file", "stringArray", &opt.pod_id_file,
		     "Read the pod ID from the file"),
	POD_OPT_END
};

static const struct pod_opt kill_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Kill all containers in all pods"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	POD_OPT_STRING('s', "signal", "string", &opt.signal,
		       "Signal to send to the containers in the pod"),
	POD_OPT_END
};

static const struct pod_opt pause_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Pause all running pods"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	POD_OPT_END
};

static const struct pod_opt rm_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Remove all running pods"),
	POD_OPT_BOOL('f', "force", &opt.force,
		     "Force removal of a running pod by first stopping all containers, then "
		     "removing all containers in the pod.  The default is false"),
	POD_OPT_BOOL('i', "ignore", &opt.ignore,
		     "Ignore errors when a specified pod is missing"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	{ POD_OPT_T_INT, 't', "time", "int", &opt.time,
	  "Seconds to wait for pod stop before killing the container", NULL, 0, NULL,
	  &opt.time_set },
	POD_OPT_STRV(0, "pod-id-file", "stringArray", &opt.pod_id_file,
		     "Read the pod ID from the file"),
	POD_OPT_END
};

#define ACT_TOOL(lower, verbname, sum, desc, opts, nf)                                         \
	static const struct pod_tool lower##_tool = {                                         \
		.name = "pod-pod " verbname,                                                   \
		.verb = "pod " verbname,                                                       \
		.summary = sum,                                                                \
		.description = desc,                                                           \
		.usage = "[options] POD [POD...]",                                             \
		.examples = "podman pod " verbname " mypod",                                   \
		.options = opts,                                                               \
		.flags = POD_TOOL_TARGETS,                                                     \
		.target_type = "pod",                                                          \
		.setup = lower##_setup,                                                        \
		.each_target = lower##_each,                                                   \
		.finish = finish,                                                              \
		.exit_code = { [POD_E_NOTFOUND] = nf },                                        \
	}
ACT_TOOL(start, "start", "Start one or more pods",
	 "Starts the infra container of each pod, then its other containers.", start_options,
	 125);
ACT_TOOL(stop, "stop", "Stop one or more pods",
	 "Stops the containers of each pod, newest first, the infra container last.",
	 stop_options, 125);
ACT_TOOL(restart, "restart", "Restart one or more pods",
	 "Stops, then starts, every container of each pod.", stop_options, 125);
ACT_TOOL(kill, "kill", "Send the specified signal or SIGKILL to containers in pod",
	 "Signals every running container of each pod (SIGKILL unless --signal).", kill_options,
	 125);
ACT_TOOL(pause, "pause", "Pause one or more pods",
	 "Freezes every running container of each pod (its cgroup).", pause_options, 125);
ACT_TOOL(unpause, "unpause", "Unpause one or more pods",
	 "Thaws every paused container of each pod.", pause_options, 125);
ACT_TOOL(rm, "rm", "Remove one or more stopped pods and containers",
	 "Removes pods with their containers (running ones only with --force, stopped "
	 "first), the infra container last, and the pod's cgroup.", rm_options, 1);

/* ---- top ---- */

static int
top_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_pod struct pod_pod *p = NULL;
	cleanup_json json_t *header = NULL, *all = json_array();
	struct pod_ctr **m = NULL;
	size_t n = 0, running = 0;
	char *const *descs;
	int rc = 0;

	if (!ctx->args[0] && !opt.latest)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "you must provide the name or id of a running pod");
	if (open_engine(ctx, false, err) < 0)
		return -1;
	if (opt.latest) {
		if (latest_pod("show the processes of", &p, err) < 0)
			return -1;
		descs = ctx->args;
	} else {
		if (pod_pod_lookup(engine, ctx->args[0], &p, err) < 0)
			return -1;
		descs = ctx->args + 1;
	}
	if (descs[0] && !pod_ctr_top_descriptors_valid(descs))
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported format descriptors for a "
				   "pod: %s", descs[0]);
	if (pod_pod_members(engine, p, &m, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		cleanup_json json_t *h = NULL, *rows = NULL;
		if (m[i]->state != POD_CTR_RUNNING && m[i]->state != POD_CTR_PAUSED)
			continue;
		running++;
		if (pod_ctr_top(engine, m[i], descs, &h, &rows, err) < 0) {
			rc = -1;
			break;
		}
		if (!header)
			header = json_incref(h);
		json_array_extend(all, rows);
	}
	pod_ctr_list_free(m, n);
	if (rc < 0)
		return -1;
	if (!running)
		return pod_err_set(err, POD_E_STATE, 0, "pod top can only be used on pods with at "
				   "least one running container");
	if (ctx->g.dispatched) {
		cleanup_(pod_table_freep) struct pod_table *t = pod_table_new();
		struct pod_strbuf line = POD_STRBUF_INIT;
		json_t *row, *cell;
		size_t i, j;
		json_array_foreach(header, j, cell)
			pod_strbuf_addf(&line, "%s%s", j ? "\t" : "", json_string_value(cell));
		pod_strbuf_adds(&line, "\n");
		json_array_foreach(all, i, row) {
			json_array_foreach(row, j, cell)
				pod_strbuf_addf(&line, "%s%s", j ? "\t" : "", json_string_value(cell));
			pod_strbuf_adds(&line, "\n");
		}
		pod_table_add_text(t, line.buf);
		pod_strbuf_release(&line);
		return pod_table_flush(t, stdout, err);
	}
	{
		json_t *row, *cell;
		size_t i, j;
		json_array_foreach(all, i, row) {
			cleanup_json json_t *rec = json_pack("{s:s}", "Type", "process");
			json_array_foreach(row, j, cell)
				json_object_set(rec, json_string_value(json_array_get(header, j)),
						cell);
			if (pod_json_print_line(stdout, rec, err) < 0)
				return -1;
		}
	}
	return 0;
}

static const struct pod_opt top_options[] = {
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	POD_OPT_END
};

static const struct pod_tool top_tool = {
	.name = "pod-pod top",
	.verb = "pod top",
	.summary = "Display the running processes of containers in a pod",
	.description = "Displays the processes of every running container of the pod, the "
		       "infra container's included, with `podman top`'s format descriptors. "
		       "Run as pod-pod top it prints one JSON record per process.",
	.usage = "[options] POD [FORMAT-DESCRIPTORS...]",
	.examples = "podman pod top mypod\npodman pod top mypod pid args",
	.options = top_options,
	.flags = POD_TOOL_STOP_AT_ARG,
	.max_args = -1,
	.run = top_run,
	.finish = finish,
};

/* ---- stats ---- */

static bool stats_no_stream, stats_no_reset;

/* Podman's pod stats: a pair of zeroes (no I/O yet, no network) is "-- / --" */
static char *
io_pair(uint64_t a, uint64_t b)
{
	cleanup_free char *x = NULL, *y = NULL;

	if (a == 0 && b == 0)
		return xstrdup("-- / --");
	x = pod_human_size_prec((int64_t) a, 4, false);
	y = pod_human_size_prec((int64_t) b, 4, false);
	return xasprintf("%s / %s", x, y);
}

/* go-units BytesSize: "240KiB", "23.54GiB" */
static char *
binary_size(uint64_t v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double d = (double) v;
	size_t i = 0;

	while (d >= 1024 && i + 1 < ARRAY_SIZE(units)) {
		d /= 1024;
		i++;
	}
	return xasprintf("%.4g%s", d, units[i]);
}

static json_t *
stats_row(const struct pod_pod *p, const struct pod_ctr *c, const struct pod_ctr_stats *st)
{
	char pid[POD_ID_SHORT_LEN + 1], cid[POD_ID_SHORT_LEN + 1];
	json_t *o = json_object();

	pod_id_short(p->id, pid);
	pod_id_short(c->id, cid);
	if (!st->running) {
		static const char *const dash[][2] = {
			{ "CPU", "--" },	 { "MemUsage", "-- / --" }, { "MemUsageBytes", "-- / --" },
			{ "Mem", "--" },	 { "NetIO", "-- / --" },    { "BlockIO", "-- / --" },
			{ "PIDS", "--" },
		};
		for (size_t i = 0; i < ARRAY_SIZE(dash); i++)
			json_object_set_new(o, dash[i][0], json_string(dash[i][1]));
	} else {
		int64_t up = st->at_ns - st->started_ns;
		double cpu = up > 0 ? (double) st->cpu_ns / (double) up * 100.0 : 0;
		double mem = st->mem_limit ? (double) st->mem_usage / (double) st->mem_limit * 100 :
					     0;
		cleanup_free char *mu = io_pair(st->mem_usage, st->mem_limit);
		cleanup_free char *bu = binary_size(st->mem_usage), *bl = binary_size(st->mem_limit);
		cleanup_free char *mb = xasprintf("%s / %s", bu, bl);
		cleanup_free char *net = io_pair(st->net_rx, st->net_tx);
		cleanup_free char *blk = io_pair(st->block_read, st->block_write);
		cleanup_free char *cs = xasprintf("%.2f%%", cpu);
		cleanup_free char *ms = xasprintf("%.2f%%", mem);
		cleanup_free char *ps = xasprintf("%" PRIu64, st->pids);
		json_object_set_new(o, "CPU", json_string(cs));
		json_object_set_new(o, "MemUsage", json_string(mu));
		json_object_set_new(o, "MemUsageBytes", json_string(mb));
		json_object_set_new(o, "Mem", json_string(ms));
		json_object_set_new(o, "NetIO", json_string(net));
		json_object_set_new(o, "BlockIO", json_string(blk));
		json_object_set_new(o, "PIDS", json_string(ps));
	}
	json_object_set_new(o, "Pod", json_string(pid));
	json_object_set_new(o, "CID", json_string(cid));
	json_object_set_new(o, "Name", json_string(c->name));
	return o;
}

static int
stats_once(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *rows = json_array();
	struct pod_pod **v = NULL;
	size_t n = 0;
	int rc = 0;

	if (ctx->args[0]) {
		v = xcalloc(pod_strv_len(ctx->args) + 1, sizeof(*v));
		for (size_t i = 0; ctx->args[i]; i++, n++)
			if (pod_pod_lookup(engine, ctx->args[i], &v[n], err) < 0) {
				pod_pod_list_free(v, n);
				return -1;
			}
	} else if (pod_pod_list(engine, &v, &n, err) < 0) {
		return -1;
	}
	if (opt.latest && n > 1) {
		for (size_t i = 1; i < n; i++)
			v[i] = pod_pod_free(v[i]);
		n = 1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct pod_ctr **m = NULL;
		size_t nm = 0;
		if (pod_pod_members(engine, v[i], &m, &nm, err) < 0) {
			rc = -1;
			break;
		}
		for (size_t k = 0; k < nm && rc == 0; k++) {
			struct pod_ctr_stats st = { 0 };
			if ((m[k]->state == POD_CTR_RUNNING || m[k]->state == POD_CTR_PAUSED) &&
			    pod_ctr_stats(engine, m[k], &st, err) < 0)
				rc = -1;
			else
				json_array_append_new(rows, stats_row(v[i], m[k], &st));
		}
		pod_ctr_list_free(m, nm);
	}
	pod_pod_list_free(v, n);
	if (rc < 0)
		return -1;
	if (!ctx->g.dispatched && !(opt.format && *opt.format)) {
		json_t *x;
		size_t i;
		json_array_foreach(rows, i, x) {
			json_object_set_new(x, "Type", json_string("podstats"));
			if (pod_json_print_line(stdout, x, err) < 0)
				return -1;
		}
		return 0;
	}
	if (opt.format && pod_format_is_json(opt.format))
		return print_json_indent(rows, 5, err);
	{
		cleanup_json json_t *headers = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Pod", "POD", "CID", "CID",
			"Name", "NAME", "CPU", "CPU %", "MemUsage", "MEM USAGE/ LIMIT", "Mem", "MEM %",
			"NetIO", "NET IO", "BlockIO", "BLOCK IO", "PIDS", "PIDS");
		const char *fmt = opt.format && *opt.format ? opt.format :
				  "table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t"
				  "{{.Mem}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}";
		/* Podman's pod stats heads a template of the user's own too */
		if (!pod_str_has_prefix(fmt, "table") && json_array_size(rows)) {
			cleanup_json json_t *h = json_pack("[O]", headers);
			if (pod_format_records("pod stats", fmt, h, NULL, true, stdout, err) < 0)
				return -1;
		}
		return pod_format_records("pod stats", fmt, rows, headers, opt.noheading, stdout,
					  err);
	}
}

static int
stats_run(struct pod_ctx *ctx, struct pod_err **err)
{
	if (opt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "--all, --latest and arguments cannot be "
				   "used together");
	if (open_engine(ctx, false, err) < 0)
		return -1;
	for (;;) {
		if (!stats_no_stream && !stats_no_reset && ctx->g.dispatched &&
		    isatty(STDOUT_FILENO))
			fputs("\033[2J\033[H", stdout);
		if (stats_once(ctx, err) < 0)
			return -1;
		if (stats_no_stream)
			return 0;
		if (fflush(stdout) == EOF)
			return pod_err_sys(err, "write /dev/stdout");
		sleep(1);
	}
}

static const struct pod_opt stats_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Provide stats for all pods"),
	POD_OPT_STRING(0, "format", "string", &opt.format,
		       "Pretty-print container statistics to JSON or using a Go template"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	POD_OPT_BOOL(0, "no-reset", &stats_no_reset,
		     "Disable resetting the screen when streaming"),
	POD_OPT_BOOL(0, "no-stream", &stats_no_stream,
		     "Disable streaming stats and only pull the first result"),
	POD_OPT_END
};

static const struct pod_tool stats_tool = {
	.name = "pod-pod stats",
	.verb = "pod stats",
	.summary = "Display a live stream of resource usage statistics for the containers in "
		   "one or more pods",
	.description = "Displays CPU (since each container started), memory, network and block "
		       "I/O and PIDs of every container of the pods (all pods when none is "
		       "named), once with --no-stream, else every second.",
	.usage = "[options] [POD...]",
	.examples = "podman pod stats --no-stream mypod\npodman pod stats -a --no-stream "
		    "--format json",
	.options = stats_options,
	.max_args = -1,
	.run = stats_run,
	.finish = finish,
};

/* ---- clone ---- */

static bool clone_destroy, clone_start;

static int
clone_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_pod struct pod_pod *p = NULL, *np = NULL;
	cleanup_json json_t *ov = json_object();

	if (opt.name)
		json_object_set_new(ov, "Name", pod_json_string(opt.name));
	else if (ctx->args[1])
		json_object_set_new(ov, "Name", pod_json_string(ctx->args[1]));
	if (opt.hostname)
		json_object_set_new(ov, "Hostname", pod_json_string(opt.hostname));
	if (opt.infra_name)
		json_object_set_new(ov, "InfraName", pod_json_string(opt.infra_name));
	if (opt.cgroup_parent)
		json_object_set_new(ov, "CgroupParent", pod_json_string(opt.cgroup_parent));
	if (opt.label || opt.label_file) {
		cleanup_json json_t *tmp = json_object();
		if (pod_ctr_labels_setting(tmp, opt.label_file, opt.label, err) < 0)
			return -1;
		json_object_set(ov, "Labels", json_object_get(tmp, "Labels"));
	}
	if (opt.memory) {
		int64_t mem;
		if (pod_parse_size(opt.memory, &mem, err) < 0)
			return -1;
		json_object_set_new(ov, "Memory", json_integer(mem));
	}
	if (opt.cpus) {
		char *end;
		double c = strtod(opt.cpus, &end);
		if (*end || c < 0 || !isfinite(c))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid argument \"%s\" for "
					   "\"--cpus\" flag: strconv.ParseFloat: parsing \"%s\": "
					   "invalid syntax", opt.cpus, opt.cpus);
		json_object_set_new(ov, "CpuPeriod", json_integer(100000));
		json_object_set_new(ov, "CpuQuota", json_integer((json_int_t) (c * 100000)));
	}
	if (opt.volume) {
		json_t *vols = pod_ctr_volumes_setting(opt.volume, err);
		if (!vols)
			return -1;
		json_object_set_new(ov, "Volumes", vols);
	}
	if (resource_settings(ov, err) < 0 || security_settings(ov, err) < 0)
		return -1;
	{
		struct pod_ctr_ns_flags nsf = { .pid = opt.pid_ns, .uts = opt.uts_ns };
		if (pod_ctr_ns_settings(&nsf, ov, err) < 0)
			return -1;
	}
	if (open_engine(ctx, false, err) < 0 || pod_pod_lookup(engine, ctx->args[0], &p, err) < 0)
		return -1;
	if (pod_pod_clone(engine, p, ov, &np, err) < 0)
		return -1;
	if (clone_destroy && pod_pod_remove(engine, p, true, -1, err) < 0)
		return -1;
	if (clone_start && pod_pod_start(engine, np, err) < 0)
		return -1;
	return print_pod(ctx, np, err);
}

static const struct pod_opt clone_options[] = {
	POD_OPT_STRING(0, "blkio-weight", "string", &opt.blkio_weight,
		       "Block IO weight (relative weight) accepts a weight value between 10 and "
		       "1000."),
	POD_OPT_STRING(0, "cgroup-parent", "string", &opt.cgroup_parent,
		       "Optional parent cgroup for the pod"),
	{ POD_OPT_T_UINT, 'c', "cpu-shares", "uint", &opt.cpu_shares,
	  "CPU shares (relative weight)", NULL, 0, NULL, &opt.cpu_shares_set },
	POD_OPT_STRING(0, "cpus", "float", &opt.cpus, "Number of CPUs the pod may use"),
	POD_OPT_STRING(0, "cpuset-cpus", "string", &opt.cpuset_cpus,
		       "CPUs in which to allow execution (0-3, 0,1)"),
	POD_OPT_STRING(0, "cpuset-mems", "string", &opt.cpuset_mems,
		       "Memory nodes (MEMs) in which to allow execution (0-3, 0,1). Only "
		       "effective on NUMA systems."),
	POD_OPT_BOOL(0, "destroy", &clone_destroy, "destroy the original pod"),
	POD_OPT_STRV(0, "device", "strings", &opt.device, "Add a host device to the pod"),
	POD_OPT_STRV(0, "device-read-bps", "strings", &opt.read_bps,
		     "Limit read rate (bytes per second) from a device (e.g. "
		     "--device-read-bps=/dev/sda:1mb)"),
	POD_OPT_STRV(0, "device-write-bps", "strings", &opt.write_bps,
		     "Limit write rate (bytes per second) to a device (e.g. "
		     "--device-write-bps=/dev/sda:1mb)"),
	POD_OPT_STRING('h', "hostname", "string", &opt.hostname, "Set a hostname to the pod"),
	POD_OPT_STRING(0, "infra-name", "string", &opt.infra_name,
		       "The name used as infra container name"),
	POD_OPT_STRV('l', "label", "stringArray", &opt.label, "Set metadata on pod"),
	POD_OPT_STRV(0, "label-file", "stringArray", &opt.label_file,
		     "Read in a line delimited file of labels"),
	POD_OPT_STRING('m', "memory", "string", &opt.memory,
		       "Memory limit of the whole pod (format: <number>[<unit>])"),
	POD_OPT_STRING(0, "memory-swap", "string", &opt.memory_swap,
		       "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
	POD_OPT_STRING('n', "name", "string", &opt.name, "name the new pod"),
	POD_OPT_STRING(0, "pid", "string", &opt.pid_ns, "PID namespace to use"),
	POD_OPT_STRV(0, "security-opt", "stringArray", &opt.security_opt, "Security Options"),
	POD_OPT_BOOL(0, "start", &clone_start, "start the new pod"),
	POD_OPT_STRV(0, "sysctl", "strings", &opt.sysctl, "Sysctl options"),
	POD_OPT_STRING(0, "uts", "string", &opt.uts_ns, "UTS namespace to use"),
	POD_OPT_STRV('v', "volume", "volume", &opt.volume,
		     "Bind mount a volume into every container of the pod"),
	USERNS_REFUSED_OPTS
	POD_OPT_END
};

static const struct pod_tool clone_tool = {
	.name = "pod-pod clone",
	.verb = "pod clone",
	.summary = "Clone an existing pod",
	.description = "Creates a copy of a pod (NAME-clone unless --name) with its containers "
		       "(each NAME-clone), optionally with new settings; --destroy removes the "
		       "original, --start starts the copy.",
	.usage = "[options] POD [NAME]",
	.examples = "podman pod clone web\npodman pod clone --name web2 --destroy --start web",
	.options = clone_options,
	.min_args = 1,
	.max_args = 2,
	.run = clone_run,
	.finish = finish,
};

/* ---- logs ---- */

static int
logs_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_pod struct pod_pod *p = NULL;
	struct pod_log_opts lo = { .follow = opt.follow, .timestamps = opt.timestamps,
				   .tail = opt.tail, .out_fd = STDOUT_FILENO,
				   .err_fd = STDERR_FILENO };
	struct pod_ctr **m = NULL;
	size_t n = 0, shown = 0;
	int64_t now = pod_now_ns();
	int rc = 0;

	if (opt.since && pod_parse_timestamp(opt.since, now, &lo.since_ns, err) < 0)
		return -1;
	if (opt.until && pod_parse_timestamp(opt.until, now, &lo.until_ns, err) < 0)
		return -1;
	if (!ctx->args[0] && !opt.latest)
		return pod_err_set(err, POD_E_INVALID, 0, "specify a pod name or ID");
	if (open_engine(ctx, false, err) < 0)
		return -1;
	if (opt.latest) {
		if (latest_pod("show the logs of", &p, err) < 0)
			return -1;
	} else if (pod_pod_lookup(engine, ctx->args[0], &p, err) < 0) {
		return -1;
	}
	if (pod_pod_members(engine, p, &m, &n, err) < 0)
		return -1;
	fflush(stdout);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char sid[POD_ID_SHORT_LEN + 1];
		cleanup_free char *prefix = NULL;
		if (p->infra_id && STREQ(p->infra_id, m[i]->id))
			continue;
		if (opt.container && !STREQ(opt.container, m[i]->name) &&
		    !pod_str_has_prefix(m[i]->id, opt.container))
			continue;
		pod_id_short(m[i]->id, sid);
		/* one container's logs come bare; a pod's are prefixed by container */
		if (!opt.container)
			prefix = xstrdup(opt.names ? m[i]->name : sid);
		lo.prefix = prefix;
		if (pod_ctr_logs(engine, m[i], &lo, err) < 0)
			rc = -1;
		shown++;
	}
	pod_ctr_list_free(m, n);
	if (rc == 0 && opt.container && !shown)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "container %s is not in pod %s: no such "
				   "container", opt.container, p->name);
	return rc;
}

static const struct pod_opt logs_options[] = {
	POD_OPT_BOOL(0, "color", &opt.color,
		     "Output the containers within a pod with different colors in the log"),
	POD_OPT_STRING('c', "container", "string", &opt.container,
		       "Filter logs by container name or id which belongs to pod"),
	POD_OPT_BOOL('f', "follow", &opt.follow, "Follow log output."),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest pod podman is aware of"),
	POD_OPT_BOOL('n', "names", &opt.names,
		     "Output container names instead of container IDs in the log"),
	POD_OPT_STRING(0, "since", "string", &opt.since, "Show logs since TIMESTAMP"),
	POD_OPT_INT(0, "tail", "int", &opt.tail,
		    "Output the specified number of LINES at the end of the logs. (default -1)"),
	POD_OPT_BOOL('t', "timestamps", &opt.timestamps, "Output the timestamps in the log"),
	POD_OPT_STRING(0, "until", "string", &opt.until, "Show logs until TIMESTAMP"),
	POD_OPT_END
};

static const struct pod_tool logs_tool = {
	.name = "pod-pod logs",
	.verb = "pod logs",
	.summary = "Fetch logs for pod with one or more containers",
	.description = "Prints the logs of the pod's containers (not the infra container's), "
		       "each line prefixed by its container's short ID (or name with --names); "
		       "with --container, one container's logs as they are.",
	.usage = "[options] POD",
	.examples = "podman pod logs mypod\npodman pod logs -c web --tail 10 mypod",
	.options = logs_options,
	.max_args = 1,
	.run = logs_run,
	.finish = finish,
};

/* ---- exists, prune ---- */

static int
exists_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_pod struct pod_pod *p = NULL;
	struct pod_err *e2 = NULL;

	if (open_engine(ctx, true, err) < 0)
		return -1;
	if (pod_pod_lookup(engine, ctx->args[0], &p, &e2) < 0) {
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
	.name = "pod-pod exists",
	.verb = "pod exists",
	.summary = "Check if a pod exists in local storage",
	.description = "Exits 0 when the pod exists, 1 when it does not, 125 on other errors.",
	.usage = "POD",
	.examples = "podman pod exists podID",
	.options = no_options,
	.min_args = 1,
	.max_args = 1,
	.run = exists_run,
	.finish = finish,
	.exit_status_doc = ".TP\n.B 0\nThe pod exists.\n.TP\n.B 1\nThe pod does not exist.\n"
			   ".TP\n.B 125\nAn error occurred.",
};

static int
prune_run(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_pod **v = NULL;
	size_t n = 0;
	int rc = 0;

	if (!opt.force && isatty(STDIN_FILENO)) {
		char line[16] = "";
		printf("WARNING! This will remove all stopped/exited pods..\nAre you sure you want "
		       "to continue? [y/N] ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return 0;
	}
	if (open_engine(ctx, false, err) < 0 || pod_pod_list(engine, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct pod_ctr **m = NULL;
		size_t nm = 0;
		const char *st;
		if (pod_pod_members(engine, v[i], &m, &nm, err) < 0) {
			rc = -1;
			break;
		}
		st = pod_pod_state(m, nm);
		pod_ctr_list_free(m, nm);
		if (!STREQ(st, "Exited") && !STREQ(st, "Stopped") && !STREQ(st, "Created"))
			continue;
		if (pod_pod_remove(engine, v[i], false, -1, err) < 0 || print_pod(ctx, v[i], err) < 0)
			rc = -1;
	}
	pod_pod_list_free(v, n);
	return rc;
}

static const struct pod_opt prune_options[] = {
	POD_OPT_BOOL('f', "force", &opt.force,
		     "Do not prompt for confirmation.  The default is false"),
	POD_OPT_END
};

static const struct pod_tool prune_tool = {
	.name = "pod-pod prune",
	.verb = "pod prune",
	.summary = "Remove all stopped pods and their containers",
	.description = "Removes every pod none of whose containers runs, with its containers.",
	.usage = "[options]",
	.examples = "podman pod prune -f",
	.options = prune_options,
	.flags = POD_TOOL_NO_ARGS,
	.run = prune_run,
	.finish = finish,
};

/* ---- the noun ---- */

static const struct pod_subverb subverbs[] = {
	{ "clone", NULL, &clone_tool },
	{ "create", NULL, &create_tool },   { "exists", NULL, &exists_tool },
	{ "inspect", NULL, &inspect_tool }, { "kill", NULL, &kill_tool },
	{ "logs", NULL, &logs_tool },
	{ "pause", NULL, &pause_tool },	    { "prune", NULL, &prune_tool },
	{ "ps", "ls", &ps_tool },	    { "list", NULL, &ps_tool },
	{ "restart", NULL, &restart_tool }, { "rm", NULL, &rm_tool },
	{ "start", NULL, &start_tool },	    { "stats", NULL, &stats_tool },
	{ "stop", NULL, &stop_tool },
	{ "top", NULL, &top_tool },
	{ "unpause", NULL, &unpause_tool }, { NULL, NULL, NULL },
};

static const struct pod_tool tool;

static int
noun_run(struct pod_ctx *ctx, struct pod_err **err)
{
	return pod_tool_noun_usage(ctx, &tool, err);
}

static const struct pod_tool tool = {
	.name = "pod-pod",
	.verb = "pod",
	.summary = "Manage pods",
	.description = "Pods are groups of containers that share namespaces (by default the "
		       "network, IPC and UTS namespaces of the pod's infra container) and are "
		       "managed together.\n\nRun as `podman pod ...` each command prints what "
		       "Podman prints; run as pod-pod, listings and inspect print one JSON "
		       "record per pod.",
	.usage = "COMMAND [options]",
	.examples = "podman pod create --name web -p 8080:80\n"
		    "podman run -d --pod web nginx\npodman pod ps\npodman pod rm -f web",
	.options = no_options,
	.subverbs = subverbs,
	.run = noun_run,
};

int
main(int argc, char **argv)
{
	tool_argc = argc;
	tool_argv = argv;
	return pod_tool_main(&tool, argc, argv);
}
