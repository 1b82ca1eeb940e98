/* pod-exec - run a process in a running container (`podman exec`) */
#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "core/json.h"
#include "runtime/ctr_exec.h"

#include <fcntl.h>
#include <unistd.h>

static struct {
	bool detach, interactive, latest, privileged, tty;
	char *detach_keys, *user, *workdir;
	char **env, **env_file;
	int64_t preserve_fds;
} opt;

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_ctr struct pod_ctr *c = NULL;
	cleanup_json json_t *env = NULL;
	cleanup_strv char **envv = NULL;
	cleanup_free char *latest = NULL, *session = NULL;
	struct pod_exec_opts o = { 0 };
	char *const *args = ctx->args;
	const char *target;
	json_t *v;
	size_t i;
	int code = 0, r;

	if (opt.preserve_fds < 0 || opt.preserve_fds > 65536)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid --preserve-fds %lld",
				   (long long) opt.preserve_fds);
	for (int64_t fd = 3; fd < 3 + opt.preserve_fds; fd++)
		if (fcntl((int) fd, F_GETFD) < 0)
			return pod_err_set(err, POD_E_INVALID, 0, "file descriptor %lld is not "
					   "available - the preserve-fds option requires that all "
					   "file descriptors between fd 3 and %lld, inclusive, are "
					   "available", (long long) fd, (long long) (2 + opt.preserve_fds));
	env = pod_cli_env_list(opt.env_file, opt.env, err);
	if (!env)
		return -1;
	json_array_foreach(env, i, v)
		envv = pod_strv_push(envv, xstrdup(json_string_value(v)));
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	if (opt.latest) {
		if (pod_cli_latest_ctr(e, &latest, err) < 0)
			return -1;
		target = latest;
	} else {
		target = args[0];
		args++;
	}
	if (!args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "must provide a non-empty command to start "
				   "an exec session: invalid argument");
	if (pod_ctr_lookup(e, target, &c, err) < 0)
		return -1;
	o.args = args;
	o.env = envv;
	o.user = opt.user;
	o.workdir = opt.workdir;
	o.tty = opt.tty;
	o.interactive = opt.interactive;
	o.detach = opt.detach;
	o.privileged = opt.privileged;
	o.detach_keys = opt.detach_keys;
	o.preserve_fds = (unsigned) opt.preserve_fds;
	/* without -i the process reads nothing, as Podman gives it /dev/null */
	if (!opt.interactive && !opt.detach) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null >= 0) {
			(void) dup3(null, STDIN_FILENO, 0);
			close(null);
		}
	}
	r = pod_ctr_exec(e, c, &o, &session, &code, err);
	if (r < 0 && !opt.detach && (*err)->kind != POD_E_NOCMD && (*err)->kind != POD_E_NOTEXEC &&
	    (*err)->kind != POD_E_INVALID) {
		/* Podman exits 255 when an attached session cannot be made */
		pod_err_print(*err);
		pod_err_free(err);
		ctx->status = 255;
		return 0;
	}
	if (r < 0)
		return -1;
	if (opt.detach) {
		if (!ctx->g.dispatched) {
			cleanup_json json_t *rec = json_pack("{s:s, s:s, s:s}", "Type", "exec", "Id",
							     session, "ContainerId", c->id);
			return pod_json_print_line(stdout, rec, err);
		}
		return pod_print_line(session, err);
	}
	ctx->status = r == 1 ? 0 : code;
	return 0;
}

static const struct pod_opt options[] = {
	POD_OPT_BOOL('d', "detach", &opt.detach,
		     "Run the exec session in detached mode (backgrounded)"),
	POD_OPT_STRING(0, "detach-keys", "string", &opt.detach_keys,
		       "Select the key sequence for detaching a container. Format is a single "
		       "character [a-Z] or ctrl-<value> where <value> is one of: a-z, @, ^, [, , "
		       "or _ (default \"ctrl-p,ctrl-q\")"),
	POD_OPT_STRV('e', "env", "stringArray", &opt.env, "Set environment variables"),
	POD_OPT_STRV(0, "env-file", "strings", &opt.env_file,
		     "Read in a file of environment variables"),
	POD_OPT_BOOL('i', "interactive", &opt.interactive, "Keep STDIN open even if not attached"),
	POD_OPT_BOOL('l', "latest", &opt.latest, "Act on the latest container podman is aware of"),
	POD_OPT_UINT(0, "preserve-fds", "uint", &opt.preserve_fds,
		     "Pass N additional file descriptors to the container"),
	POD_OPT_BOOL(0, "privileged", &opt.privileged,
		     "Give the process extended Linux capabilities inside the container.  The "
		     "default is false"),
	POD_OPT_BOOL('t', "tty", &opt.tty, "Allocate a pseudo-TTY. The default is false"),
	POD_OPT_STRING('u', "user", "string", &opt.user,
		       "Sets the username or UID used and optionally the groupname or GID for "
		       "the specified command"),
	POD_OPT_STRING('w', "workdir", "string", &opt.workdir,
		       "Working directory inside the container"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-exec",
	.verb = "exec",
	.summary = "Run a process in a running container",
	.description = "Execute the specified command inside a running container. The process "
		       "joins the container's namespaces and cgroup with its capabilities, "
		       "seccomp filter and limits. Without --detach the exit code is the "
		       "process's; with it the exec session's ID is printed.",
	.usage = "[options] CONTAINER [COMMAND [ARG...]]",
	.examples = "podman exec -it ctrID ls\npodman exec -it -w /tmp myCtr pwd\n"
		    "podman exec --user root ctrID ls",
	.options = options,
	.flags = POD_TOOL_STOP_AT_ARG,
	.min_args = 1,
	.max_args = -1,
	.run = run,
	.exit_status_doc = ".TP\n.B 0..124\nThe process's own exit code (128+N when signal N "
			   "killed it).\n.TP\n.B 125\nThe engine failed: a bad flag, no such "
			   "container, a detached session on a container that does not run.\n.TP\n"
			   ".B 126\nThe command could not be executed.\n.TP\n.B 127\nThe command "
			   "was not found.\n.TP\n.B 255\nAn attached session could not be created "
			   "(the container does not run, no such user), as Podman exits.",
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
