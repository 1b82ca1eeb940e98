/* test-pull.c - the parts of lib/image/pull.c that need no registry */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/util.h"
#include "image/pull.h"

static const struct platform_case {
	const char *in;
	const char *os, *arch, *variant; /* os NULL: must fail */
} cases[] = {
	{ "linux/amd64", "linux", "amd64", NULL },
	{ "linux/arm64/v8", "linux", "arm64", "v8" },
	{ "linux/arm/v7", "linux", "arm", "v7" },
	{ "windows/amd64", "windows", "amd64", NULL },
	{ "", NULL, NULL, NULL },
	{ "linux", NULL, NULL, NULL },
	{ "linux/", NULL, NULL, NULL },
	{ "/amd64", NULL, NULL, NULL },
	{ "linux//v7", NULL, NULL, NULL },
	{ "linux/arm/", NULL, NULL, NULL },
	{ "linux/arm/v7/x", NULL, NULL, NULL },
};

static void
test_platform(void **state)
{
	(void) state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct platform_case *c = &cases[i];
		char *os = NULL, *arch = NULL, *variant = NULL;
		struct pod_err *err = NULL;
		int rc = pod_pull_parse_platform(c->in, &os, &arch, &variant, &err);

		if (!c->os) {
			assert_int_equal(rc, -1);
			assert_non_null(err);
			assert_non_null(strstr(err->msg, "invalid platform syntax for --platform"));
			assert_null(os);
			pod_err_free(&err);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(os, c->os);
		assert_string_equal(arch, c->arch);
		if (c->variant)
			assert_string_equal(variant, c->variant);
		else
			assert_null(variant);
		free(os);
		free(arch);
		free(variant);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_platform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
