/* test-table.c - Go text/tabwriter semantics byte for byte, and --format printing */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/table.h"
#include "core/json.h"

static void
check_table(const char *const *chunks, const char *want)
{
	struct pod_table *t = pod_table_new();
	struct pod_strbuf out = POD_STRBUF_INIT;

	for (; *chunks; chunks++)
		pod_table_add_text(t, *chunks);
	pod_table_render(t, &out);
	if (strcmp(out.buf, want) != 0)
		fail_msg("want\n\"%s\"\ngot\n\"%s\"", want, out.buf);
	/* rendering empties the table */
	pod_strbuf_reset(&out);
	pod_table_render(t, &out);
	assert_string_equal(out.buf, "");
	pod_strbuf_release(&out);
	pod_table_free(t);
}

#define CHECK(want, ...)                                                                           \
	do {                                                                                       \
		const char *const chunks_[] = { __VA_ARGS__, NULL };                               \
		check_table(chunks_, want);                                                        \
	} while (0)

static void
test_ps_style(void **state)
{
	CHECK("CONTAINER ID  IMAGE         NAMES\n"
	      "3f2a1b        nginx:latest  web\n"
	      "9c8d7e6f5a4b  busybox       db\n",
	      "CONTAINER ID\tIMAGE\tNAMES\n", "3f2a1b\tnginx:latest\tweb\n",
	      "9c8d7e6f5a4b\tbusybox\tdb\n");
}

static void
test_minwidth(void **state)
{
	CHECK("a           b\n", "a\tb\n");
	/* empty cells are padded to the minimum width too */
	CHECK("                        z\n", "\t\tz\n");
	/* twelve runes plus padding is wider than the minimum */
	CHECK("abcdefghijkl  x\nb             y\n", "abcdefghijkl\tx\n", "b\ty\n");
}

static void
test_utf8(void **state)
{
	/* widths count runes, not bytes */
	CHECK("\xc3\xb1" "and\xc3\xba-\xc3\xb1" "and\xc3\xba-\xc3\xb1  x\n"
	      "ab             y\n",
	      "\xc3\xb1" "and\xc3\xba-\xc3\xb1" "and\xc3\xba-\xc3\xb1\tx\n", "ab\ty\n");
	/* an invalid byte is one rune */
	CHECK("\xfe\xfe" "abcdefghij  x\n", "\xfe\xfe" "abcdefghij\tx\n");
}

static void
test_blocks(void **state)
{
	/* a line without a tab ends every column block */
	CHECK("aaaaaaaaaaaaaaaa  x\n"
	      "no tabs here\n"
	      "b           y\n",
	      "aaaaaaaaaaaaaaaa\tx\nno tabs here\nb\ty\n");
	/* Go's trailing-tab example with Podman's settings: column 2 is two blocks */
	CHECK("a           b           aligned-long-cell  \n"
	      "aa          bb          c                  \n"
	      "aaa         bbb         unaligned\n"
	      "aaaa        bbbb        x           \n",
	      "a\tb\taligned-long-cell\t\n", "aa\tbb\tc\t\n", "aaa\tbbb\tunaligned\n",
	      "aaaa\tbbbb\tx\t\n");
	/* text after the last tab is never padded, however long */
	CHECK("a            short\n"
	      "longer-cell  a much longer trailing text\n",
	      "a\tshort\n", "longer-cell\ta much longer trailing text\n");
}

static void
test_partial_lines(void **state)
{
	/* no final newline: the last line is written without one */
	CHECK("a           b", "a\tb");
	/* a row can arrive in pieces */
	CHECK("abc         def\n", "ab", "c\td", "ef\n");
	/* a trailing tab without newline: the tab-terminated cell is the last one */
	CHECK("a", "a\t");
	CHECK("", "");
}

static void
test_special_chars(void **state)
{
	/* \v is a cell terminator too */
	CHECK("a           b\n", "a\vb\n");
	/* \f ends the line and every column */
	CHECK("aaaaaaaaaaaaaaaaaaaa  x\n"
	      "b           y\n",
	      "aaaaaaaaaaaaaaaaaaaa\tx\f", "b\ty\n");
	/* 0xff ... 0xff escapes tabs and newlines; the escape bytes stay, width 0 */
	CHECK("\xff" "a\tb\xff" "               c\n"
	      "dddddddddddddddd  e\n",
	      "\xff" "a\tb\xff\tc\n", "dddddddddddddddd\te\n");
}

static void
test_flush_file(void **state)
{
	struct pod_table *t = pod_table_new();
	struct pod_err *err = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pod_table_add_text(t, "ID\tNAME\n1\tx\n");
	assert_int_equal(pod_table_flush(t, f, &err), 0);
	fclose(f);
	assert_string_equal(buf, "ID          NAME\n1           x\n");
	free(buf);

	f = fopen("/dev/full", "we");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		pod_table_add_text(t, "x\n");
		assert_int_equal(pod_table_flush(t, f, &err), -1);
		assert_int_equal(err->kind, POD_E_IO);
		pod_err_free(&err);
		fclose(f);
	}
	pod_table_free(t);
}

static json_t *
records(void)
{
	json_error_t je;
	json_t *r = json_loads("[{\"ID\":\"3f2a1b\",\"Names\":[\"web\"],\"Status\":\"Up\"},"
			       "{\"ID\":\"9c8d7e6f5a4b\",\"Names\":[\"db\",\"x\"],"
			       "\"Status\":\"Exited (0)\"}]",
			       0, &je);

	assert_non_null(r);
	return r;
}

/* pod_record_out prints what pod_format_records prints, one record at a time */
static void
check_record_out(const char *format, json_t *recs, json_t *headers, bool noheading,
		 unsigned flags, const char *want)
{
	struct pod_record_out *o;
	struct pod_err *err = NULL;
	char *got = NULL;
	size_t got_len = 0, i;
	json_t *rec;
	FILE *f = open_memstream(&got, &got_len);

	assert_non_null(f);
	o = pod_record_out_new("ps", format, headers, noheading, flags, f, &err);
	if (!o)
		fail_msg("%s: %s", format, err->msg);
	if (pod_record_out_whole(o)) {
		pod_record_out_free(o);
		fclose(f);
		free(got);
		return;
	}
	json_array_foreach(recs, i, rec) {
		struct pod_strbuf sb = POD_STRBUF_INIT;
		if (pod_record_out_render(o, rec, &sb, &err) < 0)
			fail_msg("%s: %s", format, err->msg);
		assert_int_equal(pod_record_out_put(o, sb.buf, sb.len, &err), 0);
		pod_strbuf_release(&sb);
	}
	assert_int_equal(pod_record_out_end(o, &err), 0);
	pod_record_out_free(o);
	fclose(f);
	if (strcmp(got, want) != 0)
		fail_msg("streamed %s: want\n\"%s\"\ngot\n\"%s\"", format, want, got);
	free(got);
}

static void
check_format(const char *format, json_t *recs, json_t *headers, bool noheading, const char *want)
{
	struct pod_strbuf out = POD_STRBUF_INIT;
	struct pod_err *err = NULL;

	if (pod_format_records_buf("ps", format, recs, headers, noheading, &out, &err) < 0)
		fail_msg("%s: %s", format, err->msg);
	if (strcmp(out.buf, want) != 0)
		fail_msg("%s: want\n\"%s\"\ngot\n\"%s\"", format, want, out.buf);
	pod_strbuf_release(&out);
	check_record_out(format, recs, headers, noheading, 0, want);
}

static void
test_format_records(void **state)
{
	json_t *r = records(), *empty = json_array();
	json_t *h = json_pack("{s:s}", "ID", "CONTAINER ID");
	json_t *html = json_pack("[{s:s}]", "A", "<b>&");

	check_format("json", r, h, false,
		     "[\n    {\n        \"ID\": \"3f2a1b\",\n        \"Names\": [\n"
		     "            \"web\"\n        ],\n        \"Status\": \"Up\"\n    },\n"
		     "    {\n        \"ID\": \"9c8d7e6f5a4b\",\n        \"Names\": [\n"
		     "            \"db\",\n            \"x\"\n        ],\n"
		     "        \"Status\": \"Exited (0)\"\n    }\n]\n");
	check_format(" json ", empty, NULL, false, "[]\n");
	check_format("{{json .}}", html, NULL, false,
		     "[\n    {\n        \"A\": \"\\u003cb\\u003e\\u0026\"\n    }\n]\n");
	check_format("table {{.ID}}\\t{{.Status}}", r, h, false,
		     "CONTAINER ID  STATUS\n"
		     "3f2a1b        Up\n"
		     "9c8d7e6f5a4b  Exited (0)\n");
	check_format("table {{.ID}} {{.Names}}", r, h, true,
		     "3f2a1b        [web]\n"
		     "9c8d7e6f5a4b  [db x]\n");
	check_format("table {{.ID}}\\t{{.Status}}", empty, h, false, "CONTAINER ID  STATUS\n");
	/* user templates without "table" are not aligned */
	check_format("{{.ID}}\\t{{.Status}}", r, h, false, "3f2a1b\tUp\n9c8d7e6f5a4b\tExited (0)\n");
	check_format("{{.ID}}", empty, h, false, "");
	/* a template with its own {{range .}} sees the whole list */
	check_format("{{range .}}{{.ID}},{{end}}", r, h, false, "3f2a1b,9c8d7e6f5a4b,\n");
	check_format("{{range .}}{{.ID}} {{end -}}", r, h, false, "3f2a1b 9c8d7e6f5a4b ");

	struct pod_strbuf out = POD_STRBUF_INIT;
	struct pod_err *err = NULL;

	assert_int_equal(pod_format_records_buf("ps", "{{.ID.X}}", r, h, false, &out, &err), -1);
	assert_string_equal(err->msg, "template: ps:1:13: executing \"ps\" at <.ID.X>: can't "
				      "evaluate field X in type string");
	pod_err_free(&err);
	assert_int_equal(pod_format_records_buf("ps", "{{nope}}", r, h, false, &out, &err), -1);
	assert_string_equal(err->msg, "template: ps:1: function \"nope\" not defined");
	pod_err_free(&err);
	pod_strbuf_release(&out);

	json_decref(r);
	json_decref(empty);
	json_decref(h);
	json_decref(html);
}

/* POD_RECORD_OUT_JANSSON: the bytes of pod_json_dumps_pretty() of the whole array */
static void
test_record_out_jansson(void **state)
{
	json_t *arrays[] = {
		json_array(),
		json_pack("[{s:s, s:{}, s:[], s:{s:[i, f, n, b]}, s:s}]", "Id", "a<b>&\n", "E",
			  "L", "N", "x", 1, 2.5, true, "T", "/\u00e9"),
		json_pack("[{s:i}, {s:[s, {s:s}]}, [], {}, s]", "A", 1, "B", "x", "C", "d", "s"),
	};

	for (size_t i = 0; i < ARRAY_SIZE(arrays); i++) {
		char *want = pod_json_dumps_pretty(arrays[i]);
		char *want_nl = xasprintf("%s\n", want);
		check_record_out("json", arrays[i], NULL, false, POD_RECORD_OUT_JANSSON, want_nl);
		free(want);
		free(want_nl);
		json_decref(arrays[i]);
	}
}

static void
test_is_json(void **state)
{
	static const char *const yes[] = { "json", " json", "  json   ", "{{json}}", "{{json }}",
					   "{{ json . }}", "{{json .}}", "  {{   json   .  }}  " };
	static const char *const no[] = { "{{ json .", "json . }}", "{{.ID }} json .", "json .",
					  "jsonx", "{{json .ID}}", "" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (!pod_format_is_json(yes[i]))
			fail_msg("\"%s\" should be JSON", yes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (pod_format_is_json(no[i]))
			fail_msg("\"%s\" should not be JSON", no[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ps_style),     cmocka_unit_test(test_minwidth),
		cmocka_unit_test(test_utf8),	     cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_partial_lines), cmocka_unit_test(test_special_chars),
		cmocka_unit_test(test_flush_file),   cmocka_unit_test(test_format_records),
		cmocka_unit_test(test_is_json),	     cmocka_unit_test(test_record_out_jansson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
