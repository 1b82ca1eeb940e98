/*
 * ctr_opts.h - the flags of `create` and `run` (Podman's names), and their
 * conversion into a container's settings object (runtime/specgen.h).
 *
 * The option tables write into one process-wide struct (a tool parses its
 * command line once). pod_ctr_settings_from_opts() checks every value and
 * returns a new settings object; args are IMAGE [COMMAND [ARG...]].
 */
#ifndef POD_CLI_CTR_OPTS_H
#define POD_CLI_CTR_OPTS_H

#include <jansson.h>

#include "cli/opt.h"
#include "cli/tool.h"
#include "runtime/ctr.h"

struct pod_ctr_opts {
	char *name, *workdir, *user, *hostname, *memory, *memory_swap;
	char *memory_reservation, *cpus, *cpuset_cpus, *cpuset_mems, *cgroup_parent, *cgroups;
	char *shm_size, *restart, *stop_signal, *log_driver, *entrypoint, *pull, *cidfile, *umask;
	char *init_path, *detach_keys, *platform;
	char **env, **env_file, **label, **annotation, **group_add, **cap_add, **cap_drop;
	char **security_opt, **ulimit, **volume, **mount, **tmpfs, **log_opt, **sysctl;
	char **dns, **dns_search, **dns_option, **add_host, **publish;
	char **volumes_from;	/* --volumes-from (volumes) */
	char **requires, **label_file; /* --requires, --label-file */
	char **network, **network_alias, *ip, *ip6, *mac_address; /* ctr_net.h */
	char *ipc, *pid, *uts, *cgroupns; /* ctr_ns.h */
	char *pod;			  /* --pod NAME | new:NAME (pod.h) */
	bool publish_all, no_hosts;
	/* healthcheck (h3-exec): see pod_cli_health_settings() */
	char *health_cmd, *health_interval, *health_on_failure, *health_start_period;
	char *health_timeout;
	int64_t health_retries;
	bool health_retries_set, no_healthcheck;
	bool env_host, tty, interactive, privileged, read_only, read_only_tmpfs, init, rm;
	bool detach, sig_proxy, quiet, entrypoint_set, stop_timeout_set, pids_limit_set;
	bool cpu_shares_set, cpu_quota_set, cpu_period_set;
	int64_t stop_timeout, pids_limit, cpu_shares, cpu_quota, cpu_period;
	/* handed to pod-pull */
	char *arch, *os, *variant, *authfile;
	bool tls_verify, tls_verify_set;
};

extern struct pod_ctr_opts pod_ctr_opt;
/* create's flags; run's are these plus -d, --sig-proxy, --detach-keys */
extern const struct pod_opt pod_create_options[];
extern const struct pod_opt pod_run_options[];

json_t *pod_ctr_settings_from_opts(const struct pod_ctr_opts *o, char *const *args,
				   const struct pod_globals *g, int argc, char **argv,
				   struct pod_err **err);

/* --security-opt values -> Settings.NoNewPrivileges, SeccompProfile (label, apparmor: no-ops) */
int pod_ctr_security_opts(json_t *settings, char *const *values, struct pod_err **err);

/* --env-file files then -e values as KEY=VALUE strings ("K" alone: the host's
 * value, skipped when unset); for exec */
json_t *pod_cli_env_list(char *const *files, char *const *envs, struct pod_err **err);

/*
 * Settings.Healthcheck from the --health-* flags and --no-healthcheck (an
 * object {Test, Interval, Timeout, StartPeriod, Retries} with only what was
 * given; Test ["NONE"] disables the image's) and Settings.HealthOnFailure.
 */
int pod_cli_health_settings(json_t *settings, const struct pod_ctr_opts *o, struct pod_err **err);

/* the engine for a tool's global options */
int pod_cli_engine(const struct pod_globals *g, bool readonly, struct pod_engine **ret,
		   struct pod_err **err);
/*
 * Makes sure the image is there under a --pull policy (missing, always,
 * never, newer): a missing one is POD_E_NOTFOUND "IMAGE: image not known"
 * unless pod-pull is installed beside the tools, which then pulls it (with
 * pod_ctr_opt's --platform, --arch, --os, --variant, --authfile and
 * --tls-verify).
 */
int pod_cli_ensure_image(struct pod_engine *e, const char *image, const char *policy,
			 bool quiet, struct pod_err **err);
/* writes the ID to a new file (--cidfile); an existing file is POD_E_EXISTS */
int pod_cli_write_cidfile(const char *path, const char *id, struct pod_err **err);

#endif
