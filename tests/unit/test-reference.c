/* test-reference.c - reference grammar, normalization, short-name candidates */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/util.h"
#include "image/reference.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DG "sha256:" H64
#define LOWER "invalid reference format: repository name must be lowercase"
#define BAD "invalid reference format"

enum mode { RAW, NORM };

static const struct ref_case {
	enum mode mode;
	const char *in;
	const char *domain, *path, *tag, *digest; /* NULL: absent */
	const char *err;			  /* set: must fail with exactly this */
} cases[] = {
	/* as given */
	{ RAW, "busybox", NULL, "busybox", NULL, NULL, NULL },
	{ RAW, "busybox:1.36", NULL, "busybox", "1.36", NULL, NULL },
	{ RAW, "library/busybox", NULL, "library/busybox", NULL, NULL, NULL },
	{ RAW, "foo/bar/baz", NULL, "foo/bar/baz", NULL, NULL, NULL },
	{ RAW, "quay.io/podman/hello:latest", "quay.io", "podman/hello", "latest", NULL, NULL },
	{ RAW, "localhost/foo", "localhost", "foo", NULL, NULL, NULL },
	{ RAW, "localhost:5000/foo/bar:v1", "localhost:5000", "foo/bar", "v1", NULL, NULL },
	{ RAW, "127.0.0.1:5000/test/x:latest", "127.0.0.1:5000", "test/x", "latest", NULL, NULL },
	{ RAW, "registry.example.com/a_b/c__d/e-f---g.h:t", "registry.example.com",
	  "a_b/c__d/e-f---g.h", "t", NULL, NULL },
	{ RAW, "busybox@" DG, NULL, "busybox", NULL, DG, NULL },
	{ RAW, "busybox:musl@" DG, NULL, "busybox", "musl", DG, NULL },
	{ RAW, "quay.io/a/b:c@" DG, "quay.io", "a/b", "c", DG, NULL },
	{ RAW, "docker.io/library/busybox", "docker.io", "library/busybox", NULL, NULL, NULL },
	{ RAW, "foo:5000", NULL, "foo", "5000", NULL, NULL },
	{ RAW, "a", NULL, "a", NULL, NULL, NULL },
	{ RAW, "x:_tag", NULL, "x", "_tag", NULL, NULL },
	{ RAW, "x:Tag.With-Upper_1", NULL, "x", "Tag.With-Upper_1", NULL, NULL },
	{ RAW, "example.com:443/x", "example.com:443", "x", NULL, NULL, NULL },
	{ RAW, "sub-domain.example.com/x", "sub-domain.example.com", "x", NULL, NULL, NULL },
	{ RAW, "xn--bcher-kva.example/x", "xn--bcher-kva.example", "x", NULL, NULL, NULL },
	{ RAW, "FOO.example/bar", "FOO.example", "bar", NULL, NULL, NULL },
	{ RAW, "busybox@sha512:" H64 H64, NULL, "busybox", NULL, "sha512:" H64 H64, NULL },
	{ RAW, "", NULL, NULL, NULL, NULL, "repository name must have at least one component" },
	{ RAW, "Busybox", NULL, NULL, NULL, NULL, LOWER },
	{ RAW, "foo/Bar", NULL, NULL, NULL, NULL, LOWER },
	{ RAW, "quay.io/Foo/bar", NULL, NULL, NULL, NULL, LOWER },
	{ RAW, "busybox:", NULL, NULL, NULL, NULL, BAD },
	{ RAW, ":tag", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "-foo", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "foo-", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "foo//bar", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "foo/", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "/foo", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "foo..bar", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "foo___bar", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "foo_-bar", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "busybox:tag:tag2", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "busybox:-tag", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "busybox@sha256:abc", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "busybox@", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "busybox@" DG "@" DG, NULL, NULL, NULL, NULL, BAD },
	{ RAW, "busybox@sha256:" H64 "0", NULL, NULL, NULL, NULL,
	  "invalid checksum digest length" },
	{ RAW, "busybox@md5:0123456789abcdef0123456789abcdef", NULL, NULL, NULL, NULL,
	  "unsupported digest algorithm" },
	{ RAW, "busybox@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	  NULL, NULL, NULL, NULL, "invalid checksum digest format" },
	{ RAW, "-domain.com/foo", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "domain-.com/foo", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "host:port/foo", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "localhost:/foo", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "a..b.com/foo", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "foo bar", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "foo\nbar", NULL, NULL, NULL, NULL, BAD },
	{ RAW, "x:" H64 H64, NULL, "x", H64 H64, NULL, NULL }, /* a 128-character tag */
	{ RAW, "x:" H64 H64 "0", NULL, NULL, NULL, NULL, BAD },
	/* Docker's normalization */
	{ NORM, "busybox", "docker.io", "library/busybox", "latest", NULL, NULL },
	{ NORM, "busybox:1", "docker.io", "library/busybox", "1", NULL, NULL },
	{ NORM, "user/repo", "docker.io", "user/repo", "latest", NULL, NULL },
	{ NORM, "docker.io/busybox", "docker.io", "library/busybox", "latest", NULL, NULL },
	{ NORM, "index.docker.io/busybox", "docker.io", "library/busybox", "latest", NULL, NULL },
	{ NORM, "docker.io/library/busybox:latest", "docker.io", "library/busybox", "latest", NULL,
	  NULL },
	{ NORM, "quay.io/a/b", "quay.io", "a/b", "latest", NULL, NULL },
	{ NORM, "quay.io/b", "quay.io", "b", "latest", NULL, NULL },
	{ NORM, "localhost/foo", "localhost", "foo", "latest", NULL, NULL },
	{ NORM, "busybox@" DG, "docker.io", "library/busybox", NULL, DG, NULL },
	{ NORM, "busybox:TAG", "docker.io", "library/busybox", "TAG", NULL, NULL },
	{ NORM, "Busybox", NULL, NULL, NULL, NULL, LOWER },
	{ NORM, "Busybox:latest", NULL, NULL, NULL, NULL, LOWER },
	{ NORM, "quay.io/Foo", NULL, NULL, NULL, NULL, LOWER },
	{ NORM, "user/Repo", NULL, NULL, NULL, NULL, LOWER },
	{ NORM, H64, NULL, NULL, NULL, NULL,
	  "invalid repository name (" H64 "), cannot specify 64-byte hexadecimal strings" },
	{ NORM, "busybox::x", NULL, NULL, NULL, NULL, BAD },
	{ NORM, "", NULL, NULL, NULL, NULL, "repository name must have at least one component" },
};

static void
check_case(const struct ref_case *c)
{
	struct pod_ref r = { 0 };
	struct pod_err *e = NULL;
	int ret = c->mode == RAW ? pod_ref_parse(c->in, &r, &e) : pod_ref_parse_normalized(c->in, &r, &e);

	if (c->err) {
		if (ret == 0)
			fail_msg("\"%s\": parsed, expected error \"%s\"", c->in, c->err);
		if (!STREQ(e->msg, c->err))
			fail_msg("\"%s\":\n expected: %s\n got:      %s", c->in, c->err, e->msg);
		assert_int_equal(e->kind, POD_E_INVALID);
		pod_err_free(&e);
		return;
	}
	if (ret < 0)
		fail_msg("\"%s\": unexpected error %s", c->in, e->msg);
#define FIELD(f)                                                                                   \
	do {                                                                                       \
		if (!c->f != !r.f || (c->f && !STREQ(c->f, r.f)))                                  \
			fail_msg("\"%s\": " #f " expected %s, got %s", c->in,                      \
				 c->f ? c->f : "(none)", r.f ? r.f : "(none)");                    \
	} while (0)
	FIELD(domain);
	FIELD(path);
	FIELD(tag);
	FIELD(digest);
#undef FIELD
	pod_ref_release(&r);
}

static void
test_table(void **state)
{
	(void) state;
	assert_true(ARRAY_SIZE(cases) >= 60);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(&cases[i]);
}

static void
test_too_long(void **state)
{
	char name[300];
	struct pod_ref r = { 0 };
	struct pod_err *e = NULL;

	(void) state;
	/* 6 + 249 = 255 characters pass, one more fails */
	memset(name, 'a', sizeof(name));
	memcpy(name, "q.io/", 5);
	name[255] = '\0';
	assert_int_equal(pod_ref_parse(name, &r, &e), 0);
	pod_ref_release(&r);
	name[255] = 'a';
	name[256] = '\0';
	assert_int_equal(pod_ref_parse(name, &r, &e), -1);
	assert_string_equal(e->msg, "repository name must not be more than 255 characters");
	pod_err_free(&e);
	/* "library/" counts after normalization */
	memset(name, 'a', 250);
	name[250] = '\0';
	assert_int_equal(pod_ref_parse(name, &r, &e), 0);
	pod_ref_release(&r);
	assert_int_equal(pod_ref_parse_normalized(name, &r, &e), -1);
	assert_string_equal(e->msg, "repository name must not be more than 255 characters");
	pod_err_free(&e);
}

static void
expect_strings(const char *in, const char *full, const char *familiar, const char *name)
{
	struct pod_ref r = { 0 };
	struct pod_err *e = NULL;
	char *s;

	if (pod_ref_parse_normalized(in, &r, &e) < 0)
		fail_msg("%s: %s", in, e->msg);
	s = pod_ref_string(&r);
	assert_string_equal(s, full);
	free(s);
	s = pod_ref_familiar(&r);
	assert_string_equal(s, familiar);
	free(s);
	s = pod_ref_name(&r);
	assert_string_equal(s, name);
	free(s);
	pod_ref_release(&r);
}

static void
test_strings(void **state)
{
	(void) state;
	expect_strings("busybox", "docker.io/library/busybox:latest", "busybox:latest",
		       "docker.io/library/busybox");
	expect_strings("user/x:1", "docker.io/user/x:1", "user/x:1", "docker.io/user/x");
	expect_strings("docker.io/library/a/b:x", "docker.io/library/a/b:x", "library/a/b:x",
		       "docker.io/library/a/b");
	expect_strings("quay.io/a/b:c", "quay.io/a/b:c", "quay.io/a/b:c", "quay.io/a/b");
	expect_strings("busybox:t@" DG, "docker.io/library/busybox:t@" DG, "busybox:t@" DG,
		       "docker.io/library/busybox");
	expect_strings("localhost:5000/x@" DG, "localhost:5000/x@" DG, "localhost:5000/x@" DG,
		       "localhost:5000/x");
}

static void
test_short_and_id(void **state)
{
	(void) state;
	assert_true(pod_ref_is_short_name("busybox"));
	assert_true(pod_ref_is_short_name("user/x:1"));
	assert_true(pod_ref_is_short_name("localhost"));
	assert_true(pod_ref_is_short_name("a/b/c"));
	assert_false(pod_ref_is_short_name("quay.io/x"));
	assert_false(pod_ref_is_short_name("localhost/x"));
	assert_false(pod_ref_is_short_name("host:5000/x"));

	assert_true(pod_ref_looks_like_id("abc"));
	assert_true(pod_ref_looks_like_id(H64));
	assert_true(pod_ref_looks_like_id("sha256:abc123"));
	assert_false(pod_ref_looks_like_id("ab"));
	assert_false(pod_ref_looks_like_id("abcg"));
	assert_false(pod_ref_looks_like_id(H64 "0"));
	assert_false(pod_ref_looks_like_id("ABC"));
	assert_false(pod_ref_looks_like_id(""));
}

static void
expect_candidates(const char *name, char *const *search, const char *aliases_json,
		  const char *want, const char *want_err)
{
	json_t *aliases = aliases_json ? json_loads(aliases_json, 0, NULL) : NULL;
	char **got = NULL;
	struct pod_err *e = NULL;
	int n = pod_ref_candidates(name, search, aliases, &got, &e);

	if (want_err) {
		assert_int_equal(n, -1);
		assert_string_equal(e->msg, want_err);
		pod_err_free(&e);
	} else {
		char buf[1024] = "";
		size_t off = 0, i;

		if (n < 0)
			fail_msg("%s: %s", name, e->msg);
		for (i = 0; got[i]; i++)
			off += (size_t) snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
						 got[i]);
		assert_int_equal((size_t) n, i);
		if (!STREQ(buf, want))
			fail_msg("%s:\n expected: %s\n got:      %s", name, want, buf);
		pod_strv_free(got);
	}
	if (aliases)
		json_decref(aliases);
}

static void
test_candidates(void **state)
{
	char *search[] = { "docker.io", "quay.io", NULL };
	char *local[] = { "localhost:5000", NULL };
	const char *al = "{\"busybox\":\"docker.io/library/busybox\",\"ns/img\":\"quay.io/ns/img\","
			 "\"bad\":\"bad:tag\",\"short\":\"short\"}";

	(void) state;
	expect_candidates("busybox", search, NULL,
			  "docker.io/library/busybox:latest quay.io/busybox:latest", NULL);
	expect_candidates("busybox:1.2", search, NULL,
			  "docker.io/library/busybox:1.2 quay.io/busybox:1.2", NULL);
	expect_candidates("busybox@" DG, search, NULL,
			  "docker.io/library/busybox@" DG " quay.io/busybox@" DG, NULL);
	expect_candidates("ns/img", search, NULL, "docker.io/ns/img:latest quay.io/ns/img:latest",
			  NULL);
	expect_candidates("busybox", search, al, "docker.io/library/busybox:latest", NULL);
	expect_candidates("busybox:musl", search, al, "docker.io/library/busybox:musl", NULL);
	expect_candidates("busybox@" DG, NULL, al, "docker.io/library/busybox@" DG, NULL);
	expect_candidates("ns/img:2", search, al, "quay.io/ns/img:2", NULL);
	expect_candidates("other", search, al, "docker.io/library/other:latest quay.io/other:latest",
			  NULL);
	expect_candidates("foo", local, NULL, "localhost:5000/foo:latest", NULL);
	expect_candidates("quay.io/x/y", search, al, "quay.io/x/y:latest", NULL);
	expect_candidates("localhost/x", search, NULL, "localhost/x:latest", NULL);
	expect_candidates("docker.io/busybox", NULL, NULL, "docker.io/library/busybox:latest", NULL);
	expect_candidates("nothing", NULL, NULL, "", NULL);
	expect_candidates("Busybox", search, NULL, NULL, LOWER);
	expect_candidates("bad", search, al, NULL,
			  "invalid alias \"bad:tag\" for short name \"bad\": must be a "
			  "fully-qualified name without tag or digest");
	expect_candidates("short", search, al, NULL,
			  "invalid alias \"short\" for short name \"short\": must be a "
			  "fully-qualified name without tag or digest");
	expect_candidates("a b", search, NULL, NULL, BAD);
	expect_candidates(H64, search, NULL, NULL,
			  "invalid repository name (" H64 "), cannot specify 64-byte hexadecimal "
			  "strings");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),	   cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_strings),	   cmocka_unit_test(test_short_and_id),
		cmocka_unit_test(test_candidates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
