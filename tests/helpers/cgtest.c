/*
 * cgtest - drives lib/runtime/cgroup against the real kernel for
 * tests/bats/041-cgroup.bats. Built by that file's setup_file:
 *
 *   cc -std=gnu11 -D_GNU_SOURCE -Ilib $(pkg-config --cflags jansson) \
 *      tests/helpers/cgtest.c build/libpod.a $(pkg-config --libs jansson) -o DIR/cgtest
 *
 * Usage (one line of "key=value" output per fact, for the test to check):
 *   cgtest life PATH      create with limits, add a sleeper, freeze/thaw, stats, kill, destroy
 *   cgtest oom PATH       a child allocating past a 32 MiB limit is OOM-killed
 *   cgtest bad PATH       a value the kernel rejects names the file
 *   cgtest destroy PATH   load and destroy (for the test's parent cgroup)
 *   cgtest bpf DIR        (v2 or hybrid) deny /dev/null via the eBPF filter on DIR
 *   cgtest info           version and controllers
 */
#include "core/err.h"
#include "runtime/cgroup.h"
#include "runtime/cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int
fail(struct pod_err *e)
{
	fprintf(stderr, "cgtest: %s\n", e ? e->msg : "failed");
	return 1;
}

static void
print_file(const char *label, const char *dir, const char *file)
{
	struct pod_err *e = NULL;
	char *s = dir ? pod_cgroup_read(dir, file, &e) : NULL;

	printf("%s=%s\n", label, s ? s : "-");
	free(s);
	pod_err_free(&e);
}

static pid_t
spawn_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("sleep", "sleep", "600", (char *) NULL);
		_exit(127);
	}
	return pid;
}

static char
proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	f = fopen(path, "re");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

static int
life(const char *path)
{
	struct pod_err *e = NULL;
	struct pod_cgroup *cg = NULL;
	struct pod_cgroup_stats st;
	json_t *res = json_pack("{s:{s:I,s:I}, s:{s:I,s:I,s:I}, s:{s:I}}", "memory", "limit",
				(json_int_t) 256 << 20, "reservation", (json_int_t) 128 << 20,
				"cpu", "shares", (json_int_t) 512, "quota", (json_int_t) 50000,
				"period", (json_int_t) 100000, "pids", "limit", (json_int_t) 64);
	json_t *upd = json_pack("{s:{s:I}}", "pids", "limit", (json_int_t) 100);
	pid_t pid = spawn_sleeper(), *pids = NULL;
	size_t n = 0, i, nm = 0;
	bool frozen = false;
	const struct pod_cgroup_mount *m;
	int status;

	if (pod_cgroup_create(path, res, pid, &cg, &e) < 0)
		return kill(pid, SIGKILL), fail(e);
	m = pod_cgroup_mounts(cg, &nm);
	for (i = 0; i < nm; i++)
		printf("dir=%s\n", m[i].dir);
	printf("version=%s\n", pod_cgroup_version_name());
	if (STREQ(pod_cgroup_version_name(), "v1")) {
		print_file("memory.limit_in_bytes", pod_cgroup_dir(cg, "memory"),
			   "memory.limit_in_bytes");
		print_file("memory.soft_limit_in_bytes", pod_cgroup_dir(cg, "memory"),
			   "memory.soft_limit_in_bytes");
		print_file("cpu.shares", pod_cgroup_dir(cg, "cpu"), "cpu.shares");
		print_file("cpu.cfs_quota_us", pod_cgroup_dir(cg, "cpu"), "cpu.cfs_quota_us");
		print_file("cpu.cfs_period_us", pod_cgroup_dir(cg, "cpu"), "cpu.cfs_period_us");
		print_file("pids.max", pod_cgroup_dir(cg, "pids"), "pids.max");
	} else {
		print_file("memory.max", pod_cgroup_dir(cg, ""), "memory.max");
		print_file("memory.low", pod_cgroup_dir(cg, ""), "memory.low");
		print_file("cpu.weight", pod_cgroup_dir(cg, ""), "cpu.weight");
		print_file("cpu.max", pod_cgroup_dir(cg, ""), "cpu.max");
		print_file("pids.max", pod_cgroup_dir(cg, ""), "pids.max");
	}
	if (pod_cgroup_update(cg, upd, &e) < 0)
		return fail(e);
	print_file("pids.max.updated", pod_cgroup_dir(cg, "pids") ? pod_cgroup_dir(cg, "pids")
								 : pod_cgroup_dir(cg, ""),
		   "pids.max");
	if (pod_cgroup_pids(cg, &pids, &n, &e) < 0)
		return fail(e);
	printf("pids=%zu\n", n);
	printf("sleeper_listed=%d\n", n == 1 && pids[0] == pid);
	free(pids);
	if (pod_cgroup_freeze(cg, true, &e) < 0 || pod_cgroup_is_frozen(cg, &frozen, &e) < 0)
		return fail(e);
	printf("frozen=%d\n", frozen);
	print_file("freezer.state", pod_cgroup_dir(cg, "freezer"), "freezer.state");
	if (pod_cgroup_freeze(cg, false, &e) < 0 || pod_cgroup_is_frozen(cg, &frozen, &e) < 0)
		return fail(e);
	printf("thawed=%d\n", !frozen);
	printf("state=%c\n", proc_state(pid));
	if (pod_cgroup_stats(cg, &st, &e) < 0)
		return fail(e);
	printf("stats.mem_limit=%" PRIu64 "\n", st.mem_limit);
	printf("stats.pids_current=%" PRIu64 "\n", st.pids_current);
	printf("stats.pids_limit=%" PRIu64 "\n", st.pids_limit);
	printf("stats.oom_kill=%" PRIu64 "\n", st.oom_kill);
	if (pod_cgroup_kill_all(cg, SIGKILL, &e) < 0)
		return fail(e);
	if (waitpid(pid, &status, 0) != pid)
		return perror("waitpid"), 1;
	printf("killed_by=%d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	if (pod_cgroup_destroy(cg, &e) < 0)
		return fail(e);
	for (i = 0; i < nm; i++)
		printf("gone=%d\n", access(m[i].dir, F_OK) < 0 && errno == ENOENT);
	pod_cgroup_free(cg);
	json_decref(res);
	json_decref(upd);
	return 0;
}

static int
oom(const char *path)
{
	struct pod_err *e = NULL;
	struct pod_cgroup *cg = NULL;
	json_int_t limit = 32 << 20;
	json_t *res = json_pack("{s:{s:I,s:I}}", "memory", "limit", limit, "swap", limit);
	int go[2], status;
	uint64_t before = 0, after = 0;
	pid_t pid;

	if (pipe(go) < 0)
		return perror("pipe"), 1;
	pid = fork();
	if (pid == 0) {
		char c;
		size_t total = 256 << 20, off;
		char *p;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		p = malloc(total);
		if (!p)
			_exit(3);
		for (off = 0; off < total; off += 4096)
			p[off] = 1;
		_exit(0);
	}
	close(go[0]);
	if (pod_cgroup_create(path, res, pid, &cg, &e) < 0)
		return kill(pid, SIGKILL), fail(e);
	if (pod_cgroup_oom_count(cg, &before, &e) < 0)
		return fail(e);
	if (write(go[1], "x", 1) != 1)
		return perror("write"), 1;
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid)
		return perror("waitpid"), 1;
	if (pod_cgroup_oom_count(cg, &after, &e) < 0)
		return fail(e);
	printf("signal=%d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	printf("oom_before=%" PRIu64 "\n", before);
	printf("oom_after=%" PRIu64 "\n", after);
	if (pod_cgroup_destroy(cg, &e) < 0)
		return fail(e);
	pod_cgroup_free(cg);
	json_decref(res);
	return 0;
}

static int
bad(const char *path)
{
	struct pod_err *e = NULL;
	struct pod_cgroup *cg = NULL;
	json_t *res = json_pack("{s:{s:s}}", "cpu", "cpus", "999999");

	if (pod_cgroup_create(path, res, 0, &cg, &e) == 0) {
		printf("created\n");
		pod_cgroup_destroy(cg, &e);
		return 1;
	}
	printf("error=%s\n", e->msg);
	json_decref(res);
	return 0;
}

static int
destroy(const char *path)
{
	struct pod_err *e = NULL;
	struct pod_cgroup *cg = NULL;

	if (pod_cgroup_load(path, &cg, &e) < 0 || pod_cgroup_destroy(cg, &e) < 0)
		return fail(e);
	pod_cgroup_free(cg);
	return 0;
}

/* DIR is a fresh cgroup v2 directory; a child moved there must not open /dev/null */
static int
bpf(const char *dir)
{
	struct pod_err *e = NULL;
	json_t *devs = json_pack("[{s:b,s:s},{s:b,s:s,s:I,s:I,s:s}]", "allow", 0, "access", "rwm",
				 "allow", 1, "type", "c", "major", (json_int_t) 1, "minor",
				 (json_int_t) 5, "access", "rwm");
	int status;
	pid_t pid;

	if (mkdir(dir, 0755) < 0)
		return perror("mkdir"), 1;
	if (pod_cgroup_bpf_devices(dir, devs, &e) < 0) {
		rmdir(dir);
		return fail(e);
	}
	pid = fork();
	if (pid == 0) {
		char me[32];
		int fd;

		snprintf(me, sizeof(me), "%d", (int) getpid());
		if (pod_cgroup_write(dir, "cgroup.procs", me, &e) < 0)
			_exit(3);
		/* exit code: bit 0 /dev/null denied with EPERM, bit 1 /dev/zero opened */
		fd = open("/dev/null", O_RDONLY);
		status = fd < 0 && errno == EPERM ? 1 : 0;
		fd = open("/dev/zero", O_RDONLY);
		_exit(status | (fd >= 0 ? 2 : 0));
	}
	waitpid(pid, &status, 0);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
	printf("null=%s\nzero=%s\n", status & 1 ? "denied" : "allowed",
	       status & 2 ? "allowed" : "denied");
	json_decref(devs);
	if (rmdir(dir) < 0)
		return perror("rmdir"), 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct pod_err *e = NULL;
	char **ctrls = NULL;

	if (argc == 2 && STREQ(argv[1], "info")) {
		if (pod_cgroup_controllers(&ctrls, &e) < 0)
			return fail(e);
		printf("version=%s\nhybrid=%d\n", pod_cgroup_version_name(), pod_cgroup_is_hybrid());
		for (size_t i = 0; ctrls[i]; i++)
			printf("controller=%s\n", ctrls[i]);
		pod_strv_free(ctrls);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: cgtest life|oom|bad|destroy|bpf PATH\n");
		return 2;
	}
	if (STREQ(argv[1], "life"))
		return life(argv[2]);
	if (STREQ(argv[1], "oom"))
		return oom(argv[2]);
	if (STREQ(argv[1], "bad"))
		return bad(argv[2]);
	if (STREQ(argv[1], "destroy"))
		return destroy(argv[2]);
	if (STREQ(argv[1], "bpf"))
		return bpf(argv[2]);
	return 2;
}
