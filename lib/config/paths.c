/* paths.c - where the containers-* files live, and typed access to parsed TOML */
#include "config/internal.h"
#include "core/json.h"
#include "config/toml.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

void
pod_config_dirs_default(struct pod_config_dirs *d)
{
	*d = (struct pod_config_dirs){
		.share_dir = "/usr/share/containers",
		.etc_dir = "/etc/containers",
		.home = NULL,
		.rootless = geteuid() != 0,
	};
}

bool
pod_cfg_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

char *
pod_config_home(const struct pod_config_dirs *d)
{
	const char *h = d && d->home ? d->home : getenv("HOME");
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (h && *h)
		return xstrdup(h);
	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_dir)
		return xstrdup(res->pw_dir);
	return xstrdup("/");
}

char *
pod_cfg_config_home(const struct pod_config_dirs *d)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	cleanup_free char *home = NULL;

	if (x && *x)
		return xstrdup(x);
	home = pod_config_home(d);
	return xasprintf("%s/.config", home);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

int
pod_cfg_add_conf_dir(char ***v, const char *dir, struct pod_err **err)
{
	cleanup_strv char **found = xcalloc(1, sizeof(char *));
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t i, n = 0;

	if (!dh) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return pod_err_sys(err, "reading directory %s", dir);
	}
	while ((de = readdir(dh))) {
		cleanup_free char *p = NULL;
		struct stat st;

		if (de->d_name[0] == '.' || !pod_str_has_suffix(de->d_name, ".conf"))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		/* sub-directories and other non-files are ignored */
		if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		found = pod_strv_push(found, TAKE_PTR(p));
		n++;
	}
	closedir(dh);
	qsort(found, n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++)
		*v = pod_strv_push(*v, TAKE_PTR(found[i]));
	return 0;
}

json_t *
pod_cfg_parse(const char *path, bool *ret_missing, struct pod_err **err)
{
	struct pod_err *e = NULL;
	json_t *j = pod_toml_parse_file(path, &e);

	*ret_missing = false;
	if (j)
		return j;
	if (e->errnum == ENOENT) {
		pod_err_free(&e);
		*ret_missing = true;
		return NULL;
	}
	*err = e;
	return NULL;
}

int
pod_cfg_type_err(struct pod_err **err, const char *prefix, const char *section, const char *key,
		 const json_t *v, const char *want)
{
	return pod_err_set(err, POD_E_INVALID, 0,
			   "%s: key \"%s%s%s\": incompatible types: TOML value has type %s; "
			   "destination has type %s",
			   prefix, section ? section : "", section && *section ? "." : "", key,
			   pod_toml_type_name(v), want);
}

int
pod_cfg_string(const json_t *v, const char *prefix, const char *section, const char *key,
	       char **ret, struct pod_err **err)
{
	if (!json_is_string(v))
		return pod_cfg_type_err(err, prefix, section, key, v, "string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return pod_err_set(err, POD_E_INVALID, 0, "%s: key \"%s%s%s\": string contains NUL",
				   prefix, section ? section : "", section && *section ? "." : "",
				   key);
	free(*ret);
	*ret = xstrdup(json_string_value(v));
	return 0;
}

int
pod_cfg_strv(const json_t *v, const char *prefix, const char *section, const char *key,
	     char ***ret, struct pod_err **err)
{
	cleanup_strv char **out = xcalloc(1, sizeof(char *));
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return pod_cfg_type_err(err, prefix, section, key, v, "array of strings");
	json_array_foreach (v, i, e) {
		char *s = NULL;

		if (!json_is_string(e))
			return pod_cfg_type_err(err, prefix, section, key, e, "string");
		if (pod_cfg_string(e, prefix, section, key, &s, err) < 0)
			return -1;
		out = pod_strv_push(out, s);
	}
	pod_strv_free(*ret);
	*ret = TAKE_PTR(out);
	return 0;
}

int
pod_cfg_bool(const json_t *v, const char *prefix, const char *section, const char *key,
	     bool *ret, struct pod_err **err)
{
	if (!json_is_boolean(v))
		return pod_cfg_type_err(err, prefix, section, key, v, "boolean");
	*ret = json_is_true(v);
	return 0;
}

int
pod_cfg_decode(const json_t *table, const char *prefix, const char *section,
	       const struct pod_cfg_field *fields, size_t n, void *base, struct pod_err **err)
{
	size_t i;

	if (!table)
		return 0;
	for (i = 0; i < n; i++) {
		const struct pod_cfg_field *f = &fields[i];
		json_t *v = json_object_get(table, f->key);
		void *dst = (char *) base + f->offset;

		if (!v)
			continue;
		switch (f->type) {
		case POD_CFG_STRING:
			if (pod_cfg_string(v, prefix, section, f->key, dst, err) < 0)
				return -1;
			break;
		case POD_CFG_BOOL:
			if (pod_cfg_bool(v, prefix, section, f->key, dst, err) < 0)
				return -1;
			break;
		case POD_CFG_INT:
			if (!json_is_integer(v))
				return pod_cfg_type_err(err, prefix, section, f->key, v, "integer");
			*(int64_t *) dst = json_integer_value(v);
			break;
		case POD_CFG_STRV:
			if (pod_cfg_strv(v, prefix, section, f->key, dst, err) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

int
pod_cfg_section(const json_t *root, const char *prefix, const char *section, const json_t **ret,
		struct pod_err **err)
{
	json_t *v = json_object_get(root, section);

	if (v && !json_is_object(v))
		return pod_cfg_type_err(err, prefix, NULL, section, v, "table");
	*ret = v;
	return 0;
}

char *
pod_config_policy_path_dirs(const struct pod_config_dirs *d)
{
	cleanup_free char *home = pod_config_home(d);
	char *user = xasprintf("%s/.config/containers/policy.json", home);

	if (pod_cfg_exists(user))
		return user;
	free(user);
	return xasprintf("%s/policy.json", d->etc_dir);
}

char *
pod_config_policy_path(void)
{
	struct pod_config_dirs d;

	pod_config_dirs_default(&d);
	return pod_config_policy_path_dirs(&d);
}

char **
pod_config_auth_paths(void)
{
	char **v = xcalloc(1, sizeof(char *));
	cleanup_free char *home = pod_config_home(NULL);
	cleanup_free char *cfg = pod_cfg_config_home(NULL);
	const char *authfile = getenv("REGISTRY_AUTH_FILE");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	const char *docker = getenv("DOCKER_CONFIG");

	if (authfile && *authfile)
		v = pod_strv_push(v, xstrdup(authfile));
	else if (rt && *rt)
		v = pod_strv_push(v, xasprintf("%s/containers/auth.json", rt));
	else
		v = pod_strv_push(v, xasprintf("/run/containers/%u/auth.json", (unsigned) getuid()));
	v = pod_strv_push(v, xasprintf("%s/containers/auth.json", cfg));
	if (docker && *docker)
		v = pod_strv_push(v, xasprintf("%s/config.json", docker));
	else
		v = pod_strv_push(v, xasprintf("%s/.docker/config.json", home));
	v = pod_strv_push(v, xasprintf("%s/.dockercfg", home));
	return v;
}

char *
pod_config_auth_write_path(void)
{
	cleanup_strv char **v = pod_config_auth_paths();

	return xstrdup(v[0]);
}
