/* pod-monitor - supervise one container: its runtime, stdio, log, attach socket and exit */
#include "cli/tool.h"
#include "runtime/monitor.h"

#include <inttypes.h>

static struct {
	char *cid, *name, *bundle, *runtime_root, *exit_dir, *persist_dir, *log_path;
	char *log_driver, *socket_dir, *cgroup_path, *conmon_pidfile, *container_pidfile;
	char *exit_command;
	char **runtime_args, **exit_command_args;
	int64_t log_size_max, exit_delay, sync_fd, go_fd;
	char *health_command, *runner;
	char **health_command_args;
	int64_t health_interval_ms;
	bool terminal, stdin_open, leave_stdin_open, start;
} opt = { .sync_fd = -1, .go_fd = -1 };

static const struct pod_opt options[] = {
	POD_OPT_STRING(0, "cid", "ID", &opt.cid, "Container ID"),
	POD_OPT_STRING(0, "name", "NAME", &opt.name, "Container name (for messages)"),
	POD_OPT_STRING(0, "bundle", "DIR", &opt.bundle, "OCI bundle directory (config.json)"),
	POD_OPT_STRING(0, "runtime-root", "DIR", &opt.runtime_root,
		       "State directory of the OCI runtime (its --root)"),
	POD_OPT_STRV(0, "runtime-arg", "ARG", &opt.runtime_args,
		     "Global option for the OCI runtime, before its command (repeatable)"),
	POD_OPT_STRING(0, "exit-dir", "DIR", &opt.exit_dir,
		       "Write the exit code to DIR/ID when the container exits"),
	POD_OPT_STRING(0, "persist-dir", "DIR", &opt.persist_dir,
		       "Write exit code, finish time and OOM flag to DIR/exit.json"),
	POD_OPT_STRING(0, "log-path", "FILE", &opt.log_path, "Container log file (k8s-file)"),
	POD_OPT_STRING(0, "log-driver", "DRIVER", &opt.log_driver,
		       "Logging driver: k8s-file, none or passthrough (default k8s-file)"),
	POD_OPT_INT(0, "log-size-max", "BYTES", &opt.log_size_max,
		    "Start the log file afresh when it would grow past BYTES"),
	POD_OPT_STRING(0, "socket-dir", "DIR", &opt.socket_dir,
		       "Directory for the attach socket and the ctl fifo"),
	POD_OPT_STRING(0, "cgroup-path", "PATH", &opt.cgroup_path,
		       "Container cgroup, checked for OOM kills"),
	POD_OPT_BOOL('t', "terminal", &opt.terminal, "Give the container a pseudo-terminal"),
	POD_OPT_BOOL('i', "stdin", &opt.stdin_open, "Keep the container's stdin open"),
	POD_OPT_BOOL(0, "leave-stdin-open", &opt.leave_stdin_open,
		     "Keep stdin open when an attach client closes its input"),
	POD_OPT_STRING(0, "conmon-pidfile", "FILE", &opt.conmon_pidfile,
		       "Write the monitor's pid to FILE"),
	POD_OPT_STRING(0, "container-pidfile", "FILE", &opt.container_pidfile,
		       "Pid file for the runtime (the container's pid)"),
	POD_OPT_STRING(0, "exit-command", "PATH", &opt.exit_command,
		       "Run PATH after the container has exited and been deleted"),
	POD_OPT_STRV(0, "exit-command-arg", "ARG", &opt.exit_command_args,
		     "Argument for the exit command (repeatable)"),
	POD_OPT_INT(0, "exit-delay", "SECONDS", &opt.exit_delay,
		    "Wait SECONDS before running the exit command"),
	POD_OPT_STRING(0, "runner", "PID:START", &opt.runner,
		       "Skip the exit command while process PID, started at START (field 22 of "
		       "/proc/PID/stat), runs: it cleans up after the container itself"),
	POD_OPT_INT(0, "sync-fd", "FD", &opt.sync_fd,
		    "Report {\"pid\": N} or an error as JSON on FD once the container runs"),
	POD_OPT_INT(0, "go-fd", "FD", &opt.go_fd,
		    "Wait for a byte on FD before creating the container; at EOF leave "
		    "without creating it"),
	POD_OPT_INT(0, "health-interval-ms", "MS", &opt.health_interval_ms,
		    "Run the health command every MS milliseconds while the container runs"),
	POD_OPT_STRING(0, "health-command", "PATH", &opt.health_command,
		       "The healthcheck command (pod-healthcheck)"),
	POD_OPT_STRV(0, "health-command-arg", "ARG", &opt.health_command_args,
		     "Argument for the health command (repeatable)"),
	POD_OPT_BOOL(0, "start", &opt.start, "Create and start the container (required)"),
	POD_OPT_END
};

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	struct pod_monitor_opts o = {
		.cid = opt.cid,
		.name = opt.name,
		.bundle = opt.bundle,
		.runtime = ctx->g.runtime,
		.runtime_root = opt.runtime_root,
		.runtime_args = opt.runtime_args,
		.exit_dir = opt.exit_dir,
		.persist_dir = opt.persist_dir,
		.log_path = opt.log_path,
		.log_size_max = opt.log_size_max,
		.socket_dir = opt.socket_dir,
		.cgroup_path = opt.cgroup_path,
		.terminal = opt.terminal,
		.stdin_open = opt.stdin_open,
		.leave_stdin_open = opt.leave_stdin_open,
		.conmon_pidfile = opt.conmon_pidfile,
		.container_pidfile = opt.container_pidfile,
		.exit_command = opt.exit_command,
		.exit_command_args = opt.exit_command_args,
		.exit_delay = opt.exit_delay,
		.health_interval_ms = opt.health_interval_ms,
		.health_command = opt.health_command,
		.health_command_args = opt.health_command_args,
		.log_level = ctx->g.log_level,
	};

	if (!opt.start)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--start is required: pod-monitor always creates and starts the "
				   "container");
	if (opt.sync_fd < -1 || opt.sync_fd > 65535)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid sync fd %" PRId64, opt.sync_fd);
	if (opt.go_fd == 0 || opt.go_fd < -1 || opt.go_fd > 65535 ||
	    (opt.go_fd >= 0 && opt.go_fd == opt.sync_fd))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid go fd %" PRId64, opt.go_fd);
	o.go_fd = (int) opt.go_fd;
	if (opt.runner) {
		char *colon = strchr(opt.runner, ':');
		int64_t start = 0;
		if (!colon || (*colon = '\0', !pod_parse_int64(opt.runner, &o.runner_pid)) ||
		    o.runner_pid <= 0 || o.runner_pid > INT32_MAX ||
		    !pod_parse_int64(colon + 1, &start) || start < 0) {
			if (colon)
				*colon = ':';
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid --runner \"%s\": expected PID:START", opt.runner);
		}
		o.runner_start = (uint64_t) start;
	}
	if (opt.log_driver && pod_monitor_log_driver_parse(opt.log_driver, &o.log_driver, err) < 0)
		return -1;
	return pod_monitor_run(&o, (int) opt.sync_fd, err);
}

static const struct pod_tool tool = {
	.name = "pod-monitor",
	.verb = "monitor",
	.summary = "Supervise one running container (podutils' conmon)",
	.description =
		"Runs the OCI runtime's create and start for one container, owns the container's "
		"stdio (pipes, or a pseudo-terminal received over the runtime's console socket), "
		"writes its k8s-file log, serves an attach socket (SOCK_SEQPACKET, conmon's "
		"protocol) and a ctl fifo for resizes, reaps the container as a child subreaper, "
		"runs the runtime's delete, records the exit code, and runs the exit command. "
		"The engine starts it detached; it is told everything on its command line.",
	.usage = "[options] --cid ID --bundle DIR --runtime PATH --start",
	.examples = "pod-monitor --cid 3f2a --bundle /run/ctr/3f2a --runtime runc --start "
		    "--log-path /var/log/3f2a.log --exit-dir /run/exits --socket-dir /run/ctr/3f2a",
	.options = options,
	.flags = POD_TOOL_NO_ARGS,
	.run = run,
	.exit_status_doc = "0: the container ran and has exited (its own exit code is in the exit "
			   "files). 125: a bad flag, or the container could not be created or "
			   "started. 126: the runtime reported permission denied. 127: the runtime "
			   "reported that the command was not found.",
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
