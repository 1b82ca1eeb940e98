/*
 * template-lex.c - the template arena, Podman's normalisation of --format
 * values and the lexer of Go's text/template, item for item (see
 * text/template/parse/lex.go for the grammar it follows).
 */
#include "cli/internal.h"
#include "cli/template.h"

/* ---- arena ---- */

struct tarena_block {
	struct tarena_block *next;
	size_t used, size;
	max_align_t data[];
};

void *
pod_tarena_alloc(struct tarena *a, size_t size)
{
	struct tarena_block *b = a->head;

	size = (size + 15) & ~(size_t) 15;
	if (!b || b->size - b->used < size) {
		size_t bsize = size > 8192 ? size : 8192;

		b = xmalloc(sizeof(*b) + bsize);
		b->size = bsize;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *) b->data + b->used;

	b->used += size;
	memset(p, 0, size);
	return p;
}

char *
pod_tarena_strndup(struct tarena *a, const char *s, size_t n)
{
	char *p = pod_tarena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
pod_tarena_release(struct tarena *a)
{
	while (a->head) {
		struct tarena_block *b = a->head;

		a->head = b->next;
		free(b);
	}
}

/* ---- Podman's normalisation (containers/common pkg/report) ---- */

void
pod_tnormalize(const char *src, bool *ret_table, struct pod_strbuf *out)
{
	size_t i = 0, n = strlen(src);
	bool table = pod_str_has_prefix(src, "table ");

	/*
	 * One left-to-right pass, like Go's strings.Replacer: for a table,
	 * "table " -> "", `\t` -> tab, `\n` -> newline, " " -> tab; otherwise
	 * only the two escapes.
	 */
	while (i < n) {
		if (table && pod_str_has_prefix(src + i, "table ")) {
			i += 6;
		} else if (src[i] == '\\' && (src[i + 1] == 't' || src[i + 1] == 'n')) {
			pod_strbuf_addch(out, src[i + 1] == 't' ? '\t' : '\n');
			i += 2;
		} else if (table && src[i] == ' ') {
			pod_strbuf_addch(out, '\t');
			i++;
		} else {
			pod_strbuf_addch(out, src[i++]);
		}
	}
	if (!out->len || out->buf[out->len - 1] != '\n')
		pod_strbuf_addch(out, '\n');
	*ret_table = table;
}

static size_t
skip_ws(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
		i++;
	return i;
}

/*
 * If s starts with {{\s*WORD\s*(DOT)?\s*(-)?\s*}} return what follows it,
 * else NULL: the pieces of Podman's EnforceRange regexp.
 */
static const char *
match_action(const char *s, const char *word, bool dot, bool dash)
{
	size_t i, n = strlen(word);

	if (strncmp(s, "{{", 2) != 0)
		return NULL;
	i = skip_ws(s, 2);
	if (strncmp(s + i, word, n) != 0)
		return NULL;
	i = skip_ws(s, i + n);
	if (dot) {
		if (s[i] != '.')
			return NULL;
		i = skip_ws(s, i + 1);
	}
	if (dash && s[i] == '-')
		i = skip_ws(s, i + 1);
	return strncmp(s + i, "}}", 2) == 0 ? s + i + 2 : NULL;
}

/* (?s){{\s*range\s*\.\s*}}.*{{\s*end\s*-?\s*}} */
bool
pod_thas_list_range(const char *s)
{
	const char *p, *after = NULL;

	for (p = strstr(s, "{{"); p && !after; p = strstr(p + 1, "{{"))
		after = match_action(p, "range", true, false);
	if (!after)
		return false;
	for (p = strstr(after, "{{"); p; p = strstr(p + 1, "{{"))
		if (match_action(p, "end", false, true))
			return true;
	return false;
}

/* ---- lexer ---- */

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_alnum_at(const char *s, size_t len, size_t *ret_size)
{
	unsigned char c = (unsigned char) s[0];

	*ret_size = 1;
	if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	if (c < 0x80)
		return false;
	/* non-ASCII letters and digits: any printable decoded rune */
	int32_t r = pod_utf8_decode(s, len, ret_size);

	return !(r == POD_RUNE_ERROR && *ret_size == 1) && r >= 0xAA && r != 0xAD;
}

static int
peek_ch(const struct lexer *l, size_t at)
{
	return at < l->len ? (unsigned char) l->in[at] : -1;
}

static bool
at_right_delim(const struct lexer *l, size_t at, bool *ret_trim)
{
	if (at + 1 < l->len && is_space(l->in[at]) && l->in[at + 1] == '-' &&
	    at + 4 <= l->len && strncmp(l->in + at + 2, "}}", 2) == 0) {
		*ret_trim = true;
		return true;
	}
	*ret_trim = false;
	return at + 2 <= l->len && strncmp(l->in + at, "}}", 2) == 0;
}

static bool
has_left_trim(const struct lexer *l, size_t at)
{
	return at + 1 < l->len && l->in[at] == '-' && is_space(l->in[at + 1]);
}

static void
char_desc(struct pod_strbuf *sb, const char *s, size_t len)
{
	size_t sz;
	int32_t r = pod_utf8_decode(s, len, &sz);

	/* Go's %#U */
	pod_strbuf_addf(sb, "U+%04X", (unsigned) r);
	if (r >= 0x20 && r != 0x7F && !(r >= 0x80 && r < 0xA0)) {
		pod_strbuf_adds(sb, " '");
		pod_utf8_append(sb, r);
		pod_strbuf_addch(sb, '\'');
	}
}

static void
lex_error(struct lexer *l, struct item *it, size_t pos, const char *fmt, ...) POD_PRINTF(4, 5);

static void
lex_error(struct lexer *l, struct item *it, size_t pos, const char *fmt, ...)
{
	va_list ap;
	cleanup_free char *msg = NULL;

	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	it->type = I_ERROR;
	it->pos = pos;
	it->val = pod_tarena_strndup(l->arena, msg, strlen(msg));
	it->len = strlen(msg);
	l->state = L_DONE;
}

static void
lex_bad_char(struct lexer *l, struct item *it, size_t start, size_t at)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	if (at < l->len)
		char_desc(&sb, l->in + at, l->len - at);
	else
		pod_strbuf_adds(&sb, "U+FFFFFFFF"); /* Go prints eof (-1) so */
	lex_error(l, it, start, "bad character %s", sb.buf);
}

static void
emit(struct item *it, enum itype type, size_t start, size_t end, const char *in)
{
	it->type = type;
	it->pos = start;
	it->val = in + start;
	it->len = end - start;
}

/* the Go lexer's atTerminator() */
static bool
at_terminator(const struct lexer *l, size_t at)
{
	bool trim;
	int c = peek_ch(l, at);

	if (c == -1 || is_space(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' ||
	    c == '(')
		return true;
	return at_right_delim(l, at, &trim) && !trim;
}

static const struct {
	const char *word;
	enum itype type;
} keywords[] = {
	{ "block", I_BLOCK }, { "break", I_BREAK },   { "continue", I_CONTINUE },
	{ "define", I_DEFINE }, { "else", I_ELSE },   { "end", I_END },
	{ "if", I_IF },	      { "nil", I_NIL },	      { "range", I_RANGE },
	{ "template", I_TEMPLATE }, { "with", I_WITH },
};

static size_t
accept_run(const struct lexer *l, size_t at, const char *set)
{
	while (at < l->len && l->in[at] && strchr(set, l->in[at]))
		at++;
	return at;
}

static size_t
accept1(const struct lexer *l, size_t at, const char *set)
{
	return at < l->len && l->in[at] && strchr(set, l->in[at]) ? at + 1 : at;
}

static void
lex_number(struct lexer *l, struct item *it, size_t start)
{
	const char *digits = "0123456789_";
	size_t at = accept1(l, start, "+-"), sz, n;

	if ((n = accept1(l, at, "0")) != at) {
		at = n;
		if ((n = accept1(l, at, "xX")) != at)
			digits = "0123456789abcdefABCDEF_";
		else if ((n = accept1(l, at, "oO")) != at)
			digits = "01234567_";
		else if ((n = accept1(l, at, "bB")) != at)
			digits = "01_";
		at = n;
	}
	at = accept_run(l, at, digits);
	if ((n = accept1(l, at, ".")) != at)
		at = accept_run(l, n, digits);
	if (strlen(digits) == 11 && (n = accept1(l, at, "eE")) != at)
		at = accept_run(l, accept1(l, n, "+-"), "0123456789_");
	if (strlen(digits) == 23 && (n = accept1(l, at, "pP")) != at)
		at = accept_run(l, accept1(l, n, "+-"), "0123456789_");
	at = accept1(l, at, "i");
	if (at < l->len && is_alnum_at(l->in + at, l->len - at, &sz)) {
		at += sz;
		lex_error(l, it, start, "bad number syntax: \"%.*s\"", (int) (at - start),
			  l->in + start);
		return;
	}
	emit(it, I_NUMBER, start, at, l->in);
}

static void
lex_quote(struct lexer *l, struct item *it, size_t start, char q)
{
	size_t at = start + 1;

	for (;;) {
		int c = peek_ch(l, at++);

		if (c == '\\' && q != '`') {
			c = peek_ch(l, at);
			if (c != -1 && c != '\n') {
				at++;
				continue;
			}
		}
		if (c == -1 || (c == '\n' && q != '`')) {
			lex_error(l, it, start, "%s",
				  q == '"'    ? "unterminated quoted string"
				  : q == '`' ? "unterminated raw quoted string"
					     : "unterminated character constant");
			return;
		}
		if (c == q)
			break;
	}
	emit(it, q == '"' ? I_STRING : q == '`' ? I_RAW : I_CHARCONST, start, at, l->in);
}

/* after '.' or '$' at start */
static void
lex_field_or_var(struct lexer *l, struct item *it, size_t start, enum itype type)
{
	size_t at = start + 1, sz;

	if (at_terminator(l, at)) {
		emit(it, type == I_VAR ? I_VAR : I_DOT, start, at, l->in);
		return;
	}
	while (at < l->len && is_alnum_at(l->in + at, l->len - at, &sz))
		at += sz;
	if (!at_terminator(l, at)) {
		lex_bad_char(l, it, start, at);
		return;
	}
	emit(it, type, start, at, l->in);
}

static void
lex_identifier(struct lexer *l, struct item *it, size_t start)
{
	size_t at = start, sz, i;

	while (at < l->len && is_alnum_at(l->in + at, l->len - at, &sz))
		at += sz;
	if (!at_terminator(l, at)) {
		lex_bad_char(l, it, start, at);
		return;
	}
	emit(it, I_IDENT, start, at, l->in);
	for (i = 0; i < ARRAY_SIZE(keywords); i++) {
		if (strlen(keywords[i].word) == it->len &&
		    memcmp(keywords[i].word, it->val, it->len) == 0) {
			it->type = keywords[i].type;
			return;
		}
	}
	if ((it->len == 4 && memcmp(it->val, "true", 4) == 0) ||
	    (it->len == 5 && memcmp(it->val, "false", 5) == 0))
		it->type = I_BOOL;
}

static void
lex_action(struct lexer *l, struct item *it)
{
	size_t start = l->pos;
	bool trim;
	int c;

	if (at_right_delim(l, start, &trim)) {
		if (l->paren_depth) {
			lex_error(l, it, start, "unclosed left paren");
			return;
		}
		if (trim)
			start += 2;
		emit(it, I_RIGHT, start, start + 2, l->in);
		l->pos = start + 2;
		if (trim)
			l->pos = skip_ws(l->in, l->pos);
		l->state = L_TEXT;
		return;
	}
	c = peek_ch(l, start);
	switch (c) {
	case -1:
		lex_error(l, it, start, "unclosed action");
		return;
	case '=':
		emit(it, I_ASSIGN, start, start + 1, l->in);
		break;
	case ':':
		if (peek_ch(l, start + 1) != '=') {
			lex_error(l, it, start, "expected :=");
			return;
		}
		emit(it, I_DECLARE, start, start + 2, l->in);
		break;
	case '|':
		emit(it, I_PIPE, start, start + 1, l->in);
		break;
	case '"':
	case '`':
	case '\'':
		lex_quote(l, it, start, (char) c);
		break;
	case '$':
		lex_field_or_var(l, it, start, I_VAR);
		break;
	case '(':
		l->paren_depth++;
		emit(it, I_LPAREN, start, start + 1, l->in);
		break;
	case ')':
		if (--l->paren_depth < 0) {
			lex_error(l, it, start, "unexpected right paren");
			return;
		}
		emit(it, I_RPAREN, start, start + 1, l->in);
		break;
	default: {
		size_t sz;

		if (is_space(c)) {
			size_t at = start;
			int nspaces = 0;

			while (at < l->len && is_space(l->in[at])) {
				at++;
				nspaces++;
			}
			/* a space followed by "-}}" belongs to the right delimiter */
			if (at_right_delim(l, at - 1, &trim) && trim) {
				at--;
				if (nspaces == 1) {
					l->pos = at;
					lex_action(l, it);
					return;
				}
			}
			emit(it, I_SPACE, start, at, l->in);
			break;
		}
		if (c == '.') {
			int d = peek_ch(l, start + 1);

			if (d != -1 && (d < '0' || d > '9')) {
				lex_field_or_var(l, it, start, I_FIELD);
				break;
			}
		}
		if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
			lex_number(l, it, start);
			break;
		}
		if (is_alnum_at(l->in + start, l->len - start, &sz)) {
			lex_identifier(l, it, start);
			break;
		}
		if (c < 0x80 && c >= 0x20 && c != 0x7F) {
			emit(it, I_CHAR, start, start + 1, l->in);
			break;
		}
		cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

		char_desc(&sb, l->in + start, l->len - start);
		lex_error(l, it, start, "unrecognized character in action: %s", sb.buf);
		return;
	}
	}
	if (it->type != I_ERROR)
		l->pos = it->pos + it->len;
}

void
pod_tlex_next(struct lexer *l, struct item *it)
{
	for (;;) {
		switch (l->state) {
		case L_DONE:
			if (it->type != I_ERROR)
				emit(it, I_EOF, l->len, l->len, l->in);
			return;
		case L_TEXT: {
			const char *x = strstr(l->in + l->pos, "{{");
			size_t start = l->pos, end;

			if (!x) {
				l->pos = l->len;
				l->state = L_DONE;
				if (l->len > start) {
					emit(it, I_TEXT, start, l->len, l->in);
					return;
				}
				emit(it, I_EOF, l->len, l->len, l->in);
				return;
			}
			end = (size_t) (x - l->in);
			l->pos = end;
			l->state = L_LEFT;
			if (has_left_trim(l, end + 2))
				while (end > start && is_space(l->in[end - 1]))
					end--;
			if (end > start) {
				emit(it, I_TEXT, start, end, l->in);
				return;
			}
			break;
		}
		case L_LEFT: {
			size_t at = l->pos + 2;
			bool trim = has_left_trim(l, at);

			if (trim)
				at += 2;
			if (strncmp(l->in + at, "/*", 2) == 0) {
				const char *e = strstr(l->in + at + 2, "*/");
				bool rtrim;

				if (!e) {
					lex_error(l, it, l->pos, "unclosed comment");
					return;
				}
				at = (size_t) (e - l->in) + 2;
				if (!at_right_delim(l, at, &rtrim)) {
					lex_error(l, it, l->pos, "comment ends before closing delimiter");
					return;
				}
				at += (rtrim ? 2 : 0) + 2;
				if (rtrim)
					at = skip_ws(l->in, at);
				l->pos = at;
				l->state = L_TEXT;
				break;
			}
			emit(it, I_LEFT, l->pos, l->pos + 2, l->in);
			l->pos = at;
			l->paren_depth = 0;
			l->state = L_ACTION;
			return;
		}
		case L_ACTION:
			lex_action(l, it);
			return;
		}
	}
}
