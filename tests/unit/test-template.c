/* test-template.c - the Go text/template subset against Go's outputs */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <libgen.h>

/* cases leave their trailing flags out */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "cli/template.h"
#include "core/strbuf.h"

static const char doc[] =
	"{\"ID\":\"abc123\",\"Names\":[\"web\",\"db\"],\"Name\":\"web\",\"Size\":42,"
	"\"Ratio\":1.5,\"Big\":1000000.0,\"Running\":true,\"Stopped\":false,\"Nil\":null,"
	"\"Labels\":{\"app\":\"nginx\",\"tier\":\"front\"},\"Empty\":[],\"EmptyMap\":{},"
	"\"Ports\":[{\"host\":8080,\"ctr\":80},{\"host\":8443,\"ctr\":443}],"
	"\"State\":{\"Status\":\"running\",\"Pid\":7},\"Csv\":\"a,b,c\",\"Mixed\":\"HeLLo wOrld\","
	"\"Html\":\"<a&b>\",\"Uni\":\"h\xc3\xa9llo\"}";

struct tcase {
	const char *tmpl;
	const char *want; /* output, or the error substring when err */
	bool err;
	bool raw; /* POD_TEMPLATE_RAW */
};

static json_t *
load_doc(void)
{
	json_error_t je;
	json_t *d = json_loads(doc, 0, &je);

	assert_non_null(d);
	return d;
}

static void
run_cases(const struct tcase *cases, size_t n)
{
	json_t *d = load_doc();

	for (size_t i = 0; i < n; i++) {
		struct pod_err *err = NULL;
		struct pod_strbuf out = POD_STRBUF_INIT;
		struct pod_template *t = pod_template_parse("x", cases[i].tmpl,
							    cases[i].raw ? POD_TEMPLATE_RAW : 0, &err);
		int r = t ? pod_template_exec(t, d, &out, &err) : -1;

		if (cases[i].err) {
			if (r == 0 || !err || !strstr(err->msg, cases[i].want))
				fail_msg("case %zu %s: want error containing \"%s\", got %s", i,
					 cases[i].tmpl, cases[i].want, err ? err->msg : out.buf);
			assert_int_equal(err->kind, POD_E_INVALID);
		} else {
			if (r < 0)
				fail_msg("case %zu %s: unexpected error %s", i, cases[i].tmpl,
					 err->msg);
			if (strcmp(out.buf, cases[i].want) != 0)
				fail_msg("case %zu %s: want \"%s\" got \"%s\"", i, cases[i].tmpl,
					 cases[i].want, out.buf);
		}
		pod_err_free(&err);
		pod_strbuf_release(&out);
		pod_template_free(t);
	}
	json_decref(d);
}

#define RUN(c) run_cases((c), sizeof(c) / sizeof((c)[0]))

static void
test_text_and_fields(void **state)
{
	static const struct tcase c[] = {
		{ "plain", "plain\n" },
		{ "{{.ID}}", "abc123\n" },
		{ "{{.State.Status}}/{{.State.Pid}}", "running/7\n" },
		{ "{{.Missing}}", "<no value>\n" },
		{ "{{.Missing.Deeper}}", "<no value>\n" },
		{ "{{.Nil}}", "<no value>\n" },
		{ "{{.Size}} {{.Ratio}} {{.Big}}", "42 1.5 1e+06\n" },
		{ "{{.Running}} {{.Stopped}}", "true false\n" },
		{ "{{.Names}}", "[web db]\n" },
		{ "{{.Labels}}", "map[app:nginx tier:front]\n" },
		{ "{{.Ports}}", "[map[ctr:80 host:8080] map[ctr:443 host:8443]]\n" },
		{ "{{.State}}", "map[Pid:7 Status:running]\n" },
		{ "{{.Empty}}{{.EmptyMap}}", "[]map[]\n" },
		{ "{{.Uni}}", "h\xc3\xa9llo\n" },
		/* Podman's normalisation */
		{ "{{.ID}}\\t{{.Size}}", "abc123\t42\n" },
		{ "a\\nb", "a\nb\n" },
		{ "{{.ID}}\n", "abc123\n" },
		{ "{{.ID -}}", "abc123" },
		{ "{{.ID}}", "abc123", false, true },
		{ "{{.ID}}\\t", "abc123\\t", false, true },
	};
	RUN(c);
}

/* Podman's Go field names find the json tags: case, then underscores ignored */
static void
test_go_field_names(void **state)
{
	static const struct {
		const char *tmpl, *want;
	} c[] = {
		{ "{{.CPUShares}}", "512" },
		{ "{{.CPUSetCPUs}}", "0-1" },
		{ "{{.InfraConfig.PidNS}}", "host" },
		{ "{{.cpu_shares}}", "512" },
		{ "{{.Exact}} {{.exact}}", "1 2" },
		{ "{{.CPUShare}}", "<no value>" },
		{ "{{.CPU_Shares_}}", "512" },
	};
	json_t *d = json_loads("{\"cpu_shares\":512,\"cpuset_cpus\":\"0-1\","
			       "\"InfraConfig\":{\"pid_ns\":\"host\"},\"Exact\":1,\"exact\":2}",
			       0, NULL);

	assert_non_null(d);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pod_err *err = NULL;
		struct pod_strbuf out = POD_STRBUF_INIT;
		struct pod_template *t = pod_template_parse("x", c[i].tmpl, POD_TEMPLATE_RAW, &err);

		assert_non_null(t);
		assert_int_equal(pod_template_exec(t, d, &out, &err), 0);
		if (strcmp(out.buf ? out.buf : "", c[i].want) != 0)
			fail_msg("%s: want \"%s\" got \"%s\"", c[i].tmpl, c[i].want, out.buf);
		pod_strbuf_release(&out);
		pod_template_free(t);
	}
	json_decref(d);
}

static void
test_trim_and_comments(void **state)
{
	static const struct tcase c[] = {
		{ "a  {{- .ID -}}  b", "aabc123b", false, true },
		{ "a \n {{- .ID}}", "aabc123", false, true },
		{ "{{.ID -}} \n\t x", "abc123x", false, true },
		{ "x{{/* a comment */}}y", "xy", false, true },
		{ "x {{- /* c */ -}} y", "xy", false, true },
		{ "{{-3}}", "-3", false, true },
		{ "{{- 3}}", "3", false, true },
	};
	RUN(c);
}

static void
test_dot_and_variables(void **state)
{
	static const struct tcase c[] = {
		{ "{{with .State}}{{.Pid}}{{end}}", "7", false, true },
		{ "{{$x := .ID}}{{$x}}", "abc123", false, true },
		{ "{{$x := 1}}{{$x = 2}}{{$x}}", "2", false, true },
		{ "{{with .State}}{{$.ID}}{{end}}", "abc123", false, true },
		{ "{{$s := .State}}{{$s.Status}}", "running", false, true },
		{ "{{range .Names}}{{.}}{{$.Size}},{{end}}", "web42,db42,", false, true },
	};
	/* {{.}} of the whole document: only check it starts like a map */
	json_t *d = load_doc();
	struct pod_err *err = NULL;
	struct pod_strbuf out = POD_STRBUF_INIT;
	struct pod_template *t = pod_template_parse("x", "{{.}}", POD_TEMPLATE_RAW, &err);

	assert_non_null(t);
	assert_int_equal(pod_template_exec(t, d, &out, &err), 0);
	assert_true(pod_str_has_prefix(out.buf, "map[Big:1e+06 Csv:a,b,c Empty:[] EmptyMap:map[]"));
	pod_template_free(t);
	pod_strbuf_release(&out);
	json_decref(d);
	RUN(c);
}

static void
test_range(void **state)
{
	static const struct tcase c[] = {
		{ "{{range .Names}}<{{.}}>{{end}}", "<web><db>", false, true },
		{ "{{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}", "0=web 1=db ", false, true },
		{ "{{range $e := .Names}}{{$e}}{{end}}", "webdb", false, true },
		{ "{{range .Empty}}x{{else}}none{{end}}", "none", false, true },
		{ "{{range .Missing}}x{{else}}none{{end}}", "none", false, true },
		{ "{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", "app=nginx;tier=front;", false,
		  true },
		{ "{{range .Ports}}{{.host}}->{{.ctr}} {{end}}", "8080->80 8443->443 ", false, true },
		{ "{{range .Names}}{{if eq . \"db\"}}{{break}}{{end}}{{.}}{{end}}", "web", false,
		  true },
		{ "{{range .Names}}{{if eq . \"web\"}}{{continue}}{{end}}{{.}}{{end}}", "db", false,
		  true },
		{ "{{range .Size}}x{{end}}", "range can't iterate over 42", true, true },
	};
	RUN(c);
}

static void
test_conditionals(void **state)
{
	static const struct tcase c[] = {
		{ "{{if .Running}}up{{else}}down{{end}}", "up", false, true },
		{ "{{if .Stopped}}up{{else}}down{{end}}", "down", false, true },
		{ "{{if .Missing}}a{{else if .Empty}}b{{else if .Size}}c{{else}}d{{end}}", "c", false,
		  true },
		{ "{{if .EmptyMap}}a{{end}}{{if .Nil}}b{{end}}{{if \"\"}}c{{end}}{{if 0}}d{{end}}", "",
		  false, true },
		{ "{{with .Missing}}a{{else}}b{{end}}", "b", false, true },
		{ "{{with $x := .Size}}{{$x}}{{end}}", "42", false, true },
	};
	RUN(c);
}

static void
test_functions(void **state)
{
	static const struct tcase c[] = {
		{ "{{json .State}}", "{\"Status\":\"running\",\"Pid\":7}", false, true },
		{ "{{json .Labels}}", "{\"app\":\"nginx\",\"tier\":\"front\"}", false, true },
		{ "{{json .Names}} {{json .Missing}} {{json .Html}}", "[\"web\",\"db\"] null \"<a&b>\"",
		  false, true },
		{ "{{json .Ratio}} {{json .Big}}", "1.5 1000000", false, true },
		{ "{{index .Labels \"app\"}} {{index .Names 1}} {{index .Ports 1 \"host\"}}",
		  "nginx db 8443", false, true },
		{ "{{index .Labels \"nope\"}}", "<no value>", false, true },
		{ "{{index .Names 5}}", "error calling index: index out of range: 5", true, true },
		{ "{{join .Names \",\"}}", "web,db", false, true },
		{ "{{lower .Mixed}}|{{upper .Mixed}}|{{title \"hello big-world\"}}",
		  "hello world|HELLO WORLD|Hello Big-World", false, true },
		{ "{{truncate .ID 3}} {{truncate .ID 99}}", "abc abc123", false, true },
		{ "[{{pad .ID 2 1}}][{{pad \"\" 2 1}}]", "[  abc123 ][]", false, true },
		{ "{{split .Csv \",\"}} {{len (split .Csv \",\")}}", "[a b c] 3", false, true },
		{ "{{len .Names}} {{len .Labels}} {{len .ID}}", "2 2 6", false, true },
		{ "{{.Names | join \"-\" | upper}}", "can't handle \"-\" for arg of type []string", true,
		  true },
		{ "{{join .Names \"-\" | upper}}", "WEB-DB", false, true },
		{ "{{.ID | printf \"%s!\"}}", "abc123!", false, true },
		{ "{{(index .Ports 0).host}}", "8080", false, true },
		{ "{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3", false, true },
		{ "{{println .ID 1}}", "abc123 1\n", false, true },
		{ "{{not .Running}} {{not .Empty}}", "false true", false, true },
		{ "{{and .Running .Size}} {{and .Stopped .Size}} {{or .Stopped .ID}} {{or 0 \"\"}}",
		  "42 false abc123 ", false, true },
		{ "{{and .Stopped (index .Names 9)}}", "false", false, true },
	};
	RUN(c);
}

static void
test_comparisons(void **state)
{
	static const struct tcase c[] = {
		{ "{{eq .ID \"abc123\"}} {{eq .Size 42}} {{eq .Size 1 2 42}} {{eq .Running true}}",
		  "true true true true", false, true },
		{ "{{ne .ID \"x\"}} {{ne .Size 42}}", "true false", false, true },
		{ "{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 2 3}} {{lt \"a\" \"b\"}} {{lt .Ratio 2}}",
		  "true true false false true true", false, true },
		{ "{{eq .Missing \"x\"}}", "false", false, true },
		{ "{{eq .ID 1}}", "error calling eq: incompatible types for comparison", true, true },
		{ "{{lt .Running true}}", "error calling lt: invalid type for comparison", true, true },
		{ "{{eq .Names .Names}}", "non-comparable type", true, true },
	};
	RUN(c);
}

static void
test_printf(void **state)
{
	static const struct tcase c[] = {
		{ "{{printf \"%s-%d\" .ID .Size}}", "abc123-42", false, true },
		{ "{{printf \"%v|%q|%x|%5s|%-8s|%t\" .Name .Name .Name .Name .Name .Running}}",
		  "web|\"web\"|776562|  web|web     |true", false, true },
		{ "{{printf \"%05d|%+d|%x|%X|%o|%b|%c|%U\" 42 42 255 255 8 5 65 65}}",
		  "00042|+42|ff|FF|10|101|A|U+0041", false, true },
		{ "{{printf \"%.2f|%e|%g|%v|%8.3f|\" .Ratio .Ratio .Ratio .Big .Ratio}}",
		  "1.50|1.500000e+00|1.5|1e+06|   1.500|", false, true },
		{ "{{printf \"%.3s|%q\" .Uni .Uni}}", "h\xc3\xa9l|\"h\xc3\xa9llo\"", false, true },
		{ "{{printf \"%d\" .ID}}", "%!d(string=abc123)", false, true },
		{ "{{printf \"%s\" .Size}}", "%!s(int=42)", false, true },
		{ "{{printf \"%s %s\" .ID}}", "abc123 %!s(MISSING)", false, true },
		{ "{{printf \"%s\" .ID .Size}}", "abc123%!(EXTRA int=42)", false, true },
		{ "{{printf \"%s\" .Missing}}", "%!s(<nil>)", false, true },
		{ "{{printf \"%v %s\" .Names .Names}}", "[web db] [web db]", false, true },
		{ "{{printf \"100%%\"}}", "100%", false, true },
		{ "{{printf \"%\"}}", "%!(NOVERB)", false, true },
		{ "{{printf \"%z\" 1}}", "%!z(int=1)", false, true },
	};
	RUN(c);
}

static void
test_literals(void **state)
{
	static const struct tcase c[] = {
		{ "{{\"a\\tb\\u00e9\"}}|{{`raw\\n`}}|{{'a'}}|{{0x1F}}|{{1_000}}|{{1.0}}|{{1e3}}|{{true}}",
		  "a\tb\xc3\xa9|raw\\n|97|31|1000|1|1000|true", false, true },
		{ "{{printf \"%T %T %T\" 1 1.5 \"s\"}}", "int float64 string", false, true },
		{ "{{(\"x\")}}", "x", false, true },
	};
	RUN(c);
}

static void
test_errors(void **state)
{
	static const struct tcase c[] = {
		{ "{{.ID", "template: x:1: unclosed action", true, true },
		/* Podman appends a newline: the action is still open on line 2 */
		{ "{{.ID", "template: x:1: unclosed action", true },
		{ "{{foo}}", "template: x:1: function \"foo\" not defined", true },
		{ "{{.ID }", "template: x:1: unexpected \"}\" in operand", true },
		{ "{{.ID}", "template: x:1: bad character U+007D '}'", true },
		{ "{{.ID | 3}}", "template: x:1: non executable command in pipeline stage 2", true },
		{ "{{if .ID}}x", "template: x:1: unexpected EOF", true, true },
		{ "x{{end}}", "template: x:1: unexpected {{end}}", true },
		{ "{{else}}", "template: x:1: unexpected {{else}}", true },
		{ "{{$x}}", "template: x:1: undefined variable \"$x\"", true },
		{ "{{}}", "template: x:1: missing value for command", true },
		{ "{{if}}{{end}}", "template: x:1: missing value for if", true },
		{ "{{break}}", "template: x:1: {{break}} outside {{range}}", true },
		{ "{{/* x", "template: x:1: unclosed comment", true },
		{ "{{\"abc}}", "template: x:1: unterminated quoted string", true },
		{ "{{(.ID}}", "template: x:1: unclosed left paren", true },
		{ "{{.ID)}}", "template: x:1: unexpected right paren", true },
		{ "{{template \"x\"}}", "not supported", true },
		{ "a\nb\n{{.ID | }", "template: x:3: unexpected \"}\" in command", true },
		/* execution errors, with Podman's column on line 1 */
		{ "{{.ID.Foo}}", "template: x:1:13: executing \"x\" at <.ID.Foo>: can't evaluate field "
				 "Foo in type string", true },
		{ "{{.Nil.Foo}}", "at <.Nil.Foo>: nil pointer evaluating interface {}.Foo", true },
		{ "{{.Labels 1}}", "at <.Labels>: Labels is not a method but has arguments", true },
		{ "{{upper .Size}}", "template: x:1:19: executing \"x\" at <.Size>: wrong type for "
				     "value; expected string; got int", true },
		{ "{{upper .Missing}}", "invalid value; expected string", true },
		/* piped values are checked like the others */
		{ "{{.Size | upper}}", "at <upper>: wrong type for value; expected string; got int", true },
		{ "{{.Missing | upper}}", "invalid value; expected string", true },
		{ "{{.ID | truncate 2}}", "expected string; found 2", true },
		{ "{{2 | truncate .ID}}", "ab\n" },
		{ "{{.Size | printf \"%d\"}}", "42\n" },
		{ "{{upper .Names}}", "expected string; got []string", true },
		{ "{{truncate .ID \"x\"}}", "expected integer; found \"x\"", true },
		{ "{{upper}}", "wrong number of args for upper: want 1 got 0", true },
		{ "{{len .Size}}", "error calling len: len of type int", true },
		{ "{{\"x\" 1}}", "can't give argument to non-function \"x\"", true },
		{ "{{.ID.Foo}}", "template: x:1:2: executing \"x\" at <.ID.Foo>", true, true },
		{ "a\n  {{.ID.Foo}}", "template: x:2:4: executing", true, true },
	};
	RUN(c);
}

static void
test_limits(void **state)
{
	json_t *d = json_pack("{s:[iiiiiiiiii]}", "L", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
	struct pod_err *err = NULL;
	struct pod_strbuf out = POD_STRBUF_INIT;
	struct pod_strbuf src = POD_STRBUF_INIT;
	struct pod_template *t;

	/* ten nested ranges over ten elements: 10^10 iterations */
	for (int i = 0; i < 10; i++)
		pod_strbuf_adds(&src, "{{range $.L}}");
	pod_strbuf_adds(&src, "x");
	for (int i = 0; i < 10; i++)
		pod_strbuf_adds(&src, "{{end}}");
	t = pod_template_parse("x", src.buf, POD_TEMPLATE_RAW, &err);
	assert_non_null(t);
	assert_int_equal(pod_template_exec(t, d, &out, &err), -1);
	assert_non_null(strstr(err->msg, "steps"));
	pod_err_free(&err);
	pod_template_free(t);

	/* doubling a string runs into the size bound, not out of memory */
	t = pod_template_parse("x",
			       "{{$x := \"0123456789abcdef\"}}{{range $.L}}{{range $.L}}"
			       "{{$x = printf \"%s%s\" $x $x}}{{end}}{{end}}{{$x}}",
			       POD_TEMPLATE_RAW, &err);
	assert_non_null(t);
	pod_strbuf_reset(&out);
	assert_int_equal(pod_template_exec(t, d, &out, &err), -1);
	assert_non_null(strstr(err->msg, "larger than"));
	assert_true(out.len <= POD_TEMPLATE_MAX_OUTPUT + 1);
	pod_err_free(&err);
	pod_template_free(t);

	/* deep nesting is refused at parse time */
	pod_strbuf_reset(&src);
	for (int i = 0; i < 500; i++)
		pod_strbuf_adds(&src, "{{if 1}}");
	t = pod_template_parse("x", src.buf, POD_TEMPLATE_RAW, &err);
	assert_null(t);
	assert_non_null(strstr(err->msg, "nesting"));
	pod_err_free(&err);
	pod_strbuf_reset(&src);
	pod_strbuf_adds(&src, "{{");
	for (int i = 0; i < 500; i++)
		pod_strbuf_addch(&src, '(');
	pod_strbuf_addch(&src, '1');
	for (int i = 0; i < 500; i++)
		pod_strbuf_addch(&src, ')');
	pod_strbuf_adds(&src, "}}");
	t = pod_template_parse("x", src.buf, POD_TEMPLATE_RAW, &err);
	assert_null(t);
	assert_non_null(strstr(err->msg, "nesting"));
	pod_err_free(&err);

	pod_strbuf_release(&src);
	pod_strbuf_release(&out);
	json_decref(d);
}

struct hcase {
	const char *tmpl;
	const char *want;
};

static void
test_header(void **state)
{
	static const struct hcase c[] = {
		{ "table {{.ID}}\\t{{.Names}}", "CONTAINER ID\tNAMES\n" },
		{ "table {{.ID}} {{.CreatedAt}}", "CONTAINER ID\tCREATED AT\n" },
		{ "table {{.RepoTags}}\\t{{.Size}}", "REPO TAGS\tSIZE\n" },
		{ "table {{.Names | upper}}\\t{{json .Labels}}", "NAMES\tLABELS\n" },
		{ "table {{.ID}}\\t{{.State.Status}}\\t{{index .Labels \"a\"}}",
		  "CONTAINER ID\tSTATE\tLABELS\n" },
		{ "table {{join .Names \",\"}}\\t{{truncate .ID 3}}", "NAMES\tCONTAINER ID\n" },
		{ "table {{printf \"%-8s\" .ID}}|", "CONTAINER ID|\n" },
		{ "table {{range .Mounts}}{{.}}{{end}}", "MOUNTS\n" },
		{ "table {{.IPv4}} {{.HTMLParser}} {{.Foo_Bar}}", "I PV 4\tHTML PARSER\tFOO _ BAR\n" },
	};
	json_t *h = json_pack("{s:s,s:s}", "ID", "CONTAINER ID", "Names", "NAMES");

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct pod_err *err = NULL;
		struct pod_strbuf out = POD_STRBUF_INIT;
		struct pod_template *t = pod_template_parse("ps", c[i].tmpl, 0, &err);

		assert_non_null(t);
		assert_true(pod_template_is_table(t));
		if (pod_template_exec_header(t, h, &out, &err) < 0)
			fail_msg("%s: %s", c[i].tmpl, err->msg);
		if (strcmp(out.buf, c[i].want) != 0)
			fail_msg("%s: want \"%s\" got \"%s\"", c[i].tmpl, c[i].want, out.buf);
		pod_strbuf_release(&out);
		pod_template_free(t);
	}
	json_decref(h);
}

static void
test_default_header(void **state)
{
	static const char *const c[][2] = {
		{ "CreatedAt", "CREATED AT" }, { "ID", "ID" },	      { "RepoTags", "REPO TAGS" },
		{ "FieldA", "FIELD A" },	     { "Fieldb", "FIELDB" }, { "fieldC", "FIELD C" },
		{ "HTMLParser", "HTML PARSER" }, { "IPv4", "I PV 4" }, { "", "" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		char *h = pod_template_default_header(c[i][0]);

		assert_string_equal(h, c[i][1]);
		free(h);
	}
}

static void
test_predicates(void **state)
{
	struct pod_err *err = NULL;
	struct pod_template *t;

	t = pod_template_parse("ps", "table {{.ID}}", 0, &err);
	assert_true(pod_template_is_table(t));
	assert_true(pod_template_ends_with_newline(t));
	assert_false(pod_template_ranges_over_list(t));
	pod_template_free(t);
	t = pod_template_parse("ps", "table{{.ID}}", 0, &err);
	assert_false(pod_template_is_table(t));
	pod_template_free(t);
	t = pod_template_parse("ps", "{{range . }}{{.ID}}{{end -}}", 0, &err);
	assert_true(pod_template_ranges_over_list(t));
	pod_template_free(t);
	t = pod_template_parse("ps", "{{range .Names}}{{.}}{{end}}", 0, &err);
	assert_false(pod_template_ranges_over_list(t));
	pod_template_free(t);
	t = pod_template_parse("ps", "{{.ID}}", POD_TEMPLATE_RAW, &err);
	assert_false(pod_template_ends_with_newline(t));
	pod_template_free(t);
	assert_null(err);
}

/*
 * Data-driven cases: tests/unit/data/template/{valid,invalid}/NAME holds
 * input (the template; one trailing newline of the file is dropped),
 * data.json (dot; {} when absent), expected (exact output) or error (a
 * substring of the message), and optionally mode: "raw" parses with
 * POD_TEMPLATE_RAW, "header" renders the header row with data.json as the
 * titles. POD_TEST_DATA overrides the data directory.
 */

static char *
slurp(const char *dir, const char *name, size_t *ret_len)
{
	char path[4096];
	FILE *f;
	char *buf;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	buf = calloc(1, 1 << 20);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (ret_len)
		*ret_len = n;
	return buf;
}

static void
data_dir(char *buf, size_t size, const char *sub)
{
	char file[] = __FILE__;
	const char *env = getenv("POD_TEST_DATA");

	if (env)
		snprintf(buf, size, "%s/template/%s", env, sub);
	else
		snprintf(buf, size, "%s/data/template/%s", dirname(file), sub);
}

static int
run_data_case(const char *dir, bool valid)
{
	size_t len;
	char *input = slurp(dir, "input", &len);
	char *data = slurp(dir, "data.json", NULL);
	char *want = slurp(dir, valid ? "expected" : "error", NULL);
	char *mode = slurp(dir, "mode", NULL);
	struct pod_err *err = NULL;
	struct pod_strbuf out = POD_STRBUF_INIT;
	json_error_t je;
	json_t *d;
	struct pod_template *t;
	bool header = mode && strstr(mode, "header");
	int r, failed = 0;

	assert_non_null(input);
	assert_non_null(want);
	/* one trailing newline of the file is not part of the template */
	if (len && input[len - 1] == '\n')
		input[len - 1] = '\0';
	d = data ? json_loads(data, JSON_DECODE_ANY, &je) : json_object();
	assert_non_null(d);
	t = pod_template_parse("x", input, mode && strstr(mode, "raw") ? POD_TEMPLATE_RAW : 0, &err);
	r = !t ? -1
	       : header ? pod_template_exec_header(t, d, &out, &err)
			: pod_template_exec(t, d, &out, &err);
	if (valid) {
		if (r < 0 || strcmp(out.buf, want) != 0) {
			print_error("%s: want \"%s\" got \"%s\" %s\n", dir, want, out.buf,
				    err ? err->msg : "");
			failed = 1;
		}
	} else {
		want[strcspn(want, "\n")] = '\0';
		if (r == 0 || !strstr(err->msg, want)) {
			print_error("%s: want error \"%s\" got \"%s\"\n", dir, want,
				    err ? err->msg : out.buf);
			failed = 1;
		}
	}
	pod_err_free(&err);
	pod_strbuf_release(&out);
	pod_template_free(t);
	json_decref(d);
	free(input);
	free(data);
	free(want);
	free(mode);
	return failed;
}

static void
run_data(bool valid)
{
	char dir[4096], sub[8192];
	DIR *dp;
	struct dirent *de;
	int failed = 0, count = 0;

	data_dir(dir, sizeof(dir), valid ? "valid" : "invalid");
	dp = opendir(dir);
	if (!dp)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		failed += run_data_case(sub, valid);
		count++;
	}
	closedir(dp);
	assert_true(count > 0);
	assert_int_equal(failed, 0);
}

static void
test_data_valid(void **state)
{
	run_data(true);
}

static void
test_data_invalid(void **state)
{
	run_data(false);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_and_fields),
		cmocka_unit_test(test_go_field_names),
		cmocka_unit_test(test_trim_and_comments),
		cmocka_unit_test(test_dot_and_variables),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_conditionals),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_comparisons),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_default_header),
		cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_data_valid),
		cmocka_unit_test(test_data_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
