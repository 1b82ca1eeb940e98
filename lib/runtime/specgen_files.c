/* specgen_files.c - the container's hosts, hostname, resolv.conf, .containerenv; hooks.d */
#include "runtime/specgen.h"
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <regex.h>
#include <unistd.h>

#define HOST_FILE_MAX (1u << 20)

static const char *
setting_str(json_t *settings, const char *key)
{
	const char *s = json_string_value(json_object_get(settings, key));
	return s ? s : "";
}

char *
pod_specgen_hostname(const struct pod_specgen_ctx *ctx)
{
	const char *h = setting_str(ctx->settings, "Hostname");
	char buf[256];

	if (ctx->uts_hostname && *ctx->uts_hostname)
		return xstrdup(ctx->uts_hostname);
	if (*h)
		return xstrdup(h);
	if ((STREQ(setting_str(ctx->settings, "Network"), "host") ||
	     STREQ(setting_str(ctx->settings, "UtsNS"), "host")) &&
	    gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = '\0';
		return xstrdup(buf);
	}
	char s[POD_ID_SHORT_LEN + 1];
	pod_id_short(ctx->id, s);
	return xstrdup(s);
}

static int
write_in(const char *dir, const char *name, const char *data, struct pod_err **err)
{
	cleanup_free char *p = pod_path_join(dir, name);
	/* the rundir is volatile: no fsync */
	return pod_write_file_replace(p, data, strlen(data), 0644, err);
}

/* a nameserver on the host's loopback cannot be reached from a private netns */
static bool
loopback_nameserver(const char *line)
{
	const char *p = line + strlen("nameserver");

	while (*p == ' ' || *p == '\t')
		p++;
	return pod_str_has_prefix(p, "127.") || pod_str_has_prefix(p, "::1");
}

static int
resolv_conf(const struct pod_specgen_ctx *ctx, struct pod_strbuf *out, struct pod_err **err)
{
	const char *path = ctx->resolv_conf ? ctx->resolv_conf : "/etc/resolv.conf";
	bool host = STREQ(setting_str(ctx->settings, "Network"), "host");
	cleanup_free char *text = NULL;
	struct pod_err *e = NULL;
	bool have_ns = false;

	/* systemd-resolved's local resolver at 127.0.0.53 is unreachable from the
	 * container: use the real upstream list */
	if (!ctx->resolv_conf && !host && access("/run/systemd/resolve/resolv.conf", R_OK) == 0) {
		cleanup_free char *stub = NULL;
		if (pod_read_file(path, &stub, NULL, HOST_FILE_MAX, &e) == 0 &&
		    strstr(stub, "127.0.0.53"))
			path = "/run/systemd/resolve/resolv.conf";
		pod_err_free(&e);
	}
	if (pod_read_file(path, &text, NULL, HOST_FILE_MAX, &e) < 0) {
		if (e->errnum != ENOENT) {
			*err = e;
			return -1;
		}
		pod_err_free(&e);
		text = xstrdup("");
	}
	json_t *dns = json_object_get(ctx->settings, "Dns");
	json_t *search = json_object_get(ctx->settings, "DnsSearch");
	json_t *opts = json_object_get(ctx->settings, "DnsOptions");
	json_t *v;
	size_t i;

	/* a dns-enabled network's server comes first, the host's follow (unless --dns) */
	bool netdns = ctx->net_nameservers && ctx->net_nameservers[0] && !json_array_size(dns);
	if (netdns) {
		pod_strbuf_adds(out, "search dns.podman");
		json_array_foreach(search, i, v)
			pod_strbuf_addf(out, " %s", json_string_value(v));
		for (const char *p = text; !json_array_size(search) && p && *p;) {
			const char *nl = strchrnul(p, '\n');
			if (pod_str_has_prefix(p, "search ") || pod_str_has_prefix(p, "domain "))
				pod_strbuf_addf(out, " %.*s", (int) (nl - p - 7), p + 7);
			p = *nl ? nl + 1 : NULL;
		}
		pod_strbuf_addch(out, '\n');
		for (i = 0; ctx->net_nameservers[i]; i++)
			pod_strbuf_addf(out, "nameserver %s\n", ctx->net_nameservers[i]);
		have_ns = true;
	}
	/* --dns, --dns-search, --dns-option replace the host's lines of their kind */
	json_array_foreach(search, i, v)
		if (!netdns)
			pod_strbuf_addf(out, "search %s\n", json_string_value(v));
	json_array_foreach(dns, i, v) {
		pod_strbuf_addf(out, "nameserver %s\n", json_string_value(v));
		have_ns = true;
	}
	json_array_foreach(opts, i, v)
		pod_strbuf_addf(out, "options %s\n", json_string_value(v));
	for (const char *p = text; p && *p;) {
		const char *nl = strchrnul(p, '\n');
		cleanup_free char *line = xstrndup(p, (size_t) (nl - p));
		p = *nl ? nl + 1 : NULL;
		if ((json_array_size(dns) && pod_str_has_prefix(line, "nameserver")) ||
		    ((netdns || json_array_size(search)) && (pod_str_has_prefix(line, "search") ||
							   pod_str_has_prefix(line, "domain"))) ||
		    (json_array_size(opts) && pod_str_has_prefix(line, "options")))
			continue;
		if (pod_str_has_prefix(line, "nameserver")) {
			if (!host && loopback_nameserver(line))
				continue;
			have_ns = true;
		}
		pod_strbuf_adds(out, line);
		pod_strbuf_addch(out, '\n');
	}
	if (!have_ns && !host)
		pod_strbuf_adds(out, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	return 0;
}

/* --add-host HOST:IP lines */
static int
add_hosts(const struct pod_specgen_ctx *ctx, struct pod_strbuf *out, struct pod_err **err)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(ctx->settings, "AddHosts"), i, v) {
		const char *s = json_string_value(v), *colon = s ? strchr(s, ':') : NULL;
		if (!colon || colon == s || !colon[1])
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid add-host \"%s\": must be HOST:IP", s ? s : "");
		pod_strbuf_addf(out, "%s\t%.*s\n", colon + 1, (int) (colon - s), s);
	}
	return 0;
}

/*
 * The host's hosts file as Podman copies it: comments, blank lines and
 * lines without a name dropped, each entry "IP<TAB>name name...".
 */
static void
add_base_hosts(struct pod_strbuf *out, const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");
		cleanup_free char *line = xstrndup(text, len);
		char *hash = strchr(line, '#'), *save = NULL, *ip, *name;

		text += len + (text[len] == '\n');
		if (hash)
			*hash = '\0';
		ip = strtok_r(line, " \t\r\f\v", &save);
		name = ip ? strtok_r(NULL, " \t\r\f\v", &save) : NULL;
		if (!name)
			continue;
		pod_strbuf_addf(out, "%s\t%s", ip, name);
		while ((name = strtok_r(NULL, " \t\r\f\v", &save)))
			pod_strbuf_addf(out, " %s", name);
		pod_strbuf_addch(out, '\n');
	}
}

/*
 * The host's first global unicast address, IPv4 preferred, as Podman picks
 * it for host.containers.internal when the container has no bridge of ours
 * (--network none|host). "" when there is none.
 */
static void
host_local_ip(char *buf, size_t len)
{
	struct ifaddrs *all = NULL;

	buf[0] = '\0';
	if (getifaddrs(&all) < 0)
		return;
	for (struct ifaddrs *i = all; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			struct in_addr a = ((struct sockaddr_in *) i->ifa_addr)->sin_addr;
			uint32_t h = ntohl(a.s_addr);
			/* not loopback, link-local, multicast, broadcast or unspecified */
			if ((h >> 24) == 127 || (h >> 16) == 0xa9fe || (h >> 28) == 0xe ||
			    h == 0xffffffff || h == 0)
				continue;
			inet_ntop(AF_INET, &a, buf, (socklen_t) len);
			break;
		}
		if (i->ifa_addr->sa_family == AF_INET6 && !buf[0]) {
			struct in6_addr *a = &((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr;
			if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
			    IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_UNSPECIFIED(a))
				continue;
			inet_ntop(AF_INET6, a, buf, (socklen_t) len);
		}
	}
	freeifaddrs(all);
}

static int
hosts_file(const struct pod_specgen_ctx *ctx, const char *hostname, struct pod_strbuf *out,
	   struct pod_err **err)
{
	const char *net = setting_str(ctx->settings, "Network");

	/* Podman's order: --add-host, the host's file, host.containers.internal, our own */
	if (add_hosts(ctx, out, err) < 0)
		return -1;
	{
		cleanup_free char *text = NULL;
		struct pod_err *e = NULL;
		if (pod_read_file(ctx->hosts_file ? ctx->hosts_file : "/etc/hosts", &text, NULL,
				  HOST_FILE_MAX, &e) < 0) {
			if (e->errnum != ENOENT) {
				*err = e;
				return -1;
			}
			pod_err_free(&e);
			pod_strbuf_adds(out, "127.0.0.1\tlocalhost localhost.localdomain localhost4 "
					     "localhost4.localdomain4\n"
					     "::1\tlocalhost localhost.localdomain localhost6 "
					     "localhost6.localdomain6\n");
		} else {
			add_base_hosts(out, text);
		}
	}
	if (STREQ(net, "host") || STREQ(net, "none")) {
		char ip[INET6_ADDRSTRLEN];
		host_local_ip(ip, sizeof(ip));
		if (*ip)
			pod_strbuf_addf(out, "%s\thost.containers.internal\n", ip);
	}
	/* the host's network: its own names are the host's */
	if (STREQ(net, "host"))
		return 0;
	if (ctx->net_hosts) {
		pod_strbuf_adds(out, ctx->net_hosts);
		return 0;
	}
	pod_strbuf_addf(out, "127.0.0.1\t%s", hostname);
	if (ctx->name && !STREQ(ctx->name, hostname))
		pod_strbuf_addf(out, " %s", ctx->name);
	pod_strbuf_addch(out, '\n');
	return 0;
}

int
pod_specgen_write_runfiles(const struct pod_specgen_ctx *ctx, struct pod_err **err)
{
	cleanup_free char *hostname = pod_specgen_hostname(ctx);
	cleanup_(pod_strbuf_releasep) struct pod_strbuf sb = POD_STRBUF_INIT;
	bool privileged = json_is_true(json_object_get(ctx->settings, "Privileged"));

	if (pod_mkdir_p(ctx->rundir, 0700, err) < 0)
		return -1;
	pod_strbuf_addf(&sb, "%s\n", hostname);
	if (write_in(ctx->rundir, "hostname", sb.buf, err) < 0)
		return -1;
	pod_strbuf_reset(&sb);
	if (hosts_file(ctx, hostname, &sb, err) < 0 ||
	    write_in(ctx->rundir, "hosts", sb.buf ? sb.buf : "", err) < 0)
		return -1;
	pod_strbuf_reset(&sb);
	if (resolv_conf(ctx, &sb, err) < 0 ||
	    write_in(ctx->rundir, "resolv.conf", sb.buf ? sb.buf : "", err) < 0)
		return -1;
	pod_strbuf_reset(&sb);
	pod_strbuf_addf(&sb, "engine=\"podman-%s\"\nname=\"%s\"\nid=\"%s\"\nimage=\"%s\"\n"
			     "imageid=\"%s\"\nrootless=%d\n",
			POD_VERSION, ctx->name ? ctx->name : "", ctx->id,
			ctx->image_name ? ctx->image_name : "", ctx->image_id ? ctx->image_id : "",
			geteuid() == 0 ? 0 : 1);
	if (privileged)
		pod_strbuf_adds(&sb, "privileged=1\n");
	return write_in(ctx->rundir, ".containerenv", sb.buf, err);
}

/* --- hooks.d ------------------------------------------------------------ */

static bool
hook_re_match(const char *pattern, const char *s)
{
	regex_t re;
	bool m;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	m = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static bool
spec_has_bind_mounts(json_t *spec)
{
	json_t *mounts = json_object_get(spec, "mounts"), *m;
	size_t i;

	json_array_foreach(mounts, i, m) {
		const char *t = json_string_value(json_object_get(m, "type"));
		if (t && STREQ(t, "bind")) {
			const char *d = json_string_value(json_object_get(m, "destination"));
			/* the engine's own run files are not the user's bind mounts */
			if (d && (STREQ(d, "/etc/hosts") || STREQ(d, "/etc/hostname") ||
				  STREQ(d, "/etc/resolv.conf") || STREQ(d, "/run/.containerenv") ||
				  STREQ(d, "/run/podman-init")))
				continue;
			return true;
		}
	}
	return false;
}

/* Podman's When.Match: any condition that holds injects the hook */
static bool
when_matches(json_t *when, json_t *spec)
{
	json_t *annotations = json_object_get(spec, "annotations");
	json_t *args = json_object_get(json_object_get(spec, "process"), "args");
	const char *cmd = json_string_value(json_array_get(args, 0));
	const char *kp;
	json_t *vp, *c;
	size_t i;

	if (json_is_true(json_object_get(when, "always")))
		return true;
	if (json_is_true(json_object_get(when, "hasBindMounts")) && spec_has_bind_mounts(spec))
		return true;
	json_object_foreach(json_object_get(when, "annotations"), kp, vp) {
		const char *k;
		json_t *v;
		json_object_foreach(annotations, k, v) {
			if (json_is_string(vp) && hook_re_match(kp, k) &&
			    hook_re_match(json_string_value(vp), json_string_value(v)))
				return true;
		}
	}
	json_array_foreach(json_object_get(when, "commands"), i, c) {
		if (cmd && json_is_string(c) && hook_re_match(json_string_value(c), cmd))
			return true;
	}
	return false;
}

/* 0.1.0 files become the 1.0.0 shape */
static json_t *
hook_from_v010(json_t *h)
{
	json_t *hook = json_pack("{s:O}", "path", json_object_get(h, "hook"));
	json_t *when = json_object(), *stages = json_array(), *v;
	size_t i;

	if (!hook)
		return NULL;
	if (json_is_array(json_object_get(h, "arguments"))) {
		json_t *a = json_array();
		json_array_append(a, json_object_get(h, "hook"));
		json_array_extend(a, json_object_get(h, "arguments"));
		json_object_set_new(hook, "args", a);
	}
	json_array_foreach(json_object_get(h, "stages"), i, v)
		json_array_append(stages, v);
	json_array_foreach(json_object_get(h, "stage"), i, v)
		json_array_append(stages, v);
	if (json_object_get(h, "cmds"))
		json_object_set(when, "commands", json_object_get(h, "cmds"));
	if (json_object_get(h, "cmd"))
		json_object_set(when, "commands", json_object_get(h, "cmd"));
	if (json_is_array(json_object_get(h, "annotations"))) {
		json_t *a = json_object();
		json_array_foreach(json_object_get(h, "annotations"), i, v)
			if (json_is_string(v))
				json_object_set_new(a, json_string_value(v), json_string(".*"));
		json_object_set_new(when, "annotations", a);
	}
	if (json_is_true(json_object_get(h, "hasbindmounts")))
		json_object_set_new(when, "hasBindMounts", json_true());
	return json_pack("{s:s, s:o, s:o, s:o}", "version", "1.0.0", "hook", hook, "when", when,
			 "stages", stages);
}

static int
load_hook_file(const char *path, json_t **ret, struct pod_err **err)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *out;
	const char *version;

	if (!j)
		return pod_err_set(err, POD_E_INVALID, 0, "parsing hook %s: %s", path, je.text);
	version = json_string_value(json_object_get(j, "version"));
	if (version && STREQ(version, "1.0.0")) {
		out = j;
	} else if (!version || STREQ(version, "0.1.0")) {
		out = hook_from_v010(j);
		json_decref(j);
	} else {
		json_decref(j);
		return pod_err_set(err, POD_E_INVALID, 0, "parsing hook %s: unrecognized hook version "
				   "\"%s\"", path, version);
	}
	if (!out || !json_is_string(json_object_get(json_object_get(out, "hook"), "path")) ||
	    !json_is_array(json_object_get(out, "stages"))) {
		json_decref(out);
		return pod_err_set(err, POD_E_INVALID, 0, "parsing hook %s: missing hook.path or "
				   "stages", path);
	}
	*ret = out;
	return 0;
}

static const char *const stage_names[] = { "prestart",	      "createRuntime", "createContainer",
					   "startContainer", "poststart",     "poststop" };

int
pod_specgen_hooks(char *const *dirs, json_t *spec, struct pod_err **err)
{
	cleanup_json json_t *files = json_object(); /* file name -> path, later dirs win */
	cleanup_json json_t *hooks = json_object();
	cleanup_json json_t *precreate = json_array();
	cleanup_strv char **names = NULL;
	const char *name;
	json_t *pathv;

	for (size_t d = 0; dirs && dirs[d]; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;
		if (!dir) {
			if (errno == ENOENT)
				continue;
			return pod_err_sys(err, "reading hooks directory %s", dirs[d]);
		}
		while ((de = readdir(dir))) {
			if (!pod_str_has_suffix(de->d_name, ".json"))
				continue;
			cleanup_free char *p = pod_path_join(dirs[d], de->d_name);
			json_object_set_new(files, de->d_name, pod_json_string(p));
		}
		closedir(dir);
	}
	json_object_foreach(files, name, pathv)
		names = pod_strv_push(names, xstrdup(name));
	/* injected in lexical order of file names */
	for (size_t i = 0; names && names[i]; i++)
		for (size_t j = i + 1; names[j]; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	for (size_t i = 0; names && names[i]; i++) {
		cleanup_json json_t *h = NULL;
		json_t *stage;
		size_t k;
		if (load_hook_file(json_string_value(json_object_get(files, names[i])), &h, err) < 0)
			return -1;
		if (!when_matches(json_object_get(h, "when"), spec))
			continue;
		json_array_foreach(json_object_get(h, "stages"), k, stage) {
			const char *s = json_string_value(stage);
			bool known = false;
			for (size_t n = 0; s && n < ARRAY_SIZE(stage_names); n++)
				known |= STREQ(s, stage_names[n]);
			if (!known) {
				if (!s || !STREQ(s, "precreate"))
					return pod_err_set(err, POD_E_INVALID, 0,
							   "hook %s: unknown stage \"%s\"", names[i],
							   s ? s : "");
				/* Podman's own stage: run by the engine, not the runtime */
				json_array_append(precreate, json_object_get(h, "hook"));
				continue;
			}
			if (!json_object_get(hooks, s))
				json_object_set_new(hooks, s, json_array());
			json_array_append(json_object_get(hooks, s), json_object_get(h, "hook"));
		}
	}
	if (json_object_size(hooks))
		json_object_set(spec, "hooks", hooks);
	return pod_specgen_precreate(precreate, spec, err);
}
