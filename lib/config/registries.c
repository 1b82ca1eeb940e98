/* registries.c - containers-registries.conf(5) v1 and v2, drop-ins, prefix lookup */
#include "config/internal.h"

#include <ctype.h>
#include <errno.h>

/* what one file says; has_* tell "set" from "absent" for the merge */
struct partial {
	bool has_search;
	char **search;
	bool has_mode;
	enum pod_short_name_mode mode;
	bool has_helpers;
	char **helpers;
	struct pod_registry *regs;
	size_t n_regs;
	struct pod_registry_alias *aliases; /* value "" removes an earlier alias */
	size_t n_aliases;
};

static void
registry_release(struct pod_registry *r)
{
	size_t i;

	free(r->prefix);
	free(r->location);
	for (i = 0; i < r->n_mirrors; i++) {
		free(r->mirrors[i].location);
		free(r->mirrors[i].pull_from_mirror);
	}
	free(r->mirrors);
	memset(r, 0, sizeof(*r));
}

static void
alias_release(struct pod_registry_alias *a)
{
	free(a->name);
	free(a->value);
	free(a->file);
}

static void
partial_release(struct partial *p)
{
	size_t i;

	pod_strv_free(p->search);
	pod_strv_free(p->helpers);
	for (i = 0; i < p->n_regs; i++)
		registry_release(&p->regs[i]);
	free(p->regs);
	for (i = 0; i < p->n_aliases; i++)
		alias_release(&p->aliases[i]);
	free(p->aliases);
	memset(p, 0, sizeof(*p));
}

struct pod_registries *
pod_registries_free(struct pod_registries *r)
{
	size_t i;

	if (!r)
		return NULL;
	pod_strv_free(r->search);
	for (i = 0; i < r->n_aliases; i++)
		alias_release(&r->aliases[i]);
	free(r->aliases);
	for (i = 0; i < r->n_registries; i++)
		registry_release(&r->registries[i]);
	free(r->registries);
	pod_strv_free(r->credential_helpers);
	pod_strv_free(r->files);
	free(r);
	return NULL;
}

void
pod_registries_freep(struct pod_registries **r)
{
	*r = pod_registries_free(*r);
}

/* c/image's parseLocation: drop trailing slashes, refuse URL schemes */
static int
parse_location(const char *prefix, const char *in, char **ret, struct pod_err **err)
{
	size_t n = strlen(in);

	while (n && in[n - 1] == '/')
		n--;
	if ((n >= 7 && !strncmp(in, "http://", 7)) || (n >= 8 && !strncmp(in, "https://", 8)))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid location '%s': URI schemes are not supported", prefix,
				   in);
	{
		char *out = xstrndup(in, n); /* IN may be *RET */

		free(*ret);
		*ret = out;
	}
	return 0;
}

/* host or host:port, as the distribution reference grammar spells domains */
static bool
domain_ok(const char *s)
{
	const char *p = s;

	for (;;) {
		const char *start = p;

		while (isalnum((unsigned char) *p) || *p == '-')
			p++;
		if (p == start || start[0] == '-' || p[-1] == '-')
			return false;
		if (*p != '.')
			break;
		p++;
	}
	if (*p == ':') {
		p++;
		if (!isdigit((unsigned char) *p))
			return false;
		while (isdigit((unsigned char) *p))
			p++;
	}
	return *p == '\0';
}

static bool
looks_like_domain(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && !memcmp(s, "localhost", 9));
}

static int
check_short_name(const char *prefix, const char *name, struct pod_err **err)
{
	const char *slash = strchr(name, '/');
	const char *last = strrchr(name, '/');

	if (!*name)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: cannot parse short name: \"\"", prefix);
	if (strchr(name, '@'))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid short name \"%s\": must not contain digest", prefix,
				   name);
	if (slash && looks_like_domain(name, (size_t) (slash - name)))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid short name \"%s\": must not contain registry", prefix,
				   name);
	if (strchr(last ? last : name, ':'))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid short name \"%s\": must not contain tag", prefix, name);
	return 0;
}

/* checks an alias value and normalizes Docker Hub names */
static int
check_alias_value(const char *prefix, const char *v, char **ret, struct pod_err **err)
{
	const char *slash = strchr(v, '/');
	const char *last = strrchr(v, '/');
	const char *rest;

	if (strchr(v, '@'))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid alias \"%s\": must not contain digest", prefix, v);
	if (last && strchr(last, ':'))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid alias \"%s\": must not contain tag", prefix, v);
	if (!slash || !slash[1] || !looks_like_domain(v, (size_t) (slash - v)))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid alias \"%s\": must contain registry and repository",
				   prefix, v);
	rest = slash + 1;
	if ((size_t) (slash - v) == 9 && !strncmp(v, "docker.io", 9)) {
		*ret = strchr(rest, '/') ? xstrdup(v) : xasprintf("docker.io/library/%s", rest);
		return 0;
	}
	if ((size_t) (slash - v) == 15 && !strncmp(v, "index.docker.io", 15)) {
		*ret = strchr(rest, '/') ? xasprintf("docker.io/%s", rest)
					 : xasprintf("docker.io/library/%s", rest);
		return 0;
	}
	*ret = xstrdup(v);
	return 0;
}

static int
decode_mirror(const json_t *m, const char *prefix, struct pod_registry_mirror *out,
	      struct pod_err **err)
{
	const json_t *v;

	if (!json_is_object(m))
		return pod_cfg_type_err(err, prefix, NULL, "registry.mirror", m, "table");
	if ((v = json_object_get(m, "location")) &&
	    pod_cfg_string(v, prefix, "registry.mirror", "location", &out->location, err) < 0)
		return -1;
	if ((v = json_object_get(m, "insecure")) &&
	    pod_cfg_bool(v, prefix, "registry.mirror", "insecure", &out->insecure, err) < 0)
		return -1;
	if ((v = json_object_get(m, "pull-from-mirror"))) {
		if (pod_cfg_string(v, prefix, "registry.mirror", "pull-from-mirror",
				   &out->pull_from_mirror, err) < 0)
			return -1;
		if (*out->pull_from_mirror && !STREQ(out->pull_from_mirror, "all") &&
		    !STREQ(out->pull_from_mirror, "digest-only") &&
		    !STREQ(out->pull_from_mirror, "tag-only"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s: unsupported pull-from-mirror value \"%s\"", prefix,
					   out->pull_from_mirror);
	}
	if (!out->location)
		out->location = xstrdup("");
	if (parse_location(prefix, out->location, &out->location, err) < 0)
		return -1;
	if (!*out->location)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid condition: mirror location is unset", prefix);
	return 0;
}

static bool
prefix_ok(const char *p)
{
	const char *star = strchr(p, '*');

	if (!star)
		return true;
	/* "*.example.com": leading only, no port or path */
	return star == p && p[1] == '.' && !strchr(p + 1, '*') && !strchr(p, '/') &&
	       !strchr(p, ':');
}

static int
decode_registry(const json_t *r, const char *prefix, struct pod_registry *out,
		struct pod_err **err)
{
	const json_t *v;
	char *key_pfx = NULL;

	if (!json_is_object(r))
		return pod_cfg_type_err(err, prefix, NULL, "registry", r, "table");
	if ((v = json_object_get(r, "prefix")) &&
	    pod_cfg_string(v, prefix, "registry", "prefix", &key_pfx, err) < 0)
		return -1;
	out->prefix = key_pfx;
	if ((v = json_object_get(r, "location")) &&
	    pod_cfg_string(v, prefix, "registry", "location", &out->location, err) < 0)
		return -1;
	if ((v = json_object_get(r, "insecure")) &&
	    pod_cfg_bool(v, prefix, "registry", "insecure", &out->insecure, err) < 0)
		return -1;
	if ((v = json_object_get(r, "blocked")) &&
	    pod_cfg_bool(v, prefix, "registry", "blocked", &out->blocked, err) < 0)
		return -1;
	if ((v = json_object_get(r, "mirror-by-digest-only")) &&
	    pod_cfg_bool(v, prefix, "registry", "mirror-by-digest-only",
			 &out->mirror_by_digest_only, err) < 0)
		return -1;
	if (json_object_get(r, "pull-from-mirror"))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: pull-from-mirror must not be set for a non-mirror registry "
				   "\"%s\"",
				   prefix, out->prefix ? out->prefix : out->location ? out->location : "");
	if ((v = json_object_get(r, "mirror"))) {
		size_t i;
		json_t *m;

		if (!json_is_array(v))
			return pod_cfg_type_err(err, prefix, "registry", "mirror", v,
						"array of tables");
		out->mirrors = xcalloc(json_array_size(v) + 1, sizeof(*out->mirrors));
		json_array_foreach (v, i, m) {
			out->n_mirrors++;
			if (decode_mirror(m, prefix, &out->mirrors[i], err) < 0)
				return -1;
		}
	}

	if (!out->location)
		out->location = xstrdup("");
	if (parse_location(prefix, out->location, &out->location, err) < 0)
		return -1;
	if (!out->prefix || !*out->prefix) {
		if (!*out->location)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s: invalid condition: both location and prefix are unset",
					   prefix);
		free(out->prefix);
		out->prefix = xstrdup(out->location);
	} else {
		if (parse_location(prefix, out->prefix, &out->prefix, err) < 0)
			return -1;
		if (!pod_str_has_prefix(out->prefix, "*.") && !*out->location)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s: invalid condition: location is unset and prefix is "
					   "not in the format: *.example.com",
					   prefix);
	}
	if (!prefix_ok(out->prefix))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s: invalid prefix '%s': wildcards are only supported at the "
				   "beginning, as in *.example.com",
				   prefix, out->prefix);
	return 0;
}

static int
cmp_registry(const void *a, const void *b)
{
	return strcmp(((const struct pod_registry *) a)->prefix,
		      ((const struct pod_registry *) b)->prefix);
}

/* conflict checks, then one entry per prefix (the first wins), sorted */
static int
post_process(struct partial *p, const char *prefix, struct pod_err **err)
{
	size_t i, j, n = 0;

	for (i = 0; i < p->n_regs; i++) {
		const struct pod_registry *a = &p->regs[i];

		for (j = 0; j < p->n_regs; j++) {
			const struct pod_registry *b = &p->regs[j];
			const char *ka = *a->location ? a->location : a->prefix;
			const char *kb = *b->location ? b->location : b->prefix;

			if (i == j || !STREQ(ka, kb))
				continue;
			if (a->insecure != b->insecure)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "%s: registry '%s' is defined multiple times with "
						   "conflicting 'insecure' setting",
						   prefix, a->location);
			if (a->blocked != b->blocked)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "%s: registry '%s' is defined multiple times with "
						   "conflicting 'blocked' setting",
						   prefix, a->location);
		}
	}
	for (i = 0; i < p->n_regs; i++) {
		bool dup = false;

		for (j = 0; j < n; j++)
			if (STREQ(p->regs[j].prefix, p->regs[i].prefix))
				dup = true;
		if (dup) {
			registry_release(&p->regs[i]);
			continue;
		}
		if (n != i) {
			p->regs[n] = p->regs[i];
			memset(&p->regs[i], 0, sizeof(p->regs[i]));
		}
		n++;
	}
	p->n_regs = n;
	if (n)
		qsort(p->regs, n, sizeof(*p->regs), cmp_registry);
	for (i = 0; p->search && p->search[i]; i++) {
		if (parse_location(prefix, p->search[i], &p->search[i], err) < 0)
			return -1;
		if (!domain_ok(p->search[i]))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "%s: Invalid unqualified-search-registries entry \"%s\"",
					   prefix, p->search[i]);
	}
	return 0;
}

/* v1: [registries.search] / [registries.insecure] / [registries.block] */
static int
decode_v1(const json_t *root, const char *prefix, char ***lists, struct pod_err **err)
{
	static const char *const names[] = { "search", "insecure", "block" };
	const json_t *regs = json_object_get(root, "registries");
	size_t i;

	if (!regs)
		return 0;
	if (!json_is_object(regs))
		return pod_cfg_type_err(err, prefix, NULL, "registries", regs, "table");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const json_t *t = json_object_get(regs, names[i]), *v;
		cleanup_free char *section = xasprintf("registries.%s", names[i]);

		if (!t)
			continue;
		if (!json_is_object(t))
			return pod_cfg_type_err(err, prefix, "registries", names[i], t, "table");
		v = json_object_get(t, "registries");
		if (v && pod_cfg_strv(v, prefix, section, "registries", &lists[i], err) < 0)
			return -1;
	}
	return 0;
}

static struct pod_registry *
v1_registry(struct partial *p, const char *location)
{
	size_t i;

	for (i = 0; i < p->n_regs; i++)
		if (STREQ(p->regs[i].location, location))
			return &p->regs[i];
	p->regs = xrealloc(p->regs, (p->n_regs + 1) * sizeof(*p->regs));
	memset(&p->regs[p->n_regs], 0, sizeof(*p->regs));
	p->regs[p->n_regs].location = xstrdup(location);
	p->regs[p->n_regs].prefix = xstrdup(location);
	return &p->regs[p->n_regs++];
}

static int
convert_v1(struct partial *p, char **lists[3], const char *prefix, struct pod_err **err)
{
	size_t i, k;

	for (k = 1; k <= 2; k++) { /* blocked first, then insecure, as c/image orders them */
		char **list = lists[k == 1 ? 2 : 1];

		for (i = 0; list && list[i]; i++) {
			cleanup_free char *loc = NULL;
			struct pod_registry *r;

			if (parse_location(prefix, list[i], &loc, err) < 0)
				return -1;
			r = v1_registry(p, loc);
			if (k == 1)
				r->blocked = true;
			else
				r->insecure = true;
		}
	}
	p->has_search = true;
	p->search = lists[0] ? TAKE_PTR(lists[0]) : xcalloc(1, sizeof(char *));
	return 0;
}

static int
decode_aliases(const json_t *root, const char *path, const char *prefix, struct partial *p,
	       struct pod_err **err)
{
	const json_t *a = json_object_get(root, "aliases");
	const char *name;
	json_t *v;

	if (!a)
		return 0;
	if (!json_is_object(a))
		return pod_cfg_type_err(err, prefix, NULL, "aliases", a, "table");
	p->aliases = xcalloc(json_object_size(a) + 1, sizeof(*p->aliases));
	json_object_foreach ((json_t *) a, name, v) {
		struct pod_registry_alias *al = &p->aliases[p->n_aliases];
		char *val = NULL;

		if (pod_cfg_string(v, prefix, "aliases", name, &val, err) < 0)
			return -1;
		al->name = xstrdup(name);
		al->file = xstrdup(path);
		p->n_aliases++;
		if (check_short_name(prefix, name, err) < 0) {
			free(val);
			return -1;
		}
		if (!*val) { /* an empty value removes the alias */
			al->value = val;
			continue;
		}
		if (check_alias_value(prefix, val, &al->value, err) < 0) {
			free(val);
			return -1;
		}
		free(val);
	}
	return 0;
}

static int
decode_file(const json_t *root, const char *path, bool dropin, struct partial *p,
	    struct pod_err **err)
{
	cleanup_free char *prefix = xasprintf("loading registries configuration \"%s\"", path);
	char **v1[3] = { NULL, NULL, NULL };
	const json_t *v;
	bool v1_set, v2_set;
	int r = -1;
	size_t i;

	if ((v = json_object_get(root, "unqualified-search-registries"))) {
		if (pod_cfg_strv(v, prefix, NULL, "unqualified-search-registries", &p->search,
				 err) < 0)
			goto out;
		p->has_search = true;
	}
	if ((v = json_object_get(root, "credential-helpers"))) {
		if (pod_cfg_strv(v, prefix, NULL, "credential-helpers", &p->helpers, err) < 0)
			goto out;
		p->has_helpers = true;
	}
	if ((v = json_object_get(root, "short-name-mode"))) {
		cleanup_free char *m = NULL;

		if (pod_cfg_string(v, prefix, NULL, "short-name-mode", &m, err) < 0)
			goto out;
		if (STREQ(m, "enforcing"))
			p->mode = POD_SHORT_NAME_ENFORCING;
		else if (STREQ(m, "permissive"))
			p->mode = POD_SHORT_NAME_PERMISSIVE;
		else if (STREQ(m, "disabled"))
			p->mode = POD_SHORT_NAME_DISABLED;
		else if (*m) {
			pod_err_set(err, POD_E_INVALID, 0, "%s: invalid short name mode \"%s\"",
				    prefix, m);
			goto out;
		}
		p->has_mode = *m != '\0';
	}
	if ((v = json_object_get(root, "registry"))) {
		json_t *e;

		if (!json_is_array(v)) {
			pod_cfg_type_err(err, prefix, NULL, "registry", v, "array of tables");
			goto out;
		}
		p->regs = xcalloc(json_array_size(v) + 1, sizeof(*p->regs));
		json_array_foreach (v, i, e) {
			p->n_regs++;
			if (decode_registry(e, prefix, &p->regs[i], err) < 0)
				goto out;
		}
	}
	if (decode_aliases(root, path, prefix, p, err) < 0)
		goto out;
	if (decode_v1(root, prefix, v1, err) < 0)
		goto out;

	v1_set = pod_strv_len(v1[0]) || pod_strv_len(v1[1]) || pod_strv_len(v1[2]);
	v2_set = p->n_regs || pod_strv_len(p->search) || pod_strv_len(p->helpers) ||
		 p->has_mode || p->n_aliases;
	if (v1_set) {
		if (dropin) {
			pod_err_set(err, POD_E_INVALID, 0,
				    "%s: registry must be in v2 format but is in v1", prefix);
			goto out;
		}
		if (v2_set) {
			pod_err_set(err, POD_E_INVALID, 0,
				    "%s: mixing sysregistry v1/v2 is not supported", prefix);
			goto out;
		}
		if (convert_v1(p, v1, prefix, err) < 0)
			goto out;
	}
	r = post_process(p, prefix, err);
out:
	for (i = 0; i < 3; i++)
		pod_strv_free(v1[i]);
	return r;
}

static int
cmp_alias(const void *a, const void *b)
{
	return strcmp(((const struct pod_registry_alias *) a)->name,
		      ((const struct pod_registry_alias *) b)->name);
}

/* c/image's updateWithConfigurationFrom */
static void
merge(struct pod_registries *r, struct partial *p)
{
	size_t i, j;

	for (i = 0; i < p->n_regs; i++) {
		for (j = 0; j < r->n_registries; j++)
			if (STREQ(r->registries[j].prefix, p->regs[i].prefix))
				break;
		if (j == r->n_registries) {
			r->registries = xrealloc(r->registries,
						 (r->n_registries + 1) * sizeof(*r->registries));
			r->n_registries++;
		} else {
			registry_release(&r->registries[j]);
		}
		r->registries[j] = p->regs[i];
		memset(&p->regs[i], 0, sizeof(p->regs[i]));
	}
	if (r->n_registries)
		qsort(r->registries, r->n_registries, sizeof(*r->registries), cmp_registry);
	if (p->has_search) {
		pod_strv_free(r->search);
		r->search = TAKE_PTR(p->search);
	}
	if (p->has_helpers) {
		pod_strv_free(r->credential_helpers);
		r->credential_helpers = TAKE_PTR(p->helpers);
	}
	if (p->has_mode)
		r->short_name_mode = p->mode;
	for (i = 0; i < p->n_aliases; i++) {
		struct pod_registry_alias *a = &p->aliases[i];

		for (j = 0; j < r->n_aliases; j++)
			if (STREQ(r->aliases[j].name, a->name))
				break;
		if (j < r->n_aliases) {
			alias_release(&r->aliases[j]);
			r->aliases[j] = r->aliases[--r->n_aliases];
		}
		if (!*a->value)
			continue;
		r->aliases = xrealloc(r->aliases, (r->n_aliases + 1) * sizeof(*r->aliases));
		r->aliases[r->n_aliases++] = *a;
		memset(a, 0, sizeof(*a));
	}
	if (r->n_aliases)
		qsort(r->aliases, r->n_aliases, sizeof(*r->aliases), cmp_alias);
}

static int
load_one(struct pod_registries *r, const char *path, bool dropin, struct pod_err **err)
{
	cleanup_json json_t *root = NULL;
	struct partial p = { .has_search = false };
	bool missing = false;
	int ret;

	root = pod_cfg_parse(path, &missing, err);
	if (missing)
		return 0;
	if (!root)
		return -1;
	ret = decode_file(root, path, dropin, &p, err);
	if (ret == 0) {
		merge(r, &p);
		r->files = pod_strv_push(r->files, xstrdup(path));
	}
	partial_release(&p);
	return ret;
}

int
pod_registries_load_files(const char *main, char *const *dropins, struct pod_registries **ret,
			  struct pod_err **err)
{
	cleanup_(pod_registries_freep) struct pod_registries *r = xcalloc(1, sizeof(*r));
	size_t i;

	r->search = xcalloc(1, sizeof(char *));
	r->files = xcalloc(1, sizeof(char *));
	if (main && load_one(r, main, false, err) < 0)
		return -1;
	for (i = 0; dropins && dropins[i]; i++)
		if (load_one(r, dropins[i], true, err) < 0)
			return -1;
	if (!pod_strv_len(r->credential_helpers)) {
		pod_strv_free(r->credential_helpers);
		r->credential_helpers = xcalloc(2, sizeof(char *));
		r->credential_helpers[0] = xstrdup("containers-auth.json");
	}
	*ret = TAKE_PTR(r);
	return 0;
}

int
pod_registries_files(const struct pod_config_dirs *d, char **ret_main, char ***ret_dropins,
		     struct pod_err **err)
{
	cleanup_free char *home = pod_config_home(d);
	cleanup_free char *user = xasprintf("%s/.config/containers/registries.conf", home);
	cleanup_free char *user_d = xasprintf("%s/.config/containers/registries.conf.d", home);
	cleanup_free char *etc_d = xasprintf("%s/registries.conf.d", d->etc_dir);
	cleanup_strv char **dropins = xcalloc(1, sizeof(char *));
	const char *env = getenv("CONTAINERS_REGISTRIES_CONF");
	char *main;

	if (env && *env) {
		main = xstrdup(env);
	} else if (pod_cfg_exists(user)) {
		/* the user's file replaces the system one and its drop-in directory */
		main = TAKE_PTR(user);
		if (pod_cfg_add_conf_dir(&dropins, user_d, err) < 0) {
			free(main);
			return -1;
		}
		*ret_main = main;
		*ret_dropins = TAKE_PTR(dropins);
		return 0;
	} else {
		main = xasprintf("%s/registries.conf", d->etc_dir);
	}
	if (pod_cfg_add_conf_dir(&dropins, etc_d, err) < 0 ||
	    pod_cfg_add_conf_dir(&dropins, user_d, err) < 0) {
		free(main);
		return -1;
	}
	*ret_main = main;
	*ret_dropins = TAKE_PTR(dropins);
	return 0;
}

int
pod_registries_load_dirs(const struct pod_config_dirs *d, struct pod_registries **ret,
			 struct pod_err **err)
{
	cleanup_free char *main = NULL;
	cleanup_strv char **dropins = NULL;

	if (pod_registries_files(d, &main, &dropins, err) < 0)
		return -1;
	return pod_registries_load_files(main, dropins, ret, err);
}

int
pod_registries_load(struct pod_registries **ret, struct pod_err **err)
{
	struct pod_config_dirs d;

	pod_config_dirs_default(&d);
	return pod_registries_load_dirs(&d, ret, err);
}

/* length of the match of a "*.example.com" prefix in REF, or -1 */
static ssize_t
match_wildcard(const char *ref, const char *prefix)
{
	const char *suffix = prefix + 1; /* ".example.com" */
	const char *hit = strstr(ref, suffix);
	size_t end;

	if (!hit || memchr(ref, '/', (size_t) (hit - ref)))
		return -1;
	end = (size_t) (hit - ref) + strlen(suffix);
	if (ref[end] == '\0' || ref[end] == ':' || ref[end] == '/' || ref[end] == '@')
		return (ssize_t) end;
	return -1;
}

static bool
prefix_matches(const char *ref, const char *prefix)
{
	size_t n = strlen(prefix);
	char c;

	if (pod_str_has_prefix(prefix, "*."))
		return match_wildcard(ref, prefix) >= 0;
	if (strncmp(ref, prefix, n) != 0)
		return false;
	c = ref[n];
	return c == '\0' || c == ':' || c == '/' || c == '@';
}

const struct pod_registry *
pod_registries_find(const struct pod_registries *r, const char *ref)
{
	const struct pod_registry *best = NULL;
	size_t best_len = 0, i;

	for (i = 0; r && i < r->n_registries; i++) {
		const struct pod_registry *reg = &r->registries[i];
		size_t n = strlen(reg->prefix);

		if (n > best_len && prefix_matches(ref, reg->prefix)) {
			best = reg;
			best_len = n;
		}
	}
	return best;
}

const char *
pod_registries_alias(const struct pod_registries *r, const char *name)
{
	size_t i;

	for (i = 0; r && i < r->n_aliases; i++)
		if (STREQ(r->aliases[i].name, name))
			return r->aliases[i].value;
	return NULL;
}
