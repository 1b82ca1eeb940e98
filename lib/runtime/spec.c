/* spec.c - parse and check config.json (runtime-spec 1.0/1.1) */
#include "runtime/spec.h"
#include "runtime/oci-internal.h"
#include "core/strbuf.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#define MAX_ITEMS 65536 /* per array: mounts, env, devices, ... */

struct pctx {
	const char *file;
	struct pod_err **err;
};

static int POD_PRINTF(3, 4)
bad(struct pctx *c, const char *where, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	return pod_err_set(c->err, POD_E_INVALID, 0, "%s: %s: %s", c->file, where, msg);
}

static const struct {
	const char *name;
	int flag;
	const char *proc;
} ns_table[] = {
	{ "pid", CLONE_NEWPID, "pid" },	    { "network", CLONE_NEWNET, "net" },
	{ "mount", CLONE_NEWNS, "mnt" },    { "ipc", CLONE_NEWIPC, "ipc" },
	{ "uts", CLONE_NEWUTS, "uts" },	    { "user", CLONE_NEWUSER, "user" },
	{ "cgroup", CLONE_NEWCGROUP, "cgroup" },
};

const char *
pod_oci_ns_name(int type)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_table); i++)
		if (ns_table[i].flag == type)
			return ns_table[i].name;
	return NULL;
}

const char *
pod_oci_ns_proc_name(int type)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_table); i++)
		if (ns_table[i].flag == type)
			return ns_table[i].proc;
	return NULL;
}

int
pod_oci_spec_find_ns(const struct pod_oci_spec *s, int type)
{
	for (size_t i = 0; i < s->n_namespaces; i++)
		if (s->namespaces[i].type == type)
			return (int) i;
	return -1;
}

int
pod_oci_cap_from_name(const char *name)
{
	cap_value_t v;

	if (!pod_str_has_prefix(name, "CAP_") || !name[4])
		return -1;
	/* libcap also takes numbers and lower case; the spec spells names */
	for (const char *p = name + 4; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
			return -1;
	if (cap_from_name(name, &v) < 0 || v < 0 || v > 63)
		return -1;
	return v;
}

static const struct {
	const char *name;
	int resource;
} rlimit_table[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

int
pod_oci_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_table); i++)
		if (STREQ(rlimit_table[i].name, name))
			return rlimit_table[i].resource;
	return -1;
}

const char *
pod_oci_rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_table); i++)
		if (rlimit_table[i].resource == resource)
			return rlimit_table[i].name;
	return "RLIMIT_?";
}

/* --- typed accessors ------------------------------------------------------ */

/* 1 found, 0 absent (or null), -1 wrong type */
static int
get_string(struct pctx *c, json_t *obj, const char *key, const char *where, char **ret)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(c, where, "must be a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return bad(c, where, "contains a NUL byte");
	*ret = xstrdup(json_string_value(v));
	return 1;
}

static int
get_bool(struct pctx *c, json_t *obj, const char *key, const char *where, bool *ret)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad(c, where, "must be a boolean");
	*ret = json_is_true(v);
	return 1;
}

static int
get_uint(struct pctx *c, json_t *obj, const char *key, const char *where, uint64_t max,
	 uint64_t *ret)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t) json_integer_value(v) > max)
		return bad(c, where, "must be an integer between 0 and %" PRIu64, max);
	*ret = (uint64_t) json_integer_value(v);
	return 1;
}

static int
get_array(struct pctx *c, json_t *obj, const char *key, const char *where, json_t **ret)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(c, where, "must be an array");
	if (json_array_size(v) > MAX_ITEMS)
		return bad(c, where, "too many entries");
	*ret = v;
	return 1;
}

static int
get_object(struct pctx *c, json_t *obj, const char *key, const char *where, json_t **ret)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad(c, where, "must be an object");
	*ret = v;
	return 1;
}

static int
get_strv(struct pctx *c, json_t *obj, const char *key, const char *where, char ***ret)
{
	json_t *a = NULL, *v;
	size_t i;
	char **out;
	int r = get_array(c, obj, key, where, &a);

	if (r <= 0)
		return r;
	out = xcalloc(json_array_size(a) + 1, sizeof(char *));
	json_array_foreach (a, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
			pod_strv_free(out);
			return bad(c, where, "entry %zu must be a string", i);
		}
		out[i] = xstrdup(json_string_value(v));
	}
	*ret = out;
	return 1;
}

static bool
is_abs(const char *p)
{
	return p && p[0] == '/';
}

static int
need_abs(struct pctx *c, const char *where, const char *p)
{
	if (!is_abs(p))
		return bad(c, where, "\"%s\" is not an absolute path", p ? p : "");
	return 0;
}

/* --- process ---------------------------------------------------------------- */

static const char *const cap_set_names[POD_OCI_CAP__MAX] = {
	"bounding", "effective", "inheritable", "permitted", "ambient"
};

static int
parse_caps(struct pctx *c, json_t *caps, struct pod_oci_process *p)
{
	p->has_caps = true;
	for (int s = 0; s < POD_OCI_CAP__MAX; s++) {
		cleanup_free char *where = xasprintf("process.capabilities.%s", cap_set_names[s]);
		json_t *a = NULL, *v;
		size_t i;

		if (get_array(c, caps, cap_set_names[s], where, &a) < 0)
			return -1;
		json_array_foreach (a, i, v) {
			int cap;

			if (!json_is_string(v))
				return bad(c, where, "entry %zu must be a string", i);
			cap = pod_oci_cap_from_name(json_string_value(v));
			if (cap < 0)
				return bad(c, where, "unknown capability \"%s\"",
					   json_string_value(v));
			p->caps[s] |= UINT64_C(1) << cap;
		}
	}
	return 0;
}

static int
parse_rlimits(struct pctx *c, json_t *a, struct pod_oci_process *p)
{
	json_t *v;
	size_t i;

	p->rlimits = xcalloc(json_array_size(a) + 1, sizeof(*p->rlimits));
	json_array_foreach (a, i, v) {
		cleanup_free char *where = xasprintf("process.rlimits[%zu]", i);
		cleanup_free char *type = NULL;
		struct pod_oci_rlimit *rl = &p->rlimits[i];

		if (!json_is_object(v))
			return bad(c, where, "must be an object");
		if (get_string(c, v, "type", where, &type) <= 0)
			return type ? -1 : bad(c, where, "type is required");
		rl->resource = pod_oci_rlimit_from_name(type);
		if (rl->resource < 0)
			return bad(c, where, "unknown rlimit type \"%s\"", type);
		for (size_t j = 0; j < i; j++)
			if (p->rlimits[j].resource == rl->resource)
				return bad(c, where, "duplicate rlimit type \"%s\"", type);
		if (get_uint(c, v, "soft", where, INT64_MAX, &rl->soft) < 0 ||
		    get_uint(c, v, "hard", where, INT64_MAX, &rl->hard) < 0)
			return -1;
		if (rl->soft > rl->hard)
			return bad(c, where, "soft limit %" PRIu64 " is above the hard limit %" PRIu64,
				   rl->soft, rl->hard);
		p->n_rlimits++;
	}
	return 0;
}

static int
parse_process(struct pctx *c, json_t *j, struct pod_oci_process **ret)
{
	cleanup_(pod_oci_process_freep) struct pod_oci_process *p = xcalloc(1, sizeof(*p));
	json_t *user = NULL, *caps = NULL, *a = NULL, *cs = NULL;
	uint64_t u = 0;
	int r;

	if (!json_is_object(j))
		return bad(c, "process", "must be an object");
	if (get_bool(c, j, "terminal", "process.terminal", &p->terminal) < 0)
		return -1;
	if (get_object(c, j, "consoleSize", "process.consoleSize", &cs) < 0)
		return -1;
	if (cs) {
		if (get_uint(c, cs, "height", "process.consoleSize.height", UINT16_MAX, &u) < 0)
			return -1;
		p->console_height = (unsigned) u;
		u = 0;
		if (get_uint(c, cs, "width", "process.consoleSize.width", UINT16_MAX, &u) < 0)
			return -1;
		p->console_width = (unsigned) u;
	}
	r = get_object(c, j, "user", "process.user", &user);
	if (r < 0)
		return -1;
	if (user) {
		if (get_uint(c, user, "uid", "process.user.uid", UINT32_MAX - 1, &u) < 0)
			return -1;
		p->uid = (uint32_t) u;
		u = 0;
		if (get_uint(c, user, "gid", "process.user.gid", UINT32_MAX - 1, &u) < 0)
			return -1;
		p->gid = (uint32_t) u;
		r = get_uint(c, user, "umask", "process.user.umask", 0777, &u);
		if (r < 0)
			return -1;
		p->has_umask = r > 0;
		p->umask = (uint32_t) u;
		a = NULL;
		if (get_array(c, user, "additionalGids", "process.user.additionalGids", &a) < 0)
			return -1;
		if (a) {
			json_t *v;
			size_t i;

			p->additional_gids = xcalloc(json_array_size(a) + 1, sizeof(gid_t));
			json_array_foreach (a, i, v) {
				if (!json_is_integer(v) || json_integer_value(v) < 0 ||
				    json_integer_value(v) >= UINT32_MAX)
					return bad(c, "process.user.additionalGids",
						   "entry %zu must be a group id", i);
				p->additional_gids[i] = (gid_t) json_integer_value(v);
			}
			p->n_additional_gids = json_array_size(a);
		}
	}
	if (get_strv(c, j, "args", "process.args", &p->args) < 0)
		return -1;
	if (!p->args || !p->args[0])
		return bad(c, "process.args", "at least one argument is required");
	if (!p->args[0][0])
		return bad(c, "process.args", "the executable name is empty");
	if (get_strv(c, j, "env", "process.env", &p->env) < 0)
		return -1;
	if (!p->env)
		p->env = xcalloc(1, sizeof(char *));
	if (get_string(c, j, "cwd", "process.cwd", &p->cwd) < 0)
		return -1;
	if (!p->cwd)
		return bad(c, "process.cwd", "is required");
	if (need_abs(c, "process.cwd", p->cwd) < 0)
		return -1;
	if (get_object(c, j, "capabilities", "process.capabilities", &caps) < 0)
		return -1;
	if (caps && parse_caps(c, caps, p) < 0)
		return -1;
	a = NULL;
	if (get_array(c, j, "rlimits", "process.rlimits", &a) < 0)
		return -1;
	if (a && parse_rlimits(c, a, p) < 0)
		return -1;
	if (get_bool(c, j, "noNewPrivileges", "process.noNewPrivileges", &p->no_new_privileges) < 0)
		return -1;
	{
		json_t *o = json_object_get(j, "oomScoreAdj");
		if (o && !json_is_null(o)) {
			if (!json_is_integer(o) || json_integer_value(o) < -1000 ||
			    json_integer_value(o) > 1000)
				return bad(c, "process.oomScoreAdj",
					   "must be an integer between -1000 and 1000");
			p->has_oom_score_adj = true;
			p->oom_score_adj = (int) json_integer_value(o);
		}
	}
	*ret = TAKE_PTR(p);
	return 0;
}

struct pod_oci_process *
pod_oci_process_free(struct pod_oci_process *p)
{
	if (!p)
		return NULL;
	free(p->additional_gids);
	pod_strv_free(p->args);
	pod_strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p);
	return NULL;
}

void
pod_oci_process_freep(struct pod_oci_process **p)
{
	*p = pod_oci_process_free(*p);
}

static char **
strv_dup(char *const *v)
{
	size_t n = pod_strv_len(v);
	char **out = xcalloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

struct pod_oci_process *
pod_oci_process_dup(const struct pod_oci_process *p)
{
	struct pod_oci_process *n = xmalloc(sizeof(*n));

	*n = *p;
	n->additional_gids = xcalloc(p->n_additional_gids + 1, sizeof(gid_t));
	if (p->n_additional_gids)
		memcpy(n->additional_gids, p->additional_gids, p->n_additional_gids * sizeof(gid_t));
	n->args = strv_dup(p->args);
	n->env = strv_dup(p->env);
	n->cwd = xstrdup(p->cwd);
	n->rlimits = xcalloc(p->n_rlimits + 1, sizeof(*n->rlimits));
	if (p->n_rlimits)
		memcpy(n->rlimits, p->rlimits, p->n_rlimits * sizeof(*n->rlimits));
	return n;
}

int
pod_oci_process_parse(json_t *j, const char *name, struct pod_oci_process **ret,
		      struct pod_err **err)
{
	struct pctx c = { .file = name, .err = err };

	return parse_process(&c, j, ret);
}

static int
read_bounded(const char *path, char **ret, size_t *ret_len, struct pod_err **err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[65536];
	ssize_t n;

	if (fd < 0)
		return pod_err_set(err, errno == ENOENT ? POD_E_NOTFOUND : POD_E_GENERIC, errno,
				   "open %s: %s", path, pod_strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			pod_strbuf_release(&sb);
			return pod_err_sys(err, "read %s", path);
		}
		if (sb.len + (size_t) n > POD_OCI_SPEC_MAX_SIZE) {
			pod_strbuf_release(&sb);
			return pod_err_set(err, POD_E_INVALID, 0, "%s: file too large", path);
		}
		pod_strbuf_add(&sb, buf, (size_t) n);
	}
	*ret_len = sb.len;
	*ret = pod_strbuf_detach(&sb);
	return 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int
pod_oci_process_load(const char *path, struct pod_oci_process **ret, struct pod_err **err)
{
	cleanup_free char *buf = NULL;
	cleanup_ojson json_t *j = NULL;
	json_error_t je;
	size_t len = 0;

	if (read_bounded(path, &buf, &len, err) < 0)
		return -1;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: line %d: %s", base_name(path),
				   je.line, je.text);
	return pod_oci_process_parse(j, base_name(path), ret, err);
}

/* --- the rest of the document -------------------------------------------- */

static int
parse_mounts(struct pctx *c, json_t *a, struct pod_oci_spec *s)
{
	json_t *v;
	size_t i;

	s->mounts = xcalloc(json_array_size(a) + 1, sizeof(*s->mounts));
	json_array_foreach (a, i, v) {
		cleanup_free char *where = xasprintf("mounts[%zu]", i);
		struct pod_oci_mount *m = &s->mounts[i];

		s->n_mounts = i + 1;
		if (!json_is_object(v))
			return bad(c, where, "must be an object");
		if (get_string(c, v, "destination", where, &m->destination) < 0 ||
		    get_string(c, v, "type", where, &m->type) < 0 ||
		    get_string(c, v, "source", where, &m->source) < 0 ||
		    get_strv(c, v, "options", where, &m->options) < 0)
			return -1;
		if (!m->destination)
			return bad(c, where, "destination is required");
		if (need_abs(c, where, m->destination) < 0)
			return -1;
		if (!m->options)
			m->options = xcalloc(1, sizeof(char *));
		if (json_object_get(v, "uidMappings") || json_object_get(v, "gidMappings"))
			return bad(c, where, "id-mapped mounts are not supported");
	}
	return 0;
}

static int
parse_hooks(struct pctx *c, json_t *hooks, struct pod_oci_spec *s)
{
	static const char *const names[POD_OCI_HOOK__MAX] = {
		"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
		"poststop"
	};

	for (int st = 0; st < POD_OCI_HOOK__MAX; st++) {
		json_t *a = NULL, *v;
		size_t i;
		cleanup_free char *w = xasprintf("hooks.%s", names[st]);

		if (get_array(c, hooks, names[st], w, &a) < 0)
			return -1;
		if (!a)
			continue;
		s->hooks[st] = xcalloc(json_array_size(a) + 1, sizeof(struct pod_oci_hook));
		json_array_foreach (a, i, v) {
			cleanup_free char *where = xasprintf("hooks.%s[%zu]", names[st], i);
			struct pod_oci_hook *h = &s->hooks[st][i];
			uint64_t t = 0;

			s->n_hooks[st] = i + 1;
			if (!json_is_object(v))
				return bad(c, where, "must be an object");
			if (get_string(c, v, "path", where, &h->path) < 0 ||
			    get_strv(c, v, "args", where, &h->args) < 0 ||
			    get_strv(c, v, "env", where, &h->env) < 0)
				return -1;
			if (!h->path)
				return bad(c, where, "path is required");
			if (need_abs(c, where, h->path) < 0)
				return -1;
			if (json_object_get(v, "timeout") &&
			    (!json_is_integer(json_object_get(v, "timeout")) ||
			     json_integer_value(json_object_get(v, "timeout")) <= 0))
				return bad(c, where, "timeout must be a positive integer");
			if (get_uint(c, v, "timeout", where, INT32_MAX, &t) < 0)
				return -1;
			h->timeout = (int) t;
		}
	}
	return 0;
}

static int
parse_namespaces(struct pctx *c, json_t *a, struct pod_oci_spec *s)
{
	json_t *v;
	size_t i;

	s->namespaces = xcalloc(json_array_size(a) + 1, sizeof(*s->namespaces));
	json_array_foreach (a, i, v) {
		cleanup_free char *where = xasprintf("linux.namespaces[%zu]", i);
		cleanup_free char *type = NULL;
		struct pod_oci_namespace *ns = &s->namespaces[i];

		s->n_namespaces = i + 1;
		if (!json_is_object(v))
			return bad(c, where, "must be an object");
		if (get_string(c, v, "type", where, &type) < 0 ||
		    get_string(c, v, "path", where, &ns->path) < 0)
			return -1;
		if (!type)
			return bad(c, where, "type is required");
		ns->type = 0;
		for (size_t k = 0; k < ARRAY_SIZE(ns_table); k++)
			if (STREQ(ns_table[k].name, type))
				ns->type = ns_table[k].flag;
		if (!ns->type)
			return bad(c, where, "unknown namespace type \"%s\"", type);
		for (size_t k = 0; k < i; k++)
			if (s->namespaces[k].type == ns->type)
				return bad(c, where, "duplicate namespace type \"%s\"", type);
		if (ns->path && need_abs(c, where, ns->path) < 0)
			return -1;
	}
	return 0;
}

static int
parse_idmaps(struct pctx *c, json_t *a, const char *key, struct pod_oci_idmap **ret,
	     size_t *ret_n)
{
	json_t *v;
	size_t i;

	*ret = xcalloc(json_array_size(a) + 1, sizeof(**ret));
	json_array_foreach (a, i, v) {
		cleanup_free char *where = xasprintf("linux.%s[%zu]", key, i);
		uint64_t cid = 0, hid = 0, size = 0;

		if (!json_is_object(v))
			return bad(c, where, "must be an object");
		if (get_uint(c, v, "containerID", where, UINT32_MAX, &cid) <= 0 ||
		    get_uint(c, v, "hostID", where, UINT32_MAX, &hid) <= 0 ||
		    get_uint(c, v, "size", where, UINT32_MAX, &size) <= 0) {
			if (!*c->err)
				bad(c, where, "containerID, hostID and size are required");
			return -1;
		}
		if (size == 0 || cid + size > (uint64_t) UINT32_MAX + 1 ||
		    hid + size > (uint64_t) UINT32_MAX + 1)
			return bad(c, where, "range out of bounds");
		(*ret)[i] = (struct pod_oci_idmap) { (uint32_t) cid, (uint32_t) hid,
						     (uint32_t) size };
		*ret_n = i + 1;
	}
	if (*ret_n > 340)
		return bad(c, key, "too many ranges (the kernel takes 340)");
	return 0;
}

static int
parse_devices(struct pctx *c, json_t *a, struct pod_oci_spec *s)
{
	json_t *v;
	size_t i;

	s->devices = xcalloc(json_array_size(a) + 1, sizeof(*s->devices));
	json_array_foreach (a, i, v) {
		cleanup_free char *where = xasprintf("linux.devices[%zu]", i);
		cleanup_free char *type = NULL;
		struct pod_oci_device *d = &s->devices[i];
		uint64_t u = 0;
		int r;

		s->n_devices = i + 1;
		if (!json_is_object(v))
			return bad(c, where, "must be an object");
		if (get_string(c, v, "path", where, &d->path) < 0 ||
		    get_string(c, v, "type", where, &type) < 0)
			return -1;
		if (!d->path)
			return bad(c, where, "path is required");
		if (need_abs(c, where, d->path) < 0)
			return -1;
		if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
			return bad(c, where, "type must be one of c, b, u, p");
		d->type = type[0];
		if (get_uint(c, v, "major", where, INT64_MAX, &u) < 0)
			return -1;
		d->major = (int64_t) u;
		r = u = 0;
		if (get_uint(c, v, "minor", where, INT64_MAX, &u) < 0)
			return -1;
		d->minor = (int64_t) u;
		if (d->type != 'p' &&
		    (!json_object_get(v, "major") || !json_object_get(v, "minor")))
			return bad(c, where, "major and minor are required");
		r = get_uint(c, v, "fileMode", where, 07777, &u);
		if (r < 0)
			return -1;
		d->has_mode = r > 0;
		d->file_mode = (uint32_t) u;
		r = get_uint(c, v, "uid", where, UINT32_MAX - 1, &u);
		if (r < 0)
			return -1;
		d->has_uid = r > 0;
		d->uid = (uint32_t) u;
		r = get_uint(c, v, "gid", where, UINT32_MAX - 1, &u);
		if (r < 0)
			return -1;
		d->has_gid = r > 0;
		d->gid = (uint32_t) u;
	}
	return 0;
}

static int
parse_sysctl(struct pctx *c, json_t *o, struct pod_oci_spec *s)
{
	const char *k;
	json_t *v;
	size_t i = 0;

	if (json_object_size(o) > MAX_ITEMS)
		return bad(c, "linux.sysctl", "too many entries");
	s->sysctl = xcalloc(json_object_size(o) + 1, sizeof(*s->sysctl));
	json_object_foreach (o, k, v) {
		if (!json_is_string(v))
			return bad(c, "linux.sysctl", "value of \"%s\" must be a string", k);
		if (!*k || strstr(k, "..") || k[0] == '.' || k[0] == '/')
			return bad(c, "linux.sysctl", "invalid key \"%s\"", k);
		for (const char *p = k; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || strchr("._-/", *p)))
				return bad(c, "linux.sysctl", "invalid key \"%s\"", k);
		s->sysctl[i].key = xstrdup(k);
		s->sysctl[i].value = xstrdup(json_string_value(v));
		s->n_sysctl = ++i;
	}
	return 0;
}

static int
parse_paths(struct pctx *c, json_t *lx, const char *key, char ***ret)
{
	cleanup_free char *where = xasprintf("linux.%s", key);

	if (get_strv(c, lx, key, where, ret) < 0)
		return -1;
	if (!*ret)
		*ret = xcalloc(1, sizeof(char *));
	for (size_t i = 0; (*ret)[i]; i++)
		if (need_abs(c, where, (*ret)[i]) < 0)
			return -1;
	return 0;
}

static const struct {
	const char *name;
	unsigned long flags;
} propagation_table[] = {
	{ "private", MS_PRIVATE },	       { "rprivate", MS_PRIVATE | MS_REC },
	{ "slave", MS_SLAVE },		       { "rslave", MS_SLAVE | MS_REC },
	{ "shared", MS_SHARED },	       { "rshared", MS_SHARED | MS_REC },
	{ "unbindable", MS_UNBINDABLE },       { "runbindable", MS_UNBINDABLE | MS_REC },
};

static int
parse_linux(struct pctx *c, json_t *l, struct pod_oci_spec *s)
{
	json_t *a = NULL, *o = NULL;
	cleanup_free char *prop = NULL;

	if (get_array(c, l, "namespaces", "linux.namespaces", &a) < 0)
		return -1;
	if (a && parse_namespaces(c, a, s) < 0)
		return -1;
	a = NULL;
	if (get_array(c, l, "uidMappings", "linux.uidMappings", &a) < 0)
		return -1;
	if (a && parse_idmaps(c, a, "uidMappings", &s->uid_mappings, &s->n_uid_mappings) < 0)
		return -1;
	a = NULL;
	if (get_array(c, l, "gidMappings", "linux.gidMappings", &a) < 0)
		return -1;
	if (a && parse_idmaps(c, a, "gidMappings", &s->gid_mappings, &s->n_gid_mappings) < 0)
		return -1;
	if ((s->n_uid_mappings || s->n_gid_mappings) &&
	    (pod_oci_spec_find_ns(s, CLONE_NEWUSER) < 0))
		return bad(c, "linux.uidMappings", "mappings need a user namespace");
	a = NULL;
	if (get_array(c, l, "devices", "linux.devices", &a) < 0)
		return -1;
	if (a && parse_devices(c, a, s) < 0)
		return -1;
	if (get_string(c, l, "cgroupsPath", "linux.cgroupsPath", &s->cgroups_path) < 0)
		return -1;
	if (get_object(c, l, "resources", "linux.resources", &o) < 0)
		return -1;
	if (o)
		s->resources = json_incref(o);
	o = NULL;
	if (get_object(c, l, "sysctl", "linux.sysctl", &o) < 0)
		return -1;
	if (o && parse_sysctl(c, o, s) < 0)
		return -1;
	o = NULL;
	if (get_object(c, l, "seccomp", "linux.seccomp", &o) < 0)
		return -1;
	if (o) {
		if (pod_rt_seccomp_check(o, c->file, c->err) < 0)
			return -1;
		s->seccomp = json_incref(o);
	}
	if (parse_paths(c, l, "maskedPaths", &s->masked_paths) < 0 ||
	    parse_paths(c, l, "readonlyPaths", &s->readonly_paths) < 0)
		return -1;
	if (get_string(c, l, "rootfsPropagation", "linux.rootfsPropagation", &prop) < 0)
		return -1;
	if (prop && *prop) {
		for (size_t i = 0; i < ARRAY_SIZE(propagation_table); i++)
			if (STREQ(prop, propagation_table[i].name))
				s->rootfs_propagation = propagation_table[i].flags;
		if (!s->rootfs_propagation)
			return bad(c, "linux.rootfsPropagation", "unknown propagation \"%s\"",
				   prop);
	}
	return 0;
}

static int
parse_doc(struct pctx *c, json_t *j, struct pod_oci_spec *s)
{
	json_t *root = NULL, *proc = NULL, *a = NULL, *o = NULL;

	if (!json_is_object(j))
		return pod_err_set(c->err, POD_E_INVALID, 0, "%s: must be a JSON object", c->file);
	if (get_string(c, j, "ociVersion", "ociVersion", &s->oci_version) < 0)
		return -1;
	if (!s->oci_version)
		return bad(c, "ociVersion", "is required");
	if (!pod_str_has_prefix(s->oci_version, "1."))
		return bad(c, "ociVersion", "unsupported version \"%s\"", s->oci_version);
	if (get_object(c, j, "root", "root", &root) < 0)
		return -1;
	if (!root)
		return bad(c, "root", "is required");
	if (get_string(c, root, "path", "root.path", &s->root_path) < 0 ||
	    get_bool(c, root, "readonly", "root.readonly", &s->root_readonly) < 0)
		return -1;
	if (!s->root_path || !*s->root_path)
		return bad(c, "root.path", "is required");
	proc = json_object_get(j, "process");
	if (proc && !json_is_null(proc) && parse_process(c, proc, &s->process) < 0)
		return -1;
	if (get_string(c, j, "hostname", "hostname", &s->hostname) < 0 ||
	    get_string(c, j, "domainname", "domainname", &s->domainname) < 0)
		return -1;
	if (s->hostname && strlen(s->hostname) > 64)
		return bad(c, "hostname", "longer than 64 bytes");
	if (s->domainname && strlen(s->domainname) > 64)
		return bad(c, "domainname", "longer than 64 bytes");
	if (get_array(c, j, "mounts", "mounts", &a) < 0)
		return -1;
	if (a && parse_mounts(c, a, s) < 0)
		return -1;
	if (get_object(c, j, "hooks", "hooks", &o) < 0)
		return -1;
	if (o && parse_hooks(c, o, s) < 0)
		return -1;
	o = NULL;
	if (get_object(c, j, "annotations", "annotations", &o) < 0)
		return -1;
	if (o) {
		const char *k;
		json_t *v;

		json_object_foreach (o, k, v)
			if (!json_is_string(v))
				return bad(c, "annotations", "value of \"%s\" must be a string", k);
		s->annotations = json_incref(o);
	} else {
		s->annotations = json_object();
	}
	o = NULL;
	if (get_object(c, j, "linux", "linux", &o) < 0)
		return -1;
	if (o && parse_linux(c, o, s) < 0)
		return -1;
	if (!s->masked_paths)
		s->masked_paths = xcalloc(1, sizeof(char *));
	if (!s->readonly_paths)
		s->readonly_paths = xcalloc(1, sizeof(char *));
	if (s->hostname && *s->hostname && pod_oci_spec_find_ns(s, CLONE_NEWUTS) < 0)
		return bad(c, "hostname", "setting the hostname needs a new UTS namespace");
	return 0;
}

int
pod_oci_spec_parse(const char *buf, size_t len, const char *name, struct pod_oci_spec **ret,
		   struct pod_err **err)
{
	cleanup_(pod_oci_spec_freep) struct pod_oci_spec *s = NULL;
	struct pctx c = { .file = name, .err = err };
	json_error_t je;
	json_t *j;

	if (len > POD_OCI_SPEC_MAX_SIZE)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: file too large", name);
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: line %d: %s", name, je.line,
				   je.text);
	s = xcalloc(1, sizeof(*s));
	s->json = j;
	if (parse_doc(&c, j, s) < 0)
		return -1;
	*ret = TAKE_PTR(s);
	return 0;
}

int
pod_oci_spec_load(const char *path, struct pod_oci_spec **ret, struct pod_err **err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;

	if (read_bounded(path, &buf, &len, err) < 0)
		return -1;
	if (pod_oci_spec_parse(buf, len, base_name(path), ret, err) < 0)
		return -1;
	(*ret)->text = TAKE_PTR(buf);
	(*ret)->text_len = len;
	return 0;
}

struct pod_oci_spec *
pod_oci_spec_free(struct pod_oci_spec *s)
{
	if (!s)
		return NULL;
	free(s->text);
	free(s->oci_version);
	free(s->root_path);
	pod_oci_process_free(s->process);
	free(s->hostname);
	free(s->domainname);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].destination);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		pod_strv_free(s->mounts[i].options);
	}
	free(s->mounts);
	for (int st = 0; st < POD_OCI_HOOK__MAX; st++) {
		for (size_t i = 0; i < s->n_hooks[st]; i++) {
			free(s->hooks[st][i].path);
			pod_strv_free(s->hooks[st][i].args);
			pod_strv_free(s->hooks[st][i].env);
		}
		free(s->hooks[st]);
	}
	json_decref(s->annotations);
	for (size_t i = 0; i < s->n_namespaces; i++)
		free(s->namespaces[i].path);
	free(s->namespaces);
	free(s->uid_mappings);
	free(s->gid_mappings);
	for (size_t i = 0; i < s->n_devices; i++)
		free(s->devices[i].path);
	free(s->devices);
	free(s->cgroups_path);
	json_decref(s->resources);
	for (size_t i = 0; i < s->n_sysctl; i++) {
		free(s->sysctl[i].key);
		free(s->sysctl[i].value);
	}
	free(s->sysctl);
	json_decref(s->seccomp);
	pod_strv_free(s->masked_paths);
	pod_strv_free(s->readonly_paths);
	json_decref(s->json);
	free(s);
	return NULL;
}

void
pod_oci_spec_freep(struct pod_oci_spec **s)
{
	*s = pod_oci_spec_free(*s);
}
