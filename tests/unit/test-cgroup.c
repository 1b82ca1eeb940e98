/* test-cgroup.c - the pure parts of lib/runtime/cgroup */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "runtime/cgroup.h"

#include <dirent.h>
#include <errno.h>

#define DATA_DIR "tests/unit/data/mountinfo"

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		pod_strbuf_add(&sb, buf, n);
	fclose(f);
	return pod_strbuf_detach(&sb);
}

static char *
render(const struct pod_cgroup_mount *m, size_t n)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < n; i++) {
		pod_strbuf_addf(&sb, "%s %s %s", m[i].mount_point, m[i].root, m[i].v2 ? "v2" : "v1");
		for (j = 0; m[i].controllers[j]; j++)
			pod_strbuf_addf(&sb, " %s", m[i].controllers[j]);
		pod_strbuf_addch(&sb, '\n');
	}
	return pod_strbuf_detach(&sb);
}

static void
run_cases(const char *kind, bool valid)
{
	cleanup_free char *dirpath = xasprintf("%s/%s", DATA_DIR, kind);
	DIR *d = opendir(dirpath);
	struct dirent *de;
	int count = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		cleanup_free char *in = NULL, *want = NULL, *p = NULL, *got = NULL;
		struct pod_cgroup_mount *m = NULL;
		struct pod_err *e = NULL;
		size_t n = 0;
		int r;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s/input", dirpath, de->d_name);
		in = slurp(p);
		assert_non_null(in);
		free(p);
		p = xasprintf("%s/%s/%s", dirpath, de->d_name, valid ? "expected" : "error");
		want = slurp(p);
		assert_non_null(want);
		r = pod_cgroup_parse_mountinfo(in, &m, &n, &e);
		if (valid) {
			if (r < 0)
				fail_msg("%s: %s", de->d_name, e->msg);
			got = render(m, n);
			if (!STREQ(got, want))
				fail_msg("%s: got\n%s\nwant\n%s", de->d_name, got, want);
		} else {
			assert_int_equal(r, -1);
			want[strcspn(want, "\n")] = '\0';
			if (!strstr(e->msg, want))
				fail_msg("%s: error \"%s\" lacks \"%s\"", de->d_name, e->msg, want);
		}
		pod_cgroup_mounts_free(m, n);
		pod_err_free(&e);
		count++;
	}
	closedir(d);
	assert_true(count > 0);
}

static void
test_mountinfo_valid(void **state)
{
	run_cases("valid", true);
}

static void
test_mountinfo_invalid(void **state)
{
	run_cases("invalid", false);
}

static void
test_parse_self(void **state)
{
	static const char text[] = "12:pids:/user.slice\n"
				   "4:cpu,cpuacct:/a/b\n"
				   "2:cpuacct:/sep\n"
				   "1:name=systemd:/init.scope\n"
				   "0::/unified/x\n";
	char *s;

	s = pod_cgroup_parse_self(text, "cpu");
	assert_string_equal(s, "/a/b");
	free(s);
	s = pod_cgroup_parse_self(text, "cpuacct");
	assert_string_equal(s, "/a/b"); /* the first line naming it */
	free(s);
	s = pod_cgroup_parse_self(text, "name=systemd");
	assert_string_equal(s, "/init.scope");
	free(s);
	s = pod_cgroup_parse_self(text, "");
	assert_string_equal(s, "/unified/x");
	free(s);
	assert_null(pod_cgroup_parse_self(text, "memory"));
}

static void
test_validate_path(void **state)
{
	static const struct {
		const char *in, *out, *err;
	} cases[] = {
		{ "/libpod_parent/libpod-abc", "/libpod_parent/libpod-abc", NULL },
		{ "//a///b/./c/", "/a/b/c", NULL },
		{ "rel/x", "rel/x", NULL },
		{ "machine.slice:libpod:abc", NULL, "systemd" },
		{ "/a/../b", NULL, "\"..\" is not allowed" },
		{ "/", NULL, "root cgroup" },
		{ "", NULL, "empty" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pod_err *e = NULL;
		char *out = NULL;
		int r = pod_cgroup_validate_path(cases[i].in, &out, &e);

		if (cases[i].out) {
			assert_int_equal(r, 0);
			assert_string_equal(out, cases[i].out);
		} else {
			assert_int_equal(r, -1);
			assert_null(out);
			if (!strstr(e->msg, cases[i].err))
				fail_msg("\"%s\": %s", cases[i].in, e->msg);
			assert_int_equal(e->kind, POD_E_INVALID);
		}
		free(out);
		pod_err_free(&e);
	}
}

static void
test_conversions(void **state)
{
	char *s = NULL;
	struct pod_err *e = NULL;

	/* crun's table: 2 -> 1, 1024 -> 39, 262144 -> 10000 */
	assert_int_equal(pod_cgroup_shares_to_weight(2), 1);
	assert_int_equal(pod_cgroup_shares_to_weight(1024), 39);
	assert_int_equal(pod_cgroup_shares_to_weight(512), 20);
	assert_int_equal(pod_cgroup_shares_to_weight(262144), 10000);
	assert_int_equal(pod_cgroup_shares_to_weight(1000000), 10000);
	assert_int_equal(pod_cgroup_shares_to_weight(0), 0);
	assert_int_equal(pod_cgroup_blkio_to_io_weight(10), 1);
	assert_int_equal(pod_cgroup_blkio_to_io_weight(1000), 10000);
	assert_int_equal(pod_cgroup_blkio_to_io_weight(500), 1 + (490 * 9999) / 990);

	s = pod_cgroup_cpu_max(50000, 100000);
	assert_string_equal(s, "50000 100000");
	free(s);
	s = pod_cgroup_cpu_max(-1, 0);
	assert_string_equal(s, "max 100000");
	free(s);

	assert_int_equal(pod_cgroup_swap_max(100, 300, &s, &e), 0);
	assert_string_equal(s, "200");
	free(s);
	assert_int_equal(pod_cgroup_swap_max(100, -1, &s, &e), 0);
	assert_string_equal(s, "max");
	free(s);
	assert_int_equal(pod_cgroup_swap_max(100, 0, &s, &e), 0);
	assert_null(s);
	assert_int_equal(pod_cgroup_swap_max(300, 100, &s, &e), -1);
	assert_non_null(strstr(e->msg, "must not be lower"));
	pod_err_free(&e);
	assert_int_equal(pod_cgroup_swap_max(0, 100, &s, &e), -1);
	assert_non_null(strstr(e->msg, "without a memory limit"));
	pod_err_free(&e);
}

static void
test_device_rule(void **state)
{
	static const struct {
		const char *json, *rule, *err;
		bool allow;
	} cases[] = {
		{ "{\"allow\":false,\"access\":\"rwm\"}", "a *:* rwm", NULL, false },
		{ "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}",
		  "c 1:3 rw", NULL, true },
		{ "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}", "c 136:* rwm",
		  NULL, true },
		{ "{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0}", "b 8:0 rwm", NULL, true },
		{ "{\"allow\":true,\"type\":\"x\"}", NULL, "invalid device type", false },
		{ "{\"allow\":true,\"access\":\"rwx\"}", NULL, "invalid device access", false },
		{ "{\"type\":\"c\"}", NULL, "\"allow\" must be a boolean", false },
		{ "{\"allow\":true,\"major\":\"1\"}", NULL, "expected an integer", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *j = json_loads(cases[i].json, 0, NULL);
		struct pod_err *e = NULL;
		char *rule = NULL;
		bool allow = !cases[i].allow;
		int r;

		assert_non_null(j);
		r = pod_cgroup_device_rule(j, &allow, &rule, &e);
		if (cases[i].rule) {
			assert_int_equal(r, 0);
			assert_string_equal(rule, cases[i].rule);
			assert_int_equal(allow, cases[i].allow);
		} else {
			assert_int_equal(r, -1);
			if (!strstr(e->msg, cases[i].err))
				fail_msg("%s: %s", cases[i].json, e->msg);
		}
		free(rule);
		pod_err_free(&e);
		json_decref(j);
	}
}

static void
test_host(void **state)
{
	struct pod_err *e = NULL;
	char **ctrls = NULL;
	int v = pod_cgroup_version(&e);

	if (v == 0) {
		pod_err_free(&e);
		skip();
	}
	assert_true(v == 1 || v == 2);
	assert_string_equal(pod_cgroup_version_name(), v == 2 ? "v2" : "v1");
	assert_int_equal(pod_cgroup_controllers(&ctrls, &e), 0);
	for (size_t i = 0; ctrls[i]; i++) {
		assert_false(pod_str_has_prefix(ctrls[i], "name="));
		if (ctrls[i + 1])
			assert_true(strcmp(ctrls[i], ctrls[i + 1]) < 0);
	}
	pod_strv_free(ctrls);
}

static void
test_load_missing(void **state)
{
	struct pod_err *e = NULL;
	struct pod_cgroup *cg = NULL;

	if (pod_cgroup_version(&e) == 0) {
		pod_err_free(&e);
		skip();
	}
	assert_int_equal(pod_cgroup_load("/podutils-unit-no-such-cgroup", &cg, &e), -1);
	assert_null(cg);
	assert_int_equal(e->kind, POD_E_NOTFOUND);
	pod_err_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo_valid), cmocka_unit_test(test_mountinfo_invalid),
		cmocka_unit_test(test_parse_self),	cmocka_unit_test(test_validate_path),
		cmocka_unit_test(test_conversions),	cmocka_unit_test(test_device_rule),
		cmocka_unit_test(test_host),		cmocka_unit_test(test_load_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
