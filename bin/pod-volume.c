/* pod-volume - manage volumes (`podman volume create|ls|inspect|rm|prune|...`) */
#include "cli/ctr_opts.h"
#include "cli/filter.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "store/events.h"
#include "store/store.h"
#include "store/volume.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static struct {
	char *driver, *format, *output;
	char **opts, **labels, **filters;
	bool ignore, quiet, noheading, all, force;
	int64_t time;
} opt = { .time = 10 };

static int
open_store(struct pod_ctx *ctx, bool readonly, struct pod_store **ret, struct pod_err **err)
{
	struct pod_paths p = { 0 };
	int rc;

	if (pod_paths_resolve(ctx->g.root, ctx->g.runroot, &p, err) < 0)
		return -1;
	rc = pod_store_open(&p, readonly ? POD_STORE_READONLY : 0, ret, err);
	pod_paths_release(&p);
	return rc;
}

/* names from argv, else from stdin records when stdin is not a terminal */
static int
targets(struct pod_ctx *ctx, char ***ret, struct pod_err **err)
{
	char **v = xcalloc(1, sizeof(char *));
	struct pod_record_reader rr;
	int r;

	for (size_t i = 0; ctx->args[i]; i++)
		v = pod_strv_push(v, xstrdup(ctx->args[i]));
	if (v[0] || isatty(STDIN_FILENO) || opt.all) {
		*ret = v;
		return 0;
	}
	pod_record_reader_init(&rr, stdin, "stdin");
	for (;;) {
		char *t = NULL;
		r = pod_record_reader_next(&rr, "volume", &t, err);
		if (r <= 0)
			break;
		v = pod_strv_push(v, t);
	}
	pod_record_reader_release(&rr);
	if (r < 0) {
		pod_strv_free(v);
		return -1;
	}
	*ret = v;
	return 0;
}

/* ---- Go-compatible JSON: inspect (5 spaces) and ls (jsoniter, 2 spaces) ---- */

static void
go_string(struct pod_strbuf *sb, const char *s, bool html)
{
	static const char hex[] = "0123456789abcdef";

	pod_strbuf_addch(sb, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			pod_strbuf_addch(sb, '\\');
			pod_strbuf_addch(sb, (char) c);
		} else if (c == '\n') {
			pod_strbuf_adds(sb, "\\n");
		} else if (c == '\r') {
			pod_strbuf_adds(sb, "\\r");
		} else if (c == '\t') {
			pod_strbuf_adds(sb, "\\t");
		} else if (c < 0x20 || (html && (c == '<' || c == '>' || c == '&'))) {
			pod_strbuf_addf(sb, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		} else if (c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			pod_strbuf_adds(sb, p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += 2;
		} else {
			pod_strbuf_addch(sb, (char) c);
		}
	}
	pod_strbuf_addch(sb, '"');
}

struct gofmt {
	const char *indent;
	bool html;
	bool jsoniter_empty; /* jsoniter prints an empty object over two lines */
};

static void
indent(struct pod_strbuf *sb, const struct gofmt *f, int depth)
{
	pod_strbuf_addch(sb, '\n');
	for (int i = 0; i < depth; i++)
		pod_strbuf_adds(sb, f->indent);
}

static void
go_json(struct pod_strbuf *sb, json_t *v, const struct gofmt *f, int depth)
{
	const char *k;
	json_t *x;
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (json_object_size(v) == 0) {
			if (f->jsoniter_empty) {
				pod_strbuf_addch(sb, '{');
				indent(sb, f, depth + 1);
				indent(sb, f, depth);
				pod_strbuf_addch(sb, '}');
			} else {
				pod_strbuf_adds(sb, "{}");
			}
			return;
		}
		pod_strbuf_addch(sb, '{');
		n = 0;
		json_object_foreach(v, k, x) {
			if (n++)
				pod_strbuf_addch(sb, ',');
			indent(sb, f, depth + 1);
			go_string(sb, k, f->html);
			pod_strbuf_adds(sb, ": ");
			go_json(sb, x, f, depth + 1);
		}
		indent(sb, f, depth);
		pod_strbuf_addch(sb, '}');
		return;
	case JSON_ARRAY:
		if (json_array_size(v) == 0) {
			pod_strbuf_adds(sb, "[]");
			return;
		}
		pod_strbuf_addch(sb, '[');
		json_array_foreach(v, i, x) {
			if (i)
				pod_strbuf_addch(sb, ',');
			indent(sb, f, depth + 1);
			go_json(sb, x, f, depth + 1);
		}
		indent(sb, f, depth);
		pod_strbuf_addch(sb, ']');
		return;
	case JSON_STRING:
		go_string(sb, json_string_value(v), f->html);
		return;
	case JSON_INTEGER:
		pod_strbuf_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return;
	case JSON_TRUE:
		pod_strbuf_adds(sb, "true");
		return;
	case JSON_FALSE:
		pod_strbuf_adds(sb, "false");
		return;
	default:
		pod_strbuf_adds(sb, "null");
		return;
	}
}

static int
write_all(struct pod_strbuf *sb, struct pod_err **err)
{
	if (sb->len && fwrite(sb->buf, 1, sb->len, stdout) != sb->len)
		return pod_err_sys(err, "write /dev/stdout");
	return fflush(stdout) == 0 ? 0 : pod_err_sys(err, "write /dev/stdout");
}

static int
print_go_json(json_t *arr, const struct gofmt *f, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	go_json(&sb, arr, f, 0);
	pod_strbuf_addch(&sb, '\n');
	return write_all(&sb, err);
}

/* the object templates see: every field of Podman's struct, times as Go prints them */
static json_t *
template_obj(const struct pod_volume *v)
{
	json_t *o = pod_volume_inspect_json(v);
	cleanup_free char *t = pod_volume_time_go(v->created);
	json_t *full = json_object();
	static const char *const order[] = { "Name",	   "Driver",	  "Mountpoint", "CreatedAt",
					     "Status",	   "Labels",	  "Scope",	"Options",
					     "UID",	   "GID",	  "Anonymous",	"MountCount",
					     "NeedsCopyUp", "NeedsChown", "Timeout",	NULL };

	json_object_set_new(o, "CreatedAt", json_string(t));
	for (size_t i = 0; order[i]; i++) {
		json_t *x = json_object_get(o, order[i]);
		if (x)
			json_object_set(full, order[i], x);
		else if (STREQ(order[i], "Status"))
			json_object_set_new(full, order[i], json_object());
		else if (STREQ(order[i], "Anonymous") || STREQ(order[i], "NeedsCopyUp") ||
			 STREQ(order[i], "NeedsChown"))
			json_object_set_new(full, order[i], json_false());
		else
			json_object_set_new(full, order[i], json_integer(0));
	}
	json_decref(o);
	return full;
}

static json_t *
record(const struct pod_volume *v)
{
	json_t *r = json_pack("{s:s}", "Type", "volume");

	json_t *o = pod_volume_inspect_json(v);

	json_object_update(r, o);
	json_decref(o);
	return r;
}

/* ---- create ---- */

static int
create_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_volume struct pod_volume *v = NULL;
	struct pod_volume_opts o = {
		.name = ctx->args[0],
		.driver = opt.driver,
		.labels = opt.labels,
		.options = opt.opts,
		.ignore_exists = opt.ignore,
	};

	if (open_store(ctx, false, &s, err) < 0 || pod_volume_create(s, &o, &v, err) < 0)
		return -1;
	if (ctx->g.dispatched)
		return pod_print_line(v->name, err);
	cleanup_json json_t *r = record(v);
	return pod_json_print_line(stdout, r, err);
}

static const struct pod_opt create_options[] = {
	POD_OPT_STRING('d', "driver", "string", &opt.driver, "Specify volume driver name"),
	POD_OPT_STRV('l', "label", "stringArray", &opt.labels, "Set metadata for a volume"),
	POD_OPT_STRV('o', "opt", "stringArray", &opt.opts, "Set driver specific options"),
	POD_OPT_BOOL(0, "ignore", &opt.ignore,
		     "Don't fail if volume already exists, print its name"),
	POD_OPT_END
};

static const struct pod_tool create_tool = {
	.name = "pod-volume create",
	.verb = "volume create",
	.summary = "Create a new volume",
	.description = "Creates a new volume. If using the default driver, \"local\", the "
		       "volume will be created on the host in the volumes directory under "
		       "container storage.",
	.usage = "[options] [NAME]",
	.examples = "podman volume create myvol\npodman volume create\n"
		    "podman volume create --label foo=bar myvol\n"
		    "podman volume create -o type=tmpfs -o device=tmpfs -o o=size=2m tmpvol",
	.options = create_options,
	.max_args = 1,
	.run = create_run,
};

/* ---- ls ---- */

static const char *const ls_keys[] = { "name", "driver", "scope", "label", "label!", "opt",
				       "until", "dangling", NULL };

static int
filter_keys_check(struct pod_filters *f, char **args, const char *const *keys,
		  struct pod_err **err)
{
	for (size_t i = 0; args && args[i]; i++) {
		if (pod_filters_add(f, args[i], NULL, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < f->n; i++)
		if (!pod_strv_contains((char *const *) keys, f->keys[i].key))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "\"%s\" is an invalid volume filter", f->keys[i].key);
	/* values are checked before any volume is looked at, as Podman does */
	for (char *const *v = pod_filters_get(f, "dangling"); v && *v; v++)
		if (strcasecmp(*v, "true") && strcasecmp(*v, "false") && !STREQ(*v, "1") &&
		    !STREQ(*v, "0"))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "\"%s\" is not a valid value for the \"dangling\" "
					   "filter - must be true or false",
					   *v);
	for (char *const *v = pod_filters_get(f, "until"); v && *v; v++) {
		char *one[] = { *v, NULL };
		int64_t t;
		if (pod_filter_until(one, pod_now_ns(), &t, err) < 0)
			return -1;
	}
	return 0;
}

/* Podman ANDs every volume filter value, even two of one key */
static int
volume_matches(struct pod_store *s, const struct pod_volume *v, const struct pod_filters *f,
	       bool *ret, struct pod_err **err)
{
	for (size_t i = 0; i < f->n; i++) {
		const char *k = f->keys[i].key;
		for (char **val = f->keys[i].values; *val; val++) {
			bool ok = true;
			if (STREQ(k, "name")) {
				ok = pod_filter_match_regex(v->name, *val);
			} else if (STREQ(k, "driver")) {
				ok = STREQ(v->driver, *val);
			} else if (STREQ(k, "scope")) {
				ok = STREQ("local", *val);
			} else if (STREQ(k, "label")) {
				ok = pod_filter_match_label(v->labels, *val);
			} else if (STREQ(k, "label!")) {
				ok = !pod_filter_match_label(v->labels, *val);
			} else if (STREQ(k, "opt")) {
				const char *eq = strchr(*val, '=');
				cleanup_free char *key = eq ? xstrndup(*val, (size_t) (eq - *val))
							    : xstrdup(*val);
				json_t *o = json_object_get(v->options, key);
				ok = o && (!eq || !eq[1] || STREQ(json_string_value(o), eq + 1));
			} else if (STREQ(k, "until")) {
				char *one[] = { *val, NULL };
				int64_t until;
				if (pod_filter_until(one, pod_now_ns(), &until, err) < 0)
					return -1;
				ok = v->created < until;
			} else if (STREQ(k, "dangling")) {
				cleanup_strv char **users = NULL;
				bool want;
				if (!strcasecmp(*val, "true") || STREQ(*val, "1"))
					want = true;
				else if (!strcasecmp(*val, "false") || STREQ(*val, "0"))
					want = false;
				else
					return pod_err_set(err, POD_E_INVALID, 0,
							   "\"%s\" is not a valid value for the "
							   "\"dangling\" filter - must be true or "
							   "false",
							   *val);
				if (pod_volume_users(s, v->name, &users, err) < 0)
					return -1;
				ok = (users[0] == NULL) == want;
			}
			if (!ok) {
				*ret = false;
				return 0;
			}
		}
	}
	*ret = true;
	return 0;
}

static int
selected(struct pod_store *s, const struct pod_filters *f, struct pod_volume ***ret,
	 struct pod_err **err)
{
	struct pod_volume **all = NULL, **out;
	size_t n = 0;

	if (pod_volume_list(s, &all, err) < 0)
		return -1;
	out = xcalloc(1, sizeof(*out));
	for (size_t i = 0; all[i]; i++) {
		bool ok;
		if (volume_matches(s, all[i], f, &ok, err) < 0) {
			pod_volume_list_free(all);
			pod_volume_list_free(out);
			return -1;
		}
		if (ok) {
			out = xrealloc(out, (n + 2) * sizeof(*out));
			out[n++] = all[i];
			out[n] = NULL;
			all[i] = NULL;
		} else {
			all[i] = pod_volume_free(all[i]);
		}
	}
	free(all);
	*ret = out;
	return 0;
}

static int
ls_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	struct pod_filters f = POD_FILTERS_INIT;
	struct pod_volume **vols = NULL;
	cleanup_json json_t *arr = json_array();
	cleanup_json json_t *headers = NULL;
	int rc = -1;

	if (filter_keys_check(&f, opt.filters, ls_keys, err) < 0 ||
	    open_store(ctx, true, &s, err) < 0 || selected(s, &f, &vols, err) < 0)
		goto out;
	if (opt.quiet) {
		for (size_t i = 0; vols[i]; i++)
			if (pod_print_line(vols[i]->name, err) < 0)
				goto out;
		rc = 0;
		goto out;
	}
	if (opt.format && pod_format_is_json(opt.format)) {
		struct gofmt g = { "  ", true, true };
		for (size_t i = 0; vols[i]; i++)
			json_array_append_new(arr, pod_volume_inspect_json(vols[i]));
		rc = print_go_json(arr, &g, err);
		goto out;
	}
	if (!ctx->g.dispatched && !(opt.format && *opt.format)) {
		rc = 0;
		for (size_t i = 0; vols[i] && rc == 0; i++) {
			cleanup_json json_t *r = record(vols[i]);
			rc = pod_json_print_line(stdout, r, err);
		}
		goto out;
	}
	for (size_t i = 0; vols[i]; i++)
		json_array_append_new(arr, template_obj(vols[i]));
	/* Podman prints nothing at all, not even the header, for no volumes */
	if (json_array_size(arr) == 0 && !(opt.format && *opt.format)) {
		rc = 0;
		goto out;
	}
	headers = json_pack("{s:s,s:s}", "Name", "VOLUME NAME", "Driver", "DRIVER");
	rc = pod_format_records(
		"volume ls",
		opt.format && *opt.format ? opt.format : "table {{.Driver}}\t{{.Name}}", arr,
		headers, opt.noheading, stdout, err);
out:
	pod_volume_list_free(vols);
	pod_filters_release(&f);
	return rc;
}

static const struct pod_opt ls_options[] = {
	POD_OPT_STRV('f', "filter", "filter", &opt.filters, "Filter volume output"),
	POD_OPT_STRING(0, "format", "string", &opt.format,
		       "Format volume output using JSON or a Go template"),
	POD_OPT_BOOL('n', "noheading", &opt.noheading, "Do not print headers"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Print volume output in quiet mode"),
	POD_OPT_END
};

static const struct pod_tool ls_tool = {
	.name = "pod-volume ls",
	.verb = "volume ls",
	.summary = "List volumes",
	.description = "Lists all the volumes that exist. The output can be filtered using the "
		       "--filter flag and can be formatted to either JSON or a Go template "
		       "using the --format flag. Use the --quiet flag to print only the volume "
		       "names.",
	.usage = "[options]",
	.options = ls_options,
	.flags = POD_TOOL_NO_ARGS,
	.run = ls_run,
};

/* ---- inspect ---- */

static int
inspect_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_strv char **names = NULL;
	struct pod_volume **vols = NULL;
	cleanup_json json_t *arr = json_array();
	struct pod_err **errs = NULL;
	size_t nerrs = 0;
	int rc = -1;

	if (targets(ctx, &names, err) < 0)
		return -1;
	if (!names[0] && !opt.all)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "provide one or more volume names or use --all");
	if (open_store(ctx, true, &s, err) < 0)
		return -1;
	if (opt.all) {
		if (pod_volume_list(s, &vols, err) < 0)
			return -1;
	} else {
		size_t n = 0;
		vols = xcalloc(1, sizeof(*vols));
		for (size_t i = 0; names[i]; i++) {
			struct pod_volume *v = NULL;
			struct pod_err *e = NULL;
			if (pod_volume_lookup(s, names[i], &v, &e) < 0) {
				if (e->kind == POD_E_NOTFOUND) {
					pod_err_free(&e);
					pod_err_set(&e, POD_E_NOTFOUND, 0, "no such volume %s",
						    names[i]);
				}
				errs = xrealloc(errs, (nerrs + 1) * sizeof(*errs));
				errs[nerrs++] = e;
				continue;
			}
			vols = xrealloc(vols, (n + 2) * sizeof(*vols));
			vols[n++] = v;
			vols[n] = NULL;
		}
	}
	if (!ctx->g.dispatched && !(opt.format && *opt.format)) {
		rc = 0;
		for (size_t i = 0; vols[i] && rc == 0; i++) {
			cleanup_json json_t *r = record(vols[i]);
			rc = pod_json_print_line(stdout, r, err);
		}
	} else if (!opt.format || !*opt.format || pod_format_is_json(opt.format)) {
		struct gofmt g = { "     ", false, false };
		for (size_t i = 0; vols[i]; i++)
			json_array_append_new(arr, pod_volume_inspect_json(vols[i]));
		rc = print_go_json(arr, &g, err);
	} else {
		for (size_t i = 0; vols[i]; i++)
			json_array_append_new(arr, template_obj(vols[i]));
		rc = pod_format_records("volume inspect", opt.format, arr, NULL, false, stdout,
					err);
	}
	if (rc == 0 && nerrs) {
		fflush(stdout);
		for (size_t i = 1; i < nerrs; i++)
			fprintf(stderr, "error inspecting object: %s\n", errs[i]->msg);
		*err = errs[0];
		errs[0] = NULL;
		pod_err_wrap(err, "inspecting object");
		rc = -1;
	}
	for (size_t i = 0; i < nerrs; i++)
		pod_err_free(&errs[i]);
	free(errs);
	pod_volume_list_free(vols);
	return rc;
}

static const struct pod_opt inspect_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Inspect all volumes"),
	POD_OPT_STRING('f', "format", "string", &opt.format,
		       "Format volume output using Go template"),
	POD_OPT_END
};

static const struct pod_tool inspect_tool = {
	.name = "pod-volume inspect",
	.verb = "volume inspect",
	.summary = "Display detailed information on one or more volumes",
	.description = "Display detailed information on one or more volumes.\n\nUse a Go "
		       "template to change the format from JSON.",
	.usage = "[options] VOLUME [VOLUME...]",
	.options = inspect_options,
	.max_args = -1,
	.run = inspect_run,
};

/* ---- rm and prune ---- */

/* Podman: no such volume -> 1, in use -> 2, the last such error decides */
static void
note_code(struct pod_ctx *ctx, const struct pod_err *e)
{
	if (e->kind == POD_E_NOTFOUND)
		ctx->status = 1;
	else if (e->kind == POD_E_INUSE)
		ctx->status = 2;
}

static int
remove_users(struct pod_ctx *ctx, struct pod_store *s, const char *name, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_strv char **users = NULL;

	if (pod_volume_users(s, name, &users, err) < 0)
		return -1;
	if (!users || !users[0])
		return 0;
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	for (size_t i = 0; users[i]; i++) {
		cleanup_ctr struct pod_ctr *c = NULL;
		if (pod_ctr_lookup(e, users[i], &c, err) < 0) {
			if ((*err)->kind != POD_E_NOTFOUND)
				return -1;
			pod_err_free(err);
			continue;
		}
		if (pod_ctr_remove(e, c, true, opt.time, err) < 0)
			return -1;
	}
	return 0;
}

static int
rm_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_strv char **names = NULL;
	cleanup_strv char **found = xcalloc(1, sizeof(char *));
	struct pod_err **errs = NULL;
	size_t nerrs = 0;
	int rc = 0;

	if (targets(ctx, &names, err) < 0)
		return -1;
	if ((names[0] && opt.all) || (!names[0] && !opt.all))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "choose either one or more volumes or all");
	if (open_store(ctx, false, &s, err) < 0)
		return -1;
	if (opt.all) {
		struct pod_volume **all = NULL;
		if (pod_volume_list(s, &all, err) < 0)
			return -1;
		for (size_t i = 0; all[i]; i++)
			found = pod_strv_push(found, xstrdup(all[i]->name));
		pod_volume_list_free(all);
	}
	for (size_t i = 0; names[i]; i++) {
		char *name = NULL;
		struct pod_err *e = NULL;
		if (pod_store_resolve(s, POD_OBJ_VOLUME, names[i], &name, &e) < 0) {
			/* Podman: --force ignores volumes that do not exist */
			if (opt.force && e->kind == POD_E_NOTFOUND) {
				pod_err_free(&e);
				continue;
			}
			errs = xrealloc(errs, (nerrs + 1) * sizeof(*errs));
			errs[nerrs++] = e;
			continue;
		}
		found = pod_strv_push(found, name);
	}
	for (size_t i = 0; found[i]; i++) {
		struct pod_err *e = NULL;
		/* like Podman, -f removes the containers using it first */
		if (opt.force && remove_users(ctx, s, found[i], &e) < 0) {
			errs = xrealloc(errs, (nerrs + 1) * sizeof(*errs));
			errs[nerrs++] = e;
			continue;
		}
		if (pod_volume_remove(s, found[i], opt.force ? POD_VOLUME_RM_FORCE : 0, &e) < 0) {
			errs = xrealloc(errs, (nerrs + 1) * sizeof(*errs));
			errs[nerrs++] = e;
			continue;
		}
		if (pod_print_line(found[i], err) < 0) {
			rc = -1;
			break;
		}
	}
	/* Podman prints every error at the end; the exit code is the last 1 or 2 */
	fflush(stdout);
	for (size_t i = 0; i < nerrs; i++) {
		note_code(ctx, errs[i]);
		pod_err_print(errs[i]);
		pod_err_free(&errs[i]);
	}
	free(errs);
	if (nerrs && !ctx->status)
		ctx->status = 125;
	return rc;
}

static const struct pod_opt rm_options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Remove all volumes"),
	POD_OPT_BOOL('f', "force", &opt.force,
		     "Remove a volume by force, even if it is being used by a container"),
	POD_OPT_INT('t', "time", "int", &opt.time,
		    "Seconds to wait for running containers to stop before killing the "
		    "container"),
	POD_OPT_END
};

static const struct pod_tool rm_tool = {
	.name = "pod-volume rm",
	.verb = "volume rm",
	.summary = "Remove one or more volumes",
	.description = "Remove one or more existing volumes.\n\nBy default only volumes that "
		       "are not being used by any containers will be removed. To remove the "
		       "volumes anyways, use the --force flag.",
	.usage = "[options] VOLUME [VOLUME...]",
	.options = rm_options,
	.max_args = -1,
	.run = rm_run,
	.exit_status_doc = ".TP\n.B 0\nAll specified volumes removed.\n.TP\n.B 1\nOne of the "
			   "specified volumes did not exist, and no other failures.\n.TP\n.B 2\n"
			   "One of the specified volumes is being used by a container.\n.TP\n"
			   ".B 125\nThe command fails for any other reason.",
};

static const char *const prune_keys[] = { "label", "label!", "until", NULL };

static int
prune_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	struct pod_filters f = POD_FILTERS_INIT;
	struct pod_volume **vols = NULL;
	cleanup_strv char **victims = xcalloc(1, sizeof(char *));
	int rc = -1;

	if (filter_keys_check(&f, opt.filters, prune_keys, err) < 0)
		goto out;
	/* dangling=true is what prune means */
	if (pod_filters_add(&f, "dangling=true", NULL, err) < 0 ||
	    open_store(ctx, false, &s, err) < 0 || selected(s, &f, &vols, err) < 0)
		goto out;
	for (size_t i = 0; vols[i]; i++)
		victims = pod_strv_push(victims, xstrdup(vols[i]->name));
	if (!opt.force) {
		cleanup_free char *line = NULL;
		size_t cap = 0;

		printf("WARNING! This will remove all volumes not used by at least one container. "
		       "The following volumes will be removed:\n");
		if (!victims[0]) {
			printf("No dangling volumes found\n");
			rc = 0;
			goto out;
		}
		for (size_t i = 0; victims[i]; i++)
			printf("%s\n", victims[i]);
		printf("Are you sure you want to continue? [y/N] ");
		fflush(stdout);
		if (getline(&line, &cap, stdin) < 0) {
			pod_err_set(err, POD_E_GENERIC, 0, "EOF");
			goto out;
		}
		if (line[0] != 'y' && line[0] != 'Y') {
			rc = 0;
			goto out;
		}
	}
	rc = 0;
	for (size_t i = 0; victims[i]; i++) {
		struct pod_err *e = NULL;
		if (pod_volume_remove(s, victims[i], 0, &e) < 0) {
			/* a container took it meanwhile: not ours to remove */
			if (e->kind == POD_E_INUSE || e->kind == POD_E_NOTFOUND) {
				pod_err_free(&e);
				continue;
			}
			*err = e;
			rc = -1;
			break;
		}
		{
			struct pod_event ev = { .type = "volume", .status = "prune",
						.name = victims[i] };
			pod_event_emit(s, &ev);
		}
		if (pod_print_line(victims[i], err) < 0) {
			rc = -1;
			break;
		}
	}
out:
	pod_volume_list_free(vols);
	pod_filters_release(&f);
	return rc;
}

static const struct pod_opt prune_options[] = {
	POD_OPT_STRV(0, "filter", "filter", &opt.filters,
		     "Provide filter values (e.g. 'label=<key>=<value>')"),
	POD_OPT_BOOL('f', "force", &opt.force,
		     "Do not prompt for confirmation.  The default is false"),
	POD_OPT_END
};

static const struct pod_tool prune_tool = {
	.name = "pod-volume prune",
	.verb = "volume prune",
	.summary = "Remove all unused volumes",
	.description = "Remove all unused volumes. You are prompted to confirm the removal of "
		       "all the unused volumes. To bypass the confirmation, use the --force "
		       "flag.",
	.usage = "[options]",
	.options = prune_options,
	.flags = POD_TOOL_NO_ARGS,
	.run = prune_run,
};

/* ---- exists, mount, unmount, export, import ---- */

static int
exists_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	int r;

	if (open_store(ctx, true, &s, err) < 0)
		return -1;
	r = pod_volume_exists(s, ctx->args[0], err);
	if (r < 0)
		return -1;
	ctx->status = r ? 0 : 1;
	return 0;
}

static const struct pod_opt no_options[] = { POD_OPT_END };

static const struct pod_tool exists_tool = {
	.name = "pod-volume exists",
	.verb = "volume exists",
	.summary = "Check if the given volume exists",
	.description = "If the given volume exists, podman volume exists exits with 0, "
		       "otherwise the exit code will be 1.",
	.usage = "VOLUME",
	.options = no_options,
	.min_args = 1,
	.max_args = 1,
	.run = exists_run,
	.exit_status_doc = ".TP\n.B 0\nThe volume exists.\n.TP\n.B 1\nIt does not.\n.TP\n"
			   ".B 125\nAn error occurred.",
};

static int
mount_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_volume struct pod_volume *v = NULL;
	cleanup_free char *path = NULL;

	if (open_store(ctx, false, &s, err) < 0 || pod_volume_lookup(s, ctx->args[0], &v, err) < 0 ||
	    pod_volume_mount(s, v, &path, err) < 0)
		return -1;
	return pod_print_line(path, err);
}

static const struct pod_tool mount_tool = {
	.name = "pod-volume mount",
	.verb = "volume mount",
	.summary = "Mount volume",
	.description = "Mount a volume and return the mountpoint. A volume created with a "
		       "type or device option is mounted on its first use and unmounted when "
		       "its last user unmounts it.",
	.usage = "VOLUME",
	.options = no_options,
	.min_args = 1,
	.max_args = 1,
	.run = mount_run,
};

static int
unmount_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_volume struct pod_volume *v = NULL;

	if (open_store(ctx, false, &s, err) < 0 || pod_volume_lookup(s, ctx->args[0], &v, err) < 0 ||
	    pod_volume_unmount(s, v, err) < 0)
		return -1;
	return pod_print_line(v->name, err);
}

static const struct pod_tool unmount_tool = {
	.name = "pod-volume unmount",
	.verb = "volume unmount",
	.summary = "Unmount volume",
	.description = "Unmount a volume: the mount goes when its last user unmounts it.",
	.usage = "VOLUME",
	.options = no_options,
	.min_args = 1,
	.max_args = 1,
	.run = unmount_run,
};

static int
lookup_plain(struct pod_store *s, const char *name, struct pod_volume **v, struct pod_err **err)
{
	if (pod_volume_lookup(s, name, v, err) < 0) {
		if ((*err)->kind == POD_E_NOTFOUND) {
			pod_err_free(err);
			return pod_err_set(err, POD_E_NOTFOUND, 0, "no such volume %s", name);
		}
		return -1;
	}
	return 0;
}

static int
export_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_volume struct pod_volume *v = NULL;
	cleanup_close int fd = -1;
	int rc;

	if (open_store(ctx, true, &s, err) < 0 || lookup_plain(s, ctx->args[0], &v, err) < 0)
		return -1;
	if (opt.output && *opt.output) {
		fd = open(opt.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return pod_err_sys(err, "could not create tarball file '%s': open %s",
					   opt.output, opt.output);
	}
	fflush(stdout);
	rc = pod_volume_export(s, v, fd >= 0 ? fd : STDOUT_FILENO, err);
	if (rc == 0 && fd >= 0 && close(TAKE_FD(fd)) < 0)
		return pod_err_sys(err, "close %s", opt.output);
	return rc;
}

static const struct pod_opt export_options[] = {
	POD_OPT_STRING('o', "output", "string", &opt.output,
		       "Write to a specified file (default: stdout, which must be redirected)"),
	POD_OPT_END
};

static const struct pod_tool export_tool = {
	.name = "pod-volume export",
	.verb = "volume export",
	.summary = "Export volumes",
	.description = "Exports a volume to a tarball on the local machine (stdout, or the "
		       "file given with --output).",
	.usage = "[options] VOLUME",
	.options = export_options,
	.min_args = 1,
	.max_args = 1,
	.run = export_run,
};

static int
import_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_store struct pod_store *s = NULL;
	cleanup_volume struct pod_volume *v = NULL;
	cleanup_close int fd = -1;
	const char *src = ctx->args[1];

	if (open_store(ctx, true, &s, err) < 0 || lookup_plain(s, ctx->args[0], &v, err) < 0)
		return -1;
	if (!STREQ(src, "-")) {
		fd = open(src, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return pod_err_sys(err, "open %s", src);
	}
	return pod_volume_import(s, v, fd >= 0 ? fd : STDIN_FILENO, err);
}

static const struct pod_tool import_tool = {
	.name = "pod-volume import",
	.verb = "volume import",
	.summary = "Import a tarball contents into a podman volume",
	.description = "Imports the contents of a tarball (a file, or - for stdin) into the "
		       "volume's mount point. Entries that would land outside the volume are "
		       "refused.",
	.usage = "VOLUME [SOURCE]",
	.options = no_options,
	.min_args = 2,
	.max_args = 2,
	.run = import_run,
};

/* ---- the noun ---- */

static const struct pod_subverb subverbs[] = {
	{ "create", NULL, &create_tool },   { "exists", NULL, &exists_tool },
	{ "export", NULL, &export_tool },   { "import", NULL, &import_tool },
	{ "inspect", NULL, &inspect_tool }, { "ls", "list", &ls_tool },
	{ "mount", NULL, &mount_tool },	    { "prune", NULL, &prune_tool },
	{ "rm", "remove", &rm_tool },	    { "unmount", "umount", &unmount_tool },
	{ NULL, NULL, NULL },
};

/* `podman volume` alone: the sub-verbs on stdout, then Podman's error */
static const struct pod_tool tool;

static int
noun_run(struct pod_ctx *ctx, struct pod_err **err)
{
	return pod_tool_noun_usage(ctx, &tool, err);
}

static const struct pod_tool tool = {
	.name = "pod-volume",
	.verb = "volume",
	.summary = "Manage volumes",
	.description = "Volumes are created in and can be shared between containers.\n\nRun as "
		       "`podman volume ...` each command prints what Podman prints; run as "
		       "pod-volume, listings and inspect print one JSON record per volume.",
	.usage = "COMMAND [options]",
	.examples = "podman volume create data\npodman volume ls --filter dangling=true\n"
		    "podman volume export data -o data.tar\npodman volume import data data.tar\n"
		    "pod-volume ls | jq -r .Name",
	.options = no_options,
	.subverbs = subverbs,
	.run = noun_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
