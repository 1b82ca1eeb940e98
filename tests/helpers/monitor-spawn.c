/*
 * monitor-spawn - drives pod_monitor_spawn() and pod_monitor_wait_sync() the
 * way the engine will, for the bats suite.
 *
 *   monitor-spawn [-t] [-i] MONITOR RUNTIME RUNTIME_ROOT BUNDLE CID DIR
 *
 * DIR gets ctr.log, exits/, persist/, sock/, mon.pid, ctr.pid and mon.log.
 * Prints "monitor PID" and "container PID" (or "Error: ..." on stderr with
 * the exit code a tool would use: 125, 126, 127).
 */
#include "core/err.h"
#include "runtime/monitor.h"

#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct pod_monitor_opts o = { .log_driver = POD_MONITOR_LOG_K8S_FILE };
	struct pod_err *e = NULL;
	pid_t mon = -1, ctr = -1;
	int fd = -1, c, code;
	char *paths[8];

	while ((c = getopt(argc, argv, "ti")) != -1) {
		if (c == 't')
			o.terminal = true;
		else if (c == 'i')
			o.stdin_open = true;
		else
			return 64;
	}
	if (argc - optind != 6) {
		fprintf(stderr, "usage: monitor-spawn [-t] [-i] MONITOR RUNTIME ROOT BUNDLE CID DIR\n");
		return 64;
	}
	const char *dir = argv[optind + 5];
	o.monitor_path = argv[optind];
	o.runtime = argv[optind + 1];
	o.runtime_root = argv[optind + 2];
	o.bundle = argv[optind + 3];
	o.cid = argv[optind + 4];
	o.log_path = paths[0] = xasprintf("%s/ctr.log", dir);
	o.exit_dir = paths[1] = xasprintf("%s/exits", dir);
	o.persist_dir = paths[2] = xasprintf("%s/persist", dir);
	o.socket_dir = paths[3] = xasprintf("%s/sock", dir);
	o.conmon_pidfile = paths[4] = xasprintf("%s/mon.pid", dir);
	o.container_pidfile = paths[5] = xasprintf("%s/ctr.pid", dir);
	o.monitor_log = paths[6] = xasprintf("%s/mon.log", dir);
	for (int i = 1; i <= 3; i++)
		mkdir(paths[i], 0700);
	if (pod_monitor_spawn(&o, &mon, &fd, &e) < 0)
		goto fail;
	printf("monitor %d\n", (int) mon);
	fflush(stdout);
	if (pod_monitor_wait_sync(fd, 20000, &ctr, &e) < 0)
		goto fail;
	close(fd);
	printf("container %d\n", (int) ctr);
	return 0;
fail:
	fprintf(stderr, "Error: %s\n", e->msg);
	code = e->kind == POD_E_NOCMD ? 127 : e->kind == POD_E_NOTEXEC ? 126 : 125;
	pod_err_free(&e);
	return code;
}
