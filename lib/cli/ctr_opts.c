/* ctr_opts.c - create/run flags -> container settings */
#include "cli/ctr_opts.h"
#include "cli/ctr_more.h"
#include "core/fs.h"
#include "core/human.h"
#include "core/json.h"
#include "runtime/ctr_net.h"
#include "runtime/ctr_ns.h"
#include "runtime/oci.h"
#include "runtime/specgen.h"
#include "store/events.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/wait.h>
#include <unistd.h>

struct pod_ctr_opts pod_ctr_opt = { .read_only_tmpfs = true, .sig_proxy = true };

#define O pod_ctr_opt
#define SETOPT(t, s, l, a, p, h, setp) { t, s, l, a, p, h, NULL, 0, NULL, setp }

#define CREATE_OPTIONS                                                                             \
	POD_OPT_STRV(0, "add-host", "host:ip", &O.add_host,                                        \
		     "Add a custom host-to-IP mapping (host:ip)"),                                \
	POD_OPT_STRV(0, "annotation", "key=value", &O.annotation,                                 \
		     "Add annotations to container (key=value)"),                                 \
	POD_OPT_STRING(0, "arch", "ARCH", &O.arch,                                                 \
		       "use ARCH instead of the architecture of the machine for choosing images"), \
	POD_OPT_STRING(0, "authfile", "string", &O.authfile,                                       \
		       "Path of the authentication file. Use REGISTRY_AUTH_FILE environment "      \
		       "variable to override"),                                                    \
	POD_OPT_STRV(0, "cap-add", "capability", &O.cap_add, "Add capabilities to the container"), \
	POD_OPT_STRV(0, "cap-drop", "capability", &O.cap_drop,                                    \
		     "Drop capabilities from the container"),                                     \
	POD_OPT_STRING(0, "cgroup-parent", "path", &O.cgroup_parent,                               \
		       "Optional parent cgroup for the container"),                                \
	POD_OPT_STRING(0, "cgroupns", "string", &O.cgroupns,                                       \
		       "cgroup namespace to use"),                                                 \
	POD_OPT_STRING(0, "cgroups", "string", &O.cgroups,                                         \
		       "control container cgroup configuration (\"enabled\"|\"disabled\"|"      \
		       "\"no-conmon\")"),                                                           \
	POD_OPT_STRING(0, "cidfile", "string", &O.cidfile, "Write the container ID to the file"),  \
	SETOPT(POD_OPT_T_INT, 0, "cpu-period", "uint", &O.cpu_period,                              \
	       "Limit the CPU CFS (Completely Fair Scheduler) period", &O.cpu_period_set),         \
	SETOPT(POD_OPT_T_INT, 0, "cpu-quota", "int", &O.cpu_quota,                                 \
	       "Limit the CPU CFS (Completely Fair Scheduler) quota", &O.cpu_quota_set),           \
	SETOPT(POD_OPT_T_INT, 'c', "cpu-shares", "uint", &O.cpu_shares,                            \
	       "CPU shares (relative weight)", &O.cpu_shares_set),                                  \
	POD_OPT_STRING(0, "cpus", "float", &O.cpus, "Number of CPUs. The default is 0.000 which "  \
		       "means no limit"),                                                          \
	POD_OPT_STRING(0, "cpuset-cpus", "string", &O.cpuset_cpus,                                 \
		       "CPUs in which to allow execution (0-3, 0,1)"),                             \
	POD_OPT_STRING(0, "cpuset-mems", "string", &O.cpuset_mems,                                 \
		       "Memory nodes (MEMs) in which to allow execution (0-3, 0,1)"),              \
	POD_OPT_STRV(0, "dns", "ip", &O.dns, "Set custom DNS servers"),                           \
	POD_OPT_STRV(0, "dns-option", "option", &O.dns_option, "Set custom DNS options"),         \
	POD_OPT_STRV(0, "dns-search", "domain", &O.dns_search, "Set custom DNS search domains"),  \
	SETOPT(POD_OPT_T_STRING, 0, "entrypoint", "string", &O.entrypoint,                         \
	       "Overwrite the default ENTRYPOINT of the image", &O.entrypoint_set),                \
	POD_OPT_STRV('e', "env", "stringArray", &O.env, "Set environment variables in container"), \
	POD_OPT_STRV(0, "env-file", "file", &O.env_file, "Read in a file of environment variables"), \
	POD_OPT_BOOL(0, "env-host", &O.env_host, "Use all current host environment variables in "  \
		     "container"),                                                                 \
	POD_OPT_STRV(0, "group-add", "group", &O.group_add,                                        \
		     "Add additional groups to the primary container process. 'keep-groups' "      \
		     "allows container processes to use supplementary groups."),                   \
	POD_OPT_STRING(0, "health-cmd", "string", &O.health_cmd, "set a healthcheck command for "  \
		       "the container ('none' disables the existing healthcheck)"),                \
	POD_OPT_STRING(0, "health-interval", "string", &O.health_interval, "set an interval for "  \
		       "the healthchecks (a value of disable results in no automatic timer setup) " \
		       "(default \"30s\")"),                                                        \
	POD_OPT_STRING(0, "health-on-failure", "string", &O.health_on_failure, "action to take "   \
		       "once the container turns unhealthy (default \"none\")"),                   \
	SETOPT(POD_OPT_T_UINT, 0, "health-retries", "uint", &O.health_retries, "the number of "    \
	       "retries allowed before a healthcheck is considered to be unhealthy (default 3)",   \
	       &O.health_retries_set),                                                             \
	POD_OPT_STRING(0, "health-start-period", "string", &O.health_start_period, "the "         \
		       "initialization time needed for a container to bootstrap (default \"0s\")"), \
	POD_OPT_STRING(0, "health-timeout", "string", &O.health_timeout, "the maximum time "      \
		       "allowed to complete the healthcheck before an interval is considered "     \
		       "failed (default \"30s\")"),                                                 \
	POD_OPT_STRING('h', "hostname", "string", &O.hostname, "Set container hostname"),          \
	POD_OPT_BOOL(0, "init", &O.init, "Run an init binary inside the container that forwards "  \
		     "signals and reaps processes"),                                              \
	POD_OPT_STRING(0, "init-path", "string", &O.init_path,                                     \
		       "Path to the container-init binary"),                                       \
	POD_OPT_BOOL('i', "interactive", &O.interactive,                                           \
		     "Keep STDIN open even if not attached"),                                     \
	POD_OPT_STRV('l', "label", "stringArray", &O.label, "Set metadata on container"),          \
	POD_OPT_STRV(0, "label-file", "stringArray", &O.label_file,                               \
		     "Read in a line delimited file of labels"),                                   \
	POD_OPT_STRING(0, "log-driver", "string", &O.log_driver,                                   \
		       "Logging driver for the container"),                                        \
	POD_OPT_STRV(0, "log-opt", "stringArray", &O.log_opt, "Logging driver options"),           \
	POD_OPT_STRING('m', "memory", "string", &O.memory, "Memory limit (format: "               \
		       "<number>[<unit>], where unit = b (bytes), k (kibibytes), m (mebibytes), "  \
		       "or g (gibibytes))"),                                                       \
	POD_OPT_STRING(0, "memory-reservation", "string", &O.memory_reservation,                   \
		       "Memory soft limit (format: <number>[<unit>])"),                            \
	POD_OPT_STRING(0, "memory-swap", "string", &O.memory_swap,                                 \
		       "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),     \
	POD_OPT_STRV(0, "mount", "mount", &O.mount,                                                \
		     "Attach a filesystem mount to the container"),                               \
	POD_OPT_STRING(0, "name", "string", &O.name, "Assign a name to the container"),           \
	POD_OPT_STRING(0, "ip", "string", &O.ip, "Specify a static IPv4 address for container"),   \
	POD_OPT_STRING(0, "ipc", "string", &O.ipc, "IPC namespace to use"),                        \
	POD_OPT_STRING(0, "ip6", "string", &O.ip6,                                                 \
		       "Specify a static IPv6 address for container"),                             \
	POD_OPT_STRING(0, "mac-address", "string", &O.mac_address,                                 \
		       "Container MAC address (e.g. 92:d0:c6:0a:29:33)"),                          \
	POD_OPT_STRV(0, "network", "string", &O.network, "Connect a container to a network"),     \
	{ POD_OPT_T_STRV, 0, "net", "string", &O.network, "Connect a container to a network",    \
	  NULL, POD_OPT_HIDDEN, NULL, NULL },                                                      \
	POD_OPT_STRV(0, "network-alias", "strings", &O.network_alias,                              \
		     "Add network-scoped alias for the container"),                                \
	POD_OPT_BOOL(0, "no-healthcheck", &O.no_healthcheck, "Disable healthchecks on "          \
		     "container"),                                                                 \
	POD_OPT_BOOL(0, "no-hosts", &O.no_hosts,                                                   \
		     "Do not create /etc/hosts within the container, instead use the version from " \
		     "the image"),                                                                 \
	POD_OPT_STRING(0, "os", "OS", &O.os,                                                       \
		       "use OS instead of the running OS for choosing images"),                    \
	POD_OPT_STRING(0, "pid", "string", &O.pid, "PID namespace to use"),                        \
	SETOPT(POD_OPT_T_INT, 0, "pids-limit", "int", &O.pids_limit,                               \
	       "Tune container pids limit (set -1 for unlimited)", &O.pids_limit_set),             \
	POD_OPT_STRING(0, "platform", "string", &O.platform,                                       \
		       "Specify the platform for selecting the image."),                           \
	POD_OPT_STRING(0, "pod", "string", &O.pod,                                                 \
		       "Run container in an existing pod"),                                        \
	POD_OPT_BOOL(0, "privileged", &O.privileged,                                               \
		     "Give extended privileges to container"),                                    \
	POD_OPT_STRV('p', "publish", "strings", &O.publish,                                        \
		     "Publish a container's port, or a range of ports, to the host"),             \
	POD_OPT_BOOL('P', "publish-all", &O.publish_all,                                           \
		     "Publish all exposed ports to random ports on the host interface"),           \
	POD_OPT_STRING(0, "pull", "string", &O.pull,                                               \
		       "Pull image policy (\"always\"|\"missing\"|\"never\"|\"newer\")"),           \
	POD_OPT_BOOL('q', "quiet", &O.quiet, "Suppress output information when pulling images"),   \
	POD_OPT_BOOL(0, "read-only", &O.read_only,                                                 \
		     "Make containers root filesystem read-only"),                                \
	POD_OPT_BOOL(0, "read-only-tmpfs", &O.read_only_tmpfs,                                     \
		     "When running containers in read-only mode mount a read-write tmpfs on "      \
		     "/run, /tmp and /var/tmp"),                                                   \
	POD_OPT_STRV(0, "requires", "strings", &O.requires,                                        \
		     "Add one or more requirement containers that must be started before this "   \
		     "one"),                                                                       \
	POD_OPT_STRING(0, "restart", "string", &O.restart,                                         \
		       "Restart policy to apply when a container exits (\"always\"|\"no\"|"       \
		       "\"on-failure\"|\"unless-stopped\")"),                                       \
	POD_OPT_BOOL(0, "rm", &O.rm, "Remove container (and pod if created) after exit"),          \
	POD_OPT_STRV(0, "security-opt", "stringArray", &O.security_opt, "Security Options"),       \
	POD_OPT_STRING(0, "shm-size", "<number>[<unit>]", &O.shm_size,                             \
		       "Size of /dev/shm (format: <number>[<unit>], where unit = b (bytes), k "    \
		       "(kibibytes), m (mebibytes), or g (gibibytes))"),                           \
	POD_OPT_STRING(0, "stop-signal", "string", &O.stop_signal,                                 \
		       "Signal to stop a container. Default is SIGTERM"),                          \
	SETOPT(POD_OPT_T_UINT, 0, "stop-timeout", "uint", &O.stop_timeout,                         \
	       "Timeout (in seconds) that containers stopped by user command have to exit. If "    \
	       "exceeded, the container will be forcibly stopped via SIGKILL.",                    \
	       &O.stop_timeout_set),                                                               \
	POD_OPT_STRV(0, "sysctl", "strings", &O.sysctl, "Sysctl options"),                         \
	SETOPT(POD_OPT_T_BOOL, 0, "tls-verify", NULL, &O.tls_verify,                               \
	       "Require HTTPS and verify certificates when contacting registries for pulling "     \
	       "images", &O.tls_verify_set),                                                       \
	POD_OPT_STRV(0, "tmpfs", "tmpfs", &O.tmpfs, "Mount a temporary filesystem (tmpfs) into a " \
		     "container"),                                                                 \
	POD_OPT_BOOL('t', "tty", &O.tty, "Allocate a pseudo-TTY for container"),                   \
	POD_OPT_STRV(0, "ulimit", "ulimit", &O.ulimit, "Ulimit options"),                          \
	POD_OPT_STRING(0, "umask", "string", &O.umask,                                             \
		       "Set umask in container (default \"0022\")"),                               \
	POD_OPT_STRING(0, "uts", "string", &O.uts, "UTS namespace to use"),                        \
	POD_OPT_STRING('u', "user", "string", &O.user,                                             \
		       "Username or UID (format: <name|uid>[:<group|gid>])"),                      \
	POD_OPT_STRING(0, "variant", "VARIANT", &O.variant,                                        \
		       "Use VARIANT instead of the running architecture variant for choosing "     \
		       "images"),                                                                  \
	POD_OPT_STRV('v', "volume", "volume", &O.volume,                                           \
		     "Bind mount a volume into the container"),                                   \
	POD_OPT_STRV(0, "volumes-from", "stringArray", &O.volumes_from,                            \
		     "Mount volumes from the specified container(s)"),                            \
	POD_OPT_STRING('w', "workdir", "string", &O.workdir,                                       \
		       "Working directory inside the container")

const struct pod_opt pod_create_options[] = { CREATE_OPTIONS, POD_OPT_END };

const struct pod_opt pod_run_options[] = {
	CREATE_OPTIONS,
	POD_OPT_BOOL('d', "detach", &O.detach, "Run container in background and print container ID"),
	POD_OPT_STRING(0, "detach-keys", "[a-Z]", &O.detach_keys,
		       "Override the key sequence for detaching a container. Format is a single "
		       "character [a-Z] or a comma separated sequence of `ctrl-<value>`, where "
		       "`<value>` is one of: `a-cf`, `@`, `^`, `[`, `\\`, `]`, `^` or `_`"),
	POD_OPT_BOOL(0, "sig-proxy", &O.sig_proxy,
		     "Proxy received signals to the process"),
	POD_OPT_END
};

static json_t *
strv_json(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, pod_json_string(v[i]));
	return a;
}

static int
size_setting(json_t *s, const char *key, const char *flag, const char *v, bool allow_minus1,
	     struct pod_err **err)
{
	int64_t n;

	if (!v)
		return 0;
	if (allow_minus1 && STREQ(v, "-1")) {
		json_object_set_new(s, key, json_integer(-1));
		return 0;
	}
	if (pod_parse_size(v, &n, err) < 0)
		return pod_err_wrap(err, "invalid value for %s", flag);
	json_object_set_new(s, key, json_integer(n));
	return 0;
}

/* an env entry "K" takes the host's value (skipped when unset) */
static void
env_add(json_t *env, const char *kv)
{
	if (!strchr(kv, '=')) {
		const char *v = getenv(kv);
		cleanup_free char *full = NULL;
		if (!v)
			return;
		full = xasprintf("%s=%s", kv, v);
		json_array_append_new(env, pod_json_string(full));
		return;
	}
	json_array_append_new(env, pod_json_string(kv));
}

static int
env_file(json_t *env, const char *path, struct pod_err **err)
{
	cleanup_free char *text = NULL;

	if (pod_read_file(path, &text, NULL, 16u << 20, err) < 0)
		return -1;
	for (char *p = text; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != '#') {
			size_t len = strlen(p);
			if (len && p[len - 1] == '\r')
				p[len - 1] = '\0';
			if (p[0] == '=')
				return pod_err_set(err, POD_E_INVALID, 0,
						   "invalid environment variable: \"%s\"", p);
			env_add(env, p);
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

json_t *
pod_cli_env_list(char *const *files, char *const *envs, struct pod_err **err)
{
	cleanup_json json_t *env = json_array();

	for (size_t i = 0; files && files[i]; i++)
		if (env_file(env, files[i], err) < 0)
			return NULL;
	for (size_t i = 0; envs && envs[i]; i++) {
		if (envs[i][0] == '=')
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid environment variable: \"%s\"", envs[i]), NULL;
		env_add(env, envs[i]);
	}
	return TAKE_PTR(env);
}

static json_t *
kv_object(char *const *v)
{
	json_t *o = json_object();

	for (size_t i = 0; v && v[i]; i++) {
		const char *eq = strchr(v[i], '=');
		cleanup_free char *k = eq ? xstrndup(v[i], (size_t) (eq - v[i])) : xstrdup(v[i]);
		json_object_set_new(o, k, pod_json_string(eq ? eq + 1 : ""));
	}
	return o;
}

static int
restart_policy(json_t *s, const char *v, bool rm, struct pod_err **err)
{
	const char *colon;
	cleanup_free char *name = NULL;
	int64_t n = 0;

	if (!v || !*v)
		return 0;
	colon = strchr(v, ':');
	name = colon ? xstrndup(v, (size_t) (colon - v)) : xstrdup(v);
	if (!STREQ(name, "no") && !STREQ(name, "always") && !STREQ(name, "on-failure") &&
	    !STREQ(name, "unless-stopped"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid restart policy \"%s\": valid "
				   "restart policies are: no, on-failure, always, unless-stopped",
				   v);
	if (colon) {
		if (!STREQ(name, "on-failure"))
			return pod_err_set(err, POD_E_INVALID, 0, "restart policy retries can only "
					   "be specified with on-failure restart policy");
		if (!pod_parse_int64(colon + 1, &n) || n < 0)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid restart policy: %s", v);
	}
	if (rm && !STREQ(name, "no"))
		return pod_err_set(err, POD_E_INVALID, 0, "the --rm option conflicts with "
				   "--restart, when the restartPolicy is not \"\" and \"no\"");
	json_object_set_new(s, "RestartPolicy", json_string(name));
	if (n)
		json_object_set_new(s, "RestartRetries", json_integer(n));
	return 0;
}

int
pod_ctr_security_opts(json_t *s, char *const *v, struct pod_err **err)
{
	for (size_t i = 0; v && v[i]; i++) {
		const char *o = v[i];
		if (STREQ(o, "no-new-privileges") || STREQ(o, "no-new-privileges=true") ||
		    STREQ(o, "no-new-privileges:true")) {
			json_object_set_new(s, "NoNewPrivileges", json_true());
		} else if (STREQ(o, "no-new-privileges=false") ||
			   STREQ(o, "no-new-privileges:false")) {
			json_object_set_new(s, "NoNewPrivileges", json_false());
		} else if (pod_str_has_prefix(o, "seccomp=") || pod_str_has_prefix(o, "seccomp:")) {
			const char *p = o + 8;
			if (!STREQ(p, "unconfined") && access(p, R_OK) < 0)
				return pod_err_sys(err, "opening seccomp profile failed");
			json_object_set_new(s, "SeccompProfile", pod_json_string(p));
		} else if (pod_str_has_prefix(o, "label=") || pod_str_has_prefix(o, "label:") ||
			   pod_str_has_prefix(o, "apparmor=") || pod_str_has_prefix(o, "apparmor:") ||
			   pod_str_has_prefix(o, "mask=") || pod_str_has_prefix(o, "unmask=")) {
			/* no SELinux or AppArmor on this engine's hosts: accepted, nothing to do */
			continue;
		} else {
			return pod_err_set(err, POD_E_INVALID, 0, "invalid --security-opt 1: \"%s\"",
					   o);
		}
	}
	return 0;
}

static int
log_opts(json_t *s, char *const *v, struct pod_err **err)
{
	for (size_t i = 0; v && v[i]; i++) {
		const char *eq = strchr(v[i], '=');
		if (!eq)
			return pod_err_set(err, POD_E_INVALID, 0, "%s is not a valid log option",
					   v[i]);
		if (pod_str_has_prefix(v[i], "max-size=")) {
			int64_t n;
			if (pod_parse_size(eq + 1, &n, err) < 0)
				return -1;
			json_object_set_new(s, "LogSizeMax", json_integer(n));
		} else if (pod_str_has_prefix(v[i], "tag=")) {
			/* conmon's k8s-file (and our drivers) have no tags */
			return pod_err_set(err, POD_E_INVALID, 0, "--log-opt tag: log tags need the "
					   "journald log driver, which is not available (k8s-file "
					   "doesn't support --log-tag)");
		} else if (pod_str_has_prefix(v[i], "path=")) {
			if (!eq[1])
				return pod_err_set(err, POD_E_INVALID, 0, "--log-opt path: empty path");
			if (eq[1] == '/') {
				json_object_set_new(s, "LogPath", pod_json_string(eq + 1));
			} else {
				cleanup_free char *cwd = getcwd(NULL, 0);
				cleanup_free char *abs = NULL;
				if (!cwd)
					return pod_err_sys(err, "--log-opt path: getcwd");
				abs = pod_path_join(cwd, eq + 1);
				json_object_set_new(s, "LogPath", pod_json_string(abs));
			}
		} else {
			return pod_err_set(err, POD_E_INVALID, 0, "%s is not a valid log option",
					   v[i]);
		}
	}
	return 0;
}

static int
entrypoint(json_t *s, const char *v, struct pod_err **err)
{
	json_t *ep;

	if (v[0] == '[') {
		json_error_t je;
		json_t *x;
		size_t i;
		ep = json_loads(v, 0, &je);
		if (!json_is_array(ep)) {
			json_decref(ep);
			return pod_err_set(err, POD_E_INVALID, 0, "invalid entrypoint %s: %s", v,
					   je.text);
		}
		json_array_foreach(ep, i, x)
			if (!json_is_string(x)) {
				json_decref(ep);
				return pod_err_set(err, POD_E_INVALID, 0, "invalid entrypoint %s", v);
			}
	} else {
		ep = json_pack("[o]", pod_json_string(v));
	}
	json_object_set_new(s, "Entrypoint", ep);
	return 0;
}

json_t *
pod_ctr_settings_from_opts(const struct pod_ctr_opts *o, char *const *args,
			   const struct pod_globals *g, int argc, char **argv,
			   struct pod_err **err)
{
	cleanup_json json_t *s = json_object();
	json_t *env = json_array(), *cmd = json_array(), *cc = json_array();
	extern char **environ;

	json_object_set_new(s, "Image", pod_json_string(args[0]));
	for (size_t i = 1; args[i]; i++)
		json_array_append_new(cmd, pod_json_string(args[i]));
	json_object_set_new(s, "Command", cmd);
	if (o->name)
		json_object_set_new(s, "Name", pod_json_string(o->name));
	if (o->entrypoint_set && entrypoint(s, o->entrypoint ? o->entrypoint : "", err) < 0)
		return NULL;

	json_object_set_new(s, "Env", env);
	if (o->env_host)
		for (char **e = environ; e && *e; e++)
			env_add(env, *e);
	for (size_t i = 0; o->env_file && o->env_file[i]; i++)
		if (env_file(env, o->env_file[i], err) < 0)
			return NULL;
	for (size_t i = 0; o->env && o->env[i]; i++) {
		if (o->env[i][0] == '=')
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid environment variable: \"%s\"", o->env[i]), NULL;
		env_add(env, o->env[i]);
	}
	if (pod_ctr_labels_setting(s, o->label_file, o->label, err) < 0)
		return NULL;
	if (o->requires && pod_ctr_requires_setting(s, o->requires, err) < 0)
		return NULL;
	json_object_set_new(s, "Annotations", kv_object(o->annotation));
	if (o->workdir) {
		if (o->workdir[0] != '/')
			return pod_err_set(err, POD_E_INVALID, 0,
					   "workdir \"%s\" must be absolute", o->workdir), NULL;
		json_object_set_new(s, "WorkingDir", pod_json_string(o->workdir));
	}
	if (o->user)
		json_object_set_new(s, "User", pod_json_string(o->user));
	json_object_set_new(s, "GroupAdd", strv_json(o->group_add));
	if (o->hostname)
		json_object_set_new(s, "Hostname", pod_json_string(o->hostname));
	json_object_set_new(s, "Tty", json_boolean(o->tty));
	json_object_set_new(s, "Interactive", json_boolean(o->interactive));
	json_object_set_new(s, "CapAdd", strv_json(o->cap_add));
	json_object_set_new(s, "CapDrop", strv_json(o->cap_drop));
	json_object_set_new(s, "Privileged", json_boolean(o->privileged));
	if (pod_ctr_security_opts(s, o->security_opt, err) < 0)
		return NULL;
	json_object_set_new(s, "Ulimits", strv_json(o->ulimit));
	json_object_set_new(s, "ReadOnly", json_boolean(o->read_only));
	json_object_set_new(s, "ReadOnlyTmpfs", json_boolean(o->read_only_tmpfs));
	{
		json_t *vols = pod_ctr_volumes_setting(o->volume, err);
		if (!vols)
			return NULL;
		json_object_set_new(s, "Volumes", vols);
	}
	json_object_set_new(s, "Mounts", strv_json(o->mount));
	if (o->volumes_from)
		json_object_set_new(s, "VolumesFrom", strv_json(o->volumes_from));
	json_object_set_new(s, "Tmpfs", strv_json(o->tmpfs));
	json_object_set_new(s, "Sysctls", strv_json(o->sysctl));
	if (size_setting(s, "ShmSize", "--shm-size", o->shm_size, false, err) < 0)
		return NULL;

	{
		struct pod_ctr_net_flags nf = {
			.networks = o->network, .aliases = o->network_alias, .ip = o->ip,
			.ip6 = o->ip6, .mac = o->mac_address, .publish = o->publish,
			.publish_all = o->publish_all, .dns = o->dns, .dns_search = o->dns_search,
			.dns_option = o->dns_option, .add_host = o->add_host,
			.no_hosts = o->no_hosts, .quiet_discard = true,
		};
		if (pod_ctr_net_settings(&nf, s, err) < 0)
			return NULL;
		/* Podman says so as a plain line, not a log record (and not for ns:) */
		const char *mode = json_string_value(json_object_get(s, "Network")) ?: "";
		if (o->publish && o->publish[0] && !STREQ(mode, "bridge") &&
		    !pod_str_has_prefix(mode, "ns:"))
			fprintf(stderr, "Port mappings have been discarded as one of the Host, "
					"Container, Pod, and None network modes are in use\n");
	}
	{
		struct pod_ctr_ns_flags nsf = { .ipc = o->ipc, .pid = o->pid, .uts = o->uts,
						.cgroupns = o->cgroupns };
		if (pod_ctr_ns_settings(&nsf, s, err) < 0)
			return NULL;
	}
	if (o->pod && *o->pod)
		json_object_set_new(s, "Pod", pod_json_string(o->pod));

	if (size_setting(s, "Memory", "--memory", o->memory, false, err) < 0 ||
	    size_setting(s, "MemorySwap", "--memory-swap", o->memory_swap, true, err) < 0 ||
	    size_setting(s, "MemoryReservation", "--memory-reservation", o->memory_reservation,
			 false, err) < 0)
		return NULL;
	{
		json_int_t mem = json_integer_value(json_object_get(s, "Memory"));
		json_int_t swap = json_integer_value(json_object_get(s, "MemorySwap"));
		if (json_object_get(s, "MemorySwap") && swap != -1 && swap < mem)
			return pod_err_set(err, POD_E_INVALID, 0, "must be greater than or equal to "
					   "memory"), NULL;
		if (json_object_get(s, "MemorySwap") && !json_object_get(s, "Memory"))
			return pod_err_set(err, POD_E_INVALID, 0, "you should always set a memory "
					   "limit when using a memoryswap limit"), NULL;
		if (mem > 0 && mem < 6 * 1024 * 1024)
			return pod_err_set(err, POD_E_INVALID, 0, "minimum memory limit allowed is "
					   "6MB"), NULL;
	}
	if (o->cpus) {
		char *end;
		double c = strtod(o->cpus, &end);
		if (*end || c < 0 || !isfinite(c))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid argument \"%s\" for "
					   "\"--cpus\" flag: strconv.ParseFloat: parsing \"%s\": "
					   "invalid syntax", o->cpus, o->cpus), NULL;
		if (c > 0) {
			if (o->cpu_quota_set || o->cpu_period_set)
				return pod_err_set(err, POD_E_INVALID, 0, "--cpu-period and "
						   "--cpu-quota cannot be used with --cpus"), NULL;
			json_object_set_new(s, "CpuPeriod", json_integer(100000));
			json_object_set_new(s, "CpuQuota", json_integer((json_int_t) (c * 100000)));
			json_object_set_new(s, "NanoCpus", json_integer((json_int_t) (c * 1e9)));
		}
	}
	if (o->cpu_shares_set)
		json_object_set_new(s, "CpuShares", json_integer(o->cpu_shares));
	if (o->cpu_quota_set)
		json_object_set_new(s, "CpuQuota", json_integer(o->cpu_quota));
	if (o->cpu_period_set)
		json_object_set_new(s, "CpuPeriod", json_integer(o->cpu_period));
	if (o->cpuset_cpus)
		json_object_set_new(s, "CpusetCpus", json_string(o->cpuset_cpus));
	if (o->cpuset_mems)
		json_object_set_new(s, "CpusetMems", json_string(o->cpuset_mems));
	if (o->pids_limit_set)
		json_object_set_new(s, "PidsLimit", json_integer(o->pids_limit));
	if (o->cgroup_parent)
		json_object_set_new(s, "CgroupParent", pod_json_string(o->cgroup_parent));
	if (o->cgroups) {
		if (!STREQ(o->cgroups, "enabled") && !STREQ(o->cgroups, "disabled") &&
		    !STREQ(o->cgroups, "no-conmon"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid cgroup mode \"%s\": invalid argument", o->cgroups),
			       NULL;
		json_object_set_new(s, "Cgroups", json_string(o->cgroups));
	}
	json_object_set_new(s, "Init", json_boolean(o->init));
	if (o->init_path)
		json_object_set_new(s, "InitPath", pod_json_string(o->init_path));
	json_object_set_new(s, "Rm", json_boolean(o->rm));
	if (restart_policy(s, o->restart, o->rm, err) < 0)
		return NULL;
	if (o->stop_signal) {
		int sig;
		if (pod_oci_parse_signal(o->stop_signal, &sig, err) < 0)
			return NULL;
		json_object_set_new(s, "StopSignal", json_integer(sig));
	}
	if (o->stop_timeout_set)
		json_object_set_new(s, "StopTimeout", json_integer(o->stop_timeout));
	if (pod_cli_health_settings(s, o, err) < 0)
		return NULL;
	if (o->log_driver) {
		if (!STREQ(o->log_driver, "k8s-file") && !STREQ(o->log_driver, "none") &&
		    !STREQ(o->log_driver, "passthrough"))
			return pod_err_set(err, POD_E_INVALID, 0, "invalid log driver: %s: invalid "
					   "argument", o->log_driver), NULL;
		json_object_set_new(s, "LogDriver", json_string(o->log_driver));
	}
	if (log_opts(s, o->log_opt, err) < 0)
		return NULL;
	if (o->umask) {
		char *end;
		unsigned long u = strtoul(o->umask, &end, 8);
		if (!*o->umask || *end || u > 0777)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid umask string %s: invalid "
					   "argument", o->umask), NULL;
		json_object_set_new(s, "Umask", json_string(o->umask));
	}
	if (o->cidfile)
		json_object_set_new(s, "Cidfile", pod_json_string(o->cidfile));
	if (o->detach_keys)
		json_object_set_new(s, "DetachKeys", json_string(o->detach_keys));
	if (g->hooks_dir && *g->hooks_dir)
		json_object_set_new(s, "HooksDirs", json_pack("[s]", g->hooks_dir));
	if (g->runtime && *g->runtime)
		json_object_set_new(s, "Runtime", json_string(g->runtime));
	for (int i = 0; i < argc; i++)
		json_array_append_new(cc, pod_json_string(argv[i]));
	json_object_set_new(s, "CreateCommand", cc);
	if (pod_specgen_settings_check(s, err) < 0)
		return NULL;
	return TAKE_PTR(s);
}

int
pod_cli_engine(const struct pod_globals *g, bool readonly, struct pod_engine **ret,
	       struct pod_err **err)
{
	struct pod_engine_opts eo = {
		.root = g->root,
		.runroot = g->runroot,
		.storage_driver = g->storage_driver,
		.runtime = g->runtime,
		.hooks_dir = g->hooks_dir,
		.log_level = g->log_level,
		.readonly = readonly,
	};

	return pod_engine_open(&eo, ret, err);
}

int
pod_cli_ensure_image(struct pod_engine *e, const char *image, const char *policy, bool quiet,
		     struct pod_err **err)
{
	cleanup_(pod_ctr_image_freep) struct pod_ctr_image *img = NULL;
	cleanup_free char *pull = NULL;
	struct pod_err *e2 = NULL;
	bool have;
	pid_t pid;
	int st;

	if (!policy || !*policy)
		policy = "missing";
	if (!STREQ(policy, "missing") && !STREQ(policy, "always") && !STREQ(policy, "never") &&
	    !STREQ(policy, "newer"))
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported pull policy \"%s\"", policy);
	have = pod_ctr_image_lookup(e, image, &img, &e2) == 0;
	if (!have && e2->kind != POD_E_NOTFOUND) {
		*err = e2;
		return -1;
	}
	if (have && (STREQ(policy, "missing") || STREQ(policy, "never"))) {
		/* Podman's run and create say "image pull NAME" for a local image too */
		if (STREQ(policy, "missing")) {
			struct pod_event ev = { .type = "image", .status = "pull", .name = image };
			pod_event_emit_runroot(e->runroot, &ev);
		}
		return 0;
	}
	if (!have && STREQ(policy, "never")) {
		*err = e2;
		return -1;
	}
	/* pulling is pod-pull's: run it when this installation has it */
	pull = pod_engine_tool_path(e, "pod-pull");
	if (access(pull, X_OK) < 0) {
		if (have)
			return 0;
		*err = e2;
		return -1;
	}
	pod_err_free(&e2);
	pid = fork();
	if (pid < 0)
		return pod_err_sys(err, "fork");
	if (pid == 0) {
		const struct pod_ctr_opts *o = &pod_ctr_opt;
		char *argv[16];
		int n = 0;

		argv[n++] = pull;
		argv[n++] = quiet ? (char *) "--quiet" : (char *) "--quiet=false";
		if (o->tls_verify_set)
			argv[n++] = o->tls_verify ? (char *) "--tls-verify" : (char *) "--tls-verify=false";
		if (o->platform && *o->platform)
			argv[n++] = xasprintf("--platform=%s", o->platform);
		if (o->arch && *o->arch)
			argv[n++] = xasprintf("--arch=%s", o->arch);
		if (o->os && *o->os)
			argv[n++] = xasprintf("--os=%s", o->os);
		if (o->variant && *o->variant)
			argv[n++] = xasprintf("--variant=%s", o->variant);
		if (o->authfile && *o->authfile)
			argv[n++] = xasprintf("--authfile=%s", o->authfile);
		argv[n++] = (char *) "--";
		argv[n++] = (char *) image;
		argv[n] = NULL;
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		/* progress goes to stderr; the image ID is not create's output */
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		setenv("POD_DISPATCHED", "1", 1);
		if (have && STREQ(policy, "newer"))
			setenv("POD_PULL_NEWER", "1", 1); /* pod-pull asks the registry first */
		execv(pull, argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return pod_err_sys(err, "waiting for pod-pull");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "pulling image %s failed", image);
	return 0;
}

int
pod_cli_write_cidfile(const char *path, const char *id, struct pod_err **err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0) {
		if (errno == EEXIST)
			return pod_err_set(err, POD_E_EXISTS, 0,
					   "container id file exists. Ensure another container is "
					   "not using it or delete %s", path);
		return pod_err_sys(err, "opening cidfile %s", path);
	}
	if (write(fd, id, strlen(id)) != (ssize_t) strlen(id))
		return pod_err_sys(err, "writing %s", path);
	return 0;
}
