/* test-auth.c - auth.json / docker config.json lookup, store, remove */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/util.h"
#include "image/auth.h"

#include <jansson.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];

static int
setup(void **state)
{
	(void) state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-auth-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char *cmd[] = { "rm", "-rf", tmpdir, NULL };
	pid_t pid = fork();

	(void) state;
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return 0;
}

static char *
write_file(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(p, "we");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static void
expect_lookup(char *const *paths, const char *key, int want, const char *user, const char *pass,
	      const char *err)
{
	char *u = NULL, *p = NULL;
	struct pod_err *e = NULL;
	int r = pod_auth_lookup(paths, key, &u, &p, &e);

	if (err) {
		assert_int_equal(r, -1);
		if (!strstr(e->msg, err))
			fail_msg("%s: expected \"%s\" in \"%s\"", key, err, e->msg);
		pod_err_free(&e);
		return;
	}
	if (r < 0)
		fail_msg("%s: %s", key, e->msg);
	assert_int_equal(r, want);
	if (want) {
		assert_string_equal(u, user);
		assert_string_equal(p, pass);
	}
	free(u);
	free(p);
}

static void
test_lookup(void **state)
{
	/* base64: a:1 YTox, b:2 Yjoy, c:3 Yzoz, d:4 ZDo0, e:5:x ZTo1Ong=, h:hub aDpodWI= */
	char *f1 = write_file("auth1.json",
			      "{\"auths\":{\"quay.io\":{\"auth\":\"YTox\"},"
			      "\"quay.io/ns\":{\"auth\":\"Yjoy\"},"
			      "\"quay.io/ns/repo\":{\"auth\":\"Yzoz\"},"
			      "\"localhost:5000\":{\"auth\":\"ZTo1Ong=\"},"
			      "\"empty.io\":{\"auth\":\"\"}}}");
	char *f2 = write_file("config.json",
			      "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aDpodWI=\"},"
			      "\"http://legacy.example.com/v1/\":{\"auth\":\"ZDo0\"},"
			      "\"quay.io\":{\"auth\":\"ZDo0\"},\"empty.io\":{\"auth\":\"ZDo0\"}},"
			      "\"credsStore\":\"x\"}");
	char *missing = xasprintf("%s/none.json", tmpdir);
	char *paths[] = { missing, f1, f2, NULL };
	char *broken = write_file("broken.json", "{\"auths\":");
	char *badb64 = write_file("bad64.json", "{\"auths\":{\"x.io\":{\"auth\":\"!!!!\"}}}");
	char *nocolon = write_file("nocolon.json", "{\"auths\":{\"x.io\":{\"auth\":\"YWJj\"}}}");
	char *bp[] = { broken, NULL }, *b64p[] = { badb64, NULL }, *ncp[] = { nocolon, NULL };

	(void) state;
	expect_lookup(paths, "quay.io", 1, "a", "1", NULL);
	expect_lookup(paths, "quay.io/ns", 1, "b", "2", NULL);
	expect_lookup(paths, "quay.io/ns/repo", 1, "c", "3", NULL);
	expect_lookup(paths, "quay.io/ns/other", 1, "b", "2", NULL);
	expect_lookup(paths, "quay.io/other/x", 1, "a", "1", NULL);
	expect_lookup(paths, "localhost:5000/x", 1, "e", "5:x", NULL); /* password keeps ':' */
	expect_lookup(paths, "docker.io", 1, "h", "hub", NULL);
	expect_lookup(paths, "docker.io/library/busybox", 1, "h", "hub", NULL);
	expect_lookup(paths, "index.docker.io", 1, "h", "hub", NULL);
	expect_lookup(paths, "legacy.example.com", 1, "d", "4", NULL);
	expect_lookup(paths, "empty.io", 1, "d", "4", NULL); /* empty entry: next file */
	expect_lookup(paths, "nowhere.io", 0, NULL, NULL, NULL);
	expect_lookup(bp, "x.io", 0, NULL, NULL, "reading JSON file");
	expect_lookup(b64p, "x.io", 0, NULL, NULL, "invalid base64");
	expect_lookup(ncp, "x.io", 0, NULL, NULL, "missing \":\"");
	free(f1);
	free(f2);
	free(missing);
	free(broken);
	free(badb64);
	free(nocolon);
}

static void
test_store_remove(void **state)
{
	char *path = xasprintf("%s/new/containers/auth.json", tmpdir);
	char *paths[] = { path, NULL };
	struct pod_err *e = NULL;
	struct stat st;
	json_t *root;
	char *dir;

	(void) state;
	assert_int_equal(pod_auth_remove(path, "quay.io", &e), 0);
	assert_int_equal(pod_auth_store(path, "quay.io", "u", "p:w", &e), 0);
	assert_int_equal(pod_auth_store(path, "docker.io", "h", "x", &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	dir = xasprintf("%s/new/containers", tmpdir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(dir);
	expect_lookup(paths, "quay.io/a/b", 1, "u", "p:w", NULL);
	expect_lookup(paths, "docker.io/library/x", 1, "h", "x", NULL);

	/* other content survives an update */
	root = json_load_file(path, 0, NULL);
	json_object_set_new(root, "credHelpers", json_pack("{s:s}", "gcr.io", "gcloud"));
	assert_int_equal(json_dump_file(root, path, 0), 0);
	json_decref(root);
	assert_int_equal(pod_auth_store(path, "quay.io", "u2", "p2", &e), 0);
	root = json_load_file(path, 0, NULL);
	assert_non_null(json_object_get(root, "credHelpers"));
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_object_get(root, "auths"), "quay.io"), "auth")),
			    "dTI6cDI=");
	json_decref(root);

	assert_int_equal(pod_auth_remove(path, "quay.io", &e), 1);
	assert_int_equal(pod_auth_remove(path, "quay.io", &e), 0);
	expect_lookup(paths, "quay.io", 0, NULL, NULL, NULL);
	expect_lookup(paths, "docker.io", 1, "h", "x", NULL);
	/* the Hub's legacy key is removed through its normalized name */
	root = json_pack("{s:{s:{s:s}}}", "auths", "https://index.docker.io/v1/", "auth", "aDpodWI=");
	assert_int_equal(json_dump_file(root, path, 0), 0);
	json_decref(root);
	assert_int_equal(pod_auth_remove(path, "docker.io", &e), 1);
	assert_int_equal(pod_auth_store(path, "a.io", "a", "b", &e), 0);
	assert_int_equal(pod_auth_remove_all(path, &e), 0);
	expect_lookup(paths, "a.io", 0, NULL, NULL, NULL);
	free(path);
}

static void
test_normalize(void **state)
{
	static const char *const cases[][2] = {
		{ "https://index.docker.io/v1/", "docker.io" },
		{ "index.docker.io", "docker.io" },
		{ "registry-1.docker.io/library/x", "docker.io/library/x" },
		{ "http://quay.io/v2/", "quay.io" },
		{ "quay.io/ns/", "quay.io/ns" },
		{ "localhost:5000", "localhost:5000" },
	};

	(void) state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *n = pod_auth_normalize_key(cases[i][0]);

		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_store_remove),
		cmocka_unit_test(test_normalize),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
