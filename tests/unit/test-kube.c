/*
 * test-kube.c - table-driven tests of lib/kube (the YAML reader and the play plan).
 *
 * tests/unit/data/kube/valid/NAME/{input,expected}: the YAML must read as the
 * JSON array of documents in expected; invalid/NAME/{input,error}: it must
 * fail with exactly error (source "test.yaml"). plan-valid/NAME/{input,expected}
 * and plan-invalid/NAME/{input,error} do the same for pod_kube_plan().
 * Set KUBE_TEST_PRINT=1 to print what a valid case gives, KUBE_TEST_WRITE=1 to
 * write it as the expected file (then review the diff).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "kube/kube.h"
#include "kube/yaml.h"

static char data_dir[4096] = "tests/unit/data/kube";

static void
find_data_dir(void)
{
	char exe[2048];
	ssize_t n;
	char *slash;

	if (access(data_dir, R_OK) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(data_dir, sizeof(data_dir), "%s/../../tests/unit/data/kube", exe);
}

static char *
read_all(const char *path, size_t *ret_len)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		pod_strbuf_add(&sb, buf, (size_t) n);
	close(fd);
	*ret_len = sb.len;
	return pod_strbuf_detach(&sb);
}

static char **
list_cases(const char *kind)
{
	cleanup_free char *dir = xasprintf("%s/%s", data_dir, kind);
	char **v = xcalloc(1, sizeof(char *));
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n = 0;

	if (!d)
		fail_msg("cannot open %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = pod_strv_push(v, xstrdup(de->d_name));
		n++;
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

/* the YAML, then (plan) the plan of its documents */
static json_t *
run_case(const char *in, size_t len, bool plan, struct pod_err **err)
{
	json_t *docs = pod_kube_yaml_parse(in, len, "test.yaml", err);
	json_t *p;

	if (!docs || !plan)
		return docs;
	p = pod_kube_plan(docs, NULL, err);
	json_decref(docs);
	return p;
}

static void
valid_cases(const char *dir, bool plan, size_t min)
{
	cleanup_strv char **cases = list_cases(dir);
	size_t failed = 0;

	assert_true(pod_strv_len(cases) >= min);
	for (size_t i = 0; cases[i]; i++) {
		cleanup_free char *ip = xasprintf("%s/%s/%s/input", data_dir, dir, cases[i]);
		cleanup_free char *ep = xasprintf("%s/%s/%s/expected", data_dir, dir, cases[i]);
		cleanup_free char *in = NULL;
		struct pod_err *err = NULL;
		json_error_t jerr;
		json_t *want, *got;
		size_t len = 0;

		in = read_all(ip, &len);
		assert_non_null(in);
		got = run_case(in, len, plan, &err);
		if (got && getenv("KUBE_TEST_PRINT")) {
			char *s = json_dumps(got, JSON_INDENT(1) | JSON_ENCODE_ANY);
			print_message("%s/%s:\n%s\n", dir, cases[i], s);
			free(s);
		}
		if (got && getenv("KUBE_TEST_WRITE"))
			json_dump_file(got, ep, JSON_INDENT(1) | JSON_ENCODE_ANY);
		want = json_load_file(ep, JSON_DECODE_ANY, &jerr);
		if (!want)
			fail_msg("%s: %s", ep, jerr.text);
		if (!got) {
			print_error("%s/%s: unexpected error: %s\n", dir, cases[i], err->msg);
			pod_err_free(&err);
			failed++;
		} else if (!json_equal(want, got)) {
			char *s = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
			print_error("%s/%s: got %s\n", dir, cases[i], s);
			free(s);
			failed++;
		}
		json_decref(want);
		json_decref(got);
	}
	assert_int_equal(failed, 0);
}

static void
invalid_cases(const char *dir, bool plan, size_t min)
{
	cleanup_strv char **cases = list_cases(dir);
	size_t failed = 0;

	assert_true(pod_strv_len(cases) >= min);
	for (size_t i = 0; cases[i]; i++) {
		cleanup_free char *ip = xasprintf("%s/%s/%s/input", data_dir, dir, cases[i]);
		cleanup_free char *ep = xasprintf("%s/%s/%s/error", data_dir, dir, cases[i]);
		cleanup_free char *in = NULL, *want = NULL;
		struct pod_err *err = NULL;
		size_t len = 0, wlen = 0;
		json_t *got;

		in = read_all(ip, &len);
		want = read_all(ep, &wlen);
		assert_non_null(in);
		assert_non_null(want);
		while (wlen && want[wlen - 1] == '\n')
			want[--wlen] = '\0';
		got = run_case(in, len, plan, &err);
		if (got) {
			print_error("%s/%s: no error\n", dir, cases[i]);
			json_decref(got);
			failed++;
			continue;
		}
		if (!STREQ(err->msg, want)) {
			print_error("%s/%s: got \"%s\", want \"%s\"\n", dir, cases[i], err->msg, want);
			failed++;
		}
		pod_err_free(&err);
	}
	assert_int_equal(failed, 0);
}

static void
test_yaml_valid(void **state)
{
	valid_cases("valid", false, 4);
}

static void
test_yaml_invalid(void **state)
{
	invalid_cases("invalid", false, 8);
}

static void
test_plan_valid(void **state)
{
	valid_cases("plan-valid", true, 2);
}

static void
test_plan_invalid(void **state)
{
	invalid_cases("plan-invalid", true, 10);
}

static void
test_limits(void **state)
{
	struct pod_err *err = NULL;
	struct pod_strbuf sb = POD_STRBUF_INIT;
	json_t *j;

	j = pod_kube_yaml_parse("a: 1\n", POD_KUBE_YAML_MAX_BYTES + 1, "big.yaml", &err);
	assert_null(j);
	assert_string_equal(err->msg, "big.yaml: larger than 4194304 bytes");
	pod_err_free(&err);

	/* a 64-deep block mapping is fine, 65 is not */
	for (int i = 0; i < 64; i++) {
		for (int k = 0; k < i; k++)
			pod_strbuf_addch(&sb, ' ');
		pod_strbuf_adds(&sb, "k:\n");
	}
	j = pod_kube_yaml_parse(sb.buf, sb.len, "deep.yaml", &err);
	assert_non_null(j);
	json_decref(j);
	for (int k = 0; k < 64; k++)
		pod_strbuf_addch(&sb, ' ');
	pod_strbuf_adds(&sb, "k: 1\n");
	j = pod_kube_yaml_parse(sb.buf, sb.len, "deep.yaml", &err);
	assert_null(j);
	assert_string_equal(err->msg, "deep.yaml: line 65: nesting deeper than 64 levels");
	pod_err_free(&err);
	pod_strbuf_release(&sb);

	/* a NUL inside a scalar is refused, not truncated */
	j = pod_kube_yaml_parse("a: \"x\\0y\"\n", 10, "nul.yaml", &err);
	assert_null(j);
	assert_string_equal(err->msg, "nul.yaml: line 1: scalar contains a NUL byte");
	pod_err_free(&err);
}

static void
test_quantity(void **state)
{
	static const struct { const char *s; int64_t scale, want; bool ok; } cases[] = {
		{ "64Mi", 1, 67108864, true }, { "1G", 1, 1000000000, true },
		{ "500m", 100000, 50000, true }, { "2", 100000, 200000, true },
		{ "0.5", 100000, 50000, true }, { "1.5Gi", 1, 1610612736, true },
		{ "1e3", 1, 1000, true }, { "lots", 1, 0, false }, { "-1", 1, 0, false },
		{ "1Zi", 1, 0, false }, { "", 1, 0, false }, { "0x10", 1, 0, false },
		{ "100Ei", 1, 0, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t v = 0;
		bool ok = pod_kube_quantity(cases[i].s, cases[i].scale, &v);
		if (ok != cases[i].ok || (ok && v != cases[i].want))
			fail_msg("quantity \"%s\": ok %d value %lld", cases[i].s, ok, (long long) v);
	}
}

static void
test_dns_label(void **state)
{
	static const char *const cases[][2] = {
		{ "Web_Server", "web-server" }, { "a..b", "a-b" }, { "--x--", "x" },
		{ "___", "pod" },
		{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij",
		  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *s = pod_kube_dns_label(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_valid),   cmocka_unit_test(test_yaml_invalid),
		cmocka_unit_test(test_plan_valid),   cmocka_unit_test(test_plan_invalid),
		cmocka_unit_test(test_limits),	     cmocka_unit_test(test_quantity),
		cmocka_unit_test(test_dns_label),
	};

	find_data_dir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
