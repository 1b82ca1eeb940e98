/* test-filter.c - --filter parsing, Podman's label/regex matchers and timestamps */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <time.h>

#include "cli/filter.h"

static const char *const ps_keys[] = { "id", "name", "label", "label!", "status", "until", NULL };

static void
test_parse(void **state)
{
	struct pod_filters f = POD_FILTERS_INIT;
	struct pod_err *err = NULL;
	char *const *v;

	assert_true(pod_filters_empty(&f));
	assert_int_equal(pod_filters_add(&f, "name=web", ps_keys, &err), 0);
	assert_int_equal(pod_filters_add(&f, "label=a=b=c", ps_keys, &err), 0);
	assert_int_equal(pod_filters_add(&f, "name=db", ps_keys, &err), 0);
	assert_int_equal(pod_filters_add(&f, "label!=tier", ps_keys, &err), 0);
	assert_int_equal(pod_filters_add(&f, "status=", ps_keys, &err), 0);
	assert_false(pod_filters_empty(&f));
	assert_int_equal(f.n, 4);
	assert_string_equal(f.keys[0].key, "name");

	v = pod_filters_get(&f, "name");
	assert_non_null(v);
	assert_string_equal(v[0], "web");
	assert_string_equal(v[1], "db");
	assert_null(v[2]);
	v = pod_filters_get(&f, "label");
	assert_string_equal(v[0], "a=b=c"); /* split at the first '=' only */
	v = pod_filters_get(&f, "label!");
	assert_string_equal(v[0], "tier");
	v = pod_filters_get(&f, "status");
	assert_string_equal(v[0], "");
	assert_null(pod_filters_get(&f, "id"));

	assert_int_equal(pod_filters_add(&f, "nokey", ps_keys, &err), -1);
	assert_int_equal(err->kind, POD_E_INVALID);
	assert_string_equal(err->msg, "invalid filter \"nokey\"");
	pod_err_free(&err);
	assert_int_equal(pod_filters_add(&f, "foo=bar", ps_keys, &err), -1);
	assert_string_equal(err->msg, "foo is an invalid filter");
	pod_err_free(&err);
	assert_int_equal(pod_filters_add(&f, "name!=x", ps_keys, &err), -1);
	assert_string_equal(err->msg, "name! is an invalid filter");
	pod_err_free(&err);
	/* NULL allowed keys: anything goes */
	assert_int_equal(pod_filters_add(&f, "whatever=1", NULL, &err), 0);
	assert_int_equal(f.n, 5);

	pod_filters_release(&f);
	assert_true(pod_filters_empty(&f));
	pod_filters_release(&f);
}

static void
test_labels(void **state)
{
	/* containers/common's MatchLabelFilters cases */
	json_t *labels = json_pack("{s:s,s:s,s:s}", "label1", "", "label2", "test", "label3", "");
	char *all[] = { "label1", "label3", "label2=test", NULL };
	char *key_only[] = { "label2", NULL };
	char *empty_value[] = { "label2=", NULL };
	char *differs[] = { "label2=differs", NULL };
	char *not_listed[] = { "label1=xyz", NULL };
	char *one_bad[] = { "label1=xyz", "invalid=valid", NULL };

	assert_true(pod_filter_match_labels(labels, all));
	assert_true(pod_filter_match_labels(labels, key_only));
	assert_true(pod_filter_match_labels(labels, empty_value));
	assert_false(pod_filter_match_labels(labels, differs));
	assert_false(pod_filter_match_labels(labels, not_listed));
	assert_false(pod_filter_match_labels(labels, one_bad));
	assert_true(pod_filter_match_labels(labels, NULL));

	assert_false(pod_filter_match_labels_negated(labels, all));
	assert_false(pod_filter_match_labels_negated(labels, key_only));
	assert_false(pod_filter_match_labels_negated(labels, empty_value));
	assert_true(pod_filter_match_labels_negated(labels, differs));
	assert_true(pod_filter_match_labels_negated(labels, not_listed));
	assert_true(pod_filter_match_labels_negated(labels, one_bad));

	assert_true(pod_filter_match_label(labels, "label2=test"));
	assert_false(pod_filter_match_label(labels, "label4"));
	assert_false(pod_filter_match_label(NULL, "label2"));
	json_decref(labels);
}

static void
test_regex_glob(void **state)
{
	char *pats[] = { "^db", "web$", NULL };

	/* unanchored, as Go's regexp.MatchString */
	assert_true(pod_filter_match_regex("my-web-1", "web"));
	assert_false(pod_filter_match_regex("my-web-1", "^web"));
	assert_true(pod_filter_match_regex("web-12", "^web-\\d+$"));
	assert_false(pod_filter_match_regex("web-x", "^web-\\d+$"));
	assert_true(pod_filter_match_regex("a_b", "^\\w+$"));
	assert_true(pod_filter_match_regex("a]b", "a[]]b"));
	assert_false(pod_filter_match_regex("abc", "(")); /* invalid: no match */
	assert_true(pod_filter_match_regex_any("dbx", pats));
	assert_true(pod_filter_match_regex_any("myweb", pats));
	assert_false(pod_filter_match_regex_any("xdb", pats));
	assert_false(pod_filter_match_regex_any("x", NULL));

	assert_true(pod_filter_match_glob("docker.io/library/nginx", "docker.io/*/nginx"));
	assert_false(pod_filter_match_glob("nginx", "ngin"));
}

static void
test_durations(void **state)
{
	static const struct {
		const char *in;
		int64_t ns;
	} ok[] = {
		{ "0", 0 },	      { "10m", 600000000000LL }, { "1h30m", 5400000000000LL },
		{ "1.5h", 5400000000000LL }, { "-2s", -2000000000LL }, { "300ms", 300000000LL },
		{ "1us", 1000 },	      { "1\xc2\xb5s", 1000 },	 { ".5s", 500000000LL },
	};
	static const char *const bad[] = { "", "10", "1x", "h", "-", "1.h.", "1e3s" };
	struct pod_err *err = NULL;
	int64_t ns;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (pod_parse_go_duration(ok[i].in, &ns, &err) < 0)
			fail_msg("%s: %s", ok[i].in, err->msg);
		assert_int_equal(ns, ok[i].ns);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (pod_parse_go_duration(bad[i], &ns, &err) == 0)
			fail_msg("%s parsed", bad[i]);
		assert_int_equal(err->kind, POD_E_INVALID);
		pod_err_free(&err);
	}
	assert_int_equal(pod_parse_go_duration("10", &ns, &err), -1);
	assert_string_equal(err->msg, "time: missing unit in duration \"10\"");
	pod_err_free(&err);
	assert_int_equal(pod_parse_go_duration("1x", &ns, &err), -1);
	assert_string_equal(err->msg, "time: unknown unit \"x\" in duration \"1x\"");
	pod_err_free(&err);
}

#define S 1000000000LL

static void
test_timestamps(void **state)
{
	/* 2023-11-14T22:13:20Z with half a second */
	const int64_t now = 1700000000LL * S + 500000000LL;
	struct pod_err *err = NULL;
	int64_t ns;
	struct tm lt;
	time_t tnow = 1700000000;
	int64_t off;

	assert_non_null(localtime_r(&tnow, &lt));
	off = lt.tm_gmtoff;

	static const struct {
		const char *in;
		int64_t ns;
	} zoned[] = {
		{ "10m", (1700000000LL - 600) * S }, /* whole seconds, like Go's Unix() */
		{ "1700000000", 1700000000LL * S },
		{ "1700000000.5", 1700000000LL * S + 500000000LL },
		{ "1700000000.000000001", 1700000000LL * S + 1 },
		{ "2023-11-14T22:13:20Z", 1700000000LL * S },
		{ "2023-11-14T22:13:20.25Z", 1700000000LL * S + 250000000LL },
		{ "2023-11-14T23:13:20+01:00", 1700000000LL * S },
		{ "2023-11-14T21:13:20-01:00", 1700000000LL * S },
		{ "2023-11-14T22Z", (1700000000LL - 800) * S },
		{ "2023-11-14T22:13Z", (1700000000LL - 20) * S },
		{ "2023-11-14Z", (1700000000LL - 80000) * S },
		{ "0", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(zoned); i++) {
		if (pod_parse_timestamp(zoned[i].in, now, &ns, &err) < 0)
			fail_msg("%s: %s", zoned[i].in, err->msg);
		if (ns != zoned[i].ns)
			fail_msg("%s: want %" PRId64 " got %" PRId64, zoned[i].in, zoned[i].ns, ns);
	}
	/* no zone: local time */
	assert_int_equal(pod_parse_timestamp("2023-11-14T22:13:20", now, &ns, &err), 0);
	assert_int_equal(ns, (1700000000LL - off) * S);
	assert_int_equal(pod_parse_timestamp("2023-11-14", now, &ns, &err), 0);
	assert_int_equal(ns, (1700000000LL - 80000 - off) * S);

	assert_int_equal(pod_parse_timestamp("invalidTime", now, &ns, &err), -1);
	assert_string_equal(err->msg, "failed to parse value as time or duration: \"invalidTime\"");
	pod_err_free(&err);
	assert_int_equal(pod_parse_timestamp("2023-13-01", now, &ns, &err), -1);
	assert_non_null(strstr(err->msg, "parsing time \"2023-13-01\""));
	pod_err_free(&err);
	assert_int_equal(pod_parse_timestamp("2023-02-30T00:00:00Z", now, &ns, &err), -1);
	pod_err_free(&err);

	char *one[] = { "44m", NULL }, *two[] = { "5h", "6s", NULL };

	assert_int_equal(pod_filter_until(one, now, &ns, &err), 0);
	assert_int_equal(ns, (1700000000LL - 44 * 60) * S);
	assert_int_equal(pod_filter_until(two, now, &ns, &err), -1);
	assert_string_equal(err->msg, "specify exactly one timestamp for until");
	pod_err_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),	   cmocka_unit_test(test_labels),
		cmocka_unit_test(test_regex_glob), cmocka_unit_test(test_durations),
		cmocka_unit_test(test_timestamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
