/* test-monitor.c - pod-monitor's pure parts: log format, argv, sync reports, error text */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/fs.h"
#include "runtime/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];

static int
setup_tmp(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-monitor-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static int
teardown_tmp(void **state)
{
	struct pod_err *e = NULL;

	assert_int_equal(pod_rm_rf(tmpdir, &e), 0);
	return 0;
}

static char *
slurp(const char *path)
{
	char *data = NULL;
	struct pod_err *e = NULL;

	assert_int_equal(pod_read_file(path, &data, NULL, 1 << 20, &e), 0);
	return data;
}

static void
test_timestamp(void **state)
{
	static const struct {
		const char *tz;
		int64_t ns;
		const char *want;
	} cases[] = {
		{ "UTC", 1000000005, "1970-01-01T00:00:01.000000005+00:00" },
		{ "UTC", INT64_C(1795867200123456789), "2026-11-28T12:00:00.123456789+00:00" },
		{ "XST-5:30", INT64_C(1795867200123456789), "2026-11-28T17:30:00.123456789+05:30" },
		{ "EST5", INT64_C(1795867200000000000), "2026-11-28T07:00:00.000000000-05:00" },
	};
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		setenv("TZ", cases[i].tz, 1);
		tzset();
		size_t n = pod_monitor_timestamp(cases[i].ns, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_log_lines(void **state)
{
	cleanup_free char *path = xasprintf("%s/ctr.log", tmpdir);
	cleanup_free char *data = NULL;
	struct pod_monitor_log l = { .fd = -1 };
	struct pod_err *e = NULL;
	const int64_t t = INT64_C(1795867200000000001);

	assert_int_equal(pod_monitor_log_open(&l, path, 0, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDOUT, "hello\n", 6, t, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDOUT, "abc", 3, t, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDOUT, "def\nghi\nj", 9, t, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDERR, "\n", 1, t, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDERR, "", 0, t, &e), 0);
	pod_monitor_log_close(&l);
	data = slurp(path);
	assert_string_equal(data, "2026-11-28T12:00:00.000000001+00:00 stdout F hello\n"
				  "2026-11-28T12:00:00.000000001+00:00 stdout P abc\n"
				  "2026-11-28T12:00:00.000000001+00:00 stdout F def\n"
				  "2026-11-28T12:00:00.000000001+00:00 stdout F ghi\n"
				  "2026-11-28T12:00:00.000000001+00:00 stdout P j\n"
				  "2026-11-28T12:00:00.000000001+00:00 stderr F \n");
	/* reopening appends */
	assert_int_equal(pod_monitor_log_open(&l, path, 0, &e), 0);
	assert_int_equal(l.size, (int64_t) strlen(data));
	pod_monitor_log_close(&l);
}

static void
test_log_many_lines(void **state)
{
	/* more lines in one chunk than one writev takes */
	cleanup_free char *path = xasprintf("%s/many.log", tmpdir);
	cleanup_free char *data = NULL;
	struct pod_monitor_log l = { .fd = -1 };
	struct pod_err *e = NULL;
	char chunk[200];
	size_t lines = 0;

	for (size_t i = 0; i < sizeof(chunk); i += 2) {
		chunk[i] = 'x';
		chunk[i + 1] = '\n';
	}
	assert_int_equal(pod_monitor_log_open(&l, path, 0, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDOUT, chunk, sizeof(chunk), 0, &e),
			 0);
	pod_monitor_log_close(&l);
	data = slurp(path);
	for (char *p = data; (p = strstr(p, " stdout F x\n")); p++)
		lines++;
	assert_int_equal(lines, sizeof(chunk) / 2);
}

static void
test_log_size_max(void **state)
{
	cleanup_free char *path = xasprintf("%s/rot.log", tmpdir);
	cleanup_free char *tmp = xasprintf("%s/rot.log.tmp", tmpdir);
	cleanup_free char *data = NULL;
	struct pod_monitor_log l = { .fd = -1 };
	struct pod_err *e = NULL;
	/* "lineN\n" makes a 35 + 8 + 2 + 6 = 51 byte line */
	const int64_t max = 110;

	assert_int_equal(pod_monitor_log_open(&l, path, max, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDOUT, "line1\nline2\n", 12, 0, &e),
			 0);
	assert_int_equal(l.size, 102);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDOUT, "line3\n", 6, 0, &e), 0);
	assert_int_equal(l.size, 51);
	pod_monitor_log_close(&l);
	data = slurp(path);
	assert_string_equal(data, "1970-01-01T00:00:00.000000000+00:00 stdout F line3\n");
	assert_int_equal(access(tmp, F_OK), -1);
	/* a line longer than the limit is still written, alone */
	assert_int_equal(pod_monitor_log_open(&l, path, 10, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDERR, "long line\n", 10, 0, &e), 0);
	pod_monitor_log_close(&l);
	free(data);
	data = slurp(path);
	assert_string_equal(data, "1970-01-01T00:00:00.000000000+00:00 stderr F long line\n");
}

static void
test_log_reopen(void **state)
{
	cleanup_free char *path = xasprintf("%s/re.log", tmpdir);
	cleanup_free char *moved = xasprintf("%s/re.log.1", tmpdir);
	cleanup_free char *data = NULL;
	struct pod_monitor_log l = { .fd = -1 };
	struct pod_err *e = NULL;

	assert_int_equal(pod_monitor_log_open(&l, path, 0, &e), 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDOUT, "a\n", 2, 0, &e), 0);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(pod_monitor_log_reopen(&l, &e), 0);
	assert_int_equal(l.size, 0);
	assert_int_equal(pod_monitor_log_write(&l, POD_MONITOR_STDOUT, "b\n", 2, 0, &e), 0);
	pod_monitor_log_close(&l);
	data = slurp(path);
	assert_string_equal(data, "1970-01-01T00:00:00.000000000+00:00 stdout F b\n");
}

static void
test_log_open_error(void **state)
{
	struct pod_monitor_log l = { .fd = -1 };
	struct pod_err *e = NULL;

	assert_int_equal(pod_monitor_log_open(&l, "/nonexistent/dir/x.log", 0, &e), -1);
	assert_non_null(e);
	assert_string_equal(e->msg, "opening log file /nonexistent/dir/x.log: no such file or "
				    "directory");
	pod_err_free(&e);
}

static void
test_log_driver(void **state)
{
	enum pod_monitor_log_driver d = POD_MONITOR_LOG_NONE;
	struct pod_err *e = NULL;

	assert_int_equal(pod_monitor_log_driver_parse("k8s-file", &d, &e), 0);
	assert_int_equal(d, POD_MONITOR_LOG_K8S_FILE);
	assert_int_equal(pod_monitor_log_driver_parse("passthrough", &d, &e), 0);
	assert_int_equal(d, POD_MONITOR_LOG_PASSTHROUGH);
	assert_int_equal(pod_monitor_log_driver_parse("journald", &d, &e), -1);
	assert_int_equal(e->kind, POD_E_INVALID);
	assert_string_equal(e->msg, "invalid log driver \"journald\": choose from k8s-file, none, "
				    "passthrough");
	pod_err_free(&e);
	assert_string_equal(pod_monitor_log_driver_name(POD_MONITOR_LOG_NONE), "none");
}

static void
test_opts_check(void **state)
{
	static const struct {
		struct pod_monitor_opts o;
		const char *msg;
	} cases[] = {
		{ { .bundle = "/b", .runtime = "runc", .log_driver = POD_MONITOR_LOG_NONE },
		  "a container ID (--cid) is required" },
		{ { .cid = "a/b", .bundle = "/b", .runtime = "runc",
		    .log_driver = POD_MONITOR_LOG_NONE }, "invalid container ID \"a/b\"" },
		{ { .cid = "c", .runtime = "runc", .log_driver = POD_MONITOR_LOG_NONE },
		  "a bundle directory (--bundle) is required" },
		{ { .cid = "c", .bundle = "/b", .log_driver = POD_MONITOR_LOG_NONE },
		  "an OCI runtime (--runtime) is required" },
		{ { .cid = "c", .bundle = "/b", .runtime = "runc" },
		  "the k8s-file log driver needs a log path (--log-path)" },
		{ { .cid = "c", .bundle = "/b", .runtime = "runc", .terminal = true,
		    .log_driver = POD_MONITOR_LOG_PASSTHROUGH },
		  "the passthrough log driver cannot be used with a terminal" },
		{ { .cid = "c", .bundle = "/b", .runtime = "runc", .log_path = "/l", .exit_delay = -1 },
		  "invalid exit delay -1" },
		{ { .cid = "c", .bundle = "/b", .runtime = "runc", .log_path = "/l" }, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pod_err *e = NULL;
		int r = pod_monitor_opts_check(&cases[i].o, &e);
		if (!cases[i].msg) {
			assert_int_equal(r, 0);
			assert_null(e);
			continue;
		}
		assert_int_equal(r, -1);
		assert_int_equal(e->kind, POD_E_INVALID);
		assert_string_equal(e->msg, cases[i].msg);
		pod_err_free(&e);
	}
}

static void
test_argv(void **state)
{
	char *rargs[] = { "--log-format=json", "--systemd-cgroup", NULL };
	char *eargs[] = { "--root", "/r", "container", "cleanup", "abc", NULL };
	struct pod_monitor_opts o = {
		.cid = "abc", .name = "web", .bundle = "/b", .runtime = "/usr/bin/crun",
		.runtime_root = "/run/crun", .runtime_args = rargs, .exit_dir = "/e",
		.persist_dir = "/p", .log_path = "/l", .log_size_max = 1024, .socket_dir = "/s",
		.terminal = true, .stdin_open = true, .conmon_pidfile = "/cp",
		.container_pidfile = "/pp", .exit_command = "/usr/bin/podman",
		.exit_command_args = eargs, .exit_delay = 3, .log_level = "debug",
	};
	const char *want[] = {
		"/x/pod-monitor", "--cid=abc", "--name=web", "--bundle=/b",
		"--runtime=/usr/bin/crun", "--runtime-root=/run/crun",
		"--runtime-arg=--log-format=json", "--runtime-arg=--systemd-cgroup", "--exit-dir=/e",
		"--persist-dir=/p", "--log-driver=k8s-file", "--log-path=/l", "--log-size-max=1024",
		"--socket-dir=/s", "--terminal", "--stdin", "--conmon-pidfile=/cp",
		"--container-pidfile=/pp", "--exit-command=/usr/bin/podman",
		"--exit-command-arg=--root", "--exit-command-arg=/r",
		"--exit-command-arg=container", "--exit-command-arg=cleanup",
		"--exit-command-arg=abc", "--exit-delay=3", "--log-level=debug", "--sync-fd=3",
		"--start", NULL,
	};
	cleanup_strv char **v = pod_monitor_argv("/x/pod-monitor", &o, 3);

	for (size_t i = 0; want[i] || v[i]; i++) {
		assert_non_null(v[i]);
		assert_non_null(want[i]);
		assert_string_equal(v[i], want[i]);
	}
	/* minimal: no optional flags, no sync fd */
	struct pod_monitor_opts m = { .cid = "c", .bundle = "/b", .runtime = "runc",
				      .log_driver = POD_MONITOR_LOG_NONE };
	cleanup_strv char **w = pod_monitor_argv("pm", &m, -1);
	assert_int_equal(pod_strv_len(w), 6);
	assert_string_equal(w[4], "--log-driver=none");
	assert_string_equal(w[5], "--start");
}

static void
test_runtime_message(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "time=\"2026-11-28T13:37:48Z\" level=error msg=\"runc create failed: unable to "
		  "start container process: exec: \\\"nope\\\": executable file not found in "
		  "$PATH\"\n",
		  "runc create failed: unable to start container process: exec: \"nope\": "
		  "executable file not found in $PATH" },
		{ "time=\"x\" level=warning msg=\"cgroup thing\"\ntime=\"y\" level=error msg=boom\n",
		  "boom" },
		{ "{\"msg\":\"executable file not found in $PATH: No such file or directory\","
		  "\"level\":\"error\",\"time\":\"2026-11-28T12:00:00Z\"}\n",
		  "executable file not found in $PATH: No such file or directory" },
		{ "{\"msg\":\"just info\",\"level\":\"info\"}\nError: something broke\n",
		  "something broke" },
		{ "crun: executable file `nope` not found in $PATH: No such file or directory\n\n",
		  "crun: executable file `nope` not found in $PATH: No such file or directory" },
		{ "", "" },
		{ "\n\n", "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *m = pod_monitor_runtime_message(cases[i].text,
								   strlen(cases[i].text));
		assert_string_equal(m, cases[i].want);
	}
}

static void
test_sync_error(void **state)
{
	static const struct {
		const char *runtime;
		const char *msg;
		enum pod_err_kind kind;
		const char *want;
	} cases[] = {
		{ "/usr/bin/crun", "executable file not found in $PATH: No such file or directory",
		  POD_E_NOCMD,
		  "crun: executable file not found in $PATH: No such file or directory: OCI runtime "
		  "attempted to invoke a command that was not found" },
		{ "runc", "runc create failed: unable to start container process: exec: \"/etc\": "
			  "permission denied", POD_E_NOTEXEC,
		  "runc: runc create failed: unable to start container process: exec: \"/etc\": "
		  "permission denied: OCI permission denied" },
		{ "runc", "first line\nsecond: Operation not permitted\nthird", POD_E_NOTEXEC,
		  "runc: second: Operation not permitted: OCI permission denied" },
		{ "runc", "cgroup setup failed\n", POD_E_GENERIC,
		  "runc: cgroup setup failed: OCI runtime error" },
		{ NULL, "opening log file /x: permission denied", POD_E_GENERIC,
		  "opening log file /x: permission denied" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pod_err *e = NULL;
		assert_int_equal(pod_monitor_sync_error(cases[i].runtime, cases[i].msg, &e), -1);
		assert_int_equal(e->kind, cases[i].kind);
		assert_string_equal(e->msg, cases[i].want);
		pod_err_free(&e);
	}
}

static int
pipe_with(const char *s, bool close_writer, int *ret_w)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	if (s)
		assert_int_equal(write(p[1], s, strlen(s)), (ssize_t) strlen(s));
	if (close_writer)
		close(p[1]);
	else
		*ret_w = p[1];
	return p[0];
}

static void
test_wait_sync(void **state)
{
	static const struct {
		const char *json;
		pid_t pid;
		enum pod_err_kind kind;
		const char *msg;
	} cases[] = {
		{ "{\"pid\":4242}\n", 4242, 0, NULL },
		{ "{\"pid\":-1,\"message\":\"exec: \\\"nope\\\": executable file not found in "
		  "$PATH\",\"runtime\":\"runc\"}", 0, POD_E_NOCMD,
		  "runc: exec: \"nope\": executable file not found in $PATH: OCI runtime attempted "
		  "to invoke a command that was not found" },
		{ "{\"pid\":-1,\"message\":\"opening log file /x: read-only file system\"}", 0,
		  POD_E_GENERIC, "opening log file /x: read-only file system" },
		{ "", 0, POD_E_GENERIC,
		  "container monitor exited without reporting the container's pid" },
		{ "{\"pid\":\"x\"}", 0, POD_E_GENERIC, NULL },
		{ "not json", 0, POD_E_GENERIC, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pod_err *e = NULL;
		pid_t pid = 0;
		int fd = pipe_with(cases[i].json, true, NULL);
		int r = pod_monitor_wait_sync(fd, 1000, &pid, &e);
		close(fd);
		if (cases[i].pid) {
			assert_int_equal(r, 0);
			assert_int_equal(pid, cases[i].pid);
			continue;
		}
		assert_int_equal(r, -1);
		assert_int_equal(pid, 0);
		assert_int_equal(e->kind, cases[i].kind);
		if (cases[i].msg)
			assert_string_equal(e->msg, cases[i].msg);
		else
			assert_true(pod_str_has_prefix(e->msg, "invalid container monitor report"));
		pod_err_free(&e);
	}
}

static void
test_wait_sync_timeout(void **state)
{
	struct pod_err *e = NULL;
	pid_t pid = 0;
	int w = -1;
	int fd = pipe_with("{\"pid\":", false, &w);
	int64_t t0 = pod_mono_ns();

	assert_int_equal(pod_monitor_wait_sync(fd, 100, &pid, &e), -1);
	assert_true(pod_mono_ns() - t0 >= 90 * 1000000);
	assert_int_equal(e->errnum, ETIMEDOUT);
	assert_string_equal(e->msg, "timed out waiting for the container monitor");
	pod_err_free(&e);
	close(fd);
	close(w);
}

static void
test_read_exit(void **state)
{
	cleanup_free char *path = xasprintf("%s/exit.json", tmpdir);
	const char *s = "{\"exit_code\":137,\"finished_ns\":1795867200000000000,\"oom_killed\":true}";
	struct pod_monitor_exit x = { 0 };
	struct pod_err *e = NULL;

	assert_int_equal(pod_monitor_read_exit(tmpdir, &x, &e), -1);
	assert_int_equal(e->kind, POD_E_NOTFOUND);
	pod_err_free(&e);
	assert_int_equal(pod_write_file_atomic(path, s, strlen(s), 0644, &e), 0);
	assert_int_equal(pod_monitor_read_exit(tmpdir, &x, &e), 0);
	assert_int_equal(x.exit_code, 137);
	assert_int_equal(x.finished_ns, INT64_C(1795867200000000000));
	assert_true(x.oom_killed);
	assert_int_equal(pod_write_file_atomic(path, "{}", 2, 0644, &e), 0);
	assert_int_equal(pod_monitor_read_exit(tmpdir, &x, &e), -1);
	assert_int_equal(e->kind, POD_E_GENERIC);
	pod_err_free(&e);
}

static void
test_spawn_exec_error(void **state)
{
	struct pod_monitor_opts o = { .monitor_path = "/nonexistent/pod-monitor", .cid = "c",
				      .bundle = "/b", .runtime = "runc",
				      .log_driver = POD_MONITOR_LOG_NONE };
	struct pod_err *e = NULL;
	pid_t pid = 0;
	int fd = -1;

	assert_int_equal(pod_monitor_spawn(&o, &pid, &fd, &e), -1);
	assert_string_equal(e->msg, "executing the container monitor /nonexistent/pod-monitor: "
				    "no such file or directory");
	assert_int_equal(fd, -1);
	pod_err_free(&e);
}

/*
 * A monitor that leaves before its go (here, a program that exits at once):
 * the go meets no reader, and the caller learns of it from the sync pipe,
 * not by a SIGPIPE
 */
static void
test_spawn_monitor_gone_before_go(void **state)
{
	struct pod_monitor_opts o = { .monitor_path = "/bin/true", .cid = "c", .bundle = "/b",
				      .runtime = "runc", .log_driver = POD_MONITOR_LOG_NONE };
	struct pod_monitor_early s;
	struct pod_err *e = NULL;
	pid_t pid = 0, ctr = 0;
	int fd = -1;

	assert_int_equal(pod_monitor_spawn_early(&o, &s, &e), 0);
	usleep(100 * 1000); /* /bin/true has exited */
	assert_int_equal(pod_monitor_spawn_go(&s, &pid, &fd, &e), 0);
	assert_true(pid > 0);
	assert_int_equal(pod_monitor_wait_sync(fd, 5000, &ctr, &e), -1);
	assert_string_equal(e->msg, "container monitor exited without reporting the container's pid");
	pod_err_free(&e);
	close(fd);
}

/* a start that fails before the go: the monitor leaves, the middle child is reaped */
static void
test_spawn_abort(void **state)
{
	struct pod_monitor_opts o = { .monitor_path = "/bin/cat", .cid = "c", .bundle = "/b",
				      .runtime = "runc", .log_driver = POD_MONITOR_LOG_NONE };
	struct pod_monitor_early s;
	struct pod_err *e = NULL;

	assert_int_equal(pod_monitor_spawn_early(&o, &s, &e), 0);
	pod_monitor_spawn_abort(&s);
	assert_int_equal(s.go_fd, -1);
	assert_int_equal(s.sync_fd, -1);
	assert_int_equal(s.mid, -1);
	/* no child of ours is left to reap */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_spawn_monitor_gone_before_go),
		cmocka_unit_test(test_spawn_abort),
		cmocka_unit_test(test_log_lines),
		cmocka_unit_test(test_log_many_lines),
		cmocka_unit_test(test_log_size_max),
		cmocka_unit_test(test_log_reopen),
		cmocka_unit_test(test_log_open_error),
		cmocka_unit_test(test_log_driver),
		cmocka_unit_test(test_opts_check),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_runtime_message),
		cmocka_unit_test(test_sync_error),
		cmocka_unit_test(test_wait_sync),
		cmocka_unit_test(test_wait_sync_timeout),
		cmocka_unit_test(test_read_exit),
		cmocka_unit_test(test_spawn_exec_error),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
