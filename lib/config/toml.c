/* toml.c - strict TOML 1.0 to jansson */
#include "config/toml.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * jansson values cannot carry parser state, so the facts TOML's "define
 * once" rules need live in a side table keyed by the container's address.
 */
enum meta_flags {
	M_DEFINED = 1 << 0, /* by a [header] or by dotted keys in section .section */
	M_FROZEN = 1 << 1,  /* inline table or static array: closed for additions */
	M_AOT = 1 << 2,	    /* array created by [[header]] */
	M_INLINE_DOTTED = 1 << 3, /* made by a dotted key inside the inline table being built */
};

struct meta {
	const json_t *v;
	unsigned flags;
	unsigned depth;
	unsigned long section;
};

struct metamap {
	struct meta *slots;
	size_t cap; /* power of two */
	size_t n;
};

#define MAX_KEY_PARTS POD_TOML_MAX_DEPTH

struct keypart {
	char *s;
	size_t len;
	size_t pos;
};

struct key {
	size_t n;
	struct keypart p[MAX_KEY_PARTS];
};

struct parser {
	const char *buf;
	size_t len;
	size_t pos;
	const char *filename;
	struct pod_err **err;
	struct metamap meta;
	json_t *root;
	json_t *cur;		 /* table that key/value pairs go into */
	unsigned long section;	 /* counts headers */
	size_t nvalues;
	struct pod_strbuf path; /* printable path of cur */
};

static size_t
meta_hash(const json_t *v)
{
	uintptr_t x = (uintptr_t) v;

	x ^= x >> 17;
	x *= (uintptr_t) 0x9e3779b97f4a7c15ULL;
	return (size_t) (x ^ (x >> 29));
}

static struct meta *
meta_find(struct metamap *m, const json_t *v)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = meta_hash(v) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].v == v)
			return &m->slots[i];
		if (!m->slots[i].v)
			return NULL;
	}
}

static struct meta *
meta_add(struct metamap *m, const json_t *v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct meta *old = m->slots;
		size_t oldcap = m->cap;

		m->cap = m->cap ? m->cap * 2 : 64;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].v)
				*meta_add(m, old[i].v) = old[i];
		free(old);
	}
	for (i = meta_hash(v) & (m->cap - 1); m->slots[i].v; i = (i + 1) & (m->cap - 1))
		;
	m->slots[i].v = v;
	m->n++;
	return &m->slots[i];
}

static unsigned
meta_flags(struct parser *p, const json_t *v)
{
	struct meta *m = meta_find(&p->meta, v);

	return m ? m->flags : 0;
}

static unsigned
meta_depth(struct parser *p, const json_t *v)
{
	struct meta *m = meta_find(&p->meta, v);

	return m ? m->depth : 0;
}

static void
pos_to_linecol(const struct parser *p, size_t at, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	if (at > p->len)
		at = p->len;
	for (i = 0; i < at; i++) {
		unsigned char c = (unsigned char) p->buf[i];

		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

POD_PRINTF(3, 4)
static int
perr(struct parser *p, size_t at, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	size_t line, col;
	va_list ap;

	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	pos_to_linecol(p, at, &line, &col);
	return pod_err_set(p->err, POD_E_INVALID, 0, "%s:%zu:%zu: %s", p->filename, line, col, msg);
}

static bool
is_bare(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* appends one key to a printable path, quoting it when it is not bare */
static void
path_add(struct pod_strbuf *sb, const char *s, size_t len)
{
	bool bare = len > 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_bare(s[i]))
			bare = false;
	if (sb->len)
		pod_strbuf_addch(sb, '.');
	if (bare) {
		pod_strbuf_add(sb, s, len);
		return;
	}
	pod_strbuf_addch(sb, '\'');
	for (i = 0; i < len; i++)
		pod_strbuf_addch(sb, (unsigned char) s[i] < 0x20 ? '?' : s[i]);
	pod_strbuf_addch(sb, '\'');
}

/* path of key parts [0, upto] under base */
static char *
key_path(const char *base, const struct key *k, size_t upto)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	size_t i;

	pod_strbuf_adds(&sb, base);
	for (i = 0; i <= upto && i < k->n; i++)
		path_add(&sb, k->p[i].s, k->p[i].len);
	return pod_strbuf_detach(&sb);
}

static void
key_release(struct key *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->p[i].s);
	k->n = 0;
}

static int
cur(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char) p->buf[p->pos] : -1;
}

static int
peek(const struct parser *p, size_t off)
{
	return p->pos + off < p->len ? (unsigned char) p->buf[p->pos + off] : -1;
}

static bool
is_ctrl(int c)
{
	return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

static int
ctrl_err(struct parser *p, size_t at)
{
	unsigned char c = (unsigned char) p->buf[at];

	if (c == '\r')
		return perr(p, at, "carriage return not followed by a newline");
	return perr(p, at, "control character U+%04X is not allowed", c);
}

static void
skip_ws(struct parser *p)
{
	while (cur(p) == ' ' || cur(p) == '\t')
		p->pos++;
}

/* true when at LF or CRLF */
static bool
at_newline(const struct parser *p)
{
	return cur(p) == '\n' || (cur(p) == '\r' && peek(p, 1) == '\n');
}

static void
eat_newline(struct parser *p)
{
	p->pos += cur(p) == '\r' ? 2 : 1;
}

static int
skip_comment(struct parser *p)
{
	p->pos++; /* '#' */
	while (p->pos < p->len && !at_newline(p)) {
		if (is_ctrl(cur(p)))
			return ctrl_err(p, p->pos);
		p->pos++;
	}
	return 0;
}

/* whitespace, comments and newlines, as allowed between array elements */
static int
skip_ws_nl(struct parser *p)
{
	for (;;) {
		skip_ws(p);
		if (cur(p) == '#') {
			if (skip_comment(p) < 0)
				return -1;
		} else if (at_newline(p)) {
			eat_newline(p);
		} else {
			return 0;
		}
	}
}

/* after a key/value pair or header: optional comment, then newline or EOF */
static int
expect_eol(struct parser *p, const char *after)
{
	skip_ws(p);
	if (cur(p) == '#' && skip_comment(p) < 0)
		return -1;
	if (p->pos >= p->len)
		return 0;
	if (at_newline(p)) {
		eat_newline(p);
		return 0;
	}
	if (is_ctrl(cur(p)))
		return ctrl_err(p, p->pos);
	return perr(p, p->pos, "expected a newline after %s", after);
}

/* Validates the whole input as UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static int
check_utf8(struct parser *p)
{
	const unsigned char *s = (const unsigned char *) p->buf;
	size_t i = 0, n = p->len;

	while (i < n) {
		unsigned char c = s[i];
		size_t need;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return perr(p, i, "invalid UTF-8");
		}
		if (n - i <= need)
			return perr(p, i, "invalid UTF-8");
		for (size_t j = 1; j <= need; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return perr(p, i, "invalid UTF-8");
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return perr(p, i, "invalid UTF-8");
		i += need + 1;
	}
	return 0;
}

static void
add_utf8(struct pod_strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		pod_strbuf_addch(sb, (char) cp);
	} else if (cp < 0x800) {
		pod_strbuf_addch(sb, (char) (0xc0 | (cp >> 6)));
		pod_strbuf_addch(sb, (char) (0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		pod_strbuf_addch(sb, (char) (0xe0 | (cp >> 12)));
		pod_strbuf_addch(sb, (char) (0x80 | ((cp >> 6) & 0x3f)));
		pod_strbuf_addch(sb, (char) (0x80 | (cp & 0x3f)));
	} else {
		pod_strbuf_addch(sb, (char) (0xf0 | (cp >> 18)));
		pod_strbuf_addch(sb, (char) (0x80 | ((cp >> 12) & 0x3f)));
		pod_strbuf_addch(sb, (char) (0x80 | ((cp >> 6) & 0x3f)));
		pod_strbuf_addch(sb, (char) (0x80 | (cp & 0x3f)));
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* at the backslash of an escape in a basic string */
static int
parse_escape(struct parser *p, struct pod_strbuf *sb)
{
	size_t start = p->pos;
	int c = peek(p, 1);
	size_t ndig, i;
	uint32_t cp = 0;

	switch (c) {
	case 'b': pod_strbuf_addch(sb, '\b'); break;
	case 't': pod_strbuf_addch(sb, '\t'); break;
	case 'n': pod_strbuf_addch(sb, '\n'); break;
	case 'f': pod_strbuf_addch(sb, '\f'); break;
	case 'r': pod_strbuf_addch(sb, '\r'); break;
	case '"': pod_strbuf_addch(sb, '"'); break;
	case '\\': pod_strbuf_addch(sb, '\\'); break;
	case 'u':
	case 'U':
		ndig = c == 'u' ? 4 : 8;
		for (i = 0; i < ndig; i++) {
			int h = hexval(peek(p, 2 + i));

			if (h < 0)
				return perr(p, start, "invalid unicode escape: expected %zu hex digits",
					    ndig);
			cp = (cp << 4) | (uint32_t) h;
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return perr(p, start, "invalid unicode escape: U+%04X is not a scalar value",
				    cp);
		add_utf8(sb, cp);
		p->pos += 2 + ndig;
		return 0;
	default:
		if (c < 0x20 || c >= 0x7f)
			return perr(p, start, "invalid escape sequence");
		return perr(p, start, "invalid escape sequence \"\\%c\"", c);
	}
	p->pos += 2;
	return 0;
}

/* Strings: at the opening quote. Returns the decoded bytes in sb. */
static int
parse_string(struct parser *p, struct pod_strbuf *sb, bool allow_multi)
{
	size_t start = p->pos;
	char q = p->buf[p->pos];
	bool literal = q == '\'';
	bool multi = peek(p, 1) == q && peek(p, 2) == q;

	if (multi && !allow_multi)
		return perr(p, start, "multi-line strings cannot be keys");
	if (!multi) {
		p->pos++;
		for (;;) {
			int c = cur(p);

			if (c < 0)
				return perr(p, start, "unterminated string");
			if (c == q) {
				p->pos++;
				return 0;
			}
			if (c == '\n' || (c == '\r' && peek(p, 1) == '\n'))
				return perr(p, p->pos, "newline in single-line string");
			if (is_ctrl(c))
				return ctrl_err(p, p->pos);
			if (c == '\\' && !literal) {
				if (parse_escape(p, sb) < 0)
					return -1;
				continue;
			}
			pod_strbuf_addch(sb, (char) c);
			p->pos++;
		}
	}
	p->pos += 3;
	if (at_newline(p)) /* a newline right after the opening quotes is trimmed */
		eat_newline(p);
	for (;;) {
		int c = cur(p);

		if (c < 0)
			return perr(p, start, "unterminated string");
		if (c == q) {
			size_t n = 0;

			while (peek(p, n) == q)
				n++;
			if (n < 3) {
				pod_strbuf_add(sb, p->buf + p->pos, n);
				p->pos += n;
				continue;
			}
			if (n > 5)
				return perr(p, p->pos + 5, "too many quotes at the end of a string");
			pod_strbuf_add(sb, p->buf + p->pos, n - 3);
			p->pos += n;
			return 0;
		}
		if (at_newline(p)) {
			pod_strbuf_addch(sb, '\n');
			eat_newline(p);
			continue;
		}
		if (is_ctrl(c))
			return ctrl_err(p, p->pos);
		if (c == '\\' && !literal) {
			int n = peek(p, 1);

			if (n == ' ' || n == '\t' || n == '\n' || n == '\r') {
				/* line-ending backslash: drop whitespace up to the next content */
				size_t bs = p->pos;

				p->pos++;
				skip_ws(p);
				if (!at_newline(p))
					return perr(p, bs, "invalid escape sequence");
				while (at_newline(p) || cur(p) == ' ' || cur(p) == '\t') {
					if (at_newline(p))
						eat_newline(p);
					else
						p->pos++;
				}
				continue;
			}
			if (parse_escape(p, sb) < 0)
				return -1;
			continue;
		}
		pod_strbuf_addch(sb, (char) c);
		p->pos++;
	}
}

/* a dotted key; stops at the first character that cannot continue it */
static int
parse_key(struct parser *p, struct key *k)
{
	for (;;) {
		struct pod_strbuf sb = POD_STRBUF_INIT;
		size_t start;
		int c;

		skip_ws(p);
		start = p->pos;
		c = cur(p);
		if (c == '"' || c == '\'') {
			if (parse_string(p, &sb, false) < 0) {
				pod_strbuf_release(&sb);
				return -1;
			}
		} else if (c >= 0 && is_bare((char) c)) {
			while (cur(p) >= 0 && is_bare((char) cur(p)))
				p->pos++;
			pod_strbuf_add(&sb, p->buf + start, p->pos - start);
		} else {
			if (is_ctrl(c) && !at_newline(p))
				return ctrl_err(p, start);
			return perr(p, start, "expected a key");
		}
		if (k->n == MAX_KEY_PARTS) {
			pod_strbuf_release(&sb);
			return perr(p, start, "key nested too deeply (max %d parts)", MAX_KEY_PARTS);
		}
		k->p[k->n].len = sb.len;
		k->p[k->n].s = pod_strbuf_detach(&sb);
		k->p[k->n].pos = start;
		k->n++;
		skip_ws(p);
		if (cur(p) != '.')
			return 0;
		p->pos++;
	}
}

static json_t *
new_container(struct parser *p, json_t *v, unsigned depth, unsigned flags, size_t at)
{
	struct meta *m;

	if (depth > POD_TOML_MAX_DEPTH) {
		json_decref(v);
		perr(p, at, "nesting too deep (max %d levels)", POD_TOML_MAX_DEPTH);
		return NULL;
	}
	/* tables made by headers and dotted keys count too */
	if (++p->nvalues > POD_TOML_MAX_VALUES) {
		json_decref(v);
		perr(p, at, "too many values (max %zu)", POD_TOML_MAX_VALUES);
		return NULL;
	}
	m = meta_add(&p->meta, v);
	m->flags = flags;
	m->depth = depth;
	m->section = p->section;
	return v;
}

/* ---- numbers and dates ---- */

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* digits of BASE with single underscores only between digits */
static bool
digits_ok(const char *s, size_t n, int base)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		int v = s[i] == '_' ? -2 : hexval((unsigned char) s[i]);

		if (v == -2) {
			if (i == 0 || i + 1 == n || s[i + 1] == '_')
				return false;
			continue;
		}
		if (v < 0 || v >= base)
			return false;
	}
	return true;
}

static bool
fixed_digits(const char *s, size_t n, int *ret)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char) s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

/* HH:MM:SS[.frac]; returns the length consumed or 0 */
static size_t
scan_time(const char *s, size_t n)
{
	int h, m, sec;
	size_t i = 8;

	if (n < 8 || s[2] != ':' || s[5] != ':' || !fixed_digits(s, 2, &h) ||
	    !fixed_digits(s + 3, 2, &m) || !fixed_digits(s + 6, 2, &sec))
		return 0;
	if (h > 23 || m > 59 || sec > 60)
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit((unsigned char) s[i]))
			return 0;
		while (i < n && is_digit((unsigned char) s[i]))
			i++;
	}
	return i;
}

static bool
date_ok(const char *s, size_t n)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d;

	if (n != 10 || s[4] != '-' || s[7] != '-' || !fixed_digits(s, 4, &y) ||
	    !fixed_digits(s + 5, 2, &mo) || !fixed_digits(s + 8, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return false;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	return true;
}

static bool
datetime_ok(const char *s, size_t n)
{
	size_t t;
	int oh, om;

	if (n >= 3 && s[2] == ':')
		return scan_time(s, n) == n; /* local time */
	if (n < 10 || !date_ok(s, 10))
		return false;
	if (n == 10)
		return true; /* local date */
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return false;
	s += 11, n -= 11;
	t = scan_time(s, n);
	if (!t)
		return false;
	s += t, n -= t;
	if (n == 0)
		return true; /* local date-time */
	if (n == 1 && (s[0] == 'Z' || s[0] == 'z'))
		return true;
	if (n == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' && fixed_digits(s + 1, 2, &oh) &&
	    fixed_digits(s + 4, 2, &om))
		return oh <= 23 && om <= 59;
	return false;
}

static json_t *
parse_integer(struct parser *p, const char *s, size_t n, size_t at)
{
	cleanup_free char *buf = NULL;
	size_t i, j = 0;
	int base = 10;
	bool neg = false;
	const char *d = s;
	size_t dn = n;
	unsigned long long v;
	char *end = NULL;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
		base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
		d = s + 2, dn = n - 2;
	} else {
		if (s[0] == '+' || s[0] == '-') {
			neg = s[0] == '-';
			d = s + 1, dn = n - 1;
		}
		if (dn > 1 && d[0] == '0')
			goto bad_zero;
	}
	if (!digits_ok(d, dn, base)) {
		perr(p, at, "invalid number");
		return NULL;
	}
	buf = xmalloc(dn + 1);
	for (i = 0; i < dn; i++)
		if (d[i] != '_')
			buf[j++] = d[i];
	buf[j] = '\0';
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno || *end)
		goto range;
	if (neg) {
		if (v > (unsigned long long) INT64_MAX + 1)
			goto range;
		return json_integer(v == (unsigned long long) INT64_MAX + 1 ? INT64_MIN
									: -(json_int_t) v);
	}
	if (v > INT64_MAX)
		goto range;
	return json_integer((json_int_t) v);
range:
	perr(p, at, "integer out of range");
	return NULL;
bad_zero:
	perr(p, at, "leading zeros are not allowed");
	return NULL;
}

static json_t *
parse_float(struct parser *p, const char *s, size_t n, size_t at)
{
	cleanup_free char *clean = NULL;
	size_t i = 0, ip, j = 0;
	char *end = NULL;
	double v;

	if (s[i] == '+' || s[i] == '-')
		i++;
	ip = i;
	while (i < n && (is_digit((unsigned char) s[i]) || s[i] == '_'))
		i++;
	if (!digits_ok(s + ip, i - ip, 10))
		goto bad;
	if (i - ip > 1 && s[ip] == '0') {
		perr(p, at, "leading zeros are not allowed");
		return NULL;
	}
	if (i < n && s[i] == '.') {
		size_t f = ++i;

		while (i < n && (is_digit((unsigned char) s[i]) || s[i] == '_'))
			i++;
		if (!digits_ok(s + f, i - f, 10))
			goto bad;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		e = i;
		while (i < n && (is_digit((unsigned char) s[i]) || s[i] == '_'))
			i++;
		if (!digits_ok(s + e, i - e, 10))
			goto bad;
	}
	if (i != n)
		goto bad;
	clean = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		if (s[i] != '_')
			clean[j++] = s[i];
	clean[j] = '\0';
	errno = 0;
	v = strtod(clean, &end);
	if (*end)
		goto bad;
	if (!isfinite(v) || (errno == ERANGE && (v > 1.0 || v < -1.0))) {
		perr(p, at, "float out of range");
		return NULL;
	}
	return json_real(v);
bad:
	perr(p, at, "invalid number");
	return NULL;
}

static json_t *
parse_scalar_token(struct parser *p)
{
	size_t start = p->pos, n;
	const char *s = p->buf + start;
	bool is_float = false;
	size_t i;

	while (cur(p) >= 0 && (is_bare((char) cur(p)) || cur(p) == '+' || cur(p) == '.' ||
			       cur(p) == ':'))
		p->pos++;
	n = p->pos - start;
	/* "1979-05-27 07:32:00": a date, a space and a time make one value */
	if (n == 10 && cur(p) == ' ' && is_digit(peek(p, 1)) && date_ok(s, n)) {
		size_t save = p->pos;

		p->pos++;
		while (cur(p) >= 0 && (is_bare((char) cur(p)) || cur(p) == '+' ||
				       cur(p) == '.' || cur(p) == ':'))
			p->pos++;
		if (!datetime_ok(s, p->pos - start))
			p->pos = save;
		n = p->pos - start;
	}
	if (n == 0) {
		if (p->pos >= p->len || at_newline(p))
			perr(p, start, "expected a value");
		else if (is_ctrl(cur(p)))
			ctrl_err(p, start);
		else
			perr(p, start, "expected a value");
		return NULL;
	}
	if (n == 4 && !memcmp(s, "true", 4))
		return json_true();
	if (n == 5 && !memcmp(s, "false", 5))
		return json_false();
	{
		const char *t = s + (s[0] == '+' || s[0] == '-');
		size_t tn = n - (size_t) (t - s);

		if ((tn == 3 && (!memcmp(t, "inf", 3) || !memcmp(t, "nan", 3)))) {
			perr(p, start, "infinity and nan are not supported");
			return NULL;
		}
	}
	if ((n >= 10 && s[4] == '-' && is_digit((unsigned char) s[0])) ||
	    (n >= 3 && s[2] == ':')) {
		if (!datetime_ok(s, n)) {
			perr(p, start, "invalid date-time");
			return NULL;
		}
		return json_stringn(s, n);
	}
	if (!is_digit((unsigned char) s[0]) && s[0] != '+' && s[0] != '-') {
		perr(p, start, "expected a value");
		return NULL;
	}
	if (!(n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')))
		for (i = 0; i < n; i++)
			if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
				is_float = true;
	return is_float ? parse_float(p, s, n, start) : parse_integer(p, s, n, start);
}

/* ---- values ---- */

static json_t *parse_value(struct parser *p, unsigned depth, const char *path);

static json_t *
parse_array(struct parser *p, unsigned depth, const char *path)
{
	size_t start = p->pos;
	json_t *a;

	a = new_container(p, json_array(), depth, M_FROZEN, start);
	if (!a)
		return NULL;
	p->pos++; /* '[' */
	for (;;) {
		json_t *v;

		if (skip_ws_nl(p) < 0)
			goto fail;
		if (cur(p) == ']')
			break;
		if (cur(p) < 0) {
			perr(p, start, "unterminated array");
			goto fail;
		}
		v = parse_value(p, depth + 1, path);
		if (!v)
			goto fail;
		json_array_append_new(a, v);
		if (skip_ws_nl(p) < 0)
			goto fail;
		if (cur(p) == ',') {
			p->pos++;
			continue;
		}
		if (cur(p) == ']')
			break;
		if (cur(p) < 0)
			perr(p, start, "unterminated array");
		else if (is_ctrl(cur(p)))
			ctrl_err(p, p->pos);
		else
			perr(p, p->pos, "expected \",\" or \"]\" in array");
		goto fail;
	}
	p->pos++;
	return a;
fail:
	json_decref(a);
	return NULL;
}

/*
 * Walks the dotted part of K (all but the last part) from T inside an inline
 * table, creating tables as needed. Returns the table to put the last part in.
 */
static json_t *
inline_descend(struct parser *p, json_t *t, const struct key *k, const char *path)
{
	size_t i;

	for (i = 0; i + 1 < k->n; i++) {
		json_t *c = json_object_getn(t, k->p[i].s, k->p[i].len);

		if (!c) {
			c = new_container(p, json_object(), meta_depth(p, t) + 1,
					  M_FROZEN | M_INLINE_DOTTED, k->p[i].pos);
			if (!c)
				return NULL;
			json_object_setn_new_nocheck(t, k->p[i].s, k->p[i].len, c);
		} else if (!json_is_object(c) || !(meta_flags(p, c) & M_INLINE_DOTTED)) {
			cleanup_free char *kp = key_path(path, k, i);

			if (json_is_object(c))
				perr(p, k->p[i].pos, "cannot add keys to inline table \"%s\"", kp);
			else
				perr(p, k->p[i].pos, "key \"%s\" is not a table", kp);
			return NULL;
		}
		t = c;
	}
	return t;
}

static json_t *
parse_inline_table(struct parser *p, unsigned depth, const char *path)
{
	size_t start = p->pos;
	json_t *t;

	t = new_container(p, json_object(), depth, M_FROZEN, start);
	if (!t)
		return NULL;
	p->pos++; /* '{' */
	skip_ws(p);
	if (cur(p) == '}') {
		p->pos++;
		return t;
	}
	for (;;) {
		struct key k = { .n = 0 };
		json_t *parent, *v;
		cleanup_free char *vpath = NULL;

		skip_ws(p);
		if (cur(p) == '}') {
			perr(p, p->pos, "trailing comma in inline table");
			goto fail;
		}
		if (at_newline(p)) {
			perr(p, p->pos, "newline in inline table");
			goto fail;
		}
		if (parse_key(p, &k) < 0)
			goto fail_key;
		if (cur(p) != '=') {
			perr(p, p->pos, "expected \"=\" after key");
			goto fail_key;
		}
		p->pos++;
		skip_ws(p);
		parent = inline_descend(p, t, &k, path);
		if (!parent)
			goto fail_key;
		if (json_object_getn(parent, k.p[k.n - 1].s, k.p[k.n - 1].len)) {
			cleanup_free char *kp = key_path(path, &k, k.n - 1);

			perr(p, k.p[k.n - 1].pos, "duplicate key \"%s\"", kp);
			goto fail_key;
		}
		vpath = key_path(path, &k, k.n - 1);
		v = parse_value(p, meta_depth(p, parent) + 1, vpath);
		if (!v)
			goto fail_key;
		json_object_setn_new_nocheck(parent, k.p[k.n - 1].s, k.p[k.n - 1].len, v);
		key_release(&k);
		skip_ws(p);
		if (cur(p) == ',') {
			p->pos++;
			continue;
		}
		if (cur(p) == '}') {
			p->pos++;
			return t;
		}
		if (cur(p) < 0)
			perr(p, start, "unterminated inline table");
		else if (at_newline(p))
			perr(p, p->pos, "newline in inline table");
		else if (is_ctrl(cur(p)))
			ctrl_err(p, p->pos);
		else
			perr(p, p->pos, "expected \",\" or \"}\" in inline table");
		goto fail;
	fail_key:
		key_release(&k);
		goto fail;
	}
fail:
	json_decref(t);
	return NULL;
}

static json_t *
parse_value(struct parser *p, unsigned depth, const char *path)
{
	int c = cur(p);

	if (++p->nvalues > POD_TOML_MAX_VALUES) {
		perr(p, p->pos, "too many values (max %zu)", POD_TOML_MAX_VALUES);
		return NULL;
	}

	if (c == '"' || c == '\'') {
		struct pod_strbuf sb = POD_STRBUF_INIT;
		json_t *s;

		if (parse_string(p, &sb, true) < 0) {
			pod_strbuf_release(&sb);
			return NULL;
		}
		s = json_stringn_nocheck(sb.buf, sb.len);
		pod_strbuf_release(&sb);
		return s;
	}
	if (c == '[')
		return parse_array(p, depth, path);
	if (c == '{')
		return parse_inline_table(p, depth, path);
	return parse_scalar_token(p);
}

/* ---- document structure ---- */

static int
parse_keyval(struct parser *p)
{
	struct key k = { .n = 0 };
	json_t *t = p->cur, *v;
	size_t i;
	int r = -1;
	cleanup_free char *vpath = NULL;

	if (parse_key(p, &k) < 0)
		goto out;
	if (cur(p) != '=') {
		if (is_ctrl(cur(p)) && !at_newline(p))
			ctrl_err(p, p->pos);
		else
			perr(p, p->pos, "expected \"=\" after key");
		goto out;
	}
	p->pos++;
	skip_ws(p);
	for (i = 0; i + 1 < k.n; i++) {
		json_t *c = json_object_getn(t, k.p[i].s, k.p[i].len);
		struct meta *m;

		if (!c) {
			c = new_container(p, json_object(), meta_depth(p, t) + 1, M_DEFINED,
					  k.p[i].pos);
			if (!c)
				goto out;
			json_object_setn_new_nocheck(t, k.p[i].s, k.p[i].len, c);
			t = c;
			continue;
		}
		m = meta_find(&p->meta, c);
		if (!json_is_object(c) || !m || (m->flags & M_FROZEN) ||
		    ((m->flags & M_DEFINED) && m->section != p->section)) {
			cleanup_free char *kp = key_path(p->path.buf, &k, i);

			if (!json_is_object(c))
				perr(p, k.p[i].pos, "key \"%s\" is not a table", kp);
			else if (m && (m->flags & M_FROZEN))
				perr(p, k.p[i].pos, "cannot add keys to inline table \"%s\"", kp);
			else
				perr(p, k.p[i].pos, "table \"%s\" already defined", kp);
			goto out;
		}
		/* a table opened by dotted keys is closed once this section ends */
		m->flags |= M_DEFINED;
		m->section = p->section;
		t = c;
	}
	if (json_object_getn(t, k.p[k.n - 1].s, k.p[k.n - 1].len)) {
		cleanup_free char *kp = key_path(p->path.buf, &k, k.n - 1);

		perr(p, k.p[k.n - 1].pos, "duplicate key \"%s\"", kp);
		goto out;
	}
	vpath = key_path(p->path.buf, &k, k.n - 1);
	v = parse_value(p, meta_depth(p, t) + 1, vpath);
	if (!v)
		goto out;
	json_object_setn_new_nocheck(t, k.p[k.n - 1].s, k.p[k.n - 1].len, v);
	r = expect_eol(p, "value");
out:
	key_release(&k);
	return r;
}

static int
parse_header(struct parser *p)
{
	struct key k = { .n = 0 };
	size_t start = p->pos, i;
	bool aot = peek(p, 1) == '[';
	json_t *t = p->root, *c;
	int r = -1;

	p->pos += aot ? 2 : 1;
	if (parse_key(p, &k) < 0)
		goto out;
	if (aot ? !(cur(p) == ']' && peek(p, 1) == ']') : cur(p) != ']') {
		perr(p, p->pos, aot ? "expected \"]]\" after array of tables header"
				    : "expected \"]\" after table header");
		goto out;
	}
	p->pos += aot ? 2 : 1;
	p->section++;
	pod_strbuf_reset(&p->path);
	for (i = 0; i < k.n; i++)
		path_add(&p->path, k.p[i].s, k.p[i].len);

	for (i = 0; i + 1 < k.n; i++) {
		unsigned fl;

		c = json_object_getn(t, k.p[i].s, k.p[i].len);
		if (!c) {
			c = new_container(p, json_object(), meta_depth(p, t) + 1, 0, k.p[i].pos);
			if (!c)
				goto out;
			json_object_setn_new_nocheck(t, k.p[i].s, k.p[i].len, c);
			t = c;
			continue;
		}
		fl = meta_flags(p, c);
		if (json_is_object(c) && !(fl & M_FROZEN)) {
			t = c;
		} else if (json_is_array(c) && (fl & M_AOT)) {
			t = json_array_get(c, json_array_size(c) - 1);
		} else {
			cleanup_free char *kp = key_path("", &k, i);

			if (json_is_object(c))
				perr(p, k.p[i].pos, "cannot add keys to inline table \"%s\"", kp);
			else if (json_is_array(c))
				perr(p, k.p[i].pos, "cannot add tables to static array \"%s\"", kp);
			else
				perr(p, k.p[i].pos, "key \"%s\" is not a table", kp);
			goto out;
		}
	}
	c = json_object_getn(t, k.p[k.n - 1].s, k.p[k.n - 1].len);
	if (aot) {
		json_t *elem;

		if (!c) {
			c = new_container(p, json_array(), meta_depth(p, t) + 1, M_AOT, start);
			if (!c)
				goto out;
			json_object_setn_new_nocheck(t, k.p[k.n - 1].s, k.p[k.n - 1].len, c);
		} else if (!json_is_array(c) || !(meta_flags(p, c) & M_AOT)) {
			if (json_is_array(c))
				perr(p, start, "cannot append to static array \"%s\"", p->path.buf);
			else if (json_is_object(c))
				perr(p, start, "table \"%s\" already defined", p->path.buf);
			else
				perr(p, start, "key \"%s\" already has a value", p->path.buf);
			goto out;
		}
		elem = new_container(p, json_object(), meta_depth(p, c) + 1, M_DEFINED, start);
		if (!elem)
			goto out;
		json_array_append_new(c, elem);
		p->cur = elem;
	} else {
		struct meta *m;

		if (!c) {
			c = new_container(p, json_object(), meta_depth(p, t) + 1, M_DEFINED, start);
			if (!c)
				goto out;
			json_object_setn_new_nocheck(t, k.p[k.n - 1].s, k.p[k.n - 1].len, c);
		} else if (!json_is_object(c) || !(m = meta_find(&p->meta, c)) ||
			   (m->flags & (M_DEFINED | M_FROZEN))) {
			if (json_is_array(c) && (meta_flags(p, c) & M_AOT))
				perr(p, start, "table \"%s\" already defined as an array of tables",
				     p->path.buf);
			else if (json_is_object(c))
				perr(p, start, "table \"%s\" already defined", p->path.buf);
			else
				perr(p, start, "key \"%s\" already has a value", p->path.buf);
			goto out;
		} else {
			m->flags |= M_DEFINED;
			m->section = p->section;
		}
		p->cur = c;
	}
	r = expect_eol(p, aot ? "array of tables header" : "table header");
out:
	key_release(&k);
	return r;
}

json_t *
pod_toml_parse(const char *buf, size_t len, const char *filename, struct pod_err **err)
{
	struct parser p = {
		.buf = buf,
		.len = len,
		.filename = filename ? filename : "<input>",
		.err = err,
	};
	json_t *ret = NULL;

	if (len > POD_TOML_MAX_SIZE) {
		pod_err_set(err, POD_E_INVALID, 0, "%s: file too large (%zu bytes, max %zu)",
			    p.filename, len, POD_TOML_MAX_SIZE);
		return NULL;
	}
	pod_strbuf_init(&p.path);
	if (check_utf8(&p) < 0)
		goto out;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		p.pos = 3;
	p.root = new_container(&p, json_object(), 0, M_DEFINED, 0);
	p.cur = p.root;
	while (p.pos < p.len) {
		int c;

		skip_ws(&p);
		c = cur(&p);
		if (c < 0)
			break;
		if (c == '#') {
			if (expect_eol(&p, "comment") < 0)
				goto out;
		} else if (at_newline(&p)) {
			eat_newline(&p);
		} else if (c == '[') {
			if (parse_header(&p) < 0)
				goto out;
		} else if (c == '=') {
			perr(&p, p.pos, "expected a key");
			goto out;
		} else {
			if (parse_keyval(&p) < 0)
				goto out;
		}
	}
	ret = TAKE_PTR(p.root);
out:
	json_decref(p.root);
	free(p.meta.slots);
	pod_strbuf_release(&p.path);
	return ret;
}

json_t *
pod_toml_parse_file(const char *path, struct pod_err **err)
{
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	size_t len = 0, alloc = 0;
	struct stat st;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		pod_err_sys(err, "opening %s", path);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		pod_err_sys(err, "reading %s", path);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		pod_err_sys(err, "reading %s", path);
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (len == alloc) {
			if (alloc > POD_TOML_MAX_SIZE) {
				pod_err_set(err, POD_E_INVALID, 0,
					    "%s: file too large (max %zu bytes)", path,
					    POD_TOML_MAX_SIZE);
				return NULL;
			}
			alloc = alloc ? alloc * 2 : 8192;
			buf = xrealloc(buf, alloc);
		}
		n = read(fd, buf + len, alloc - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pod_err_sys(err, "reading %s", path);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t) n;
	}
	return pod_toml_parse(buf ? buf : "", len, path, err);
}

const char *
pod_toml_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "table";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "float";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}
