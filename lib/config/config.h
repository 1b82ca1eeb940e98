/*
 * config.h - the shared containers-* configuration: containers.conf,
 * registries.conf (+ registries.conf.d), storage.conf, and where policy.json
 * and auth.json live.
 *
 * Each loader returns a struct the caller owns and frees with the matching
 * pod_*_free() (NULL is fine). A missing file is not an error; an unreadable
 * or malformed one is, and the message names the file (and LINE:COL for
 * syntax errors). Unknown keys are ignored, as Podman does; a known key with
 * the wrong type is an error naming the file and the key.
 *
 * The plain loaders use the real system directories and honour
 * CONTAINERS_CONF, CONTAINERS_CONF_OVERRIDE, CONTAINERS_REGISTRIES_CONF,
 * CONTAINERS_STORAGE_CONF, HOME and XDG_CONFIG_HOME. The *_dirs variants take
 * a struct pod_config_dirs so tests can point the system directories at a
 * temporary tree and choose root or rootless behaviour.
 */
#ifndef POD_CONFIG_CONFIG_H
#define POD_CONFIG_CONFIG_H

#include "core/err.h"

struct pod_config_dirs {
	const char *share_dir; /* "/usr/share/containers" */
	const char *etc_dir;   /* "/etc/containers" */
	const char *home;      /* NULL: $HOME, else the passwd entry */
	bool rootless;	       /* read the per-user containers.conf and storage.conf */
};

/* the real directories; rootless = geteuid() != 0 */
void pod_config_dirs_default(struct pod_config_dirs *d);

/* ---- containers.conf ---- */

struct pod_config_runtime {
	char *name;   /* "crun" */
	char **paths; /* candidate executables, first existing one wins */
};

struct pod_config_subnet_pool {
	char *base; /* "10.89.0.0/16" */
	int64_t size;
};

struct pod_config {
	/* [containers] */
	char **default_capabilities; /* "CHOWN", ... without CAP_ */
	char **default_sysctls;
	char **default_ulimits; /* "nofile=1024:2048" */
	char **env;
	char **dns_servers;
	char **dns_searches;
	char **dns_options;
	int64_t pids_limit;
	char *shm_size;		/* as written ("65536k") */
	int64_t shm_size_bytes; /* parsed */
	char *log_driver;
	int64_t log_size_max;
	char *tz;
	char *umask; /* "0022" */
	bool init;
	char *init_path;
	char *netns;
	char *userns;
	char *cgroupns;
	char *ipcns;
	char *pidns;
	char *utsns;
	char *cgroups;
	char *seccomp_profile;
	bool no_hosts;
	bool label;
	bool http_proxy;
	/* [engine] */
	char *runtime;
	bool runtime_set;	/* runtime came from a file, not the built-in default */
	struct pod_config_runtime *runtimes;
	size_t n_runtimes;
	char **hooks_dir;
	char *cgroup_manager;
	char *events_logger;
	char *events_logfile_path;
	char *tmp_dir;
	char *static_dir;
	char *volume_path;
	int64_t num_locks;
	char *image_default_transport;
	char *infra_image;
	char *infra_command;
	int64_t stop_timeout;
	char **helper_binaries_dir;
	char *pull_policy;
	char *detach_keys;
	/* [network] */
	char *network_backend;
	char *default_network;
	char *default_subnet;
	struct pod_config_subnet_pool *default_subnet_pools;
	size_t n_default_subnet_pools;
	char *network_config_dir;

	char **files; /* the files that were read, in order */
};

/*
 * The containers.conf files to read, in order: $CONTAINERS_CONF alone if set
 * (it must exist), else share_dir/containers.conf, etc_dir/containers.conf,
 * etc_dir/containers.conf.d/ *.conf (sorted), and when rootless
 * $XDG_CONFIG_HOME/containers/containers.conf and its .d; then
 * $CONTAINERS_CONF_OVERRIDE. Files that do not exist are left out.
 */
char **pod_config_files(const struct pod_config_dirs *d, struct pod_err **err);
/* Podman 4.3's built-in defaults */
struct pod_config *pod_config_new_default(const struct pod_config_dirs *d);
/* defaults, then FILES in order, each overriding key by key */
int pod_config_load_files(const struct pod_config_dirs *d, char *const *files,
			  struct pod_config **ret, struct pod_err **err);
int pod_config_load_dirs(const struct pod_config_dirs *d, struct pod_config **ret,
			 struct pod_err **err);
int pod_config_load(struct pod_config **ret, struct pod_err **err);
struct pod_config *pod_config_free(struct pod_config *c);
void pod_config_freep(struct pod_config **c);
/* the candidate paths of runtime NAME, or NULL */
char *const *pod_config_runtime_paths(const struct pod_config *c, const char *name);
/* "64m", "65536k", "1g", "1024", "1.5g" (1024-based, case-insensitive) */
int pod_config_parse_size(const char *s, int64_t *ret);

/* ---- registries.conf ---- */

enum pod_short_name_mode {
	POD_SHORT_NAME_PERMISSIVE = 0, /* the default */
	POD_SHORT_NAME_ENFORCING,
	POD_SHORT_NAME_DISABLED,
};

struct pod_registry_mirror {
	char *location;
	bool insecure;
	char *pull_from_mirror; /* NULL, "all", "digest-only" or "tag-only" */
};

struct pod_registry {
	char *prefix;	/* "example.com/foo" or "*.example.com" */
	char *location; /* "" for a wildcard prefix without location */
	bool insecure;
	bool blocked;
	bool mirror_by_digest_only;
	struct pod_registry_mirror *mirrors;
	size_t n_mirrors;
};

struct pod_registry_alias {
	char *name;  /* short name, "fedora" */
	char *value; /* "registry.fedoraproject.org/fedora" */
	char *file;  /* where it was defined */
};

struct pod_registries {
	char **search; /* unqualified-search-registries */
	enum pod_short_name_mode short_name_mode;
	struct pod_registry_alias *aliases; /* sorted by name */
	size_t n_aliases;
	struct pod_registry *registries; /* sorted by prefix, prefixes unique */
	size_t n_registries;
	char **credential_helpers;
	char **files; /* the files that were read, in order */
};

/*
 * Main file: $CONTAINERS_REGISTRIES_CONF, else ~/.config/containers/
 * registries.conf if it exists, else etc_dir/registries.conf. Drop-ins:
 * etc_dir/registries.conf.d/ *.conf then ~/.config/containers/
 * registries.conf.d/ *.conf, each directory sorted; only the user
 * directory when the user's registries.conf is the main file.
 */
int pod_registries_files(const struct pod_config_dirs *d, char **ret_main, char ***ret_dropins,
			 struct pod_err **err);
/* MAIN may use the v1 or v2 format (not both); drop-ins must be v2 */
int pod_registries_load_files(const char *main, char *const *dropins, struct pod_registries **ret,
			      struct pod_err **err);
int pod_registries_load_dirs(const struct pod_config_dirs *d, struct pod_registries **ret,
			     struct pod_err **err);
int pod_registries_load(struct pod_registries **ret, struct pod_err **err);
struct pod_registries *pod_registries_free(struct pod_registries *r);
void pod_registries_freep(struct pod_registries **r);
/*
 * The [[registry]] whose prefix matches REF (host[/path][:tag][@digest])
 * longest, or NULL. A prefix matches when REF equals it or continues with
 * ":", "/" or "@"; "*.example.com" matches any subdomain of example.com.
 */
const struct pod_registry *pod_registries_find(const struct pod_registries *r, const char *ref);
/* the alias value for short NAME, or NULL */
const char *pod_registries_alias(const struct pod_registries *r, const char *name);

/* ---- storage.conf ---- */

struct pod_storage_conf {
	char *driver; /* "" when unset: the engine picks */
	char *graphroot;
	char *runroot;
	char *rootless_storage_path;
	char *overlay_mountopt;
	char *overlay_mount_program;
	char *file; /* the file read, NULL if none */
};

/* $CONTAINERS_STORAGE_CONF, else (rootless) the user's storage.conf if it
 * exists, else etc_dir/storage.conf if it exists, else share_dir's */
char *pod_storage_conf_path(const struct pod_config_dirs *d);
int pod_storage_conf_load_file(const struct pod_config_dirs *d, const char *path,
			       struct pod_storage_conf **ret, struct pod_err **err);
int pod_storage_conf_load_dirs(const struct pod_config_dirs *d, struct pod_storage_conf **ret,
			       struct pod_err **err);
int pod_storage_conf_load(struct pod_storage_conf **ret, struct pod_err **err);
struct pod_storage_conf *pod_storage_conf_free(struct pod_storage_conf *s);
void pod_storage_conf_freep(struct pod_storage_conf **s);

/* ---- other files ---- */

/* $HOME/.config/containers/policy.json if it exists, else etc_dir's */
char *pod_config_policy_path(void);
char *pod_config_policy_path_dirs(const struct pod_config_dirs *d);
/*
 * auth files in read order: $REGISTRY_AUTH_FILE if set, else
 * $XDG_RUNTIME_DIR/containers/auth.json (/run/containers/UID/auth.json
 * without XDG_RUNTIME_DIR); then $XDG_CONFIG_HOME/containers/auth.json,
 * $DOCKER_CONFIG/config.json or ~/.docker/config.json, ~/.dockercfg.
 */
char **pod_config_auth_paths(void);
/* where login writes: the first entry of pod_config_auth_paths() */
char *pod_config_auth_write_path(void);
/* the user's home directory (D->home, $HOME, then the passwd entry) */
char *pod_config_home(const struct pod_config_dirs *d);

#endif
