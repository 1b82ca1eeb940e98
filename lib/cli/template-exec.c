/*
 * template-exec.c - executing a parsed template over jansson values with
 * Go's text/template semantics (see template.h).
 *
 * Values are json_t references; NULL stands for Go's invalid reflect.Value
 * (a missing map key), a JSON null for a nil interface{}. Like Go, the
 * result of every pipeline stage "digs" a nil interface to invalid, which
 * is why both print "<no value>".
 */
#include "cli/internal.h"
#include "cli/template.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>

struct tvar {
	const char *name;
	json_t *value;
};

enum tflow { FLOW_NONE, FLOW_BREAK, FLOW_CONTINUE };

enum tat { AT_NONE, AT_ARG, AT_CMD, AT_PIPE };

struct texec {
	const struct pod_template *t;
	struct pod_strbuf *out;
	size_t out_start;
	struct tvar *vars;
	size_t nvars, vars_cap;
	bool header;
	json_t *header_root;
	uint64_t steps;
	enum tat at_kind;
	const void *at;
	size_t at_pos;
	enum tflow flow;
	struct pod_err **err;
	char *fn_err; /* set by a function that fails */
};

static void
at_arg(struct texec *s, const struct targ *a)
{
	s->at_kind = AT_ARG;
	s->at = a;
	s->at_pos = a->pos;
}

static void
at_cmd(struct texec *s, const struct tcmd *c)
{
	s->at_kind = AT_CMD;
	s->at = c;
	s->at_pos = c->pos;
}

static void
at_pipe(struct texec *s, const struct tpipe *p)
{
	s->at_kind = AT_PIPE;
	s->at = p;
	s->at_pos = p->pos;
}

static int exec_fail(struct texec *s, const char *fmt, ...) POD_PRINTF(2, 3);

static int
exec_fail(struct texec *s, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	cleanup_strbuf struct pod_strbuf ctx = POD_STRBUF_INIT;
	va_list ap;
	size_t line = 1, col, i, bol = 0;

	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	if (s->at_kind == AT_NONE)
		return pod_err_set(s->err, POD_E_INVALID, 0, "template: %s: %s", s->t->name, msg);
	for (i = 0; i < s->at_pos && i < s->t->len; i++) {
		if (s->t->text[i] == '\n') {
			line++;
			bol = i + 1;
		}
	}
	col = s->at_pos - bol + (line == 1 ? s->t->col_bias : 0);
	switch (s->at_kind) {
	case AT_ARG:
		pod_targ_string(&ctx, s->at);
		break;
	case AT_CMD:
		pod_tcmd_string(&ctx, s->at);
		break;
	case AT_PIPE:
		pod_tpipe_string(&ctx, s->at);
		break;
	case AT_NONE:
		break;
	}
	return pod_err_set(s->err, POD_E_INVALID, 0, "template: %s:%zu:%zu: executing \"%s\" at <%s>: %s",
			   s->t->name, line, col, s->t->name, ctx.buf, msg);
}

static int
check_output(struct texec *s)
{
	if (s->out->len - s->out_start > POD_TEMPLATE_MAX_OUTPUT) {
		s->at_kind = AT_NONE;
		return exec_fail(s, "executing \"%s\": output larger than %u bytes", s->t->name,
				 POD_TEMPLATE_MAX_OUTPUT);
	}
	return 0;
}

static int
step(struct texec *s)
{
	if (++s->steps > POD_TEMPLATE_MAX_STEPS) {
		s->at_kind = AT_NONE;
		return exec_fail(s, "executing \"%s\": more than %d steps", s->t->name,
				 POD_TEMPLATE_MAX_STEPS);
	}
	return 0;
}

static json_t *
ref(json_t *v)
{
	return v ? json_incref(v) : NULL;
}

static void
unref(json_t *v)
{
	if (v)
		json_decref(v);
}

/* ---- Go's view of JSON values ---- */

static bool
all_strings(const json_t *v)
{
	size_t i;
	const char *k;
	json_t *m;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (!json_is_string(json_array_get(v, i)))
				return false;
		return true;
	}
	json_object_foreach((json_t *) v, k, m) {
		if (!json_is_string(m))
			return false;
	}
	return true;
}

/* the Go type the value would have in Podman's data */
static const char *
go_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "int";
	case JSON_REAL:
		return "float64";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	case JSON_ARRAY:
		return json_array_size(v) && all_strings(v) ? "[]string" : "[]interface {}";
	case JSON_OBJECT:
		return json_object_size(v) && all_strings(v) ? "map[string]string"
							      : "map[string]interface {}";
	case JSON_NULL:
		break;
	}
	return "interface {}";
}

static bool
go_truth(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	default:
		return false;
	}
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* object keys in Go's map order (sorted bytewise); free the array only */
static const char **
sorted_keys(const json_t *o, size_t *ret_n)
{
	size_t n = json_object_size(o), i = 0;
	const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
	const char *k;
	json_t *m;

	json_object_foreach((json_t *) o, k, m) {
		(void) m;
		keys[i++] = k;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	*ret_n = n;
	return keys;
}

/* fmt's %v */
static void
print_value(struct pod_strbuf *sb, const json_t *v)
{
	size_t i, n;

	if (!v) {
		pod_strbuf_adds(sb, "<nil>");
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		pod_strbuf_add(sb, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		pod_strbuf_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		pod_go_format_float(sb, json_real_value(v), 'g', -1);
		break;
	case JSON_TRUE:
		pod_strbuf_adds(sb, "true");
		break;
	case JSON_FALSE:
		pod_strbuf_adds(sb, "false");
		break;
	case JSON_NULL:
		pod_strbuf_adds(sb, "<nil>");
		break;
	case JSON_ARRAY:
		pod_strbuf_addch(sb, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				pod_strbuf_addch(sb, ' ');
			print_value(sb, json_array_get(v, i));
		}
		pod_strbuf_addch(sb, ']');
		break;
	case JSON_OBJECT: {
		cleanup_free const char **keys = sorted_keys(v, &n);

		pod_strbuf_adds(sb, "map[");
		for (i = 0; i < n; i++) {
			if (i)
				pod_strbuf_addch(sb, ' ');
			pod_strbuf_adds(sb, keys[i]);
			pod_strbuf_addch(sb, ':');
			print_value(sb, json_object_get(v, keys[i]));
		}
		pod_strbuf_addch(sb, ']');
		break;
	}
	}
}

/* ---- Go fmt verbs for printf ---- */

struct fspec {
	bool minus, plus, sharp, space, zero;
	bool wid_present, prec_present;
	int wid, prec;
};

static void
pad_out(struct pod_strbuf *sb, const struct fspec *f, const char *text, size_t len, bool zero_ok)
{
	size_t runes = pod_utf8_count(text, len), n;
	char c = f->zero && zero_ok ? '0' : ' ';

	if (!f->wid_present || (size_t) f->wid <= runes) {
		pod_strbuf_add(sb, text, len);
		return;
	}
	n = (size_t) f->wid - runes;
	if (f->minus) {
		pod_strbuf_add(sb, text, len);
		while (n--)
			pod_strbuf_addch(sb, ' ');
		return;
	}
	while (n--)
		pod_strbuf_addch(sb, c);
	pod_strbuf_add(sb, text, len);
}

static void print_verb(struct pod_strbuf *sb, const json_t *v, int verb, const struct fspec *f);

static void
bad_verb(struct pod_strbuf *sb, const json_t *v, int verb)
{
	pod_strbuf_adds(sb, "%!");
	pod_utf8_append(sb, verb);
	pod_strbuf_addch(sb, '(');
	if (!v || json_is_null(v)) {
		pod_strbuf_adds(sb, "<nil>");
	} else {
		pod_strbuf_adds(sb, go_type(v));
		pod_strbuf_addch(sb, '=');
		print_value(sb, v);
	}
	pod_strbuf_addch(sb, ')');
}

static void
fmt_integer(struct pod_strbuf *sb, int64_t iv, int verb, const struct fspec *f)
{
	cleanup_strbuf struct pod_strbuf num = POD_STRBUF_INIT;
	cleanup_strbuf struct pod_strbuf digits = POD_STRBUF_INIT;
	bool neg = iv < 0;
	uint64_t u = neg ? (uint64_t) 0 - (uint64_t) iv : (uint64_t) iv;
	int base = 10;
	const char *set = "0123456789abcdefx";
	int prec = f->prec_present ? f->prec : 1;
	struct fspec g = *f;

	switch (verb) {
	case 'b': base = 2; break;
	case 'o': case 'O': base = 8; break;
	case 'x': base = 16; break;
	case 'X': base = 16; set = "0123456789ABCDEFX"; break;
	default: break;
	}
	if (g.zero && g.wid_present && !g.minus && !g.prec_present) {
		prec = g.wid;
		if (neg || g.plus || g.space)
			prec--;
	}
	if (!(u == 0 && f->prec_present && f->prec == 0)) {
		char tmp[70];
		int n = 0;

		do {
			tmp[n++] = set[u % (uint64_t) base];
			u /= (uint64_t) base;
		} while (u);
		while (n < prec && n < (int) sizeof(tmp))
			tmp[n++] = '0';
		if (f->sharp) {
			if (base == 8 && tmp[n - 1] != '0')
				tmp[n++] = '0';
			else if (base == 16) {
				tmp[n++] = set[16];
				tmp[n++] = '0';
			} else if (base == 2) {
				tmp[n++] = 'b';
				tmp[n++] = '0';
			}
		}
		if (verb == 'O') {
			tmp[n++] = 'o';
			tmp[n++] = '0';
		}
		while (n > 0)
			pod_strbuf_addch(&digits, tmp[--n]);
	}
	if (neg)
		pod_strbuf_addch(&num, '-');
	else if (f->plus)
		pod_strbuf_addch(&num, '+');
	else if (f->space)
		pod_strbuf_addch(&num, ' ');
	pod_strbuf_add(&num, digits.buf, digits.len);
	g.zero = false;
	pad_out(sb, &g, num.buf, num.len, false);
}

static void
fmt_float(struct pod_strbuf *sb, double d, int verb, const struct fspec *f)
{
	cleanup_strbuf struct pod_strbuf num = POD_STRBUF_INIT;
	int prec = f->prec_present ? f->prec : -1;
	char fc = (char) verb;
	struct fspec g = *f;

	switch (verb) {
	case 'v':
		fc = 'g';
		break;
	case 'F':
	case 'f':
		fc = 'f';
		if (prec < 0)
			prec = 6;
		break;
	case 'e':
	case 'E':
		if (prec < 0)
			prec = 6;
		break;
	case 'b':
	case 'x':
	case 'X':
		fc = verb == 'X' ? 'A' : 'a';
		break;
	default:
		break;
	}
	/* like Go's fmt: a sign slot first, then the number */
	pod_strbuf_addch(&num, '+');
	pod_go_format_float(&num, d, fc, prec);
	char *b = num.buf;
	size_t len = num.len;

	if (b[1] == '-' || b[1] == '+') {
		b++;
		len--;
	}
	if (f->space && b[0] == '+' && !f->plus)
		b[0] = ' ';
	if (b[1] == 'I' || b[1] == 'N') {
		if (b[1] == 'N' && !f->space && !f->plus) {
			b++;
			len--;
		}
		pad_out(sb, f, b, len, false);
		return;
	}
	if (f->plus || b[0] != '+') {
		if (f->zero && f->wid_present && (size_t) f->wid > len) {
			pod_strbuf_addch(sb, b[0]);
			for (size_t i = len; i < (size_t) f->wid; i++)
				pod_strbuf_addch(sb, '0');
			pod_strbuf_add(sb, b + 1, len - 1);
			return;
		}
		pad_out(sb, f, b, len, true);
		return;
	}
	g.zero = f->zero && !f->minus;
	pad_out(sb, &g, b + 1, len - 1, true);
}

static void
fmt_string(struct pod_strbuf *sb, const char *s, size_t len, int verb, const struct fspec *f)
{
	cleanup_strbuf struct pod_strbuf tmp = POD_STRBUF_INIT;
	static const char hex[] = "0123456789abcdef", HEX[] = "0123456789ABCDEF";
	size_t i, sz;

	if (f->prec_present && (verb == 's' || verb == 'v' || verb == 'q')) {
		size_t n = 0;

		for (i = 0; i < len && n < (size_t) f->prec; n++) {
			pod_utf8_decode(s + i, len - i, &sz);
			i += sz;
		}
		len = i;
	}
	switch (verb) {
	case 's':
	case 'v':
		pad_out(sb, f, s, len, true);
		return;
	case 'q':
		if (f->sharp && !memchr(s, '`', len) && !memchr(s, '\n', len)) {
			pod_strbuf_addch(&tmp, '`');
			pod_strbuf_add(&tmp, s, len);
			pod_strbuf_addch(&tmp, '`');
		} else {
			pod_go_quote(&tmp, s, len, f->plus);
		}
		break;
	default: { /* x, X */
		const char *digits = verb == 'X' ? HEX : hex;

		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char) s[i];

			if (f->space && i > 0)
				pod_strbuf_addch(&tmp, ' ');
			if (f->sharp && (f->space || i == 0))
				pod_strbuf_adds(&tmp, verb == 'X' ? "0X" : "0x");
			pod_strbuf_addch(&tmp, digits[c >> 4]);
			pod_strbuf_addch(&tmp, digits[c & 0xF]);
		}
		break;
	}
	}
	pad_out(sb, f, tmp.buf, tmp.len, true);
}

static void
print_verb(struct pod_strbuf *sb, const json_t *v, int verb, const struct fspec *f)
{
	size_t i, n;

	if (!v || json_is_null(v)) {
		if (verb == 'v')
			pad_out(sb, f, "<nil>", 5, true);
		else
			bad_verb(sb, v, verb);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (strchr("vsxXq", verb))
			fmt_string(sb, json_string_value(v), json_string_length(v), verb, f);
		else
			bad_verb(sb, v, verb);
		break;
	case JSON_INTEGER: {
		int64_t iv = json_integer_value(v);

		if (strchr("vdboOxX", verb)) {
			fmt_integer(sb, iv, verb == 'v' ? 'd' : verb, f);
		} else if (verb == 'c' || verb == 'q' || verb == 'U') {
			cleanup_strbuf struct pod_strbuf tmp = POD_STRBUF_INIT;
			int32_t r = iv < 0 || iv > 0x10FFFF ? POD_RUNE_ERROR : (int32_t) iv;

			if (verb == 'c') {
				pod_utf8_append(&tmp, r);
			} else if (verb == 'q') {
				pod_go_quote_rune(&tmp, r);
			} else {
				pod_strbuf_addf(&tmp, "U+%04" PRIX64, (uint64_t) iv);
				if (f->sharp) {
					pod_strbuf_adds(&tmp, " '");
					pod_utf8_append(&tmp, r);
					pod_strbuf_addch(&tmp, '\'');
				}
			}
			pad_out(sb, f, tmp.buf, tmp.len, false);
		} else {
			bad_verb(sb, v, verb);
		}
		break;
	}
	case JSON_REAL:
		if (strchr("vbgGxXfFeE", verb))
			fmt_float(sb, json_real_value(v), verb, f);
		else
			bad_verb(sb, v, verb);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		if (verb == 't' || verb == 'v')
			pad_out(sb, f, json_is_true(v) ? "true" : "false", json_is_true(v) ? 4 : 5,
				true);
		else
			bad_verb(sb, v, verb);
		break;
	case JSON_ARRAY:
		pod_strbuf_addch(sb, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				pod_strbuf_addch(sb, ' ');
			print_verb(sb, json_array_get(v, i), verb, f);
		}
		pod_strbuf_addch(sb, ']');
		break;
	case JSON_OBJECT: {
		cleanup_free const char **keys = sorted_keys(v, &n);

		pod_strbuf_adds(sb, "map[");
		for (i = 0; i < n; i++) {
			json_t *k = json_string(keys[i]);

			if (i)
				pod_strbuf_addch(sb, ' ');
			print_verb(sb, k, verb, f);
			json_decref(k);
			pod_strbuf_addch(sb, ':');
			print_verb(sb, json_object_get(v, keys[i]), verb, f);
		}
		pod_strbuf_addch(sb, ']');
		break;
	}
	case JSON_NULL:
		break;
	}
}

static bool
parse_num(const char *s, size_t *i, size_t end, int *ret)
{
	long n = 0;
	bool any = false;

	while (*i < end && s[*i] >= '0' && s[*i] <= '9') {
		n = n * 10 + (s[*i] - '0');
		if (n > 1000000)
			return false; /* Go's tooLarge */
		(*i)++;
		any = true;
	}
	*ret = (int) n;
	return any;
}

/* fmt.Sprintf with Go's verbs and its %!x(...) error forms */
static void
go_sprintf(struct pod_strbuf *sb, const char *fmt, size_t flen, json_t **args, size_t nargs)
{
	size_t i = 0, argn = 0, sz;

	while (i < flen) {
		struct fspec f = { 0 };
		size_t lit = i;

		while (i < flen && fmt[i] != '%')
			i++;
		pod_strbuf_add(sb, fmt + lit, i - lit);
		if (i >= flen)
			break;
		i++;
		for (; i < flen; i++) {
			char c = fmt[i];

			if (c == '#')
				f.sharp = true;
			else if (c == '0')
				f.zero = !f.minus;
			else if (c == '+')
				f.plus = true;
			else if (c == '-')
				f.minus = true, f.zero = false;
			else if (c == ' ')
				f.space = true;
			else
				break;
		}
		if (i < flen && fmt[i] == '*') {
			i++;
			if (argn < nargs && json_is_integer(args[argn]) &&
			    llabs(json_integer_value(args[argn])) <= 1000000) {
				f.wid = (int) json_integer_value(args[argn]);
				f.wid_present = true;
				if (f.wid < 0) {
					f.minus = true;
					f.zero = false;
					f.wid = -f.wid;
				}
			} else {
				pod_strbuf_adds(sb, "%!(BADWIDTH)");
			}
			argn++;
		} else {
			size_t save = i;

			if (!parse_num(fmt, &i, flen, &f.wid)) {
				if (i != save) { /* too large: Go gives up on the verb */
					pod_strbuf_adds(sb, "%!(NOVERB)");
					return;
				}
			} else {
				f.wid_present = true;
			}
		}
		if (i < flen && fmt[i] == '.') {
			i++;
			f.prec_present = true;
			if (i < flen && fmt[i] == '*') {
				i++;
				if (argn < nargs && json_is_integer(args[argn]) &&
				    json_integer_value(args[argn]) >= 0 &&
				    json_integer_value(args[argn]) <= 1000000) {
					f.prec = (int) json_integer_value(args[argn]);
				} else {
					f.prec_present = false;
					pod_strbuf_adds(sb, "%!(BADPREC)");
				}
				argn++;
			} else {
				size_t save = i;

				if (!parse_num(fmt, &i, flen, &f.prec) && i != save) {
					pod_strbuf_adds(sb, "%!(NOVERB)");
					return;
				}
			}
		}
		if (i >= flen) {
			pod_strbuf_adds(sb, "%!(NOVERB)");
			break;
		}
		int32_t verb = pod_utf8_decode(fmt + i, flen - i, &sz);

		i += sz;
		if (verb == '%') {
			pod_strbuf_addch(sb, '%');
			continue;
		}
		if (argn >= nargs) {
			pod_strbuf_adds(sb, "%!");
			pod_utf8_append(sb, verb);
			pod_strbuf_adds(sb, "(MISSING)");
			continue;
		}
		if (verb == 'T') {
			const char *ty = args[argn] && !json_is_null(args[argn]) ? go_type(args[argn])
										: "<nil>";

			pad_out(sb, &f, ty, strlen(ty), true);
		} else if (strchr("vsdqxXtbcoOUeEfFgG", verb) && verb < 0x80) {
			print_verb(sb, args[argn], verb, &f);
		} else {
			bad_verb(sb, args[argn], verb);
		}
		argn++;
	}
	if (argn < nargs) {
		pod_strbuf_adds(sb, "%!(EXTRA ");
		for (size_t k = argn; k < nargs; k++) {
			if (k > argn)
				pod_strbuf_adds(sb, ", ");
			if (!args[k] || json_is_null(args[k])) {
				pod_strbuf_adds(sb, "<nil>");
			} else {
				pod_strbuf_adds(sb, go_type(args[k]));
				pod_strbuf_addch(sb, '=');
				print_value(sb, args[k]);
			}
		}
		pod_strbuf_addch(sb, ')');
	}
}

/* ---- functions ---- */

static int
fn_fail(struct texec *s, const char *fmt, ...) POD_PRINTF(2, 3);

static int
fn_fail(struct texec *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(s->fn_err);
	s->fn_err = pod_xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

static int
string_result(struct texec *s, struct pod_strbuf *sb, json_t **ret)
{
	if (sb->len > POD_TEMPLATE_MAX_OUTPUT)
		return fn_fail(s, "result larger than %u bytes", POD_TEMPLATE_MAX_OUTPUT);
	*ret = json_stringn_nocheck(sb->buf, sb->len);
	return 0;
}

static int
fn_json(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	pod_go_json(&sb, a[0] ? a[0] : json_null(), 0);
	return string_result(s, &sb, ret);
}

static int
fn_join(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	for (size_t i = 0; i < json_array_size(a[0]); i++) {
		json_t *e = json_array_get(a[0], i);

		if (i)
			pod_strbuf_add(&sb, json_string_value(a[1]), json_string_length(a[1]));
		pod_strbuf_add(&sb, json_string_value(e), json_string_length(e));
		if (sb.len > POD_TEMPLATE_MAX_OUTPUT)
			break;
	}
	return string_result(s, &sb, ret);
}

static int
fn_case(struct texec *s, json_t **a, int mode, json_t **ret)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	const char *str = json_string_value(a[0]);
	size_t len = json_string_length(a[0]), i;
	bool prev_sep = true;

	pod_strbuf_add(&sb, str, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char) sb.buf[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '_' || c >= 0x80;

		if (mode == 0 && c >= 'A' && c <= 'Z')
			sb.buf[i] = (char) (c + 32);
		else if (mode == 1 && c >= 'a' && c <= 'z')
			sb.buf[i] = (char) (c - 32);
		else if (mode == 2 && prev_sep && c >= 'a' && c <= 'z')
			sb.buf[i] = (char) (c - 32);
		/* strings.Title: a word starts after anything but a letter, digit or _ */
		prev_sep = !alnum;
	}
	*ret = json_stringn_nocheck(sb.buf, sb.len);
	return 0;
}

static int
fn_lower(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	return fn_case(s, a, 0, ret);
}

static int
fn_upper(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	return fn_case(s, a, 1, ret);
}

static int
fn_title(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	return fn_case(s, a, 2, ret);
}

static int
fn_truncate(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	size_t len = json_string_length(a[0]);
	json_int_t l = json_integer_value(a[1]);

	if (l < 0)
		return fn_fail(s, "runtime error: slice bounds out of range [:%" JSON_INTEGER_FORMAT
				  "]", l);
	if ((json_int_t) len < l) {
		*ret = json_incref(a[0]);
		return 0;
	}
	*ret = json_stringn_nocheck(json_string_value(a[0]), (size_t) l);
	return 0;
}

static int
fn_pad(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	json_int_t pre = json_integer_value(a[1]), suf = json_integer_value(a[2]);
	size_t len = json_string_length(a[0]);

	if (!len) {
		*ret = json_incref(a[0]);
		return 0;
	}
	if (pre < 0 || suf < 0)
		return fn_fail(s, "strings: negative Repeat count");
	if (pre > POD_TEMPLATE_MAX_OUTPUT || suf > POD_TEMPLATE_MAX_OUTPUT)
		return fn_fail(s, "result larger than %u bytes", POD_TEMPLATE_MAX_OUTPUT);
	for (json_int_t i = 0; i < pre; i++)
		pod_strbuf_addch(&sb, ' ');
	pod_strbuf_add(&sb, json_string_value(a[0]), len);
	for (json_int_t i = 0; i < suf; i++)
		pod_strbuf_addch(&sb, ' ');
	return string_result(s, &sb, ret);
}

#define MAX_SPLIT (1u << 20)

static int
fn_split(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	const char *str = json_string_value(a[0]), *sep = json_string_value(a[1]);
	size_t len = json_string_length(a[0]), slen = json_string_length(a[1]), i = 0, sz;
	json_t *arr = json_array();

	if (!slen) {
		while (i < len) {
			pod_utf8_decode(str + i, len - i, &sz);
			if (json_array_size(arr) >= MAX_SPLIT) {
				json_decref(arr);
				return fn_fail(s, "more than %u parts", MAX_SPLIT);
			}
			json_array_append_new(arr, json_stringn_nocheck(str + i, sz));
			i += sz;
		}
		*ret = arr;
		return 0;
	}
	for (;;) {
		const char *m = memmem(str + i, len - i, sep, slen);
		size_t end = m ? (size_t) (m - str) : len;

		if (json_array_size(arr) >= MAX_SPLIT) {
			json_decref(arr);
			return fn_fail(s, "more than %u parts", MAX_SPLIT);
		}
		json_array_append_new(arr, json_stringn_nocheck(str + i, end - i));
		if (!m)
			break;
		i = end + slen;
	}
	*ret = arr;
	return 0;
}

static int
fn_len(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	json_t *v = a[0];

	if (!v || json_is_null(v))
		return fn_fail(s, "len of nil pointer");
	if (json_is_string(v))
		*ret = json_integer((json_int_t) json_string_length(v));
	else if (json_is_array(v))
		*ret = json_integer((json_int_t) json_array_size(v));
	else if (json_is_object(v))
		*ret = json_integer((json_int_t) json_object_size(v));
	else
		return fn_fail(s, "len of type %s", go_type(v));
	return 0;
}

static int
fn_index(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	json_t *item = a[0];
	size_t i;

	if (!item || json_is_null(item))
		return fn_fail(s, "index of untyped nil");
	for (i = 1; i < n; i++) {
		json_t *ix = a[i];

		if (!item || json_is_null(item))
			return fn_fail(s, "index of nil pointer");
		if (json_is_array(item)) {
			json_int_t k;

			if (!ix || json_is_null(ix))
				return fn_fail(s, "cannot index slice/array with nil");
			if (!json_is_integer(ix))
				return fn_fail(s, "cannot index slice/array with type %s", go_type(ix));
			k = json_integer_value(ix);
			if (k < 0 || (size_t) k >= json_array_size(item))
				return fn_fail(s, "index out of range: %" JSON_INTEGER_FORMAT, k);
			item = json_array_get(item, (size_t) k);
		} else if (json_is_object(item)) {
			if (!ix || json_is_null(ix))
				return fn_fail(s, "value is nil; should be of type string");
			if (!json_is_string(ix))
				return fn_fail(s, "value has type %s; should be string", go_type(ix));
			/* a missing key yields the zero value: a nil interface */
			item = json_object_get(item, json_string_value(ix));
			if (!item)
				item = json_null();
		} else {
			return fn_fail(s, "can't index item of type %s", go_type(item));
		}
	}
	*ret = ref(item);
	return 0;
}

static int
fn_not(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	*ret = json_boolean(!go_truth(a[0]));
	return 0;
}

enum cmp_kind { K_INVALID, K_BOOL, K_NUM, K_STRING, K_OTHER };

static enum cmp_kind
cmp_kind(const json_t *v)
{
	if (!v || json_is_null(v))
		return K_INVALID;
	if (json_is_boolean(v))
		return K_BOOL;
	if (json_is_number(v))
		return K_NUM;
	if (json_is_string(v))
		return K_STRING;
	return K_OTHER;
}

static int
num_cmp(const json_t *a, const json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t x = json_integer_value(a), y = json_integer_value(b);

		return x < y ? -1 : x > y;
	}
	double x = json_number_value(a), y = json_number_value(b);

	return x < y ? -1 : x > y;
}

static int
str_cmp(const json_t *a, const json_t *b)
{
	size_t la = json_string_length(a), lb = json_string_length(b);
	int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);

	return c ? c : la < lb ? -1 : la > lb;
}

/* eq: arg1 == any of the others */
static int
fn_eq_impl(struct texec *s, json_t **a, size_t n, bool *ret)
{
	enum cmp_kind k1 = cmp_kind(a[0]);

	if (n < 2)
		return fn_fail(s, "missing argument for comparison");
	if (k1 == K_OTHER)
		return fn_fail(s, "non-comparable type %s", go_type(a[0]));
	for (size_t i = 1; i < n; i++) {
		enum cmp_kind k2 = cmp_kind(a[i]);
		bool truth = false;

		if (k2 == K_OTHER)
			return fn_fail(s, "non-comparable type %s", go_type(a[i]));
		if (k1 != k2) {
			if (k1 != K_INVALID && k2 != K_INVALID)
				return fn_fail(s, "incompatible types for comparison");
		} else {
			switch (k1) {
			case K_INVALID: truth = true; break;
			case K_BOOL: truth = json_is_true(a[0]) == json_is_true(a[i]); break;
			case K_NUM: truth = num_cmp(a[0], a[i]) == 0; break;
			case K_STRING: truth = str_cmp(a[0], a[i]) == 0; break;
			case K_OTHER: break;
			}
		}
		if (truth) {
			*ret = true;
			return 0;
		}
	}
	*ret = false;
	return 0;
}

static int
fn_eq(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	bool b;

	if (fn_eq_impl(s, a, n, &b) < 0)
		return -1;
	*ret = json_boolean(b);
	return 0;
}

static int
fn_ne(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	bool b;

	if (fn_eq_impl(s, a, n, &b) < 0)
		return -1;
	*ret = json_boolean(!b);
	return 0;
}

/* lt: -1 when a < b */
static int
order(struct texec *s, json_t **a, int *ret)
{
	enum cmp_kind k1 = cmp_kind(a[0]), k2 = cmp_kind(a[1]);

	if (k1 == K_INVALID || k1 == K_OTHER || k1 == K_BOOL || k2 == K_INVALID ||
	    k2 == K_OTHER || k2 == K_BOOL)
		return fn_fail(s, "invalid type for comparison");
	if (k1 != k2)
		return fn_fail(s, "incompatible types for comparison");
	*ret = k1 == K_NUM ? num_cmp(a[0], a[1]) : str_cmp(a[0], a[1]);
	return 0;
}

static int
fn_lt(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	int c;

	if (order(s, a, &c) < 0)
		return -1;
	*ret = json_boolean(c < 0);
	return 0;
}

static int
fn_le(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	int c;

	if (order(s, a, &c) < 0)
		return -1;
	*ret = json_boolean(c <= 0);
	return 0;
}

static int
fn_gt(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	int c;

	if (order(s, a, &c) < 0)
		return -1;
	*ret = json_boolean(c > 0);
	return 0;
}

static int
fn_ge(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	int c;

	if (order(s, a, &c) < 0)
		return -1;
	*ret = json_boolean(c >= 0);
	return 0;
}

/* fmt.Sprint: a space between operands when neither is a string */
static int
fn_print(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !json_is_string(a[i]) && !json_is_string(a[i - 1]))
			pod_strbuf_addch(&sb, ' ');
		print_value(&sb, a[i]);
		if (sb.len > POD_TEMPLATE_MAX_OUTPUT)
			break;
	}
	return string_result(s, &sb, ret);
}

static int
fn_println(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			pod_strbuf_addch(&sb, ' ');
		print_value(&sb, a[i]);
		if (sb.len > POD_TEMPLATE_MAX_OUTPUT)
			break;
	}
	pod_strbuf_addch(&sb, '\n');
	return string_result(s, &sb, ret);
}

static int
fn_printf(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	go_sprintf(&sb, json_string_value(a[0]), json_string_length(a[0]), a + 1, n - 1);
	return string_result(s, &sb, ret);
}

static const struct tfunc funcs[] = {
	/* Go's builtins */
	{ "and", NULL, { TP_ANY, TP_ANY }, 1, true, false, true },
	{ "or", NULL, { TP_ANY, TP_ANY }, 1, true, false, true },
	{ "not", fn_not, { TP_ANY }, 1, false, false, false },
	{ "len", fn_len, { TP_ANY }, 1, false, false, false },
	{ "index", fn_index, { TP_ANY, TP_ANY }, 1, true, true, false },
	{ "print", fn_print, { TP_ANY }, 0, true, false, false },
	{ "println", fn_println, { TP_ANY }, 0, true, false, false },
	{ "printf", fn_printf, { TP_STRING, TP_ANY }, 1, true, false, false },
	{ "eq", fn_eq, { TP_ANY, TP_ANY }, 1, true, false, false },
	{ "ne", fn_ne, { TP_ANY, TP_ANY }, 2, false, false, false },
	{ "lt", fn_lt, { TP_ANY, TP_ANY }, 2, false, false, false },
	{ "le", fn_le, { TP_ANY, TP_ANY }, 2, false, false, false },
	{ "gt", fn_gt, { TP_ANY, TP_ANY }, 2, false, false, false },
	{ "ge", fn_ge, { TP_ANY, TP_ANY }, 2, false, false, false },
	/* Podman's (containers/common pkg/report) */
	{ "json", fn_json, { TP_ANY }, 1, false, true, false },
	{ "join", fn_join, { TP_STRV, TP_STRING }, 2, false, true, false },
	{ "lower", fn_lower, { TP_STRING }, 1, false, true, false },
	{ "upper", fn_upper, { TP_STRING }, 1, false, true, false },
	{ "title", fn_title, { TP_STRING }, 1, false, true, false },
	{ "truncate", fn_truncate, { TP_STRING, TP_INT }, 2, false, true, false },
	{ "pad", fn_pad, { TP_STRING, TP_INT, TP_INT }, 3, false, true, false },
	{ "split", fn_split, { TP_STRING, TP_STRING }, 2, false, true, false },
};

const struct tfunc *
pod_tfunc_lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (!strcmp(funcs[i].name, name))
			return &funcs[i];
	return NULL;
}

/* ---- evaluation ---- */

static const char *
param_name(enum tparam p)
{
	switch (p) {
	case TP_STRING:
		return "string";
	case TP_INT:
		return "int";
	case TP_STRV:
		return "[]string";
	case TP_ANY:
		break;
	}
	return "interface {}";
}

/* Go's validateType; consumes v */
static int
validate(struct texec *s, json_t *v, enum tparam p, json_t **ret)
{
	bool ok;

	if (p == TP_ANY) {
		*ret = v;
		return 0;
	}
	if (!v)
		return exec_fail(s, "invalid value; expected %s", param_name(p));
	switch (p) {
	case TP_STRING:
		ok = json_is_string(v);
		break;
	case TP_INT:
		ok = json_is_integer(v);
		break;
	default:
		ok = json_is_array(v) && all_strings(v);
		break;
	}
	if (!ok) {
		exec_fail(s, "wrong type for value; expected %s; got %s", param_name(p), go_type(v));
		json_decref(v);
		return -1;
	}
	*ret = v;
	return 0;
}

static int eval_pipeline(struct texec *s, json_t *dot, const struct tpipe *p, json_t **ret);
static int eval_function(struct texec *s, json_t *dot, const struct targ *ident,
			 const struct tcmd *cmd, bool has_final, json_t *final, json_t **ret);

static json_t *
header_title(struct texec *s, const char *field)
{
	json_t *h = s->header_root ? json_object_get(s->header_root, field) : NULL;

	if (h && json_is_string(h))
		return json_incref(h);
	char *def = pod_template_default_header(field);
	json_t *v = json_string_nocheck(def);

	free(def);
	return v;
}

/* fields applied to receiver; the last one gets the command's arguments */
static int
eval_field_chain(struct texec *s, json_t *receiver, const char **fields, size_t n,
		 bool has_args, json_t **ret)
{
	json_t *cur = ref(receiver);

	for (size_t i = 0; i < n; i++) {
		json_t *nextv;

		if (!cur) {
			*ret = NULL;
			return 0;
		}
		if (s->header && cur == s->header_root) {
			nextv = header_title(s, fields[i]);
		} else if (s->header && json_is_string(cur)) {
			nextv = json_incref(cur); /* the title of .A.B is A's */
		} else if (json_is_null(cur)) {
			json_decref(cur);
			return exec_fail(s, "nil pointer evaluating interface {}.%s", fields[i]);
		} else if (json_is_object(cur)) {
			if (i == n - 1 && has_args) {
				json_decref(cur);
				return exec_fail(s, "%s is not a method but has arguments", fields[i]);
			}
			nextv = ref(json_object_get(cur, fields[i]));
		} else {
			int r = exec_fail(s, "can't evaluate field %s in type %s", fields[i],
					  go_type(cur));

			json_decref(cur);
			return r;
		}
		json_decref(cur);
		cur = nextv;
	}
	*ret = cur;
	return 0;
}

static json_t *
var_value(struct texec *s, const char *name, bool *found)
{
	for (size_t i = s->nvars; i-- > 0;) {
		if (!strcmp(s->vars[i].name, name)) {
			*found = true;
			return s->vars[i].value;
		}
	}
	*found = false;
	return NULL;
}

static void
push_var(struct texec *s, const char *name, json_t *v)
{
	if (s->nvars == s->vars_cap) {
		s->vars_cap = s->vars_cap ? s->vars_cap * 2 : 8;
		s->vars = xrealloc(s->vars, s->vars_cap * sizeof(*s->vars));
	}
	s->vars[s->nvars].name = name;
	s->vars[s->nvars].value = ref(v);
	s->nvars++;
}

static void
pop_vars(struct texec *s, size_t mark)
{
	while (s->nvars > mark) {
		s->nvars--;
		unref(s->vars[s->nvars].value);
	}
}

static int
set_var(struct texec *s, const char *name, json_t *v)
{
	for (size_t i = s->nvars; i-- > 0;) {
		if (!strcmp(s->vars[i].name, name)) {
			unref(s->vars[i].value);
			s->vars[i].value = ref(v);
			return 0;
		}
	}
	return exec_fail(s, "undefined variable: %s", name);
}

static void
set_top_var(struct texec *s, size_t n, json_t *v)
{
	struct tvar *var = &s->vars[s->nvars - n];

	unref(var->value);
	var->value = ref(v);
}

static int
not_a_function(struct texec *s, const struct targ *first, size_t nargs, bool has_final)
{
	if (nargs > 1 || has_final) {
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

		pod_targ_string(&sb, first);
		return exec_fail(s, "can't give argument to non-function %s", sb.buf);
	}
	return 0;
}

static json_t *
ideal_constant(const struct targ *a)
{
	if (a->is_float)
		return json_real(a->fval);
	return json_integer(a->ival);
}

static int
eval_chain(struct texec *s, json_t *dot, const struct targ *a, bool has_args, json_t **ret)
{
	json_t *base = NULL;
	int r;

	at_arg(s, a);
	if (a->base->type == TA_NIL)
		return exec_fail(s, "indirection through explicit nil in %s", "nil");
	if (a->base->type == TA_PIPE) {
		if (eval_pipeline(s, dot, a->base->pipe, &base) < 0)
			return -1;
	} else if (eval_function(s, dot, a->base, NULL, false, NULL, &base) < 0) {
		return -1;
	}
	at_arg(s, a);
	r = eval_field_chain(s, base, a->fields, a->nfields, has_args, ret);
	unref(base);
	return r;
}

static int
eval_variable(struct texec *s, const struct targ *a, bool has_args, json_t **ret)
{
	bool found;
	json_t *v;

	at_arg(s, a);
	v = var_value(s, a->text, &found);
	if (!found)
		return exec_fail(s, "undefined variable: %s", a->text);
	if (!a->nfields) {
		*ret = ref(v);
		return 0;
	}
	return eval_field_chain(s, v, a->fields, a->nfields, has_args, ret);
}

static const char *
arg_string(struct pod_strbuf *sb, const struct targ *a)
{
	pod_strbuf_reset(sb);
	pod_targ_string(sb, a);
	return sb->buf;
}

/* Go's evalArg: a value for a parameter of type p */
static int
eval_arg(struct texec *s, json_t *dot, const struct targ *a, enum tparam p, json_t **ret)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	json_t *v = NULL;

	at_arg(s, a);
	switch (a->type) {
	case TA_DOT:
		return validate(s, ref(dot), p, ret);
	case TA_NIL:
		if (p == TP_ANY) {
			*ret = json_null();
			return 0;
		}
		return exec_fail(s, "cannot assign nil to %s", param_name(p));
	case TA_FIELD:
		if (eval_field_chain(s, dot, a->fields, a->nfields, false, &v) < 0)
			return -1;
		at_arg(s, a);
		return validate(s, v, p, ret);
	case TA_VAR:
		if (eval_variable(s, a, false, &v) < 0)
			return -1;
		at_arg(s, a);
		return validate(s, v, p, ret);
	case TA_PIPE:
		if (eval_pipeline(s, dot, a->pipe, &v) < 0)
			return -1;
		at_arg(s, a);
		return validate(s, v, p, ret);
	case TA_IDENT:
		if (eval_function(s, dot, a, NULL, false, NULL, &v) < 0)
			return -1;
		at_arg(s, a);
		return validate(s, v, p, ret);
	case TA_CHAIN:
		if (eval_chain(s, dot, a, false, &v) < 0)
			return -1;
		at_arg(s, a);
		return validate(s, v, p, ret);
	case TA_BOOL:
		if (p == TP_ANY) {
			*ret = json_boolean(a->b);
			return 0;
		}
		break;
	case TA_NUMBER:
		if (p == TP_ANY) {
			*ret = ideal_constant(a);
			return 0;
		}
		if (p == TP_INT) {
			if (!a->is_int)
				return exec_fail(s, "expected integer; found %s", arg_string(&sb, a));
			*ret = json_integer(a->ival);
			return 0;
		}
		break;
	case TA_STRING:
		if (p == TP_ANY || p == TP_STRING) {
			*ret = json_stringn_nocheck(a->str, a->slen);
			return 0;
		}
		break;
	}
	if (p == TP_STRING)
		return exec_fail(s, "expected string; found %s", arg_string(&sb, a));
	if (p == TP_INT)
		return exec_fail(s, "expected integer; found %s", arg_string(&sb, a));
	return exec_fail(s, "can't handle %s for arg of type %s", arg_string(&sb, a),
			 param_name(p));
}

static void
free_args(json_t **argv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		unref(argv[i]);
	free(argv);
}

/*
 * A function call. cmd is the command for "error calling" messages (NULL
 * when the function is an argument by itself); its arguments after the
 * name, plus the piped final value, are the call's arguments.
 */
static int
eval_function(struct texec *s, json_t *dot, const struct targ *ident, const struct tcmd *cmd,
	      bool has_final, json_t *final, json_t **ret)
{
	const struct tfunc *f = ident->func;
	const struct targ *args = cmd ? cmd->args->next : NULL;
	size_t nargs = cmd ? cmd->nargs - 1 : 0, num_in = nargs + (has_final ? 1 : 0), i;
	size_t num_fixed = nargs;
	json_t **argv;
	const struct targ *a;
	bool header = s->header && f->header_ident;
	int r;

	at_arg(s, ident);
	if (f->variadic) {
		num_fixed = (size_t) f->nparams;
		if (num_in < num_fixed)
			return exec_fail(s, "wrong number of args for %s: want at least %d got %zu",
					 f->name, f->nparams, nargs);
	} else if (num_in != (size_t) f->nparams) {
		return exec_fail(s, "wrong number of args for %s: want %d got %zu", f->name,
				 f->nparams, num_in);
	}
	if (f->lazy) {
		bool want = !strcmp(f->name, "or");
		json_t *v = NULL;

		for (a = args; a; a = a->next) {
			unref(v);
			v = NULL;
			if (eval_arg(s, dot, a, TP_ANY, &v) < 0)
				return -1;
			if (go_truth(v) == want) {
				*ret = v;
				return 0;
			}
		}
		if (has_final) {
			unref(v);
			v = ref(final);
		}
		*ret = v;
		return 0;
	}
	argv = xcalloc(num_in ? num_in : 1, sizeof(*argv));
	for (i = 0, a = args; a; a = a->next, i++) {
		enum tparam p = i < num_fixed ? f->params[i] : f->params[f->nparams > 0 ? f->nparams - 1 : 0];

		if (f->variadic && i >= num_fixed)
			p = TP_ANY;
		if (header)
			p = TP_ANY;
		if (eval_arg(s, dot, a, p, &argv[i]) < 0) {
			free_args(argv, i);
			return -1;
		}
	}
	if (has_final) {
		enum tparam p = i < num_fixed ? f->params[i] : TP_ANY;

		if (header)
			p = TP_ANY;
		if (validate(s, ref(final), p, &argv[i]) < 0) {
			free_args(argv, i);
			return -1;
		}
	}
	if (header) {
		*ret = ref(argv[0]);
		free_args(argv, num_in);
		return 0;
	}
	r = f->fn(s, argv, num_in, ret);
	free_args(argv, num_in);
	if (r < 0) {
		if (cmd)
			at_cmd(s, cmd);
		else
			at_arg(s, ident);
		exec_fail(s, "error calling %s: %s", f->name, s->fn_err ? s->fn_err : "failed");
		free(s->fn_err);
		s->fn_err = NULL;
		return -1;
	}
	return 0;
}

static int
eval_command(struct texec *s, json_t *dot, const struct tcmd *cmd, bool has_final, json_t *final,
	     json_t **ret)
{
	const struct targ *first = cmd->args;
	bool has_args = cmd->nargs > 1 || has_final;

	if (step(s) < 0)
		return -1;
	switch (first->type) {
	case TA_FIELD:
		at_arg(s, first);
		return eval_field_chain(s, dot, first->fields, first->nfields, has_args, ret);
	case TA_CHAIN:
		return eval_chain(s, dot, first, has_args, ret);
	case TA_IDENT:
		return eval_function(s, dot, first, cmd, has_final, final, ret);
	case TA_PIPE:
		at_arg(s, first);
		if (not_a_function(s, first, cmd->nargs, has_final) < 0)
			return -1;
		return eval_pipeline(s, dot, first->pipe, ret);
	case TA_VAR:
		return eval_variable(s, first, has_args, ret);
	default:
		break;
	}
	at_arg(s, first);
	if (not_a_function(s, first, cmd->nargs, has_final) < 0)
		return -1;
	switch (first->type) {
	case TA_BOOL:
		*ret = json_boolean(first->b);
		return 0;
	case TA_DOT:
		*ret = ref(dot);
		return 0;
	case TA_NIL:
		return exec_fail(s, "nil is not a command");
	case TA_NUMBER:
		*ret = ideal_constant(first);
		return 0;
	case TA_STRING:
		*ret = json_stringn_nocheck(first->str, first->slen);
		return 0;
	default:
		return exec_fail(s, "can't evaluate command");
	}
}

static int
eval_pipeline(struct texec *s, json_t *dot, const struct tpipe *p, json_t **ret)
{
	json_t *value = NULL;
	bool has_final = false;

	at_pipe(s, p);
	for (const struct tcmd *c = p->cmds; c; c = c->next) {
		json_t *v = NULL;

		if (eval_command(s, dot, c, has_final, value, &v) < 0) {
			unref(value);
			return -1;
		}
		unref(value);
		value = v;
		/* a nil interface{} digs down to nothing */
		if (value && json_is_null(value)) {
			json_decref(value);
			value = NULL;
		}
		has_final = true;
	}
	for (size_t i = 0; i < p->ndecl; i++) {
		if (p->is_assign) {
			if (set_var(s, p->decl[i], value) < 0) {
				unref(value);
				return -1;
			}
		} else {
			push_var(s, p->decl[i], value);
		}
	}
	*ret = value;
	return 0;
}

static int walk(struct texec *s, json_t *dot, const struct tnode *n);

static int
walk_list(struct texec *s, json_t *dot, const struct tnode *n)
{
	for (; n && s->flow == FLOW_NONE; n = n->next)
		if (walk(s, dot, n) < 0)
			return -1;
	return 0;
}

static int
range_iteration(struct texec *s, const struct tnode *n, size_t mark, json_t *index, json_t *elem)
{
	const struct tpipe *p = n->pipe;
	int r;

	if (p->ndecl > 0) {
		if (p->is_assign) {
			if (set_var(s, p->decl[0], p->ndecl > 1 ? index : elem) < 0)
				return -1;
		} else {
			set_top_var(s, 1, elem);
		}
	}
	if (p->ndecl > 1) {
		if (p->is_assign) {
			if (set_var(s, p->decl[1], elem) < 0)
				return -1;
		} else {
			set_top_var(s, 2, index);
		}
	}
	r = walk_list(s, elem, n->list);
	pop_vars(s, mark);
	if (s->flow == FLOW_CONTINUE)
		s->flow = FLOW_NONE;
	return r;
}

static int
walk_range(struct texec *s, json_t *dot, const struct tnode *n)
{
	size_t mark0 = s->nvars, mark, i;
	json_t *v = NULL;
	int r = 0;
	bool ran = false;

	if (eval_pipeline(s, dot, n->pipe, &v) < 0) {
		pop_vars(s, mark0);
		return -1;
	}
	mark = s->nvars;
	if (!v) {
		/* nothing to iterate: not an error */
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v) && r == 0 && s->flow == FLOW_NONE; i++) {
			json_t *ix = json_integer((json_int_t) i);

			ran = true;
			r = range_iteration(s, n, mark, ix, json_array_get(v, i));
			json_decref(ix);
		}
	} else if (json_is_object(v)) {
		size_t nk;
		cleanup_free const char **keys = sorted_keys(v, &nk);

		for (i = 0; i < nk && r == 0 && s->flow == FLOW_NONE; i++) {
			json_t *k = json_string_nocheck(keys[i]);

			ran = true;
			r = range_iteration(s, n, mark, k, json_object_get(v, keys[i]));
			json_decref(k);
		}
	} else if (s->header && json_is_string(v)) {
		json_t *ix = json_integer(0);

		ran = true;
		r = range_iteration(s, n, mark, ix, v);
		json_decref(ix);
	} else {
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

		print_value(&sb, v);
		r = exec_fail(s, "range can't iterate over %s", sb.buf);
	}
	if (s->flow == FLOW_BREAK)
		s->flow = FLOW_NONE;
	if (r == 0 && !ran && n->else_list)
		r = walk_list(s, dot, n->else_list);
	unref(v);
	pop_vars(s, mark0);
	return r;
}

static int
walk(struct texec *s, json_t *dot, const struct tnode *n)
{
	json_t *v = NULL;
	size_t mark = s->nvars;
	int r = 0;

	if (step(s) < 0)
		return -1;
	switch (n->type) {
	case TN_TEXT:
		pod_strbuf_add(s->out, n->text, n->len);
		return check_output(s);
	case TN_ACTION:
		if (eval_pipeline(s, dot, n->pipe, &v) < 0)
			return -1;
		if (!n->pipe->ndecl) {
			if (v)
				print_value(s->out, v);
			else
				pod_strbuf_adds(s->out, "<no value>");
			r = check_output(s);
		}
		unref(v);
		return r;
	case TN_IF:
	case TN_WITH:
		if (eval_pipeline(s, dot, n->pipe, &v) < 0) {
			pop_vars(s, mark);
			return -1;
		}
		if (go_truth(v))
			r = walk_list(s, n->type == TN_WITH ? v : dot, n->list);
		else if (n->else_list)
			r = walk_list(s, dot, n->else_list);
		unref(v);
		pop_vars(s, mark);
		return r;
	case TN_RANGE:
		return walk_range(s, dot, n);
	case TN_BREAK:
		s->flow = FLOW_BREAK;
		return 0;
	case TN_CONTINUE:
		s->flow = FLOW_CONTINUE;
		return 0;
	}
	return 0;
}

static int
execute(const struct pod_template *t, json_t *data, bool header, struct pod_strbuf *out,
	struct pod_err **err)
{
	struct texec s = {
		.t = t,
		.out = out,
		.out_start = out->len,
		.header = header,
		.header_root = header ? data : NULL,
		.err = err,
	};
	int r;

	push_var(&s, "$", data);
	r = walk_list(&s, data, t->root);
	pop_vars(&s, 0);
	free(s.vars);
	free(s.fn_err);
	return r;
}

int
pod_template_exec(const struct pod_template *t, json_t *data, struct pod_strbuf *out,
		  struct pod_err **err)
{
	return execute(t, data, false, out, err);
}

int
pod_template_exec_header(const struct pod_template *t, json_t *headers, struct pod_strbuf *out,
			 struct pod_err **err)
{
	json_t *root = headers ? json_incref(headers) : json_object();
	int r;

	r = execute(t, root, true, out, err);
	json_decref(root);
	return r;
}

/* containers/common's camelcase.Split, joined with spaces and upper-cased */
char *
pod_template_default_header(const char *field)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	size_t len = strlen(field), i, sz, nparts = 0;
	size_t *starts = xcalloc(len + 2, sizeof(*starts));
	int last = 0;

	/* split into runs of one class: lower, upper, digit, other */
	for (i = 0; i < len; i += sz) {
		int32_t r = pod_utf8_decode(field + i, len - i, &sz);
		int cls = r >= 'a' && r <= 'z'	 ? 1
			  : r >= 'A' && r <= 'Z' ? 2
			  : r >= '0' && r <= '9' ? 3
						 : 4;

		if (r == POD_RUNE_ERROR && sz == 1) {
			/* invalid UTF-8 is not split */
			free(starts);
			for (i = 0; i < len; i++)
				pod_strbuf_addch(&sb, field[i] >= 'a' && field[i] <= 'z'
							      ? (char) (field[i] - 32)
							      : field[i]);
			return pod_strbuf_detach(&sb);
		}
		if (cls != last)
			starts[nparts++] = i;
		last = cls;
	}
	starts[nparts] = len;
	/* "PDFL" "oader" -> "PDF" "Loader": an upper run before a lower one gives it its last */
	for (i = 0; i + 1 < nparts; i++) {
		unsigned char a = (unsigned char) field[starts[i]];
		unsigned char b = (unsigned char) field[starts[i + 1]];

		if (a >= 'A' && a <= 'Z' && b >= 'a' && b <= 'z')
			starts[i + 1]--;
	}
	for (i = 0; i < nparts; i++) {
		size_t s0 = starts[i], e = starts[i + 1];

		if (e <= s0)
			continue;
		if (sb.len)
			pod_strbuf_addch(&sb, ' ');
		for (size_t k = s0; k < e; k++) {
			char c = field[k];

			pod_strbuf_addch(&sb, c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
		}
	}
	free(starts);
	return pod_strbuf_detach(&sb);
}
