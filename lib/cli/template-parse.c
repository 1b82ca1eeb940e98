/*
 * template-parse.c - the parser of the Go text/template subset (see
 * template.h); template-lex.c feeds it items.
 *
 * The lexer and parser follow the grammar and the error messages of Go's
 * text/template/parse so that a bad --format fails with the same words as
 * in Podman. Every node lives in the template's arena; a syntax error
 * longjmp()s out of the recursive descent and the arena is dropped.
 */
#include "cli/internal.h"
#include "cli/template.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>

/* ---- parser ---- */

struct parser {
	struct pod_template *t;
	struct lexer lx;
	struct item tok[3];
	int peek_count;
	struct item last; /* the last token handed out, for the error line */
	struct tarena *a;
	const char **vars;
	size_t nvars, vars_cap;
	int range_depth;
	int depth;
	size_t action_line;
	jmp_buf jb;
	char *errmsg;
	size_t line_pos, line_no; /* line_at() cache */
	struct pod_strbuf tmp;	  /* scratch that survives a longjmp, released by the caller */
};

static size_t
line_at(struct parser *p, size_t pos)
{
	if (pos < p->line_pos) {
		p->line_pos = 0;
		p->line_no = 1;
	}
	for (; p->line_pos < pos && p->line_pos < p->t->len; p->line_pos++)
		if (p->t->text[p->line_pos] == '\n')
			p->line_no++;
	return p->line_no;
}

static _Noreturn void parse_fail(struct parser *p, const char *fmt, ...) POD_PRINTF(2, 3);

static _Noreturn void
parse_fail(struct parser *p, const char *fmt, ...)
{
	char *msg;
	va_list ap;

	/* no cleanup attributes here or in callers: longjmp skips them */
	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	p->errmsg = xasprintf("template: %s:%zu: %s", p->t->name, line_at(p, p->last.pos), msg);
	free(msg);
	longjmp(p->jb, 1);
}

static struct item
next(struct parser *p)
{
	if (p->peek_count > 0)
		p->peek_count--;
	else
		pod_tlex_next(&p->lx, &p->tok[0]);
	p->last = p->tok[p->peek_count];
	return p->tok[p->peek_count];
}

static void
backup(struct parser *p)
{
	p->peek_count++;
}

static void
backup2(struct parser *p, struct item t1)
{
	p->tok[1] = t1;
	p->peek_count = 2;
}

static void
backup3(struct parser *p, struct item t2, struct item t1)
{
	p->tok[1] = t1;
	p->tok[2] = t2;
	p->peek_count = 3;
}

static struct item
peek(struct parser *p)
{
	if (p->peek_count > 0)
		return p->tok[p->peek_count - 1];
	p->peek_count = 1;
	pod_tlex_next(&p->lx, &p->tok[0]);
	return p->tok[0];
}

static struct item
next_non_space(struct parser *p)
{
	struct item it;

	do
		it = next(p);
	while (it.type == I_SPACE);
	return it;
}

static struct item
peek_non_space(struct parser *p)
{
	struct item it = next_non_space(p);

	backup(p);
	return it;
}

/* Go's item.String() */
static void
item_string(struct pod_strbuf *sb, const struct item *it)
{
	if (it->type == I_EOF) {
		pod_strbuf_adds(sb, "EOF");
	} else if (it->type == I_ERROR) {
		pod_strbuf_add(sb, it->val, it->len);
	} else if (it->type > I_KEYWORD) {
		pod_strbuf_addch(sb, '<');
		pod_strbuf_add(sb, it->val, it->len);
		pod_strbuf_addch(sb, '>');
	} else if (pod_utf8_count(it->val, it->len) > 10) {
		/* %.10q: quote the first ten runes, then "..." */
		size_t i = 0, n = 0, sz;

		while (i < it->len && n < 10) {
			pod_utf8_decode(it->val + i, it->len - i, &sz);
			i += sz;
			n++;
		}
		pod_go_quote(sb, it->val, i, false);
		pod_strbuf_adds(sb, "...");
	} else {
		pod_go_quote(sb, it->val, it->len, false);
	}
}

static _Noreturn void
unexpected(struct parser *p, const struct item *it, const char *context)
{
	struct pod_strbuf *sb = &p->tmp;

	pod_strbuf_reset(sb);
	item_string(sb, it);
	if (it->type == I_ERROR) {
		size_t line = line_at(p, it->pos);

		if (p->action_line && p->action_line != line) {
			bool action = pod_str_has_suffix(sb->buf, " action");

			parse_fail(p, "%s%s started at %s:%zu", sb->buf, action ? "" : " in action",
				   p->t->name, p->action_line);
		}
		parse_fail(p, "%s", sb->buf);
	}
	parse_fail(p, "unexpected %s in %s", sb->buf, context);
}

static struct item
expect(struct parser *p, enum itype type, const char *context)
{
	struct item it = next_non_space(p);

	if (it.type != type)
		unexpected(p, &it, context);
	return it;
}

static void
push_var(struct parser *p, const char *name)
{
	if (p->nvars == p->vars_cap) {
		size_t cap = p->vars_cap ? p->vars_cap * 2 : 8;
		const char **v = pod_tarena_alloc(p->a, cap * sizeof(*v));

		if (p->nvars)
			memcpy(v, p->vars, p->nvars * sizeof(*v));
		p->vars = v;
		p->vars_cap = cap;
	}
	p->vars[p->nvars++] = name;
}

static void
enter(struct parser *p)
{
	if (++p->depth > POD_TEMPLATE_MAX_DEPTH)
		parse_fail(p, "nesting deeper than %d levels", POD_TEMPLATE_MAX_DEPTH);
}

static const char *
item_dup(struct parser *p, const struct item *it)
{
	return pod_tarena_strndup(p->a, it->val, it->len);
}

static void
add_field(struct parser *p, struct targ *a, const char *name)
{
	const char **f = pod_tarena_alloc(p->a, (a->nfields + 1) * sizeof(*f));

	if (a->nfields)
		memcpy(f, a->fields, a->nfields * sizeof(*f));
	f[a->nfields++] = name;
	a->fields = f;
}

static struct targ *
new_arg(struct parser *p, enum targ_type type, size_t pos)
{
	struct targ *a = pod_tarena_alloc(p->a, sizeof(*a));

	a->type = type;
	a->pos = pos;
	return a;
}

/* strconv.Unquote for "..." and '...'; false on a syntax error */
static bool
unquote(struct pod_strbuf *out, const char *s, size_t len, char q)
{
	size_t i = 1, end = len - 1, sz;

	if (len < 2 || s[0] != q || s[len - 1] != q)
		return false;
	if (q == '`') {
		for (; i < end; i++)
			if (s[i] != '\r')
				pod_strbuf_addch(out, s[i]);
		return true;
	}
	while (i < end) {
		unsigned char c = (unsigned char) s[i];

		if (c == (unsigned char) q || c == '\n')
			return false;
		if (c != '\\') {
			if (c < 0x80) {
				pod_strbuf_addch(out, (char) c);
				i++;
			} else {
				pod_utf8_decode(s + i, end - i, &sz);
				pod_strbuf_add(out, s + i, sz);
				i += sz;
			}
			continue;
		}
		if (++i >= end)
			return false;
		c = (unsigned char) s[i++];
		switch (c) {
		case 'a': pod_strbuf_addch(out, '\a'); break;
		case 'b': pod_strbuf_addch(out, '\b'); break;
		case 'f': pod_strbuf_addch(out, '\f'); break;
		case 'n': pod_strbuf_addch(out, '\n'); break;
		case 'r': pod_strbuf_addch(out, '\r'); break;
		case 't': pod_strbuf_addch(out, '\t'); break;
		case 'v': pod_strbuf_addch(out, '\v'); break;
		case '\\': pod_strbuf_addch(out, '\\'); break;
		case '\'':
		case '"':
			if (c != (unsigned char) q)
				return false;
			pod_strbuf_addch(out, (char) c);
			break;
		case 'x':
		case 'u':
		case 'U': {
			int n = c == 'x' ? 2 : c == 'u' ? 4 : 8, k;
			uint32_t v = 0;

			if (i + (size_t) n > end)
				return false;
			for (k = 0; k < n; k++) {
				char h = s[i + (size_t) k];
				int d = h >= '0' && h <= '9'   ? h - '0'
					: h >= 'a' && h <= 'f' ? h - 'a' + 10
					: h >= 'A' && h <= 'F' ? h - 'A' + 10
							       : -1;

				if (d < 0)
					return false;
				v = v * 16 + (uint32_t) d;
			}
			i += (size_t) n;
			if (c == 'x') {
				pod_strbuf_addch(out, (char) v);
			} else {
				if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
					return false;
				pod_utf8_append(out, (int32_t) v);
			}
			break;
		}
		case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
			uint32_t v = c - '0';

			if (i + 2 > end)
				return false;
			for (int k = 0; k < 2; k++) {
				char o = s[i++];

				if (o < '0' || o > '7')
					return false;
				v = v * 8 + (uint32_t) (o - '0');
			}
			if (v > 255)
				return false;
			pod_strbuf_addch(out, (char) v);
			break;
		}
		default:
			return false;
		}
	}
	return true;
}

static bool
parse_int_text(const char *text, int64_t *ret)
{
	char buf[80];
	size_t n = 0;
	const char *s = text;
	bool neg = false;
	int base = 10;
	char *end;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		base = 8, s += 2;
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2, s += 2;
	else if (s[0] == '0' && s[1])
		base = 8, s += 1;
	for (; *s; s++) {
		if (*s == '_')
			continue;
		if (n + 2 >= sizeof(buf))
			return false;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	if (!n)
		return base == 8 && !neg ? (*ret = 0, true) : false;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, base);

	if (errno || *end || buf[0] == '-' || buf[0] == '+')
		return false;
	if (neg ? v > (unsigned long long) INT64_MAX + 1 : v > INT64_MAX)
		return false;
	*ret = neg ? (int64_t) (0 - v) : (int64_t) v;
	return true;
}

static struct targ *
new_number(struct parser *p, const struct item *it)
{
	struct targ *a = new_arg(p, TA_NUMBER, it->pos);
	const char *text = item_dup(p, it);

	a->text = text;
	if (it->type == I_CHARCONST) {
		struct pod_strbuf *sb = &p->tmp;
		size_t sz;

		pod_strbuf_reset(sb);
		if (!unquote(sb, it->val, it->len, '\'') || sb->len == 0)
			parse_fail(p, "malformed character constant: %s", text);
		int32_t r = pod_utf8_decode(sb->buf, sb->len, &sz);

		if (sz != sb->len)
			parse_fail(p, "malformed character constant: %s", text);
		a->is_int = true;
		a->ival = r;
		a->fval = r;
		return a;
	}
	if (text[it->len - 1] == 'i')
		parse_fail(p, "illegal number syntax: \"%s\"", text); /* no complex numbers */
	bool hex = strstr(text, "0x") || strstr(text, "0X");

	a->is_float = hex ? strpbrk(text, ".pP") != NULL : strpbrk(text, ".eEpP") != NULL;
	if (!a->is_float && parse_int_text(text, &a->ival)) {
		a->is_int = true;
		a->fval = (double) a->ival;
		return a;
	}
	char buf[128];
	size_t n = 0;
	char *end;

	for (const char *s = text; *s && n + 1 < sizeof(buf); s++)
		if (*s != '_')
			buf[n++] = *s;
	buf[n] = '\0';
	errno = 0;
	a->fval = strtod(buf, &end);
	if (*end || n == 0 || errno == ERANGE || !strcmp(buf, "+") || !strcmp(buf, "-"))
		parse_fail(p, "illegal number syntax: \"%s\"", text);
	a->is_float = true;
	/* a float constant with an integral value is also an integer (1.0, 1e3) */
	if (a->fval > -9.2e18 && a->fval < 9.2e18 && (double) (int64_t) a->fval == a->fval) {
		a->ival = (int64_t) a->fval;
		a->is_int = true;
	}
	return a;
}

static struct tpipe *pipeline(struct parser *p, const char *context, enum itype end);

static struct targ *
term(struct parser *p)
{
	struct item it = next_non_space(p);
	struct targ *a;

	switch (it.type) {
	case I_IDENT: {
		const char *name = item_dup(p, &it);
		const struct tfunc *f = pod_tfunc_lookup(name);

		if (!f) {
			if (!strcmp(name, "html") || !strcmp(name, "js") ||
			    !strcmp(name, "urlquery") || !strcmp(name, "call") ||
			    !strcmp(name, "slice"))
				parse_fail(p, "function \"%s\" is not supported", name);
			parse_fail(p, "function \"%s\" not defined", name);
		}
		a = new_arg(p, TA_IDENT, it.pos);
		a->text = name;
		a->func = f;
		return a;
	}
	case I_DOT:
		return new_arg(p, TA_DOT, it.pos);
	case I_NIL:
		return new_arg(p, TA_NIL, it.pos);
	case I_VAR: {
		const char *name = item_dup(p, &it);
		size_t i;

		for (i = 0; i < p->nvars; i++)
			if (!strcmp(p->vars[i], name))
				break;
		if (i == p->nvars)
			parse_fail(p, "undefined variable \"%s\"", name);
		a = new_arg(p, TA_VAR, it.pos);
		a->text = name;
		return a;
	}
	case I_FIELD:
		a = new_arg(p, TA_FIELD, it.pos);
		add_field(p, a, pod_tarena_strndup(p->a, it.val + 1, it.len - 1));
		return a;
	case I_BOOL:
		a = new_arg(p, TA_BOOL, it.pos);
		a->b = it.val[0] == 't';
		return a;
	case I_CHARCONST:
	case I_NUMBER:
		return new_number(p, &it);
	case I_LPAREN:
		enter(p);
		a = new_arg(p, TA_PIPE, it.pos);
		a->pipe = pipeline(p, "parenthesized pipeline", I_RPAREN);
		p->depth--;
		return a;
	case I_STRING:
	case I_RAW: {
		struct pod_strbuf *sb = &p->tmp;

		pod_strbuf_reset(sb);
		if (!unquote(sb, it.val, it.len, it.type == I_RAW ? '`' : '"'))
			parse_fail(p, "invalid syntax");
		a = new_arg(p, TA_STRING, it.pos);
		a->text = item_dup(p, &it);
		a->str = pod_tarena_strndup(p->a, sb->buf, sb->len);
		a->slen = sb->len;
		return a;
	}
	default:
		backup(p);
		return NULL;
	}
}

static struct targ *
operand(struct parser *p)
{
	struct targ *node = term(p);

	if (!node || peek(p).type != I_FIELD)
		return node;
	switch (node->type) {
	case TA_FIELD:
	case TA_VAR:
		break;
	case TA_BOOL:
	case TA_STRING:
	case TA_NUMBER:
	case TA_NIL:
	case TA_DOT: {
		struct pod_strbuf *sb = &p->tmp;

		pod_strbuf_reset(sb);
		pod_targ_string(sb, node);
		parse_fail(p, "unexpected . after term \"%s\"", sb->buf);
	}
	default: {
		struct targ *chain = new_arg(p, TA_CHAIN, peek(p).pos);

		chain->base = node;
		node = chain;
		break;
	}
	}
	while (peek(p).type == I_FIELD) {
		struct item f = next(p);

		add_field(p, node, pod_tarena_strndup(p->a, f.val + 1, f.len - 1));
	}
	return node;
}

static struct tcmd *
command(struct parser *p)
{
	struct tcmd *cmd = pod_tarena_alloc(p->a, sizeof(*cmd));
	struct targ **tail = &cmd->args;

	cmd->pos = peek_non_space(p).pos;
	for (;;) {
		peek_non_space(p);
		struct targ *a = operand(p);

		if (a) {
			*tail = a;
			tail = &a->next;
			cmd->nargs++;
		}
		struct item it = next(p);

		switch (it.type) {
		case I_SPACE:
			continue;
		case I_RIGHT:
		case I_RPAREN:
			backup(p);
			break;
		case I_PIPE:
			break;
		default:
			unexpected(p, &it, "operand");
		}
		break;
	}
	if (!cmd->nargs)
		parse_fail(p, "empty command");
	return cmd;
}

static void
check_pipeline(struct parser *p, struct tpipe *pipe, const char *context)
{
	size_t i = 1;

	if (!pipe->ncmds)
		parse_fail(p, "missing value for %s", context);
	for (struct tcmd *c = pipe->cmds ? pipe->cmds->next : NULL; c; c = c->next) {
		i++;
		switch (c->args->type) {
		case TA_BOOL:
		case TA_DOT:
		case TA_NIL:
		case TA_NUMBER:
		case TA_STRING:
			parse_fail(p, "non executable command in pipeline stage %zu", i);
		default:
			break;
		}
	}
}

static struct tpipe *
pipeline(struct parser *p, const char *context, enum itype end)
{
	struct tpipe *pipe = pod_tarena_alloc(p->a, sizeof(*pipe));
	struct tcmd **tail = &pipe->cmds;
	struct item v;

	pipe->pos = peek_non_space(p).pos;
decls:
	v = peek_non_space(p);
	if (v.type == I_VAR) {
		next(p);
		struct item after = peek(p);
		struct item nx = peek_non_space(p);

		if (nx.type == I_ASSIGN || nx.type == I_DECLARE) {
			pipe->is_assign = nx.type == I_ASSIGN;
			next_non_space(p);
			pipe->decl[pipe->ndecl++] = item_dup(p, &v);
			push_var(p, pipe->decl[pipe->ndecl - 1]);
		} else if (nx.type == I_CHAR && nx.val[0] == ',') {
			next_non_space(p);
			pipe->decl[pipe->ndecl++] = item_dup(p, &v);
			push_var(p, pipe->decl[pipe->ndecl - 1]);
			if (!strcmp(context, "range") && pipe->ndecl < 2) {
				struct item n2 = peek_non_space(p);

				if (n2.type == I_VAR || n2.type == I_RIGHT || n2.type == I_RPAREN)
					goto decls;
				parse_fail(p, "range can only initialize variables");
			}
			parse_fail(p, "too many declarations in %s", context);
		} else if (after.type == I_SPACE) {
			backup3(p, v, after);
		} else {
			backup2(p, v);
		}
	}
	for (;;) {
		struct item it = next_non_space(p);

		if (it.type == end) {
			check_pipeline(p, pipe, context);
			return pipe;
		}
		switch (it.type) {
		case I_BOOL:
		case I_CHARCONST:
		case I_DOT:
		case I_FIELD:
		case I_IDENT:
		case I_NUMBER:
		case I_NIL:
		case I_RAW:
		case I_STRING:
		case I_VAR:
		case I_LPAREN: {
			backup(p);
			struct tcmd *c = command(p);

			*tail = c;
			tail = &c->next;
			pipe->ncmds++;
			break;
		}
		default:
			unexpected(p, &it, context);
		}
	}
}

enum list_end { END_END, END_ELSE, END_ELSE_IF };

static struct tnode *text_or_action(struct parser *p, enum list_end *ret_end, bool *ret_is_end);

/* parse nodes up to {{end}} or {{else}}; EOF is an error */
static struct tnode *
item_list(struct parser *p, enum list_end *ret_end)
{
	struct tnode *head = NULL, **tail = &head;

	while (peek_non_space(p).type != I_EOF) {
		bool is_end = false;
		struct tnode *n = text_or_action(p, ret_end, &is_end);

		if (is_end)
			return head;
		if (n) {
			*tail = n;
			tail = &n->next;
		}
	}
	parse_fail(p, "unexpected EOF");
}

static struct tnode *
new_node(struct parser *p, enum tnode_type type, size_t pos)
{
	struct tnode *n = pod_tarena_alloc(p->a, sizeof(*n));

	n->type = type;
	n->pos = pos;
	return n;
}

static struct tnode *
control(struct parser *p, enum tnode_type type, const char *context)
{
	size_t saved_vars = p->nvars;
	struct tnode *n;
	enum list_end end = END_END;

	enter(p);
	struct tpipe *pipe = pipeline(p, context, I_RIGHT);

	n = new_node(p, type, pipe->pos);
	n->pipe = pipe;
	if (type == TN_RANGE)
		p->range_depth++;
	n->list = item_list(p, &end);
	if (type == TN_RANGE)
		p->range_depth--;
	if (end == END_ELSE_IF) {
		if (type != TN_IF) {
			struct item it = next_non_space(p); /* the pending "if" */

			unexpected(p, &it, "input");
		}
		next(p); /* consume "if": {{else if}} is {{else}}{{if}}...{{end}}{{end}} */
		n->else_list = control(p, TN_IF, "if");
	} else if (end == END_ELSE) {
		enum list_end end2 = END_END;

		n->else_list = item_list(p, &end2);
		if (end2 != END_END) {
			parse_fail(p, "expected end; found {{else}}");
		}
	}
	if (end != END_ELSE_IF && end != END_ELSE)
		n->else_list = NULL;
	p->nvars = saved_vars;
	p->depth--;
	return n;
}

static struct tnode *
action(struct parser *p, enum list_end *ret_end, bool *ret_is_end)
{
	struct item it = next_non_space(p);

	switch (it.type) {
	case I_BLOCK:
	case I_DEFINE:
	case I_TEMPLATE:
		parse_fail(p, "{{%.*s}} is not supported", (int) it.len, it.val);
	case I_BREAK:
	case I_CONTINUE: {
		bool is_break = it.type == I_BREAK;
		struct item r = next_non_space(p);

		if (r.type != I_RIGHT)
			unexpected(p, &r, is_break ? "{{break}}" : "{{continue}}");
		if (!p->range_depth)
			parse_fail(p, "%s outside {{range}}", is_break ? "{{break}}" : "{{continue}}");
		return new_node(p, is_break ? TN_BREAK : TN_CONTINUE, it.pos);
	}
	case I_ELSE:
		*ret_is_end = true;
		if (peek_non_space(p).type == I_IF) {
			*ret_end = END_ELSE_IF;
			return NULL;
		}
		expect(p, I_RIGHT, "else");
		*ret_end = END_ELSE;
		return NULL;
	case I_END:
		expect(p, I_RIGHT, "end");
		*ret_is_end = true;
		*ret_end = END_END;
		return NULL;
	case I_IF:
		return control(p, TN_IF, "if");
	case I_RANGE:
		return control(p, TN_RANGE, "range");
	case I_WITH:
		return control(p, TN_WITH, "with");
	default:
		break;
	}
	backup(p);
	struct tnode *n = new_node(p, TN_ACTION, peek(p).pos);

	n->pipe = pipeline(p, "command", I_RIGHT);
	return n;
}

static struct tnode *
text_or_action(struct parser *p, enum list_end *ret_end, bool *ret_is_end)
{
	struct item it = next_non_space(p);

	switch (it.type) {
	case I_TEXT: {
		struct tnode *n = new_node(p, TN_TEXT, it.pos);

		n->text = it.val;
		n->len = it.len;
		return n;
	}
	case I_LEFT: {
		size_t saved = p->action_line;
		struct tnode *n;

		p->action_line = line_at(p, it.pos);
		n = action(p, ret_end, ret_is_end);
		p->action_line = saved;
		return n;
	}
	default:
		unexpected(p, &it, "input");
	}
}

static struct tnode *
parse_root(struct parser *p)
{
	struct tnode *head = NULL, **tail = &head;

	while (peek(p).type != I_EOF) {
		enum list_end end = END_END;
		bool is_end = false;
		struct tnode *n = text_or_action(p, &end, &is_end);

		if (is_end)
			parse_fail(p, "unexpected %s", end == END_END ? "{{end}}" : "{{else}}");
		if (n) {
			*tail = n;
			tail = &n->next;
		}
	}
	return head;
}

struct pod_template *
pod_template_parse(const char *name, const char *src, unsigned flags, struct pod_err **err)
{
	struct pod_template *t = xcalloc(1, sizeof(*t));
	struct pod_strbuf sb = POD_STRBUF_INIT;
	struct parser *p;

	t->name = xstrdup(name ? name : "");
	if (flags & POD_TEMPLATE_RAW) {
		pod_strbuf_adds(&sb, src);
	} else {
		pod_tnormalize(src, &t->is_table, &sb);
		t->list_mode = !t->is_table && pod_thas_list_range(sb.buf);
		if (!t->list_mode)
			t->col_bias = strlen("{{range .}}");
	}
	t->len = sb.len;
	t->text = pod_strbuf_detach(&sb);
	t->ends_nl = t->len && t->text[t->len - 1] == '\n';

	p = xcalloc(1, sizeof(*p));
	p->t = t;
	p->a = &t->arena;
	p->lx.in = t->text;
	p->lx.len = t->len;
	p->lx.arena = &t->arena;
	p->line_no = 1;
	push_var(p, "$");
	pod_strbuf_init(&p->tmp);
	if (setjmp(p->jb)) {
		pod_err_set(err, POD_E_INVALID, 0, "%s", p->errmsg);
		free(p->errmsg);
		pod_strbuf_release(&p->tmp);
		free(p);
		return pod_template_free(t);
	}
	t->root = parse_root(p);
	pod_strbuf_release(&p->tmp);
	free(p);
	return t;
}

struct pod_template *
pod_template_free(struct pod_template *t)
{
	if (!t)
		return NULL;
	pod_tarena_release(&t->arena);
	free(t->name);
	free(t->text);
	free(t);
	return NULL;
}

void
pod_template_freep(struct pod_template **t)
{
	*t = pod_template_free(*t);
}

bool
pod_template_is_table(const struct pod_template *t)
{
	return t->is_table;
}

bool
pod_template_ends_with_newline(const struct pod_template *t)
{
	return t->ends_nl;
}

bool
pod_template_ranges_over_list(const struct pod_template *t)
{
	return t->list_mode;
}

/* ---- Node.String() ---- */

void
pod_targ_string(struct pod_strbuf *sb, const struct targ *a)
{
	size_t i;

	switch (a->type) {
	case TA_FIELD:
		break;
	case TA_VAR:
	case TA_IDENT:
	case TA_NUMBER:
	case TA_STRING:
		pod_strbuf_adds(sb, a->text);
		break;
	case TA_DOT:
		pod_strbuf_addch(sb, '.');
		break;
	case TA_NIL:
		pod_strbuf_adds(sb, "nil");
		break;
	case TA_BOOL:
		pod_strbuf_adds(sb, a->b ? "true" : "false");
		break;
	case TA_CHAIN:
		if (a->base->type == TA_PIPE) {
			pod_strbuf_addch(sb, '(');
			pod_tpipe_string(sb, a->base->pipe);
			pod_strbuf_addch(sb, ')');
		} else {
			pod_targ_string(sb, a->base);
		}
		break;
	case TA_PIPE:
		pod_strbuf_addch(sb, '(');
		pod_tpipe_string(sb, a->pipe);
		pod_strbuf_addch(sb, ')');
		break;
	}
	for (i = 0; i < a->nfields; i++) {
		pod_strbuf_addch(sb, '.');
		pod_strbuf_adds(sb, a->fields[i]);
	}
}

void
pod_tcmd_string(struct pod_strbuf *sb, const struct tcmd *c)
{
	for (const struct targ *a = c->args; a; a = a->next) {
		if (a != c->args)
			pod_strbuf_addch(sb, ' ');
		pod_targ_string(sb, a);
	}
}

void
pod_tpipe_string(struct pod_strbuf *sb, const struct tpipe *p)
{
	size_t i;

	for (i = 0; i < p->ndecl; i++) {
		if (i)
			pod_strbuf_adds(sb, ", ");
		pod_strbuf_adds(sb, p->decl[i]);
	}
	if (p->ndecl)
		pod_strbuf_adds(sb, p->is_assign ? " = " : " := ");
	for (const struct tcmd *c = p->cmds; c; c = c->next) {
		if (c != p->cmds)
			pod_strbuf_adds(sb, " | ");
		pod_tcmd_string(sb, c);
	}
}
