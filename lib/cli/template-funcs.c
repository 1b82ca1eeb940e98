/*
 * template-funcs.c - Go's fmt view of JSON values (%v, printf verbs) and
 * the template functions: Go's builtins and Podman's report functions.
 */
#include "cli/internal.h"
#include "cli/template.h"

#include <inttypes.h>

static json_t *
ref(json_t *v)
{
	return v ? json_incref(v) : NULL;
}

/* ---- Go's view of JSON values ---- */

bool
pod_tval_all_strings(const json_t *v)
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
const char *
pod_tval_type(const json_t *v)
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
		return json_array_size(v) && pod_tval_all_strings(v) ? "[]string" : "[]interface {}";
	case JSON_OBJECT:
		return json_object_size(v) && pod_tval_all_strings(v) ? "map[string]string"
							      : "map[string]interface {}";
	case JSON_NULL:
		break;
	}
	return "interface {}";
}

bool
pod_tval_truth(const json_t *v)
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
const char **
pod_tval_sorted_keys(const json_t *o, size_t *ret_n)
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
void
pod_tval_print(struct pod_strbuf *sb, const json_t *v)
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
			pod_tval_print(sb, json_array_get(v, i));
		}
		pod_strbuf_addch(sb, ']');
		break;
	case JSON_OBJECT: {
		cleanup_free const char **keys = pod_tval_sorted_keys(v, &n);

		pod_strbuf_adds(sb, "map[");
		for (i = 0; i < n; i++) {
			if (i)
				pod_strbuf_addch(sb, ' ');
			pod_strbuf_adds(sb, keys[i]);
			pod_strbuf_addch(sb, ':');
			pod_tval_print(sb, json_object_get(v, keys[i]));
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
		pod_strbuf_adds(sb, pod_tval_type(v));
		pod_strbuf_addch(sb, '=');
		pod_tval_print(sb, v);
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
		cleanup_free const char **keys = pod_tval_sorted_keys(v, &n);

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
			const char *ty = args[argn] && !json_is_null(args[argn]) ? pod_tval_type(args[argn])
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
				pod_strbuf_adds(sb, pod_tval_type(args[k]));
				pod_strbuf_addch(sb, '=');
				pod_tval_print(sb, args[k]);
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
		return fn_fail(s, "len of type %s", pod_tval_type(v));
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
				return fn_fail(s, "cannot index slice/array with type %s", pod_tval_type(ix));
			k = json_integer_value(ix);
			if (k < 0 || (size_t) k >= json_array_size(item))
				return fn_fail(s, "index out of range: %" JSON_INTEGER_FORMAT, k);
			item = json_array_get(item, (size_t) k);
		} else if (json_is_object(item)) {
			if (!ix || json_is_null(ix))
				return fn_fail(s, "value is nil; should be of type string");
			if (!json_is_string(ix))
				return fn_fail(s, "value has type %s; should be string", pod_tval_type(ix));
			/* a missing key yields the zero value: a nil interface */
			item = json_object_get(item, json_string_value(ix));
			if (!item)
				item = json_null();
		} else {
			return fn_fail(s, "can't index item of type %s", pod_tval_type(item));
		}
	}
	*ret = ref(item);
	return 0;
}

static int
fn_not(struct texec *s, json_t **a, size_t n, json_t **ret)
{
	*ret = json_boolean(!pod_tval_truth(a[0]));
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
		return fn_fail(s, "non-comparable type %s", pod_tval_type(a[0]));
	for (size_t i = 1; i < n; i++) {
		enum cmp_kind k2 = cmp_kind(a[i]);
		bool truth = false;

		if (k2 == K_OTHER)
			return fn_fail(s, "non-comparable type %s", pod_tval_type(a[i]));
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
		pod_tval_print(&sb, a[i]);
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
		pod_tval_print(&sb, a[i]);
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
