/* test-wwwauth.c - WWW-Authenticate parsing and registry error messages */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "image/auth.h"
#include "image/registry.h"

/* challenges rendered as `scheme{k=v,k=v} scheme{}` for comparison */
static char *
render(const struct pod_auth_challenge *c, size_t n)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		pod_strbuf_addf(&sb, "%s%s{", i ? " " : "", c[i].scheme);
		for (size_t k = 0; k < c[i].n_params; k++)
			pod_strbuf_addf(&sb, "%s%s=%s", k ? "," : "", c[i].params[k].key,
					c[i].params[k].value);
		pod_strbuf_addch(&sb, '}');
	}
	return pod_strbuf_detach(&sb);
}

static const struct {
	const char *in, *want, *err;
} cases[] = {
	{ "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
	  "scope=\"repository:library/busybox:pull\"",
	  "bearer{realm=https://auth.docker.io/token,service=registry.docker.io,"
	  "scope=repository:library/busybox:pull}",
	  NULL },
	{ "Basic realm=\"Registry Realm\"", "basic{realm=Registry Realm}", NULL },
	{ "Basic realm=\"a\", Bearer realm=\"b\",service=c", "basic{realm=a} bearer{realm=b,service=c}",
	  NULL },
	{ "bearer REALM=x", "bearer{realm=x}", NULL },
	{ "BEARER realm=x", "bearer{realm=x}", NULL },
	{ "Bearer realm=\"a\\\"b\\\\c\"", "bearer{realm=a\"b\\c}", NULL },
	{ "Bearer realm=\"\"", "bearer{realm=}", NULL },
	{ "Negotiate abc123==", "negotiate{token68=abc123==}", NULL },
	{ "Negotiate abc=", "negotiate{token68=abc=}", NULL },
	{ "Negotiate a+b/c", "negotiate{token68=a+b/c}", NULL },
	{ "Bearer  realm = \"x\" , service=\"y\"", "bearer{realm=x,service=y}", NULL },
	{ ", , Basic", "basic{}", NULL },
	{ "Basic", "basic{}", NULL },
	{ "Basic, Bearer realm=x", "basic{} bearer{realm=x}", NULL },
	{ "Bearer realm=x,, service=y,", "bearer{realm=x,service=y}", NULL },
	{ "Bearer realm=\"tab\there\"", "bearer{realm=tab\there}", NULL },
	{ "Bearer realm=\"caf\xc3\xa9\"", "bearer{realm=caf\xc3\xa9}", NULL },
	{ "Basic realm=x, Negotiate tok68==, Bearer realm=y",
	  "basic{realm=x} negotiate{token68=tok68==} bearer{realm=y}", NULL },
	{ "", NULL, "invalid WWW-Authenticate header: no challenge" },
	{ " , ", NULL, "invalid WWW-Authenticate header: no challenge" },
	{ "\"quoted\"", NULL, "invalid WWW-Authenticate header: expected an auth scheme at byte 0" },
	{ "Bearer realm=\"unterminated", NULL,
	  "invalid WWW-Authenticate header: unterminated quoted string at byte 26" },
	{ "Bearer realm=\"ends\\", NULL,
	  "invalid WWW-Authenticate header: bad escape in quoted string at byte 19" },
	/* RFC 7235: a lone "x=" right after the scheme is a token68 */
	{ "Bearer realm=", "bearer{token68=realm=}", NULL },
	{ "Bearer realm=,", "bearer{token68=realm=}", NULL },
	{ "Bearer a=b, realm=", NULL, "invalid WWW-Authenticate header: missing parameter value at byte 18" },
	{ "Bearer realm=\"x\" junk", NULL, "invalid WWW-Authenticate header: expected ',' at byte 17" },
	{ "Bearer realm=\"a\x01\"", NULL,
	  "invalid WWW-Authenticate header: control character in quoted string at byte 15" },
	{ "Bearer realm=\"a\x7f\"", NULL,
	  "invalid WWW-Authenticate header: control character in quoted string at byte 15" },
	{ "Bearer realm=a,realm=b", NULL,
	  "invalid WWW-Authenticate header: duplicate parameter at byte 15" },
	{ "Bearer realm=a,REALM=b", NULL,
	  "invalid WWW-Authenticate header: duplicate parameter at byte 15" },
	{ "Bearer realm=a b", NULL, "invalid WWW-Authenticate header: expected ',' at byte 15" },
	{ "Bearer; realm=a", NULL,
	  "invalid WWW-Authenticate header: unexpected character after the auth scheme at byte 6" },
	{ "Bearer =x", NULL, "invalid WWW-Authenticate header: unexpected character at byte 7" },
	{ "Bearer realm=x, =y", NULL, "invalid WWW-Authenticate header: unexpected character at byte 16" },
	{ "Bearer realm=x, \"y\"", NULL,
	  "invalid WWW-Authenticate header: unexpected character at byte 16" },
	{ "Negotiate a== b", NULL, "invalid WWW-Authenticate header: expected ',' at byte 14" },
};

static void
test_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pod_auth_challenge *c = NULL;
		size_t n = 0;
		struct pod_err *e = NULL;
		int r = pod_www_auth_parse(cases[i].in, &c, &n, &e);

		if (cases[i].err) {
			if (r == 0)
				fail_msg("case %zu (%s): parsed, expected %s", i, cases[i].in,
					 cases[i].err);
			if (!STREQ(e->msg, cases[i].err))
				fail_msg("case %zu (%s):\n expected: %s\n got:      %s", i, cases[i].in,
					 cases[i].err, e->msg);
			pod_err_free(&e);
		} else {
			char *got;

			if (r < 0)
				fail_msg("case %zu (%s): %s", i, cases[i].in, e->msg);
			got = render(c, n);
			if (!STREQ(got, cases[i].want))
				fail_msg("case %zu (%s):\n expected: %s\n got:      %s", i, cases[i].in,
					 cases[i].want, got);
			free(got);
			pod_auth_challenges_free(c, n);
		}
	}
}

static void
test_lookup_and_limits(void **state)
{
	struct pod_auth_challenge *c = NULL;
	size_t n = 0;
	struct pod_err *e = NULL;
	struct pod_strbuf sb = POD_STRBUF_INIT;

	(void) state;
	assert_int_equal(pod_www_auth_parse("Bearer Realm=\"r\",Service=s", &c, &n, &e), 0);
	assert_string_equal(pod_auth_challenge_param(&c[0], "realm"), "r");
	assert_string_equal(pod_auth_challenge_param(&c[0], "SERVICE"), "s");
	assert_null(pod_auth_challenge_param(&c[0], "scope"));
	pod_auth_challenges_free(c, n);

	for (int i = 0; i < 17; i++)
		pod_strbuf_addf(&sb, "%sBasic", i ? ", " : "");
	assert_int_equal(pod_www_auth_parse(sb.buf, &c, &n, &e), -1);
	assert_true(strstr(e->msg, "too many challenges") != NULL);
	pod_err_free(&e);
	pod_strbuf_reset(&sb);
	pod_strbuf_adds(&sb, "Bearer ");
	for (int i = 0; i < 33; i++)
		pod_strbuf_addf(&sb, "%sk%d=v", i ? "," : "", i);
	assert_int_equal(pod_www_auth_parse(sb.buf, &c, &n, &e), -1);
	assert_true(strstr(e->msg, "too many parameters") != NULL);
	pod_err_free(&e);
	pod_strbuf_reset(&sb);
	pod_strbuf_adds(&sb, "Bearer realm=\"");
	for (int i = 0; i < POD_WWW_AUTH_MAX; i++)
		pod_strbuf_addch(&sb, 'a');
	pod_strbuf_addch(&sb, '"');
	assert_int_equal(pod_www_auth_parse(sb.buf, &c, &n, &e), -1);
	assert_string_equal(e->msg, "invalid WWW-Authenticate header: too long");
	pod_err_free(&e);
	pod_strbuf_release(&sb);
}

static void
expect_error_message(long status, const char *reason, const char *body, const char *want,
		     bool want_notfound)
{
	bool nf = !want_notfound;
	char *m = pod_registry_error_message(status, reason, body, body ? strlen(body) : 0, &nf);

	assert_string_equal(m, want);
	assert_int_equal(nf, want_notfound);
	free(m);
}

static void
test_registry_errors(void **state)
{
	(void) state;
	expect_error_message(404, "Not Found",
			     "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest "
			     "unknown\",\"detail\":{\"Tag\":\"x\"}}]}",
			     "manifest unknown: manifest unknown", true);
	expect_error_message(401, "Unauthorized",
			     "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication "
			     "required\",\"detail\":null}]}",
			     "unauthorized: authentication required", false);
	expect_error_message(401, "", "", "unauthorized: authentication required", false);
	expect_error_message(401, "", "<html>", "unauthorized: authentication required", false);
	expect_error_message(500, "Internal Server Error", "oops",
			     "received unexpected HTTP status: 500 Internal Server Error", false);
	expect_error_message(503, "", NULL, "received unexpected HTTP status: 503 Service Unavailable",
			     false);
	expect_error_message(404, "Not Found", "", "received unexpected HTTP status: 404 Not Found",
			     true);
	expect_error_message(400, "Bad Request",
			     "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"a\"},"
			     "{\"code\":\"SIZE_INVALID\",\"message\":\"b\"}]}",
			     "errors:\ndigest invalid: a\nsize invalid: b\n", false);
	expect_error_message(403, "Forbidden",
			     "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"no\\u001b[31m\\n\"}]}",
			     "denied: no [31m ", false);
	expect_error_message(403, "Forbidden", "{\"errors\":[{\"code\":\"DENIED\"}]}", "denied", false);
	expect_error_message(403, "Forbidden", "{\"errors\":[]}",
			     "received unexpected HTTP status: 403 Forbidden", false);
	expect_error_message(400, "Bad Request", "{\"errors\":[{\"message\":\"x\"}]}", "unknown: x",
			     false);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lookup_and_limits),
		cmocka_unit_test(test_registry_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
