/* specgen_parse.c - -v, --mount, --tmpfs and --ulimit values, and the settings check */
#include "runtime/specgen.h"
#include "core/human.h"
#include "core/json.h"
#include "runtime/seccomp_default.h"
#include "store/volume.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>

static const struct {
	const char *name;
	int resource;
} ulimit_names[] = {
	{ "core", RLIMIT_CORE },	 { "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },	 { "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS },	 { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE },	 { "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS },		 { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME },	 { "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },	 { "as", RLIMIT_AS },
};

static bool
is_propagation(const char *o)
{
	static const char *const p[] = { "private", "rprivate", "shared",  "rshared",
					 "slave",   "rslave",	"unbindable", "runbindable" };
	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		if (STREQ(o, p[i]))
			return true;
	return false;
}

static bool
is_plain_option(const char *o)
{
	static const char *const p[] = { "ro",	 "rw",	   "nosuid", "suid", "nodev", "dev",
					 "noexec", "exec", "bind",  "rbind", "z",	"Z",
					 "nocopy", "copy", "relatime", "norelatime", "strictatime",
					 "nostrictatime" };
	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		if (STREQ(o, p[i]))
			return true;
	return false;
}

/* options for a bind mount: "rbind" unless "bind", SELinux relabel flags dropped */
static json_t *
bind_options(char *const *opts, struct pod_err **err)
{
	json_t *out = json_array();
	bool have_bind = false, have_prop = false, have_ro = false, have_rw = false;

	for (size_t i = 0; opts && opts[i]; i++) {
		const char *o = opts[i];
		if (!*o)
			continue;
		if (!is_plain_option(o) && !is_propagation(o)) {
			json_decref(out);
			pod_err_set(err, POD_E_INVALID, 0, "invalid option type \"%s\"", o);
			return NULL;
		}
		if (STREQ(o, "z") || STREQ(o, "Z"))
			continue;
		if (STREQ(o, "bind") || STREQ(o, "rbind")) {
			if (have_bind)
				continue;
			have_bind = true;
		}
		if (is_propagation(o)) {
			if (have_prop) {
				json_decref(out);
				pod_err_set(err, POD_E_INVALID, 0,
					    "cannot pass multiple propagation options");
				return NULL;
			}
			have_prop = true;
		}
		if (STREQ(o, "ro"))
			have_ro = true;
		if (STREQ(o, "rw"))
			have_rw = true;
		json_array_append_new(out, json_string(o));
	}
	if (have_ro && have_rw) {
		json_decref(out);
		pod_err_set(err, POD_E_INVALID, 0, "cannot set ro and rw options together");
		return NULL;
	}
	if (!have_bind)
		json_array_append_new(out, json_string("rbind"));
	if (!have_prop)
		json_array_append_new(out, json_string("rprivate"));
	return out;
}

static char **
split(const char *s, char sep)
{
	char **v = NULL;
	const char *p = s;

	for (;;) {
		const char *e = strchrnul(p, sep);
		v = pod_strv_push(v, xstrndup(p, (size_t) (e - p)));
		if (!*e)
			break;
		p = e + 1;
	}
	return v;
}

static int
check_dest(const char *dest, struct pod_err **err)
{
	if (!dest || dest[0] != '/')
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid container path \"%s\", must be an absolute path",
				   dest ? dest : "");
	return 0;
}

/*
 * A named (or, with name "", anonymous) volume: {type "volume", source NAME,
 * destination, options} with the user's options checked and kept as given.
 */
static json_t *
volume_mount(const char *name, const char *dest, char *const *opts, struct pod_err **err)
{
	json_t *options = json_array();
	bool have_ro = false, have_rw = false, have_prop = false;

	if (*name && !pod_volume_name_valid(name)) {
		json_decref(options);
		pod_err_set(err, POD_E_INVALID, 0, "running volume create option: names must "
			    "match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument");
		return NULL;
	}
	if (check_dest(dest, err) < 0) {
		json_decref(options);
		return NULL;
	}
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *o = opts[i];
		if (!*o)
			continue;
		if ((!is_plain_option(o) && !is_propagation(o) && !STREQ(o, "U")) ||
		    STREQ(o, "bind") || STREQ(o, "rbind")) {
			json_decref(options);
			pod_err_set(err, POD_E_INVALID, 0, "invalid option type \"%s\"", o);
			return NULL;
		}
		if (is_propagation(o)) {
			if (have_prop) {
				json_decref(options);
				pod_err_set(err, POD_E_INVALID, 0,
					    "cannot pass multiple propagation options");
				return NULL;
			}
			have_prop = true;
		}
		have_ro |= STREQ(o, "ro");
		have_rw |= STREQ(o, "rw");
		json_array_append_new(options, json_string(o));
	}
	if (have_ro && have_rw) {
		json_decref(options);
		pod_err_set(err, POD_E_INVALID, 0, "cannot set ro and rw options together");
		return NULL;
	}
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", "volume", "source",
			 name, "options", options);
}

json_t *
pod_specgen_parse_volume(const char *spec, struct pod_err **err)
{
	cleanup_strv char **parts = split(spec, ':');
	cleanup_strv char **opts = NULL;
	size_t n = pod_strv_len(parts);
	json_t *options;
	struct stat st;

	if (n == 1 && parts[0][0] == '/')
		return volume_mount("", parts[0], NULL, err); /* anonymous */
	if (n < 2 || n > 3) {
		pod_err_set(err, POD_E_INVALID, 0, "incorrect volume format, should be "
			    "[host-dir:]ctr-dir[:option]");
		return NULL;
	}
	if (parts[0][0] != '/' && parts[0][0] != '.') {
		if (n == 3)
			opts = split(parts[2], ',');
		return volume_mount(parts[0], parts[1], opts, err);
	}
	if (parts[0][0] != '/') {
		pod_err_set(err, POD_E_INVALID, 0, "invalid host path \"%s\": give an absolute "
			    "path", parts[0]);
		return NULL;
	}
	if (check_dest(parts[1], err) < 0)
		return NULL;
	if (stat(parts[0], &st) < 0) {
		pod_err_sys(err, "statfs %s", parts[0]);
		return NULL;
	}
	if (n == 3)
		opts = split(parts[2], ',');
	options = bind_options(opts, err);
	if (!options)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", parts[1], "type", "bind",
			 "source", parts[0], "options", options);
}

static int
tmpfs_options(char *const *opts, json_t *out, struct pod_err **err)
{
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *o = opts[i];
		if (!*o)
			continue;
		if (pod_str_has_prefix(o, "size=") || pod_str_has_prefix(o, "mode=") ||
		    pod_str_has_prefix(o, "uid=") || pod_str_has_prefix(o, "gid=") ||
		    pod_str_has_prefix(o, "nr_inodes=") || STREQ(o, "tmpcopyup") ||
		    STREQ(o, "notmpcopyup") || is_plain_option(o) || is_propagation(o)) {
			if (STREQ(o, "z") || STREQ(o, "Z") || STREQ(o, "tmpcopyup") ||
			    STREQ(o, "notmpcopyup"))
				continue;
			json_array_append_new(out, json_string(o));
			continue;
		}
		return pod_err_set(err, POD_E_INVALID, 0, "invalid option type \"%s\"", o);
	}
	return 0;
}

/* Podman's tmpfs defaults for what the options leave open: rw, noexec, nosuid, nodev */
static void
tmpfs_defaults(json_t *options)
{
	static const char *const pairs[][3] = {
		{ "rw", "ro", "rw" },
		{ "exec", "noexec", "noexec" },
		{ "suid", "nosuid", "nosuid" },
		{ "dev", "nodev", "nodev" },
	};

	for (size_t p = 0; p < ARRAY_SIZE(pairs); p++) {
		bool seen = false;
		json_t *v;
		size_t i;
		json_array_foreach(options, i, v) {
			const char *o = json_string_value(v);
			seen |= STREQ(o, pairs[p][0]) || STREQ(o, pairs[p][1]);
		}
		if (!seen)
			json_array_append_new(options, json_string(pairs[p][2]));
	}
}

json_t *
pod_specgen_parse_tmpfs(const char *spec, struct pod_err **err)
{
	const char *colon = strchr(spec, ':');
	cleanup_free char *dest = colon ? xstrndup(spec, (size_t) (colon - spec)) : xstrdup(spec);
	cleanup_strv char **opts = colon ? split(colon + 1, ',') : NULL;
	json_t *options = json_array();

	if (check_dest(dest, err) < 0 || tmpfs_options(opts, options, err) < 0) {
		json_decref(options);
		return NULL;
	}
	tmpfs_defaults(options);
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", "tmpfs", "source",
			 "tmpfs", "options", options);
}

json_t *
pod_specgen_parse_mount(const char *spec, struct pod_err **err)
{
	cleanup_strv char **kv = split(spec, ',');
	cleanup_strv char **bopts = NULL;
	cleanup_free char *type = NULL, *src = NULL, *dst = NULL;
	json_t *options = json_array();
	bool ro = false, nocopy = false;

	for (size_t i = 0; kv[i]; i++) {
		char *eq = strchr(kv[i], '=');
		const char *k = kv[i], *v = eq ? eq + 1 : NULL;
		if (eq)
			*eq = '\0';
		if (STREQ(k, "type") && v) {
			free(type);
			type = xstrdup(v);
		} else if ((STREQ(k, "source") || STREQ(k, "src")) && v) {
			free(src);
			src = xstrdup(v);
		} else if ((STREQ(k, "destination") || STREQ(k, "dst") || STREQ(k, "target")) &&
			   v) {
			free(dst);
			dst = xstrdup(v);
		} else if (STREQ(k, "ro") || STREQ(k, "readonly")) {
			ro = !v || STREQ(v, "true") || STREQ(v, "1");
		} else if (STREQ(k, "rw")) {
			ro = v && (STREQ(v, "false") || STREQ(v, "0"));
		} else if ((STREQ(k, "bind-propagation") && v) || STREQ(k, "relabel")) {
			if (v && is_propagation(v))
				bopts = pod_strv_push(bopts, xstrdup(v));
		} else if (STREQ(k, "tmpfs-size") && v) {
			int64_t sz;
			if (pod_parse_size(v, &sz, err) < 0)
				goto fail;
			{
				char *o = xasprintf("size=%s", v);
				json_array_append_new(options, pod_json_string(o));
				free(o);
			}
		} else if (STREQ(k, "tmpfs-mode") && v) {
			char *s = xasprintf("mode=%s", v);
			json_array_append_new(options, pod_json_string(s));
			free(s);
		} else if (STREQ(k, "volume-nocopy")) {
			nocopy = !v || STREQ(v, "true") || STREQ(v, "1");
		} else if (STREQ(k, "bind-nonrecursive")) {
			bopts = pod_strv_push(bopts, xstrdup("bind"));
		} else if (STREQ(k, "z") || STREQ(k, "Z") || STREQ(k, "nocopy") ||
			   STREQ(k, "notmpcopyup") || STREQ(k, "tmpcopyup")) {
			continue;
		} else {
			pod_err_set(err, POD_E_INVALID, 0, "%s: invalid mount option", k);
			goto fail;
		}
	}
	if (!type) {
		pod_err_set(err, POD_E_INVALID, 0, "must specify a type for the mount: invalid "
			    "argument");
		goto fail;
	}
	if (!dst) {
		pod_err_set(err, POD_E_INVALID, 0, "must set target path: invalid argument");
		goto fail;
	}
	if (check_dest(dst, err) < 0)
		goto fail;
	if (STREQ(type, "bind")) {
		struct stat st;
		json_t *bo;
		if (!src) {
			pod_err_set(err, POD_E_INVALID, 0, "must set source path: invalid argument");
			goto fail;
		}
		if (src[0] != '/') {
			pod_err_set(err, POD_E_INVALID, 0, "invalid source path \"%s\", must be an "
				    "absolute path", src);
			goto fail;
		}
		if (stat(src, &st) < 0) {
			pod_err_sys(err, "statfs %s", src);
			goto fail;
		}
		if (ro)
			bopts = pod_strv_push(bopts, xstrdup("ro"));
		bo = bind_options(bopts, err);
		if (!bo)
			goto fail;
		json_decref(options);
		return json_pack("{s:s, s:s, s:s, s:o}", "destination", dst, "type", "bind",
				 "source", src, "options", bo);
	}
	if (STREQ(type, "volume")) {
		char *vo[3] = { NULL, NULL, NULL };
		size_t nv = 0;
		json_decref(options);
		if (ro)
			vo[nv++] = (char *) "ro";
		if (nocopy)
			vo[nv++] = (char *) "nocopy";
		return volume_mount(src ? src : "", dst, vo, err);
	}
	if (STREQ(type, "tmpfs")) {
		json_array_append_new(options, json_string(ro ? "ro" : "rw"));
		tmpfs_defaults(options);
		return json_pack("{s:s, s:s, s:s, s:o}", "destination", dst, "type", "tmpfs",
				 "source", "tmpfs", "options", options);
	}
	pod_err_set(err, POD_E_INVALID, 0, "invalid filesystem type \"%s\"", type);
fail:
	json_decref(options);
	return NULL;
}

static int
parse_rlimit_value(const char *s, uint64_t *ret)
{
	int64_t v;

	if (STREQ(s, "-1") || STREQ(s, "unlimited")) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	if (!pod_parse_int64(s, &v) || v < 0)
		return -1;
	*ret = (uint64_t) v;
	return 0;
}

json_t *
pod_specgen_parse_ulimit(const char *spec, struct pod_err **err)
{
	const char *eq = strchr(spec, '=');
	cleanup_free char *name = NULL, *soft_s = NULL;
	const char *hard_s;
	uint64_t soft, hard;
	int resource = -1;
	char type[32];

	if (!eq) {
		pod_err_set(err, POD_E_INVALID, 0, "invalid ulimit argument: %s", spec);
		return NULL;
	}
	name = xstrndup(spec, (size_t) (eq - spec));
	for (size_t i = 0; i < ARRAY_SIZE(ulimit_names); i++)
		if (STREQ(name, ulimit_names[i].name))
			resource = ulimit_names[i].resource;
	if (resource < 0) {
		pod_err_set(err, POD_E_INVALID, 0, "invalid ulimit type: %s", name);
		return NULL;
	}
	hard_s = strchr(eq + 1, ':');
	soft_s = hard_s ? xstrndup(eq + 1, (size_t) (hard_s - eq - 1)) : xstrdup(eq + 1);
	if (parse_rlimit_value(soft_s, &soft) < 0 ||
	    parse_rlimit_value(hard_s ? hard_s + 1 : soft_s, &hard) < 0) {
		pod_err_set(err, POD_E_INVALID, 0, "invalid ulimit argument: %s", spec);
		return NULL;
	}
	if (soft > hard) {
		pod_err_set(err, POD_E_INVALID, 0,
			    "ulimit soft limit must be less than or equal to hard limit: %s", spec);
		return NULL;
	}
	snprintf(type, sizeof(type), "RLIMIT_");
	for (size_t i = 0; name[i] && i + 8 < sizeof(type); i++) {
		char c = name[i];
		type[7 + i] = (char) (c >= 'a' && c <= 'z' ? c - 32 : c);
		type[8 + i] = '\0';
	}
	return json_pack("{s:s, s:I, s:I}", "type", type, "soft", (json_int_t) soft, "hard",
			 (json_int_t) hard);
}

static int
check_each(json_t *settings, const char *key, json_t *(*fn)(const char *, struct pod_err **),
	   struct pod_err **err)
{
	json_t *v = json_object_get(settings, key), *item;
	size_t i;

	json_array_foreach(v, i, item) {
		json_t *m;
		if (!json_is_string(item))
			return pod_err_set(err, POD_E_INVALID, 0, "settings: %s: not a string", key);
		m = fn(json_string_value(item), err);
		if (!m)
			return -1;
		json_decref(m);
	}
	return 0;
}

int
pod_specgen_settings_check(json_t *settings, struct pod_err **err)
{
	const char *net = json_string_value(json_object_get(settings, "Network"));
	const char *cg = json_string_value(json_object_get(settings, "Cgroups"));
	const char *seccomp = json_string_value(json_object_get(settings, "SeccompProfile"));

	if (!json_is_object(settings))
		return pod_err_set(err, POD_E_INVALID, 0, "settings: not an object");
	if (!json_is_string(json_object_get(settings, "Image")))
		return pod_err_set(err, POD_E_INVALID, 0, "settings: no image");
	if (net && !STREQ(net, "private") && !STREQ(net, "none") && !STREQ(net, "host") &&
	    !STREQ(net, "bridge") && !pod_str_has_prefix(net, "container:") &&
	    !pod_str_has_prefix(net, "ns:"))
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported network mode \"%s\"", net);
	if (cg && !STREQ(cg, "enabled") && !STREQ(cg, "disabled") && !STREQ(cg, "no-conmon"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid cgroup mode \"%s\": must be one of enabled, disabled, "
				   "no-conmon", cg);
	if (seccomp && *seccomp && !STREQ(seccomp, "unconfined")) {
		static const char *const no_caps[] = { NULL };
		json_t *p = pod_seccomp_profile_from_file(seccomp, no_caps, err);
		if (!p)
			return -1;
		json_decref(p);
	}
	if (check_each(settings, "Volumes", pod_specgen_parse_volume, err) < 0 ||
	    check_each(settings, "Mounts", pod_specgen_parse_mount, err) < 0 ||
	    check_each(settings, "Tmpfs", pod_specgen_parse_tmpfs, err) < 0 ||
	    check_each(settings, "Ulimits", pod_specgen_parse_ulimit, err) < 0)
		return -1;
	return 0;
}
