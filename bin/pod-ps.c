/* pod-ps - list containers (`podman ps`) */
#include "cli/ctr_opts.h"
#include "cli/filter.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "runtime/ctr_exec.h"
#include "runtime/ctr_net.h"
#include "runtime/pod.h"
#include "runtime/specgen.h"

#include <errno.h>
#include <sqlite3.h>
#include <unistd.h>

static struct {
	bool all, quiet, latest, no_trunc, noheading, size, external, namespace_, pod;
	int64_t last;
	char *sort, *format;
	char **filter;
	bool last_set;
} opt = { .last = -1 };

static const char *const filter_keys[] = { "id",     "name",  "label", "label!", "status",
					    "ancestor", "exited", "before", "since", "volume",
					    "pod",    "network", "health", "until", "publish",
					    "expose", NULL };

#define DEFAULT_FORMAT                                                                             \
	"table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t"   \
	"{{.Names}}"

/*
 * A listed container, as little of it as sorting and printing need: its
 * text is rendered while its data is loaded, so that 1000 containers cost
 * their output, not 1000 JSON trees.
 */
struct row {
	int64_t created_ns;
	char *id;
	char *key;	 /* --sort's key (names, image, id, status, command) */
	json_int_t size; /* --sort size: RootFsSize + RwSize */
	char *text;	 /* what the row prints */
	size_t len;
	json_t *view; /* a template ranging over the whole list needs every view */
};

static bool
match_any(char *const *values, bool (*fn)(const struct pod_ctr *, const char *),
	  const struct pod_ctr *c)
{
	for (size_t i = 0; values && values[i]; i++)
		if (fn(c, values[i]))
			return true;
	return false;
}

static bool
m_id(const struct pod_ctr *c, const char *v)
{
	return pod_str_has_prefix(c->id, v) || pod_filter_match_regex(c->id, v);
}

static bool
m_name(const struct pod_ctr *c, const char *v)
{
	return pod_filter_match_regex(c->name, v);
}

static bool
m_status(const struct pod_ctr *c, const char *v)
{
	const char *s = pod_ctr_state_name(c->state);
	if (STREQ(v, "stopped") && c->state == POD_CTR_EXITED)
		return true;
	return STREQ(s, v);
}

static bool
m_ancestor(const struct pod_ctr *c, const char *v)
{
	const char *img = pod_ctr_str(c, "ImageName");
	const char *settings_img = pod_ctr_setting_str(c, "Image");

	if (c->image_id && pod_str_has_prefix(c->image_id, v))
		return true;
	if (img && (STREQ(img, v) || pod_filter_match_regex(img, v)))
		return true;
	return settings_img && STREQ(settings_img, v);
}

static bool
m_exited(const struct pod_ctr *c, const char *v)
{
	int64_t n;
	return (c->state == POD_CTR_EXITED || c->state == POD_CTR_STOPPED) &&
	       pod_parse_int64(v, &n) && c->has_exit_code && n == c->exit_code;
}

/* health=healthy|unhealthy|starting|none (h3-exec) */
static bool
m_health(const struct pod_ctr *c, const char *v)
{
	const char *h = pod_ctr_health_status(c);
	return STREQ(v, "none") ? !*h : STREQ(h, v);
}

/* volume=NAME, volume=NAME:DEST, volume=DEST or volume=HOSTPATH[:DEST] */
static bool
m_network(const struct pod_ctr *c, const char *v)
{
	cleanup_json json_t *nets = pod_ctr_net_ps_networks(NULL, c);
	json_t *x;
	size_t i;

	json_array_foreach(nets, i, x)
		if (STREQ(json_string_value(x), v))
			return true;
	return false;
}

/* PORT[/PROTO] against the host (publish) or container (expose) side */
static bool
m_port(const struct pod_ctr *c, const char *v, const char *side)
{
	json_t *b = json_object_get(c->settings, "PortBindings"), *x;
	const char *slash = strchr(v, '/');
	cleanup_free char *num = slash ? xstrndup(v, (size_t) (slash - v)) : xstrdup(v);
	int64_t port;
	size_t i;

	if (!pod_parse_int64(num, &port))
		return false;
	json_array_foreach(b, i, x) {
		int64_t p = json_integer_value(json_object_get(x, side));
		int64_t r = json_integer_value(json_object_get(x, "range"));
		if (port >= p && port < p + (r > 0 ? r : 1) &&
		    (!slash || STREQ(slash + 1, json_string_value(json_object_get(x, "protocol")))))
			return true;
	}
	return false;
}

static bool
m_publish(const struct pod_ctr *c, const char *v)
{
	return m_port(c, v, "host_port");
}

static bool
m_expose(const struct pod_ctr *c, const char *v)
{
	return m_port(c, v, "container_port");
}

static bool
m_volume(const struct pod_ctr *c, const char *v)
{
	const char *colon = strchr(v, ':');
	cleanup_free char *src = colon ? xstrndup(v, (size_t) (colon - v)) : xstrdup(v);
	const char *dest = colon ? colon + 1 : NULL;
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(c->data, "VolumeMounts"), i, x) {
		const char *d = json_string_value(json_object_get(x, "Destination"));
		const char *n = json_string_value(json_object_get(x, "Name"));
		if (!n)
			n = json_string_value(json_object_get(x, "Source"));
		if ((n && STREQ(n, src) && (!dest || STREQ(d, dest))) || (!dest && STREQ(d, src)))
			return true;
	}
	json_array_foreach(json_object_get(c->settings, "Volumes"), i, x) {
		const char *s = json_string_value(x), *sc = strchr(s, ':');
		cleanup_free char *hs = sc ? xstrndup(s, (size_t) (sc - s)) : xstrdup(s);
		const char *de = sc ? sc + 1 : s, *end = strchr(de, ':');
		cleanup_free char *d = end ? xstrndup(de, (size_t) (end - de)) : xstrdup(de);
		if ((STREQ(hs, src) && (!dest || STREQ(d, dest))) || (!dest && STREQ(d, src)))
			return true;
	}
	return false;
}

/*
 * The creation times that before= and since= name, one per value, looked
 * up once before the walk (a lookup may sync its container: not while the
 * walk's statement reads the store), as Podman does when it builds its
 * filters.
 */
static int64_t *before_ns, *since_ns;

static int
created_of(struct pod_engine *e, char *const *refs, int64_t **ret, struct pod_err **err)
{
	size_t n = pod_strv_len(refs);
	cleanup_free int64_t *t = xcalloc(n + 1, sizeof(*t));

	for (size_t i = 0; i < n; i++) {
		cleanup_ctr struct pod_ctr *c = NULL;
		if (pod_ctr_lookup(e, refs[i], &c, err) < 0)
			return -1;
		t[i] = c->created_ns;
	}
	*ret = TAKE_PTR(t);
	return 0;
}

static int
keep(struct pod_engine *e, const struct pod_filters *f, const struct pod_ctr *c, bool *ret,
     struct pod_err **err)
{
	char *const *v;
	json_t *labels = NULL;
	bool ok = true;

	if ((v = pod_filters_get(f, "id")) && !match_any(v, m_id, c))
		ok = false;
	if (ok && (v = pod_filters_get(f, "name")) && !match_any(v, m_name, c))
		ok = false;
	if (ok && (v = pod_filters_get(f, "status"))) {
		static const char *const valid[] = { "created", "running", "paused", "stopped",
						     "exited", "unknown", "removing", "configured",
						     NULL };
		for (size_t i = 0; v[i]; i++) {
			bool known = false;
			for (size_t k = 0; valid[k]; k++)
				known |= STREQ(v[i], valid[k]);
			if (!known)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "%s is not a valid status", v[i]);
		}
		ok = match_any(v, m_status, c);
	}
	if (ok && (v = pod_filters_get(f, "ancestor")) && !match_any(v, m_ancestor, c))
		ok = false;
	if (ok && (v = pod_filters_get(f, "exited")) && !match_any(v, m_exited, c))
		ok = false;
	if (ok && (v = pod_filters_get(f, "health")) && !match_any(v, m_health, c))
		ok = false;
	if (ok && (v = pod_filters_get(f, "volume")) && !match_any(v, m_volume, c))
		ok = false;
	if (ok && ((v = pod_filters_get(f, "label")) || pod_filters_get(f, "label!"))) {
		json_t *img = json_object_get(json_object_get(c->data, "ImageConfig"), "Labels");
		labels = json_object();
		if (json_is_object(img))
			json_object_update(labels, img);
		if (json_is_object(json_object_get(c->settings, "Labels")))
			json_object_update(labels, json_object_get(c->settings, "Labels"));
		if (v && !pod_filter_match_labels(labels, v))
			ok = false;
		if (ok && pod_filters_get(f, "label!") &&
		    !pod_filter_match_labels_negated(labels, pod_filters_get(f, "label!")))
			ok = false;
		json_decref(labels);
	}
	if (ok && ((v = pod_filters_get(f, "before"))))
		for (size_t i = 0; v[i] && ok; i++)
			ok = c->created_ns < before_ns[i];
	if (ok && ((v = pod_filters_get(f, "since"))))
		for (size_t i = 0; v[i] && ok; i++)
			ok = c->created_ns > since_ns[i];
	if (ok && ((v = pod_filters_get(f, "until")))) {
		int64_t t;
		if (pod_filter_until(v, pod_now_ns(), &t, err) < 0)
			return -1;
		ok = c->created_ns <= t;
	}
	if (ok && (v = pod_filters_get(f, "network")) && !match_any(v, m_network, c))
		ok = false;
	if (ok && (v = pod_filters_get(f, "publish")) && !match_any(v, m_publish, c))
		ok = false;
	if (ok && (v = pod_filters_get(f, "expose")) && !match_any(v, m_expose, c))
		ok = false;
	if (ok && (v = pod_filters_get(f, "pod"))) {
		const char *pid = pod_ctr_setting_str(c, "Pod");
		cleanup_free char *pname = pod_pod_name_of(e, pid);
		bool any = false;
		for (size_t i = 0; pid && v[i] && !any; i++)
			any = pod_str_has_prefix(pid, v[i]) || (pname && STREQ(pname, v[i]));
		ok = any;
	}
	*ret = ok;
	return 0;
}

/* --sort's key of a row, read while its record exists */
static void
set_sort_key(struct row *r, const struct pod_ctr *c, json_t *rec)
{
	const char *by = opt.sort ? opt.sort : "created";

	if (STREQ(by, "names")) {
		r->key = xstrdup(c->name);
	} else if (STREQ(by, "image")) {
		r->key = xstrdup(json_string_value(json_object_get(rec, "Image")) ?: "");
	} else if (STREQ(by, "id")) {
		r->key = xstrdup(c->id);
	} else if (STREQ(by, "status")) {
		r->key = xstrdup(pod_ctr_state_name(c->state));
	} else if (STREQ(by, "command")) {
		r->key = json_dumps(json_object_get(rec, "Command"), 0);
	} else if (STREQ(by, "size")) {
		json_t *sz = json_object_get(rec, "Size");
		r->size = json_integer_value(json_object_get(sz, "RootFsSize")) +
			  json_integer_value(json_object_get(sz, "RwSize"));
	}
}

static const char *sort_by;

static int
cmp_rows(const void *a, const void *b)
{
	struct row *x = (struct row *) a, *y = (struct row *) b;

	/* newest first, then by ID: the order of the store's listing */
	if (STREQ(sort_by, "created") || STREQ(sort_by, "runningfor"))
		return x->created_ns < y->created_ns ? 1 :
		       x->created_ns > y->created_ns ? -1 : strcmp(x->id, y->id);
	if (STREQ(sort_by, "size"))
		return x->size < y->size ? -1 : x->size > y->size ? 1 : 0;
	return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

/* the object templates see: Podman's psReporter fields */
static json_t *
template_view(const struct pod_ctr *c, json_t *rec, const char *status, int64_t now)
{
	/*
	 * The record itself, changed in place: it is not used after this, and
	 * each value below is read before its key is replaced.
	 */
	json_t *v = json_incref(rec);
	cleanup_free char *created = pod_human_ago(c->created_ns, now);
	json_t *cmd = json_object_get(rec, "Command"), *x;
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char shortid[POD_ID_SHORT_LEN + 1];
	size_t i;

	json_array_foreach(cmd, i, x) {
		if (i)
			pod_strbuf_addch(&sb, ' ');
		pod_strbuf_adds(&sb, json_string_value(x));
	}
	if (!opt.no_trunc && sb.len > 17) {
		pod_strbuf_truncate(&sb, 17);
		pod_strbuf_adds(&sb, "...");
	}
	pod_id_short(c->id, shortid);
	json_object_set_new(v, "ID", json_string(opt.no_trunc ? c->id : shortid));
	json_object_set_new(v, "Command", json_string(sb.buf ? sb.buf : ""));
	{
		const char *pid = json_string_value(json_object_get(rec, "Pod"));
		char ps[POD_ID_SHORT_LEN + 1] = "";
		if (pid && *pid)
			pod_id_short(pid, ps);
		json_object_set_new(v, "Pod", json_string(opt.no_trunc && pid ? pid : ps));
	}
	json_object_set_new(v, "CreatedHuman", json_string(created));
	json_object_set_new(v, "CreatedAt", json_string(created));
	json_object_set_new(v, "RunningFor", json_string(created));
	json_object_set_new(v, "Status", json_string(status));
	json_object_set_new(v, "State", json_string(status));
	{
		cleanup_free char *ports = pod_ctr_net_ports_text(json_object_get(rec, "Ports"));
		json_object_set_new(v, "Ports", json_string(ports));
	}
	json_object_set_new(v, "Names", json_string(c->name));
	{
		struct pod_strbuf nb = POD_STRBUF_INIT;
		json_array_foreach(json_object_get(rec, "Networks"), i, x) {
			if (i)
				pod_strbuf_addch(&nb, ',');
			pod_strbuf_adds(&nb, json_string_value(x));
		}
		json_object_set_new(v, "Networks", json_string(nb.buf ? nb.buf : ""));
		pod_strbuf_release(&nb);
	}
	if (opt.size) {
		json_t *s = json_object_get(rec, "Size");
		cleanup_free char *rw = pod_human_size_prec(
			json_integer_value(json_object_get(s, "RwSize")), 3, false);
		cleanup_free char *root = pod_human_size_prec(
			json_integer_value(json_object_get(s, "RootFsSize")), 3, false);
		cleanup_free char *t = xasprintf("%s (virtual %s)", rw, root);
		json_object_set_new(v, "Size", json_string(t));
	}
	pod_strbuf_release(&sb);
	return v;
}

enum ps_mode {
	PS_QUIET,  /* -q: the IDs */
	PS_LINES,  /* pod-ps without --format: a JSON record per line */
	PS_FORMAT, /* --format, or podman's table */
};

/* the rows being collected, one container at a time */
struct walk {
	const struct pod_filters *f;
	int64_t now;
	bool lite; /* the default table or -q: only what they show is built */
	enum ps_mode mode;
	struct pod_record_out *out; /* PS_FORMAT */
	bool json;		    /* PS_FORMAT with --format json: the records as they are */
	bool whole;		    /* PS_FORMAT with a template ranging over the list */
	struct row *rows;
	size_t n, cap;
};

/* what the default table, -q and the sort keys read; the rest is not built */
static json_t *
lite_record(struct pod_engine *e, const struct pod_ctr *c)
{
	json_t *r = json_object();
	const char *pod = pod_ctr_setting_str(c, "Pod");
	cleanup_free char *pn = pod_pod_name_of(e, pod);

	json_object_set_new(r, "Command",
			    pod_specgen_args(c->settings, json_object_get(c->data, "ImageConfig")));
	json_object_set_new(r, "Image", pod_json_string(pod_ctr_str(c, "ImageName")));
	json_object_set_new(r, "Networks", pod_ctr_net_ps_networks(e, c));
	json_object_set_new(r, "Pod", json_string(pod ? pod : ""));
	json_object_set_new(r, "PodName", json_string(pn ? pn : ""));
	json_object_set_new(r, "Ports", pod_ctr_net_ps_ports(e, c));
	return r;
}

/* keeps c as a row when the filters let it through; c is freed here */
static int
add_row(struct pod_engine *e, struct pod_ctr *c_, void *data, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = c_;
	struct walk *w = data;
	cleanup_json json_t *rec = NULL;
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	struct row *r;
	bool k = true;

	if (!opt.all && !pod_filters_get(w->f, "status") && !opt.latest && !opt.last_set &&
	    c->state != POD_CTR_RUNNING)
		return 0;
	if (keep(e, w->f, c, &k, err) < 0)
		return -1;
	if (!k)
		return 0;
	if (w->lite)
		rec = lite_record(e, c);
	else /* sorting by size needs the sizes, as Podman computes them for it */
		rec = pod_ctr_ps_json(e, c, opt.size || (opt.sort && STREQ(opt.sort, "size")),
				      w->now);
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->rows = xrealloc(w->rows, w->cap * sizeof(*w->rows));
	}
	r = &w->rows[w->n++];
	*r = (struct row){ .created_ns = c->created_ns, .id = xstrdup(c->id) };
	set_sort_key(r, c, rec);
	switch (w->mode) {
	case PS_QUIET:
		return 0;
	case PS_LINES: {
		json_object_set_new(rec, "Type", json_string("container"));
		r->text = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		if (!r->text)
			return pod_err_set(err, POD_E_GENERIC, 0, "encoding JSON record");
		r->len = strlen(r->text);
		return 0;
	}
	case PS_FORMAT:
		break;
	}
	if (!w->json) {
		cleanup_free char *status = pod_ctr_status_text(c, w->now);
		json_t *view = template_view(c, rec, status, w->now);
		json_decref(rec);
		rec = view;
	}
	if (w->whole) {
		r->view = TAKE_PTR(rec);
		return 0;
	}
	if (pod_record_out_render(w->out, rec, &sb, err) < 0)
		return -1;
	r->len = sb.len;
	r->text = pod_strbuf_detach(&sb);
	return 0;
}

static int
print_rows(struct walk *w, struct row *rows, size_t nrows, const char *fmt, json_t *headers,
	   struct pod_err **err)
{
	switch (w->mode) {
	case PS_QUIET:
		for (size_t i = 0; i < nrows; i++) {
			char s[POD_ID_SHORT_LEN + 1];
			pod_id_short(rows[i].id, s);
			if (pod_print_line(opt.no_trunc ? rows[i].id : s, err) < 0)
				return -1;
		}
		return 0;
	case PS_LINES:
		errno = 0;
		for (size_t i = 0; i < nrows; i++)
			if (fwrite(rows[i].text, 1, rows[i].len, stdout) != rows[i].len ||
			    putchar('\n') == EOF)
				break;
		if (fflush(stdout) == EOF || ferror(stdout))
			return pod_err_set(err, POD_E_IO, errno, "writing output: %s",
					   pod_strerror(errno ? errno : EIO));
		return 0;
	case PS_FORMAT:
		break;
	}
	if (w->whole) {
		cleanup_json json_t *records = json_array();
		for (size_t i = 0; i < nrows; i++)
			json_array_append(records, rows[i].view);
		return pod_format_records("ps", fmt, records, headers, opt.noheading, stdout, err);
	}
	for (size_t i = 0; i < nrows; i++)
		if (pod_record_out_put(w->out, rows[i].text, rows[i].len, err) < 0)
			return -1;
	return pod_record_out_end(w->out, err);
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_(pod_filters_release) struct pod_filters f = POD_FILTERS_INIT;
	cleanup_json json_t *headers = NULL;
	cleanup_free char *fmt = NULL;
	struct row *rows = NULL;
	struct walk walk = { 0 };
	size_t nrows = 0;
	int64_t now = pod_now_ns();
	int rc = -1;

	for (size_t i = 0; opt.filter && opt.filter[i]; i++)
		if (pod_filters_add(&f, opt.filter[i], filter_keys, err) < 0)
			return -1;
	if (opt.quiet && opt.format && *opt.format)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "quiet and format cannot be used together");
	if (opt.sort) {
		static const char *const sorts[] = { "command", "created", "id", "image", "names",
						     "runningfor", "size", "status", NULL };
		bool ok = false;
		for (size_t i = 0; sorts[i]; i++)
			ok |= STREQ(opt.sort, sorts[i]);
		if (!ok)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid option for --sort, "
					   "options are: command, created, id, image, names, "
					   "runningfor, size, or status");
	}
	walk.f = &f;
	walk.now = now;
	walk.lite = opt.quiet || (ctx->g.dispatched && !(opt.format && *opt.format) &&
				  !opt.size && !(opt.sort && STREQ(opt.sort, "size")));
	walk.mode = opt.quiet ? PS_QUIET :
		    !ctx->g.dispatched && !(opt.format && *opt.format) ? PS_LINES : PS_FORMAT;
	if (walk.mode == PS_FORMAT && opt.format && pod_format_is_json(opt.format)) {
		fmt = xstrdup("json");
		walk.json = true;
	} else if (walk.mode == PS_FORMAT) {
		headers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID",
				    "CONTAINER ID", "Image", "IMAGE", "Command", "COMMAND",
				    "CreatedHuman", "CREATED", "Status", "STATUS", "Ports", "PORTS",
				    "Names", "NAMES", "Size", "SIZE", "RunningFor", "CREATED",
				    "CreatedAt", "CREATED AT", "Pod", "POD ID");
		json_object_set_new(headers, "PodName", json_string("PODNAME"));
		if (opt.format && *opt.format)
			fmt = xstrdup(opt.format);
		else
			fmt = xasprintf("%s%s%s", DEFAULT_FORMAT, opt.size ? "\t{{.Size}}" : "",
					opt.pod ? "\t{{.Pod}}\t{{.PodName}}" : "");
	}
	if (fmt) {
		walk.out = pod_record_out_new("ps", fmt, headers, opt.noheading, 0, stdout, err);
		if (!walk.out)
			return -1;
		walk.whole = pod_record_out_whole(walk.out);
	}
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		goto out;
	/*
	 * One pass over the rows: SQLite's page cache would only keep pages
	 * that are never read again (it was a tenth of the peak RSS over 1000
	 * containers).
	 */
	(void) sqlite3_exec(pod_store_db(e->store), "PRAGMA cache_size = -128", NULL, NULL, NULL);
	if (pod_filters_get(&f, "before") &&
	    created_of(e, pod_filters_get(&f, "before"), &before_ns, err) < 0)
		goto out;
	if (pod_filters_get(&f, "since") &&
	    created_of(e, pod_filters_get(&f, "since"), &since_ns, err) < 0)
		goto out;
	if (pod_ctr_list_each(e, add_row, &walk, err) < 0)
		goto out;
	rows = walk.rows;
	nrows = walk.n;
	/* newest first; -l and -n take from there */
	sort_by = "created";
	qsort(rows, nrows, sizeof(*rows), cmp_rows);
	if (opt.latest && nrows > 1)
		nrows = 1;
	if (opt.last_set && opt.last >= 0 && (size_t) opt.last < nrows)
		nrows = (size_t) opt.last;
	if (opt.sort && !STREQ(opt.sort, "created")) {
		sort_by = opt.sort;
		qsort(rows, nrows, sizeof(*rows), cmp_rows);
	}
	rc = print_rows(&walk, rows, nrows, fmt, headers, err);
out:
	for (size_t i = 0; i < walk.n; i++) {
		free(walk.rows[i].id);
		free(walk.rows[i].key);
		free(walk.rows[i].text);
		json_decref(walk.rows[i].view);
	}
	free(walk.rows);
	pod_record_out_free(walk.out);
	free(before_ns);
	free(since_ns);
	return rc;
}

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Show all the containers, default is only running "
		     "containers"),
	POD_OPT_BOOL(0, "external", &opt.external,
		     "Show containers in storage not controlled by Podman"),
	POD_OPT_STRV('f', "filter", "stringArray", &opt.filter,
		     "Filter output based on conditions given"),
	POD_OPT_STRING(0, "format", "string", &opt.format,
		       "Pretty-print containers to JSON or using a Go template"),
	{ POD_OPT_T_INT, 'n', "last", "int", &opt.last,
	  "Print the n last created containers (all states)", NULL, 0, NULL, &opt.last_set },
	POD_OPT_BOOL('l', "latest", &opt.latest,
		     "Act on the latest container podman is aware of"),
	POD_OPT_BOOL(0, "no-trunc", &opt.no_trunc, "Display the extended information"),
	POD_OPT_BOOL(0, "noheading", &opt.noheading, "Do not print headers"),
	POD_OPT_BOOL(0, "ns", &opt.namespace_, "Display namespace information"),
	POD_OPT_BOOL('p', "pod", &opt.pod,
		     "Print the ID and name of the pod the containers are associated with"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Print the numeric IDs of the containers only"),
	POD_OPT_BOOL('s', "size", &opt.size, "Display the total file sizes"),
	POD_OPT_STRING(0, "sort", "choice", &opt.sort,
		       "Sort output by: command, created, id, image, names, runningfor, size, "
		       "status"),
	POD_OPT_END
};

static const struct pod_tool tool = {
	.name = "pod-ps",
	.verb = "ps",
	.summary = "List containers",
	.description = "Prints information about containers: the running ones, or all with "
		       "--all. Run as pod-ps it prints one JSON record per container "
		       "(Podman's `ps --format json` keys plus Type).",
	.usage = "[options]",
	.examples = "podman ps -a\npodman ps -a --format \"{{.ID}}  {{.Image}}  {{.Labels}}  "
		    "{{.Mounts}}\"\npodman ps --size --sort names\n"
		    "pod-ps -a | jq -c 'select(.State==\"exited\")' | pod-rm",
	.options = options,
	.flags = POD_TOOL_NO_ARGS,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
