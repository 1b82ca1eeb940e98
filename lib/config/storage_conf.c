/* storage_conf.c - the parts of containers-storage.conf(5) that `info` reports */
#include "config/internal.h"
#include "core/strbuf.h"

#include <unistd.h>

struct pod_storage_conf *
pod_storage_conf_free(struct pod_storage_conf *s)
{
	if (!s)
		return NULL;
	free(s->driver);
	free(s->graphroot);
	free(s->runroot);
	free(s->rootless_storage_path);
	free(s->overlay_mountopt);
	free(s->overlay_mount_program);
	free(s->file);
	free(s);
	return NULL;
}

void
pod_storage_conf_freep(struct pod_storage_conf **s)
{
	*s = pod_storage_conf_free(*s);
}

char *
pod_storage_conf_path(const struct pod_config_dirs *d)
{
	const char *env = getenv("CONTAINERS_STORAGE_CONF");
	char *p;

	if (env && *env)
		return xstrdup(env);
	if (d->rootless) {
		cleanup_free char *cfg = pod_cfg_config_home(d);

		p = xasprintf("%s/containers/storage.conf", cfg);
		if (pod_cfg_exists(p))
			return p;
		free(p);
	}
	p = xasprintf("%s/storage.conf", d->etc_dir);
	if (pod_cfg_exists(p))
		return p;
	free(p);
	return xasprintf("%s/storage.conf", d->share_dir);
}

/* $HOME, $UID and $USER in rootless_storage_path, as c/storage expands them */
static char *
expand_vars(const struct pod_config_dirs *d, const char *s)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	cleanup_free char *home = pod_config_home(d);
	const char *user = getenv("USER");

	while (*s) {
		if (pod_str_has_prefix(s, "$HOME")) {
			pod_strbuf_adds(&sb, home);
			s += 5;
		} else if (pod_str_has_prefix(s, "$UID")) {
			pod_strbuf_addf(&sb, "%u", (unsigned) getuid());
			s += 4;
		} else if (pod_str_has_prefix(s, "$USER")) {
			pod_strbuf_adds(&sb, user ? user : "");
			s += 5;
		} else {
			pod_strbuf_addch(&sb, *s++);
		}
	}
	return pod_strbuf_detach(&sb);
}

#define OFF(f) offsetof(struct pod_storage_conf, f)
static const struct pod_cfg_field storage_fields[] = {
	{ "driver", POD_CFG_STRING, OFF(driver) },
	{ "graphroot", POD_CFG_STRING, OFF(graphroot) },
	{ "runroot", POD_CFG_STRING, OFF(runroot) },
	{ "rootless_storage_path", POD_CFG_STRING, OFF(rootless_storage_path) },
};
/* [storage.options] mount_program is the older spelling */
static const struct pod_cfg_field options_fields[] = {
	{ "mount_program", POD_CFG_STRING, OFF(overlay_mount_program) },
	{ "mountopt", POD_CFG_STRING, OFF(overlay_mountopt) },
};
static const struct pod_cfg_field overlay_fields[] = {
	{ "mount_program", POD_CFG_STRING, OFF(overlay_mount_program) },
	{ "mountopt", POD_CFG_STRING, OFF(overlay_mountopt) },
};

static int
sub_table(const json_t *t, const char *prefix, const char *section, const char *key,
	  const json_t **ret, struct pod_err **err)
{
	const json_t *v = t ? json_object_get(t, key) : NULL;

	if (v && !json_is_object(v))
		return pod_cfg_type_err(err, prefix, section, key, v, "table");
	*ret = v;
	return 0;
}

int
pod_storage_conf_load_file(const struct pod_config_dirs *d, const char *path,
			   struct pod_storage_conf **ret, struct pod_err **err)
{
	cleanup_(pod_storage_conf_freep) struct pod_storage_conf *s = xcalloc(1, sizeof(*s));
	cleanup_json json_t *root = NULL;
	cleanup_free char *prefix = NULL;
	const json_t *storage = NULL, *options = NULL, *overlay = NULL;
	bool missing = true;

	s->driver = xstrdup("");
	s->overlay_mountopt = xstrdup("");
	s->overlay_mount_program = xstrdup("");
	if (path) {
		root = pod_cfg_parse(path, &missing, err);
		if (!root && !missing)
			return -1;
	}
	if (root) {
		prefix = xasprintf("decode storage configuration %s", path);
		if (pod_cfg_section(root, prefix, "storage", &storage, err) < 0 ||
		    sub_table(storage, prefix, "storage", "options", &options, err) < 0 ||
		    sub_table(options, prefix, "storage.options", "overlay", &overlay, err) < 0)
			return -1;
		if (pod_cfg_decode(storage, prefix, "storage", storage_fields,
				   ARRAY_SIZE(storage_fields), s, err) < 0 ||
		    pod_cfg_decode(options, prefix, "storage.options", options_fields,
				   ARRAY_SIZE(options_fields), s, err) < 0 ||
		    pod_cfg_decode(overlay, prefix, "storage.options.overlay", overlay_fields,
				   ARRAY_SIZE(overlay_fields), s, err) < 0)
			return -1;
		s->file = xstrdup(path);
	}

	if (d->rootless) {
		cleanup_free char *home = pod_config_home(d);
		cleanup_free char *cfg = pod_cfg_config_home(d);
		cleanup_free char *user_file = xasprintf("%s/containers/storage.conf", cfg);
		const char *xdg_data = getenv("XDG_DATA_HOME");
		const char *rt = getenv("XDG_RUNTIME_DIR");
		/* a system file's graphroot/runroot are root's; only the user's own file counts */
		bool own = s->file && (STREQ(s->file, user_file) ||
				       getenv("CONTAINERS_STORAGE_CONF"));

		if (!own || !s->graphroot) {
			free(s->graphroot);
			if (s->rootless_storage_path)
				s->graphroot = expand_vars(d, s->rootless_storage_path);
			else if (xdg_data && *xdg_data)
				s->graphroot = xasprintf("%s/containers/storage", xdg_data);
			else
				s->graphroot = xasprintf("%s/.local/share/containers/storage", home);
		}
		if (!own || !s->runroot) {
			free(s->runroot);
			s->runroot = rt && *rt ? xasprintf("%s/containers", rt)
					       : xasprintf("/tmp/containers-user-%u/containers",
							   (unsigned) getuid());
		}
	} else {
		if (!s->graphroot)
			s->graphroot = xstrdup("/var/lib/containers/storage");
		if (!s->runroot)
			s->runroot = xstrdup("/run/containers/storage");
	}
	*ret = TAKE_PTR(s);
	return 0;
}

int
pod_storage_conf_load_dirs(const struct pod_config_dirs *d, struct pod_storage_conf **ret,
			   struct pod_err **err)
{
	cleanup_free char *path = pod_storage_conf_path(d);

	return pod_storage_conf_load_file(d, path, ret, err);
}

int
pod_storage_conf_load(struct pod_storage_conf **ret, struct pod_err **err)
{
	struct pod_config_dirs d;

	pod_config_dirs_default(&d);
	return pod_storage_conf_load_dirs(&d, ret, err);
}
