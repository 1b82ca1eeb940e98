/*
 * test-toml.c - table-driven tests of lib/config/toml.c.
 *
 * tests/unit/data/toml/valid/NAME/{input,expected}: input must parse to the
 * JSON in expected. tests/unit/data/toml/invalid/NAME/{input,error}: input
 * must fail with exactly the message in error (filename "test.toml").
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

#include "config/toml.h"
#include "core/strbuf.h"

/* relative to the source tree; found from the binary's location when run elsewhere */
static char data_dir[4096] = "tests/unit/data/toml";
#define DATA_DIR data_dir

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
	/* build/tests/test-toml -> tests/unit/data/toml */
	snprintf(data_dir, sizeof(data_dir), "%s/../../tests/unit/data/toml", exe);
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
	cleanup_free char *dir = xasprintf("%s/%s", DATA_DIR, kind);
	char **v = xcalloc(1, sizeof(char *));
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n = 0, i, j;

	if (!d)
		fail_msg("cannot open %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = pod_strv_push(v, xstrdup(de->d_name));
		n++;
	}
	closedir(d);
	for (i = 1; i < n; i++) /* sort for stable output */
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

static void
test_valid(void **state)
{
	cleanup_strv char **cases = list_cases("valid");
	size_t i, failed = 0;

	assert_true(pod_strv_len(cases) >= 40);
	for (i = 0; cases[i]; i++) {
		cleanup_free char *ip = xasprintf("%s/valid/%s/input", DATA_DIR, cases[i]);
		cleanup_free char *ep = xasprintf("%s/valid/%s/expected", DATA_DIR, cases[i]);
		cleanup_free char *in = NULL;
		struct pod_err *err = NULL;
		json_error_t jerr;
		json_t *want, *got;
		size_t len = 0;

		in = read_all(ip, &len);
		assert_non_null(in);
		want = json_load_file(ep, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		if (!want)
			fail_msg("%s: %s", ep, jerr.text);
		got = pod_toml_parse(in, len, "test.toml", &err);
		if (!got) {
			print_error("valid/%s: unexpected error: %s\n", cases[i], err->msg);
			pod_err_free(&err);
			failed++;
		} else if (!json_equal(want, got)) {
			char *s = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);

			print_error("valid/%s: got %s\n", cases[i], s);
			free(s);
			failed++;
		}
		json_decref(want);
		json_decref(got);
	}
	assert_int_equal(failed, 0);
}

static void
test_invalid(void **state)
{
	cleanup_strv char **cases = list_cases("invalid");
	size_t i, failed = 0;

	assert_true(pod_strv_len(cases) >= 40);
	for (i = 0; cases[i]; i++) {
		cleanup_free char *ip = xasprintf("%s/invalid/%s/input", DATA_DIR, cases[i]);
		cleanup_free char *ep = xasprintf("%s/invalid/%s/error", DATA_DIR, cases[i]);
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
		got = pod_toml_parse(in, len, "test.toml", &err);
		if (got) {
			print_error("invalid/%s: parsed without error\n", cases[i]);
			json_decref(got);
			failed++;
			continue;
		}
		if (err->kind != POD_E_INVALID || strcmp(err->msg, want) != 0) {
			print_error("invalid/%s: got \"%s\", want \"%s\"\n", cases[i], err->msg, want);
			failed++;
		}
		pod_err_free(&err);
	}
	assert_int_equal(failed, 0);
}

/* things that are awkward to keep in data files */
static void
test_limits(void **state)
{
	struct pod_err *err = NULL;
	struct pod_strbuf sb = POD_STRBUF_INIT;
	json_t *j;
	size_t i;

	/* nesting past the limit through dotted keys */
	for (i = 0; i < POD_TOML_MAX_DEPTH; i++)
		pod_strbuf_adds(&sb, i ? ".k" : "k");
	pod_strbuf_adds(&sb, " = [[1]]\n");
	j = pod_toml_parse(sb.buf, sb.len, "deep.toml", &err);
	assert_null(j);
	assert_non_null(err);
	assert_string_equal(err->msg, "deep.toml:1:132: nesting too deep (max 64 levels)");
	pod_err_free(&err);
	pod_strbuf_truncate(&sb, 127);
	pod_strbuf_adds(&sb, " = [1]\n");
	j = pod_toml_parse(sb.buf, sb.len, "deep.toml", &err);
	assert_non_null(j);
	json_decref(j);
	pod_strbuf_truncate(&sb, 127);
	pod_strbuf_adds(&sb, ".k = 1\n");
	j = pod_toml_parse(sb.buf, sb.len, "deep.toml", &err);
	assert_null(j);
	assert_string_equal(err->msg, "deep.toml:1:129: key nested too deeply (max 64 parts)");
	pod_err_free(&err);
	pod_strbuf_release(&sb);

	/* oversized input is refused before parsing */
	j = pod_toml_parse("", POD_TOML_MAX_SIZE + 1, "big.toml", &err);
	assert_null(j);
	assert_int_equal(err->kind, POD_E_INVALID);
	assert_string_equal(err->msg, "big.toml: file too large (16777217 bytes, max 16777216)");
	pod_err_free(&err);

	/* an embedded NUL byte is a control character */
	j = pod_toml_parse("a = \"x\0y\"\n", 10, "nul.toml", &err);
	assert_null(j);
	assert_string_equal(err->msg, "nul.toml:1:7: control character U+0000 is not allowed");
	pod_err_free(&err);

	/* the value count is bounded */
	pod_strbuf_adds(&sb, "a = [");
	for (i = 0; i < POD_TOML_MAX_VALUES; i++)
		pod_strbuf_adds(&sb, "1,");
	pod_strbuf_adds(&sb, "]\n");
	j = pod_toml_parse(sb.buf, sb.len, "many.toml", &err);
	assert_null(j);
	assert_true(pod_str_has_prefix(err->msg, "many.toml:1:"));
	assert_true(pod_str_has_suffix(err->msg, ": too many values (max 1048576)"));
	pod_err_free(&err);
	pod_strbuf_reset(&sb);

	/* 10000 array-of-tables entries stay fast and ordered */
	for (i = 0; i < 10000; i++)
		pod_strbuf_addf(&sb, "[[r]]\nn = %zu\n", i);
	j = pod_toml_parse(sb.buf, sb.len, "many.toml", &err);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "r")), 10000);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(j, "r"), 9999), "n")),
			 9999);
	json_decref(j);
	pod_strbuf_release(&sb);
}

static void
test_parse_file(void **state)
{
	char path[] = "/tmp/test-toml-XXXXXX";
	struct pod_err *err = NULL;
	json_t *j;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[t]\nk = \"v\"\nx = \n", 17), 17);
	close(fd);
	j = pod_toml_parse_file(path, &err);
	assert_null(j);
	{
		cleanup_free char *want = xasprintf("%s:3:5: expected a value", path);
		assert_string_equal(err->msg, want);
	}
	pod_err_free(&err);
	unlink(path);

	j = pod_toml_parse_file(path, &err);
	assert_null(j);
	assert_int_equal(err->kind, POD_E_NOTFOUND);
	assert_int_equal(err->errnum, ENOENT);
	pod_err_free(&err);

	j = pod_toml_parse_file("/", &err);
	assert_null(j);
	assert_int_equal(err->errnum, EISDIR);
	pod_err_free(&err);
}

static void
test_type_names(void **state)
{
	struct pod_err *err = NULL;
	const char *in = "a=1\nb=1.5\nc='s'\nd=true\ne=[]\nf={}\n";
	json_t *j = pod_toml_parse(in, strlen(in), "t", &err);

	assert_non_null(j);
	assert_string_equal(pod_toml_type_name(json_object_get(j, "a")), "integer");
	assert_string_equal(pod_toml_type_name(json_object_get(j, "b")), "float");
	assert_string_equal(pod_toml_type_name(json_object_get(j, "c")), "string");
	assert_string_equal(pod_toml_type_name(json_object_get(j, "d")), "boolean");
	assert_string_equal(pod_toml_type_name(json_object_get(j, "e")), "array");
	assert_string_equal(pod_toml_type_name(json_object_get(j, "f")), "table");
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),	   cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_limits),	   cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_type_names),
	};

	find_data_dir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
