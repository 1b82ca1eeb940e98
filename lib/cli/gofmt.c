/* gofmt.c - Go-compatible UTF-8, quoting, float and JSON formatting */
#include "cli/internal.h"

#include <math.h>

int32_t
pod_utf8_decode(const char *str, size_t len, size_t *ret_size)
{
	const unsigned char *s = (const unsigned char *) str;
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n, i;
	int32_t r;

	*ret_size = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		r = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		r = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		r = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return POD_RUNE_ERROR;
	}
	if (len < n)
		return POD_RUNE_ERROR;
	for (i = 1; i < n; i++) {
		unsigned char cc = s[i];
		unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;

		if (cc < l || cc > h)
			return POD_RUNE_ERROR;
		r = (r << 6) | (cc & 0x3F);
	}
	*ret_size = n;
	return r;
}

size_t
pod_utf8_count(const char *s, size_t len)
{
	size_t count = 0, i = 0, sz;

	while (i < len) {
		if ((unsigned char) s[i] < 0x80) {
			i++;
		} else {
			pod_utf8_decode(s + i, len - i, &sz);
			i += sz;
		}
		count++;
	}
	return count;
}

void
pod_utf8_append(struct pod_strbuf *sb, int32_t r)
{
	char b[4];

	if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = POD_RUNE_ERROR;
	if (r < 0x80) {
		pod_strbuf_addch(sb, (char) r);
	} else if (r < 0x800) {
		b[0] = (char) (0xC0 | (r >> 6));
		b[1] = (char) (0x80 | (r & 0x3F));
		pod_strbuf_add(sb, b, 2);
	} else if (r < 0x10000) {
		b[0] = (char) (0xE0 | (r >> 12));
		b[1] = (char) (0x80 | ((r >> 6) & 0x3F));
		b[2] = (char) (0x80 | (r & 0x3F));
		pod_strbuf_add(sb, b, 3);
	} else {
		b[0] = (char) (0xF0 | (r >> 18));
		b[1] = (char) (0x80 | ((r >> 12) & 0x3F));
		b[2] = (char) (0x80 | ((r >> 6) & 0x3F));
		b[3] = (char) (0x80 | (r & 0x3F));
		pod_strbuf_add(sb, b, 4);
	}
}

/*
 * An approximation of unicode.IsPrint that is exact for ASCII and Latin-1
 * and knows the common format and separator characters beyond it.
 */
static bool
go_is_print(int32_t r)
{
	if (r < 0x20 || (r >= 0x7F && r < 0xA0) || r == 0xAD)
		return false;
	if ((r >= 0x200B && r <= 0x200F) || (r >= 0x2028 && r <= 0x202E) ||
	    (r >= 0x2060 && r <= 0x206F) || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) ||
	    (r >= 0xE000 && r <= 0xF8FF) || r == 0xFFFE || r == 0xFFFF || r > 0x10FFFF)
		return false;
	return true;
}

static void
quote_escape(struct pod_strbuf *sb, int32_t r, char quote, bool ascii_only)
{
	static const char hex[] = "0123456789abcdef";
	char b[12];
	int i;

	if (r == quote || r == '\\') {
		pod_strbuf_addch(sb, '\\');
		pod_strbuf_addch(sb, (char) r);
		return;
	}
	if (ascii_only ? (r >= 0x20 && r < 0x7F) : go_is_print(r)) {
		pod_utf8_append(sb, r);
		return;
	}
	switch (r) {
	case '\a': pod_strbuf_adds(sb, "\\a"); return;
	case '\b': pod_strbuf_adds(sb, "\\b"); return;
	case '\f': pod_strbuf_adds(sb, "\\f"); return;
	case '\n': pod_strbuf_adds(sb, "\\n"); return;
	case '\r': pod_strbuf_adds(sb, "\\r"); return;
	case '\t': pod_strbuf_adds(sb, "\\t"); return;
	case '\v': pod_strbuf_adds(sb, "\\v"); return;
	default: break;
	}
	if (r < 0x20 || r == 0x7F) {
		b[0] = '\\';
		b[1] = 'x';
		b[2] = hex[(r >> 4) & 0xF];
		b[3] = hex[r & 0xF];
		pod_strbuf_add(sb, b, 4);
	} else if (r < 0x10000) {
		b[0] = '\\';
		b[1] = 'u';
		for (i = 0; i < 4; i++)
			b[2 + i] = hex[(r >> (12 - 4 * i)) & 0xF];
		pod_strbuf_add(sb, b, 6);
	} else {
		b[0] = '\\';
		b[1] = 'U';
		for (i = 0; i < 8; i++)
			b[2 + i] = hex[(r >> (28 - 4 * i)) & 0xF];
		pod_strbuf_add(sb, b, 10);
	}
}

void
pod_go_quote(struct pod_strbuf *sb, const char *s, size_t len, bool ascii_only)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, sz;

	pod_strbuf_addch(sb, '"');
	while (i < len) {
		int32_t r = pod_utf8_decode(s + i, len - i, &sz);

		if (r == POD_RUNE_ERROR && sz == 1) {
			unsigned char c = (unsigned char) s[i];

			pod_strbuf_adds(sb, "\\x");
			pod_strbuf_addch(sb, hex[c >> 4]);
			pod_strbuf_addch(sb, hex[c & 0xF]);
		} else {
			quote_escape(sb, r, '"', ascii_only);
		}
		i += sz;
	}
	pod_strbuf_addch(sb, '"');
}

void
pod_go_quote_rune(struct pod_strbuf *sb, int32_t r)
{
	if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = POD_RUNE_ERROR;
	pod_strbuf_addch(sb, '\'');
	quote_escape(sb, r, '\'', false);
	pod_strbuf_addch(sb, '\'');
}

/*
 * Shortest decimal digits that read back as v (v finite, > 0): digits
 * without a decimal point and the position of the point ("dp"), so that
 * v = 0.DIGITS * 10^dp.
 */
static void
shortest_digits(double v, char *digits, size_t size, int *ret_nd, int *ret_dp)
{
	char buf[64];
	int p, nd = 0, e;
	char *ep;

	for (p = 0; p < 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* buf is D[.DDD]e[+-]XX */
	for (char *c = buf; *c && *c != 'e'; c++) {
		if (*c >= '0' && *c <= '9' && (size_t) nd + 1 < size)
			digits[nd++] = *c;
	}
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	ep = strchr(buf, 'e');
	e = ep ? (int) strtol(ep + 1, NULL, 10) : 0;
	*ret_nd = nd;
	*ret_dp = e + 1;
}

static void
fmt_e(struct pod_strbuf *sb, const char *d, int nd, int dp, int prec, char e)
{
	int exp = dp - 1, i;

	pod_strbuf_addch(sb, nd > 0 ? d[0] : '0');
	if (prec > 0) {
		pod_strbuf_addch(sb, '.');
		for (i = 1; i <= prec; i++)
			pod_strbuf_addch(sb, i < nd ? d[i] : '0');
	}
	pod_strbuf_addch(sb, e);
	pod_strbuf_addch(sb, exp < 0 ? '-' : '+');
	if (exp < 0)
		exp = -exp;
	if (exp < 10)
		pod_strbuf_addch(sb, '0');
	pod_strbuf_addf(sb, "%d", exp);
}

static void
fmt_f(struct pod_strbuf *sb, const char *d, int nd, int dp, int prec)
{
	int i;

	if (dp > 0) {
		for (i = 0; i < dp; i++)
			pod_strbuf_addch(sb, i < nd ? d[i] : '0');
	} else {
		pod_strbuf_addch(sb, '0');
	}
	if (prec > 0) {
		pod_strbuf_addch(sb, '.');
		for (i = 0; i < prec; i++) {
			int j = dp + i;

			pod_strbuf_addch(sb, j >= 0 && j < nd ? d[j] : '0');
		}
	}
}

void
pod_go_format_float(struct pod_strbuf *sb, double v, char fmt, int prec)
{
	char d[40];
	int nd, dp;

	if (isnan(v)) {
		pod_strbuf_adds(sb, "NaN");
		return;
	}
	if (isinf(v)) {
		pod_strbuf_adds(sb, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (prec >= 0) {
		if (prec > 1000)
			prec = 1000;
		switch (fmt) {
		case 'e': pod_strbuf_addf(sb, "%.*e", prec, v); break;
		case 'E': pod_strbuf_addf(sb, "%.*E", prec, v); break;
		case 'f': pod_strbuf_addf(sb, "%.*f", prec, v); break;
		case 'G': pod_strbuf_addf(sb, "%.*G", prec, v); break;
		case 'a': pod_strbuf_addf(sb, "%.*a", prec, v); break;
		case 'A': pod_strbuf_addf(sb, "%.*A", prec, v); break;
		default: pod_strbuf_addf(sb, "%.*g", prec, v); break;
		}
		return;
	}
	if (signbit(v)) {
		pod_strbuf_addch(sb, '-');
		v = -v;
	}
	if (v == 0) {
		d[0] = '0';
		d[1] = '\0';
		nd = 1;
		dp = 1;
	} else {
		shortest_digits(v, d, sizeof(d), &nd, &dp);
	}
	switch (fmt) {
	case 'e':
	case 'E':
		fmt_e(sb, d, nd, dp, nd - 1, fmt);
		break;
	case 'f':
		fmt_f(sb, d, nd, dp, nd - dp > 0 ? nd - dp : 0);
		break;
	default: {
		int exp = dp - 1;

		/* shortest %g switches to an exponent at 1e-05 and 1e+06 */
		if (exp < -4 || exp >= 6)
			fmt_e(sb, d, nd, dp, nd - 1, fmt == 'G' ? 'E' : 'e');
		else
			fmt_f(sb, d, nd, dp, nd - dp > 0 ? nd - dp : 0);
		break;
	}
	}
}

static void
gojson_string(struct pod_strbuf *sb, const char *s, size_t len, unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, sz;

	pod_strbuf_addch(sb, '"');
	while (i < len) {
		unsigned char c = (unsigned char) s[i];

		if (c < 0x80) {
			bool html = (flags & POD_GO_JSON_ESCAPE_HTML) &&
				    (c == '<' || c == '>' || c == '&');

			if (c >= 0x20 && c != '"' && c != '\\' && !html) {
				pod_strbuf_addch(sb, (char) c);
			} else if (c == '"' || c == '\\') {
				pod_strbuf_addch(sb, '\\');
				pod_strbuf_addch(sb, (char) c);
			} else if (c == '\n') {
				pod_strbuf_adds(sb, "\\n");
			} else if (c == '\r') {
				pod_strbuf_adds(sb, "\\r");
			} else if (c == '\t') {
				pod_strbuf_adds(sb, "\\t");
			} else {
				pod_strbuf_adds(sb, "\\u00");
				pod_strbuf_addch(sb, hex[c >> 4]);
				pod_strbuf_addch(sb, hex[c & 0xF]);
			}
			i++;
			continue;
		}
		int32_t r = pod_utf8_decode(s + i, len - i, &sz);

		if (r == POD_RUNE_ERROR && sz == 1)
			pod_strbuf_adds(sb, "\\ufffd");
		else if (r == 0x2028 || r == 0x2029)
			pod_strbuf_addf(sb, "\\u%04x", (unsigned) r);
		else
			pod_strbuf_add(sb, s + i, sz);
		i += sz;
	}
	pod_strbuf_addch(sb, '"');
}

static void
gojson_real(struct pod_strbuf *sb, double v)
{
	double a = v < 0 ? -v : v; /* no libm */
	size_t start = sb->len;

	if (!isfinite(v)) {
		/* encoding/json refuses these; null keeps the output parseable */
		pod_strbuf_adds(sb, "null");
		return;
	}
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		pod_go_format_float(sb, v, 'e', -1);
		/* e-09 -> e-9 as encoding/json does */
		size_t n = sb->len - start;
		char *b = sb->buf + start;

		if (n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
			b[n - 2] = b[n - 1];
			pod_strbuf_truncate(sb, sb->len - 1);
		}
	} else {
		pod_go_format_float(sb, v, 'f', -1);
	}
}

static void
json_indent(struct pod_strbuf *sb, int depth)
{
	pod_strbuf_addch(sb, '\n');
	for (int i = 0; i < depth; i++)
		pod_strbuf_adds(sb, "    ");
}

static void
json_value(struct pod_strbuf *sb, const json_t *v, unsigned flags, int depth)
{
	bool indent = flags & POD_GO_JSON_INDENT;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *m;
		bool first = true;

		if (json_object_size(v) == 0) {
			pod_strbuf_adds(sb, "{}");
			break;
		}
		pod_strbuf_addch(sb, '{');
		json_object_foreach((json_t *) v, k, m) {
			if (!first)
				pod_strbuf_addch(sb, ',');
			first = false;
			if (indent)
				json_indent(sb, depth + 1);
			gojson_string(sb, k, strlen(k), flags);
			pod_strbuf_adds(sb, indent ? ": " : ":");
			json_value(sb, m, flags, depth + 1);
		}
		if (indent)
			json_indent(sb, depth);
		pod_strbuf_addch(sb, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t i;

		if (json_array_size(v) == 0) {
			pod_strbuf_adds(sb, "[]");
			break;
		}
		pod_strbuf_addch(sb, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				pod_strbuf_addch(sb, ',');
			if (indent)
				json_indent(sb, depth + 1);
			json_value(sb, json_array_get(v, i), flags, depth + 1);
		}
		if (indent)
			json_indent(sb, depth);
		pod_strbuf_addch(sb, ']');
		break;
	}
	case JSON_STRING:
		gojson_string(sb, json_string_value(v), json_string_length(v), flags);
		break;
	case JSON_INTEGER:
		pod_strbuf_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		gojson_real(sb, json_real_value(v));
		break;
	case JSON_TRUE:
		pod_strbuf_adds(sb, "true");
		break;
	case JSON_FALSE:
		pod_strbuf_adds(sb, "false");
		break;
	case JSON_NULL:
		pod_strbuf_adds(sb, "null");
		break;
	}
}

void
pod_go_json(struct pod_strbuf *sb, const json_t *v, unsigned flags)
{
	pod_go_json_at(sb, v, flags, 0);
}

void
pod_go_json_at(struct pod_strbuf *sb, const json_t *v, unsigned flags, int depth)
{
	if (!v) {
		pod_strbuf_adds(sb, "null");
		return;
	}
	json_value(sb, v, flags, depth);
}
