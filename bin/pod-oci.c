/*
 * pod-oci - the built-in OCI runtime, with runc's and crun's command line.
 *
 * Global options come before the command, as runc takes them:
 *   pod-oci [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND ...
 * They are taken off argv here; the command's own options are parsed by
 * the tool frame.
 */
#include "cli/tool.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "runtime/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	char *root;
	char *log;
	char *log_format;
	bool debug;
	bool systemd_cgroup;
} G;

static const char *
root_dir(void)
{
	if (!G.root)
		G.root = pod_oci_default_root();
	return G.root;
}

/* errors also go to the --log file, where conmon and Podman look for them */
static int
logged(int r, struct pod_err **err)
{
	if (r < 0 && err && *err)
		pod_oci_log_error((*err)->msg);
	return r;
}


#define RUNC_EXIT_CODES                                                                            \
	{                                                                                          \
		[POD_E_GENERIC] = 1, [POD_E_INVALID] = 1, [POD_E_NOTFOUND] = 1,                    \
		[POD_E_EXISTS] = 1, [POD_E_INUSE] = 1, [POD_E_STATE] = 1, [POD_E_IO] = 1,          \
		[POD_E_NOTEXEC] = 126, [POD_E_NOCMD] = 127,                                        \
	}

/* --- create / run ------------------------------------------------------------ */

static struct {
	char *bundle, *console_socket, *pid_file;
	bool no_pivot, no_new_keyring, detach, keep;
	int64_t preserve_fds;
} C;

static const struct pod_opt create_options[] = {
	POD_OPT_STRING('b', "bundle", "DIR", &C.bundle,
		       "Path to the root of the bundle directory (default: current directory)"),
	POD_OPT_STRING(0, "console-socket", "PATH", &C.console_socket,
		       "Unix socket that receives the pty master fd"),
	POD_OPT_STRING(0, "pid-file", "FILE", &C.pid_file, "File to write the process id to"),
	POD_OPT_BOOL(0, "no-pivot", &C.no_pivot,
		     "Do not use pivot_root (for a rootfs on a ramdisk)"),
	POD_OPT_BOOL(0, "no-new-keyring", &C.no_new_keyring,
		     "Do not create a new session keyring"),
	POD_OPT_INT(0, "preserve-fds", "N", &C.preserve_fds,
		    "Pass N more file descriptors (3 and up) to the container"),
	POD_OPT_END
};

static const struct pod_opt run_options[] = {
	POD_OPT_STRING('b', "bundle", "DIR", &C.bundle,
		       "Path to the root of the bundle directory (default: current directory)"),
	POD_OPT_STRING(0, "console-socket", "PATH", &C.console_socket,
		       "Unix socket that receives the pty master fd"),
	POD_OPT_STRING(0, "pid-file", "FILE", &C.pid_file, "File to write the process id to"),
	POD_OPT_BOOL('d', "detach", &C.detach, "Detach from the container's process"),
	POD_OPT_BOOL(0, "keep", &C.keep, "Keep the container's state after it exits"),
	POD_OPT_BOOL(0, "no-pivot", &C.no_pivot,
		     "Do not use pivot_root (for a rootfs on a ramdisk)"),
	POD_OPT_BOOL(0, "no-new-keyring", &C.no_new_keyring,
		     "Do not create a new session keyring"),
	POD_OPT_INT(0, "preserve-fds", "N", &C.preserve_fds,
		    "Pass N more file descriptors (3 and up) to the container"),
	POD_OPT_END
};

static int
fill_create_opts(struct pod_oci_create_opts *o, struct pod_err **err)
{
	if (C.preserve_fds < 0 || C.preserve_fds > 65536)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid --preserve-fds %lld",
				   (long long) C.preserve_fds);
	o->console_socket = C.console_socket;
	o->pid_file = C.pid_file;
	o->no_pivot = C.no_pivot;
	o->preserve_fds = (unsigned) C.preserve_fds;
	return 0;
}

static int
create_run(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_oci_create_opts o = POD_OCI_CREATE_OPTS_INIT;

	if (fill_create_opts(&o, err) < 0)
		return -1;
	return logged(pod_oci_create(root_dir(), ctx->args[0], C.bundle, &o, NULL, err), err);
}

static int
run_run(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_oci_create_opts o = POD_OCI_CREATE_OPTS_INIT;
	int status = 0;

	if (fill_create_opts(&o, err) < 0)
		return -1;
	if (pod_oci_run(root_dir(), ctx->args[0], C.bundle, &o, C.detach, &status, err) < 0)
		return logged(-1, err);
	ctx->status = status;
	return 0;
}

/* --- start / state / kill / delete ------------------------------------------ */

static int
start_run(struct pod_ctx *ctx, struct pod_err **err)
{
	return logged(pod_oci_start(root_dir(), ctx->args[0], err), err);
}

static int
state_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_(pod_oci_state_freep) struct pod_oci_state *s = NULL;
	cleanup_json json_t *j = NULL;
	cleanup_free char *text = NULL;

	if (pod_oci_state_get(root_dir(), ctx->args[0], &s, err) < 0)
		return logged(-1, err);
	j = pod_oci_state_to_json(s);
	text = json_dumps(j, JSON_INDENT(2));
	return pod_print_line(text, err);
}

static struct {
	bool all;
} K;

static const struct pod_opt kill_options[] = {
	POD_OPT_BOOL('a', "all", &K.all, "Send the signal to every process in the container"),
	POD_OPT_END
};

static int
kill_run(struct pod_ctx *ctx, struct pod_err **err)
{
	int sig = SIGTERM;

	if (ctx->args[1] && pod_oci_parse_signal(ctx->args[1], &sig, err) < 0)
		return logged(-1, err);
	return logged(pod_oci_kill(root_dir(), ctx->args[0], sig, K.all, err), err);
}

static int
pause_run(struct pod_ctx *ctx, struct pod_err **err)
{
	return logged(pod_oci_pause(root_dir(), ctx->args[0], true, err), err);
}

static int
resume_run(struct pod_ctx *ctx, struct pod_err **err)
{
	return logged(pod_oci_pause(root_dir(), ctx->args[0], false, err), err);
}

static struct {
	bool force;
} D;

static const struct pod_opt delete_options[] = {
	POD_OPT_BOOL('f', "force", &D.force, "Kill the container first if it is running"),
	POD_OPT_END
};

static int
delete_run(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_err *e = NULL;

	if (pod_oci_delete(root_dir(), ctx->args[0], D.force, &e) < 0) {
		/* runc: deleting what is not there with --force is fine */
		if (D.force && e->kind == POD_E_NOTFOUND) {
			pod_err_free(&e);
			return 0;
		}
		*err = e;
		return logged(-1, err);
	}
	return 0;
}

/* --- list ------------------------------------------------------------------- */

static struct {
	char *format;
	bool quiet;
} L = { .format = NULL };

static const struct pod_opt list_options[] = {
	POD_OPT_STRING('f', "format", "FORMAT", &L.format, "Output format: table or json"),
	POD_OPT_BOOL('q', "quiet", &L.quiet, "Display only container IDs"),
	POD_OPT_END
};

static int
list_run(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_oci_state **v = NULL;
	size_t n = 0, w = 2;
	int r = 0;

	if (L.format && !STREQ(L.format, "table") && !STREQ(L.format, "json"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid format option \"%s\"", L.format);
	if (pod_oci_list(root_dir(), &v, &n, err) < 0)
		return logged(-1, err);
	if (L.quiet) {
		for (size_t i = 0; i < n && r == 0; i++)
			r = pod_print_line(v[i]->id, err);
	} else if (L.format && STREQ(L.format, "json")) {
		cleanup_json json_t *a = json_array();
		cleanup_free char *text = NULL;

		for (size_t i = 0; i < n; i++) {
			json_t *j = pod_oci_state_to_json(v[i]);
			json_object_del(j, "annotations");
			json_array_append_new(a, j);
		}
		text = json_dumps(a, JSON_COMPACT);
		r = pod_print_line(text, err);
	} else {
		for (size_t i = 0; i < n; i++)
			if (strlen(v[i]->id) > w)
				w = strlen(v[i]->id);
		printf("%-*s   %-10s  %-10s  %-40s  %-30s  %s\n", (int) w, "ID", "PID", "STATUS",
		       "BUNDLE", "CREATED", "OWNER");
		for (size_t i = 0; i < n; i++) {
			cleanup_json json_t *j = pod_oci_state_to_json(v[i]);

			printf("%-*s   %-10d  %-10s  %-40s  %-30s  %s\n", (int) w, v[i]->id,
			       v[i]->status == POD_OCI_STOPPED ? 0 : (int) v[i]->pid,
			       pod_oci_status_name(v[i]->status), v[i]->bundle,
			       json_string_value(json_object_get(j, "created")), v[i]->owner);
		}
	}
	pod_oci_state_list_free(v, n);
	return r;
}

/* --- spec / features -------------------------------------------------------- */

static struct {
	char *bundle;
	bool rootless;
} S;

static const struct pod_opt spec_options[] = {
	POD_OPT_STRING('b', "bundle", "DIR", &S.bundle, "Where to write config.json"),
	POD_OPT_BOOL(0, "rootless", &S.rootless, "A spec for a container run by a non-root user"),
	POD_OPT_END
};

static int
spec_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *j = pod_oci_default_spec(S.rootless);
	cleanup_free char *path = xasprintf("%s/config.json", S.bundle ? S.bundle : ".");
	cleanup_free char *text = json_dumps(j, JSON_INDENT(2));
	cleanup_close int fd = -1;
	size_t len = strlen(text);

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return pod_err_set(err, POD_E_EXISTS, EEXIST,
					   "file %s exists: remove it first", path);
		return pod_err_sys(err, "creating %s", path);
	}
	if (write(fd, text, len) != (ssize_t) len || write(fd, "\n", 1) != 1)
		return pod_err_sys(err, "writing %s", path);
	return 0;
}

static int
features_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *j = pod_oci_features();
	cleanup_free char *text = json_dumps(j, JSON_INDENT(4));

	return pod_print_line(text, err);
}

/* --- exec ------------------------------------------------------------------- */

static struct {
	char *process, *pid_file, *cwd, *user, *console_socket, *label, *apparmor;
	char **env, **caps;
	bool tty, detach, no_new_privs;
	int64_t preserve_fds;
} E;

static const struct pod_opt exec_options[] = {
	POD_OPT_STRING('p', "process", "FILE", &E.process, "A process.json to run"),
	POD_OPT_BOOL('t', "tty", &E.tty, "Allocate a pseudo-TTY"),
	POD_OPT_BOOL('d', "detach", &E.detach, "Detach from the process"),
	POD_OPT_STRING(0, "pid-file", "FILE", &E.pid_file, "File to write the process id to"),
	POD_OPT_STRING(0, "cwd", "DIR", &E.cwd, "Current working directory in the container"),
	POD_OPT_STRV('e', "env", "KEY=VALUE", &E.env, "Set an environment variable"),
	POD_OPT_STRING('u', "user", "UID[:GID]", &E.user, "User to run as"),
	POD_OPT_STRV('c', "cap", "CAP", &E.caps, "Add a capability"),
	POD_OPT_STRING(0, "console-socket", "PATH", &E.console_socket,
		       "Unix socket that receives the pty master fd"),
	POD_OPT_BOOL(0, "no-new-privs", &E.no_new_privs, "Set no_new_privs for the process"),
	POD_OPT_INT(0, "preserve-fds", "N", &E.preserve_fds,
		    "Pass N more file descriptors (3 and up) to the process"),
	POD_OPT_STRING(0, "process-label", "LABEL", &E.label, "SELinux label (ignored)"),
	POD_OPT_STRING(0, "apparmor", "PROFILE", &E.apparmor, "AppArmor profile (ignored)"),
	POD_OPT_END
};

static int
exec_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_(pod_oci_process_freep) struct pod_oci_process *p = NULL;
	struct pod_oci_exec_opts o = POD_OCI_EXEC_OPTS_INIT;
	int status = 0;

	if (E.preserve_fds < 0 || E.preserve_fds > 65536)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid --preserve-fds");
	if (E.process) {
		if (ctx->args[1])
			return pod_err_set(err, POD_E_INVALID, 0, "--process and a command "
								  "cannot be given together");
		if (pod_oci_process_load(E.process, &p, err) < 0)
			return logged(-1, err);
		o.process = p;
	} else if (!ctx->args[1]) {
		return pod_err_set(err, POD_E_INVALID, 0, "exec needs a command or --process");
	}
	o.args = ctx->args + 1;
	o.env = E.env;
	o.cwd = E.cwd;
	o.user = E.user;
	o.caps = E.caps;
	o.tty = E.tty;
	o.no_new_privs = E.no_new_privs;
	o.console_socket = E.console_socket;
	o.pid_file = E.pid_file;
	o.detach = E.detach;
	o.preserve_fds = (unsigned) E.preserve_fds;
	if (pod_oci_exec(root_dir(), ctx->args[0], &o, NULL, &status, err) < 0)
		return logged(-1, err);
	ctx->status = status;
	return 0;
}

/* --- the tool table ---------------------------------------------------------- */

static const struct pod_opt no_options[] = { POD_OPT_END };

static const struct pod_tool t_create = {
	.name = "pod-oci create", .verb = "oci create",
	.summary = "Create a container from a bundle, stopped before its process runs",
	.usage = "[options] CONTAINER-ID", .options = create_options, .min_args = 1,
	.max_args = 1, .run = create_run, .exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_start = {
	.name = "pod-oci start", .verb = "oci start",
	.summary = "Run the process of a created container", .usage = "CONTAINER-ID",
	.options = no_options, .min_args = 1, .max_args = 1, .run = start_run,
	.exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_state = {
	.name = "pod-oci state", .verb = "oci state",
	.summary = "Print the state of a container as JSON", .usage = "CONTAINER-ID",
	.options = no_options, .min_args = 1, .max_args = 1, .run = state_run,
	.exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_kill = {
	.name = "pod-oci kill", .verb = "oci kill",
	.summary = "Send a signal (default SIGTERM) to a container's process",
	.usage = "[options] CONTAINER-ID [SIGNAL]", .options = kill_options, .min_args = 1,
	.max_args = 2, .run = kill_run, .exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_pause = {
	.name = "pod-oci pause", .verb = "oci pause",
	.summary = "Suspend every process of a container (freeze its cgroup)",
	.usage = "CONTAINER-ID", .options = no_options, .min_args = 1, .max_args = 1,
	.run = pause_run, .exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_resume = {
	.name = "pod-oci resume", .verb = "oci resume",
	.summary = "Resume every process of a paused container",
	.usage = "CONTAINER-ID", .options = no_options, .min_args = 1, .max_args = 1,
	.run = resume_run, .exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_delete = {
	.name = "pod-oci delete", .verb = "oci delete",
	.summary = "Delete a container and its state", .usage = "[options] CONTAINER-ID",
	.options = delete_options, .min_args = 1, .max_args = 1, .run = delete_run,
	.exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_run = {
	.name = "pod-oci run", .verb = "oci run",
	.summary = "Create and start a container, and wait for it",
	.usage = "[options] CONTAINER-ID", .options = run_options, .min_args = 1, .max_args = 1,
	.run = run_run, .exit_code = RUNC_EXIT_CODES,
	.exit_status_doc = "The exit code of the container's process (128+N when killed by "
			   "signal N); 127 when the program is not found, 126 when it cannot "
			   "be executed, 1 for any other error.",
};
static const struct pod_tool t_list = {
	.name = "pod-oci list", .verb = "oci list", .summary = "List containers",
	.usage = "[options]", .options = list_options, .flags = POD_TOOL_NO_ARGS,
	.run = list_run, .exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_spec = {
	.name = "pod-oci spec", .verb = "oci spec", .summary = "Write a default config.json",
	.usage = "[options]", .options = spec_options, .flags = POD_TOOL_NO_ARGS,
	.run = spec_run, .exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_features = {
	.name = "pod-oci features", .verb = "oci features",
	.summary = "Print what this runtime supports, as JSON", .usage = "",
	.options = no_options, .flags = POD_TOOL_NO_ARGS, .run = features_run,
	.exit_code = RUNC_EXIT_CODES,
};
static const struct pod_tool t_exec = {
	.name = "pod-oci exec", .verb = "oci exec",
	.summary = "Run one more process in a running container",
	.usage = "[options] CONTAINER-ID [COMMAND [ARG...]]", .options = exec_options,
	.flags = POD_TOOL_STOP_AT_ARG, .min_args = 1, .max_args = -1, .run = exec_run,
	.exit_code = RUNC_EXIT_CODES,
};

static const struct pod_subverb subverbs[] = {
	{ "create", NULL, &t_create }, { "delete", NULL, &t_delete }, { "exec", NULL, &t_exec },
	{ "features", NULL, &t_features }, { "kill", NULL, &t_kill }, { "list", "ls", &t_list },
	{ "pause", NULL, &t_pause },   { "resume", NULL, &t_resume }, { "run", NULL, &t_run },
	{ "spec", NULL, &t_spec },     { "start", NULL, &t_start },   { "state", NULL, &t_state },
	{ NULL, NULL, NULL },
};

static const struct pod_tool tool = {
	.name = "pod-oci", .verb = "oci",
	.summary = "An OCI runtime with runc's command line",
	.description = "Runs OCI bundles (a rootfs and a config.json) as runc and crun do. "
		       "Global options go before the command: --root DIR (state, default "
		       "/run/pod-oci), --log FILE, --log-format text|json, --debug.",
	.usage = "[global options] COMMAND [options] ARGS...", .options = no_options,
	.flags = POD_TOOL_SUBVERBS, .subverbs = subverbs, .exit_code = RUNC_EXIT_CODES,
};

/* --name VALUE or --name=VALUE at argv[*i]; advances *i past it */
static bool
take_value(int argc, char **argv, int *i, const char *name, char **slot)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return false;
	if (a[n] == '=') {
		free(*slot);
		*slot = xstrdup(a + n + 1);
		return true;
	}
	if (a[n] != '\0' || *i + 1 >= argc)
		return false;
	free(*slot);
	*slot = xstrdup(argv[++*i]);
	return true;
}

int
main(int argc, char **argv)
{
	cleanup_free char *ignored = NULL;
	char **args;
	int i, n = 1, code;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (take_value(argc, argv, &i, "--root", &G.root) ||
		    take_value(argc, argv, &i, "--log", &G.log) ||
		    take_value(argc, argv, &i, "--log-format", &G.log_format) ||
		    take_value(argc, argv, &i, "--rootless", &ignored) ||
		    take_value(argc, argv, &i, "--criu", &ignored))
			continue;
		if (STREQ(a, "--debug")) {
			G.debug = true;
			continue;
		}
		if (STREQ(a, "--systemd-cgroup")) {
			fprintf(stderr, "Error: --systemd-cgroup is not supported: pod-oci manages "
					"cgroups through cgroupfs only\n");
			return 1;
		}
		break; /* --help, --version: the frame's */
	}
	if (G.log_format && !STREQ(G.log_format, "text") && !STREQ(G.log_format, "json")) {
		fprintf(stderr, "Error: invalid log format \"%s\"\n", G.log_format);
		return 1;
	}
	if (G.log) {
		int fd = open(G.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd < 0) {
			fprintf(stderr, "Error: opening the log file %s: %s\n", G.log,
				pod_strerror(errno));
			return 1;
		}
		pod_oci_set_log(fd, G.debug, G.log_format && STREQ(G.log_format, "json"));
	} else if (G.debug) {
		pod_oci_set_log(STDERR_FILENO, true, false);
	}
	args = xcalloc((size_t) argc + 1, sizeof(char *));
	args[0] = argv[0];
	for (; i < argc; i++)
		args[n++] = argv[i];
	code = pod_tool_main(&tool, n, args);
	free(args);
	return code;
}
