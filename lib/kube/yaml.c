/* yaml.c - YAML stream -> JSON documents, with limits (see yaml.h) */
#include "kube/yaml.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <yaml.h>

#include "core/json.h"
#include "core/util.h"

#define MAX_ANCHORS 10000

struct frame {
	json_t *node;	   /* the object or array being filled */
	char *key;	   /* mapping: the key waiting for its value */
	bool key_is_merge; /* the key is a plain "<<" */
	json_t *merges;	   /* mapping: values of "<<" keys, applied at the end */
	char *anchor;	   /* anchor of this collection, registered when it ends */
	size_t start_nodes;
};

struct anchor {
	char *name;
	json_t *value;
	size_t nodes;
};

struct reader {
	const char *source;
	struct frame stack[POD_KUBE_YAML_MAX_DEPTH + 1];
	int depth;
	struct anchor *anchors;
	size_t n_anchors;
	size_t nodes;
	json_t *doc;
};

static int
fail(struct reader *r, const yaml_mark_t *m, struct pod_err **err, const char *fmt, ...)
	POD_PRINTF(4, 5);

static int
fail(struct reader *r, const yaml_mark_t *m, struct pod_err **err, const char *fmt, ...)
{
	va_list ap;
	cleanup_free char *msg = NULL;

	va_start(ap, fmt);
	msg = pod_xvasprintf(fmt, ap);
	va_end(ap);
	return pod_err_set(err, POD_E_INVALID, 0, "%s: line %zu: %s", r->source,
			   m ? m->line + 1 : 0, msg);
}

static bool
matches(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (STREQ(s, words[i]))
			return true;
	return false;
}

static const char *const null_words[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					  "on", "On", "ON", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", "no", "No", "NO",
					   "off", "Off", "OFF", NULL };

/* [-+]? digits, 0x hex or 0o octal -> integer; false when not one (or out of range) */
static bool
parse_int(const char *s, json_int_t *ret)
{
	const char *p = s;
	int base = 10;
	bool neg = false;
	char *end = NULL;
	long long v;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o')) {
		base = p[1] == 'x' ? 16 : 8;
		p += 2;
	}
	if (!*p)
		return false;
	for (const char *q = p; *q; q++)
		if (!(base == 16 ? isxdigit((unsigned char) *q) : *q >= '0' && *q <= '9') ||
		    (base == 8 && *q > '7'))
			return false;
	errno = 0;
	v = strtoll(p, &end, base);
	if (errno || *end)
		return false;
	*ret = neg ? -v : v;
	return true;
}

static bool
parse_float(const char *s, double *ret)
{
	const char *p = s;
	bool digits = false;
	char *end = NULL;

	if (*p == '-' || *p == '+')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits = true;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits = true;
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p)
		return false;
	*ret = strtod(s, &end);
	return isfinite(*ret);
}

static json_t *
scalar_value(struct reader *r, const yaml_event_t *ev, struct pod_err **err)
{
	const char *v = (const char *) ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *) ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	json_int_t i;
	double d;

	if (strlen(v) != len)
		return fail(r, &ev->start_mark, err, "scalar contains a NUL byte"), NULL;
	if (tag && !STREQ(tag, "!")) {
		if (STREQ(tag, YAML_STR_TAG) || STREQ(tag, "tag:yaml.org,2002:binary"))
			return pod_json_stringn(v, len);
		if (STREQ(tag, YAML_NULL_TAG) && matches(v, null_words))
			return json_null();
		if (STREQ(tag, YAML_BOOL_TAG) && (matches(v, true_words) || matches(v, false_words)))
			return json_boolean(matches(v, true_words));
		if (STREQ(tag, YAML_INT_TAG) && parse_int(v, &i))
			return json_integer(i);
		if (STREQ(tag, YAML_FLOAT_TAG) && parse_float(v, &d))
			return json_real(d);
		if (STREQ(tag, YAML_NULL_TAG) || STREQ(tag, YAML_BOOL_TAG) ||
		    STREQ(tag, YAML_INT_TAG) || STREQ(tag, YAML_FLOAT_TAG))
			return fail(r, &ev->start_mark, err, "cannot decode \"%s\" as %s", v,
				    tag + strlen("tag:yaml.org,2002:")), NULL;
		/* other tags: resolve as if untagged */
	}
	if (!plain)
		return pod_json_stringn(v, len);
	if (matches(v, null_words))
		return json_null();
	if (matches(v, true_words))
		return json_true();
	if (matches(v, false_words))
		return json_false();
	if (parse_int(v, &i))
		return json_integer(i);
	if (parse_float(v, &d))
		return json_real(d);
	return pod_json_stringn(v, len);
}

static void
frame_release(struct frame *f)
{
	json_decref(f->node);
	json_decref(f->merges);
	free(f->key);
	free(f->anchor);
	memset(f, 0, sizeof(*f));
}

static int
add_anchor(struct reader *r, const yaml_mark_t *m, const char *name, json_t *value, size_t nodes,
	   struct pod_err **err)
{
	if (r->n_anchors >= MAX_ANCHORS)
		return fail(r, m, err, "more than %d anchors", MAX_ANCHORS);
	r->anchors = xrealloc(r->anchors, (r->n_anchors + 1) * sizeof(*r->anchors));
	r->anchors[r->n_anchors++] = (struct anchor) {
		.name = xstrdup(name), .value = json_incref(value), .nodes = nodes
	};
	return 0;
}

static int
count_nodes(struct reader *r, const yaml_mark_t *m, size_t n, struct pod_err **err)
{
	if (n > POD_KUBE_YAML_MAX_NODES || r->nodes + n > POD_KUBE_YAML_MAX_NODES)
		return fail(r, m, err, "document expands to more than %d nodes (too many aliases?)",
			    POD_KUBE_YAML_MAX_NODES);
	r->nodes += n;
	return 0;
}

/* puts a finished value (new reference, stolen) into the parent, or makes it the document */
static int
place(struct reader *r, const yaml_mark_t *m, json_t *v, bool merge_key, const char *scalar_key,
      struct pod_err **err)
{
	struct frame *f;

	if (r->depth == 0) {
		json_decref(r->doc);
		r->doc = v;
		return 0;
	}
	f = &r->stack[r->depth - 1];
	if (json_is_array(f->node)) {
		json_array_append_new(f->node, v);
		return 0;
	}
	if (!f->key) {
		if (!scalar_key) {
			json_decref(v);
			return fail(r, m, err, "mapping keys must be scalars");
		}
		json_decref(v);
		f->key = xstrdup(scalar_key);
		f->key_is_merge = merge_key;
		return 0;
	}
	if (f->key_is_merge) {
		if (!f->merges)
			f->merges = json_array();
		if (json_is_array(v)) {
			size_t i;
			json_t *x;
			json_array_foreach (v, i, x)
				if (!json_is_object(x))
					break;
			if (i < json_array_size(v)) {
				json_decref(v);
				return fail(r, m, err, "merge key \"<<\" needs a mapping or a "
						       "sequence of mappings");
			}
			json_array_extend(f->merges, v);
			json_decref(v);
		} else if (json_is_object(v)) {
			json_array_append_new(f->merges, v);
		} else {
			json_decref(v);
			return fail(r, m, err, "merge key \"<<\" needs a mapping or a sequence of "
					       "mappings");
		}
	} else {
		if (json_object_get(f->node, f->key)) {
			json_decref(v);
			return fail(r, m, err, "mapping key \"%s\" already defined", f->key);
		}
		json_object_set_new(f->node, f->key, v);
	}
	free(f->key);
	f->key = NULL;
	f->key_is_merge = false;
	return 0;
}

static int
on_event(struct reader *r, yaml_event_t *ev, struct pod_err **err)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct frame *f;
	json_t *v;

	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		bool is_key = r->depth > 0 && json_is_object(r->stack[r->depth - 1].node) &&
			      !r->stack[r->depth - 1].key;
		if (count_nodes(r, m, 1, err) < 0)
			return -1;
		if (is_key) {
			const char *k = (const char *) ev->data.scalar.value;
			if (strlen(k) != ev->data.scalar.length)
				return fail(r, m, err, "scalar contains a NUL byte");
			if (ev->data.scalar.anchor) {
				cleanup_json json_t *kv = pod_json_string(k);
				if (add_anchor(r, m, (const char *) ev->data.scalar.anchor, kv, 1,
					       err) < 0)
					return -1;
			}
			return place(r, m, json_null(), ev->data.scalar.style ==
				     YAML_PLAIN_SCALAR_STYLE && STREQ(k, "<<"), k, err);
		}
		v = scalar_value(r, ev, err);
		if (!v)
			return -1;
		if (ev->data.scalar.anchor &&
		    add_anchor(r, m, (const char *) ev->data.scalar.anchor, v, 1, err) < 0) {
			json_decref(v);
			return -1;
		}
		return place(r, m, v, false, NULL, err);
	}
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *) ev->data.alias.anchor;
		const struct anchor *a = NULL;
		for (size_t i = r->n_anchors; i-- > 0;)
			if (STREQ(r->anchors[i].name, name)) {
				a = &r->anchors[i];
				break;
			}
		if (!a)
			return fail(r, m, err, "unknown anchor \"%s\" referenced", name);
		if (count_nodes(r, m, a->nodes, err) < 0)
			return -1;
		if (r->depth > 0 && json_is_object(r->stack[r->depth - 1].node) &&
		    !r->stack[r->depth - 1].key) {
			if (!json_is_string(a->value))
				return fail(r, m, err, "mapping keys must be scalars");
			return place(r, m, json_null(), false, json_string_value(a->value), err);
		}
		return place(r, m, json_incref(a->value), false, NULL, err);
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		const yaml_char_t *anchor = ev->type == YAML_SEQUENCE_START_EVENT
						    ? ev->data.sequence_start.anchor
						    : ev->data.mapping_start.anchor;
		if (r->depth > 0 && json_is_object(r->stack[r->depth - 1].node) &&
		    !r->stack[r->depth - 1].key)
			return fail(r, m, err, "mapping keys must be scalars");
		if (r->depth >= POD_KUBE_YAML_MAX_DEPTH)
			return fail(r, m, err, "nesting deeper than %d levels",
				    POD_KUBE_YAML_MAX_DEPTH);
		if (count_nodes(r, m, 1, err) < 0)
			return -1;
		f = &r->stack[r->depth++];
		memset(f, 0, sizeof(*f));
		f->node = ev->type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
		f->anchor = anchor ? xstrdup((const char *) anchor) : NULL;
		f->start_nodes = r->nodes;
		return 0;
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		struct frame done;
		size_t i;
		json_t *x;
		int rc = 0;

		f = &r->stack[r->depth - 1];
		done = *f;
		memset(f, 0, sizeof(*f));
		r->depth--;
		json_array_foreach (done.merges, i, x)
			json_object_update_missing(done.node, x);
		if (done.anchor)
			rc = add_anchor(r, m, done.anchor, done.node, r->nodes - done.start_nodes + 1,
					err);
		if (rc == 0)
			rc = place(r, m, json_incref(done.node), false, NULL, err);
		frame_release(&done);
		return rc;
	}
	default:
		return 0;
	}
}

json_t *
pod_kube_yaml_parse(const char *buf, size_t len, const char *source, struct pod_err **err)
{
	struct reader r = { .source = source };
	cleanup_json json_t *docs = json_array();
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	if (len > POD_KUBE_YAML_MAX_BYTES)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: larger than %d bytes", source,
				   POD_KUBE_YAML_MAX_BYTES), NULL;
	if (!yaml_parser_initialize(&p))
		return pod_err_set(err, POD_E_GENERIC, ENOMEM, "initializing the YAML parser"), NULL;
	yaml_parser_set_input_string(&p, (const unsigned char *) buf, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			if (p.context)
				rc = pod_err_set(err, POD_E_INVALID, 0, "%s: line %zu: %s %s",
						 source, p.problem_mark.line + 1, p.problem,
						 p.context);
			else
				rc = pod_err_set(err, POD_E_INVALID, 0, "%s: line %zu: %s", source,
						 p.problem_mark.line + 1,
						 p.problem ? p.problem : "invalid YAML");
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			json_decref(r.doc);
			r.doc = NULL;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (r.doc && !json_is_null(r.doc))
				json_array_append(docs, r.doc);
			json_decref(r.doc);
			r.doc = NULL;
			/* anchors do not cross documents */
			for (size_t i = 0; i < r.n_anchors; i++) {
				free(r.anchors[i].name);
				json_decref(r.anchors[i].value);
			}
			r.n_anchors = 0;
			break;
		default:
			rc = on_event(&r, &ev, err);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	while (r.depth > 0)
		frame_release(&r.stack[--r.depth]);
	for (size_t i = 0; i < r.n_anchors; i++) {
		free(r.anchors[i].name);
		json_decref(r.anchors[i].value);
	}
	free(r.anchors);
	json_decref(r.doc);
	if (rc < 0)
		return NULL;
	return TAKE_PTR(docs);
}
