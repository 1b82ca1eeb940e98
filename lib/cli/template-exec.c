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

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>


/*
 * A field of a JSON object. Podman's templates name Go struct fields
 * ({{.Host.Arch}}) while its JSON uses the json tags ("host", "arch"):
 * an exact key wins, else the one key that matches ignoring case, else
 * ignoring case and underscores too ({{.CPUShares}} is "cpu_shares").
 */
static bool
same_but_underscores(const char *k, const char *name)
{
	for (;;) {
		while (*k == '_')
			k++;
		while (*name == '_')
			name++;
		if (!*k || !*name)
			return !*k && !*name;
		if (tolower((unsigned char) *k) != tolower((unsigned char) *name))
			return false;
		k++;
		name++;
	}
}

static json_t *
field_get(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	const char *k;
	json_t *val;

	if (v)
		return v;
	json_object_foreach(obj, k, val)
		if (strcasecmp(k, name) == 0)
			return val;
	json_object_foreach(obj, k, val)
		if (same_but_underscores(k, name))
			return val;
	return NULL;
}

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
		ok = json_is_array(v) && pod_tval_all_strings(v);
		break;
	}
	if (!ok) {
		exec_fail(s, "wrong type for value; expected %s; got %s", param_name(p), pod_tval_type(v));
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
			nextv = ref(field_get(cur, fields[i]));
		} else {
			int r = exec_fail(s, "can't evaluate field %s in type %s", fields[i],
					  pod_tval_type(cur));

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
	json_t **argv;
	const struct targ *a;
	bool header = s->header && f->header_ident;
	int r;

	at_arg(s, ident);
	if (f->variadic) {
		if (num_in < (size_t) f->nparams)
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
			if (pod_tval_truth(v) == want) {
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
		/* past the fixed parameters come variadic interface{} ones */
		enum tparam p = i < (size_t) f->nparams ? f->params[i] : TP_ANY;

		if (header)
			p = TP_ANY;
		if (eval_arg(s, dot, a, p, &argv[i]) < 0) {
			free_args(argv, i);
			return -1;
		}
	}
	if (has_final) {
		enum tparam p = i < (size_t) f->nparams ? f->params[i] : TP_ANY;

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
		cleanup_free const char **keys = pod_tval_sorted_keys(v, &nk);

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

		pod_tval_print(&sb, v);
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
				pod_tval_print(s->out, v);
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
		if (pod_tval_truth(v))
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
