/* pod-images - list images in local storage (`podman images`, `podman image ls`) */
#include "cli/filter.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "image/imagestore.h"

static struct {
	bool all, quiet, digests, no_trunc, noheading;
	char *sort;
	char **filter;
	char *format;
} opt;

static const struct pod_opt options[] = {
	POD_OPT_BOOL('a', "all", &opt.all, "Show all images (default hides intermediate images)"),
	POD_OPT_BOOL(0, "digests", &opt.digests, "Show digests"),
	POD_OPT_STRV('f', "filter", "filter", &opt.filter,
		     "Filter output based on conditions provided (default [])"),
	POD_OPT_STRING(0, "format", "format", &opt.format,
		       "Change the output format to JSON or a Go template"),
	POD_OPT_BOOL('n', "noheading", &opt.noheading, "Do not print column headings"),
	POD_OPT_BOOL(0, "no-trunc", &opt.no_trunc, "Do not truncate output"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Display only image IDs"),
	POD_OPT_STRING(0, "sort", "sort", &opt.sort,
		       "Sort by created, id, repository, size, tag (default \"created\")"),
	POD_OPT_END
};

static const char *const filter_keys[] = { "reference", "dangling", "label", "label!",
					   "before", "since", "id", "intermediate",
					   "readonly", "until", NULL };

struct listing {
	struct pod_imagestore *is;
	struct pod_image **v;
	size_t n;
	int64_t now;
};

static bool
bool_value(const char *key, const char *v, bool *ret, struct pod_err **err)
{
	if (STREQ(v, "true") || STREQ(v, "1")) {
		*ret = true;
		return true;
	}
	if (STREQ(v, "false") || STREQ(v, "0")) {
		*ret = false;
		return true;
	}
	pod_err_set(err, POD_E_INVALID, 0, "invalid %s filter value \"%s\"", key, v);
	return false;
}

/* reference=: glob against each name, its repository and its familiar forms */
static bool
match_reference(const struct pod_image *img, char *const *pats)
{
	for (size_t p = 0; pats[p]; p++) {
		for (size_t i = 0; img->names[i]; i++) {
			const char *n = img->names[i];
			const char *slash = strchr(n, '/');
			const char *colon = strrchr(n, ':');
			cleanup_free char *repo = colon && colon > strrchr(n, '/')
							  ? xstrndup(n, (size_t) (colon - n))
							  : xstrdup(n);
			const char *fam = slash ? slash + 1 : n;
			const char *fam2 = pod_str_has_prefix(fam, "library/") ? fam + 8 : fam;
			cleanup_free char *pat_tag = strchr(pats[p], ':') ? NULL
							 : xasprintf("%s:*", pats[p]);

			if (pod_filter_match_glob(n, pats[p]) || pod_filter_match_glob(repo, pats[p]) ||
			    pod_filter_match_glob(fam, pats[p]) || pod_filter_match_glob(fam2, pats[p]))
				return true;
			if (pat_tag && (pod_filter_match_glob(fam2, pat_tag) ||
					pod_filter_match_glob(fam, pat_tag)))
				return true;
		}
	}
	return false;
}

static int
image_created_of(struct listing *l, const char *ref, int64_t *ret, struct pod_err **err)
{
	cleanup_image struct pod_image *img = NULL;

	if (pod_image_lookup(l->is, ref, &img, err) < 0)
		return -1;
	*ret = img->created ? img->created : img->stored;
	return 0;
}

/* 1 keep, 0 drop */
static int
keep(struct listing *l, const struct pod_filters *f, const struct pod_image *img,
     struct pod_err **err)
{
	char *const *v;
	bool b;
	int64_t t, created = img->created ? img->created : img->stored;

	if (!opt.all && pod_image_is_intermediate(img, l->v, l->n) && !pod_filters_get(f, "intermediate"))
		return 0;
	if ((v = pod_filters_get(f, "reference")) && !match_reference(img, v))
		return 0;
	if ((v = pod_filters_get(f, "dangling"))) {
		if (!bool_value("dangling", v[0], &b, err))
			return -1;
		if (b != (img->names[0] == NULL))
			return 0;
	}
	if ((v = pod_filters_get(f, "intermediate"))) {
		if (!bool_value("intermediate", v[0], &b, err))
			return -1;
		if (b != pod_image_is_intermediate(img, l->v, l->n))
			return 0;
	}
	if ((v = pod_filters_get(f, "readonly"))) {
		if (!bool_value("readonly", v[0], &b, err))
			return -1;
		if (b)
			return 0;
	}
	if ((v = pod_filters_get(f, "label")) && !pod_filter_match_labels(pod_image_labels(img), v))
		return 0;
	if ((v = pod_filters_get(f, "label!")) &&
	    !pod_filter_match_labels_negated(pod_image_labels(img), v))
		return 0;
	if ((v = pod_filters_get(f, "id"))) {
		bool any = false;

		for (size_t i = 0; v[i]; i++)
			if (pod_str_has_prefix(img->id, pod_str_has_prefix(v[i], "sha256:") ? v[i] + 7 : v[i]))
				any = true;
		if (!any)
			return 0;
	}
	if ((v = pod_filters_get(f, "before"))) {
		if (image_created_of(l, v[0], &t, err) < 0)
			return -1;
		if (created >= t)
			return 0;
	}
	if ((v = pod_filters_get(f, "since"))) {
		if (image_created_of(l, v[0], &t, err) < 0)
			return -1;
		if (created <= t)
			return 0;
	}
	if ((v = pod_filters_get(f, "until"))) {
		if (pod_filter_until(v, l->now, &t, err) < 0)
			return -1;
		if (created >= t)
			return 0;
	}
	return 1;
}

static json_t *
row(struct listing *l, const struct pod_image *img, const char *name, int64_t containers)
{
	json_t *r = pod_image_summary_json(img, containers);
	cleanup_free char *repo = NULL, *human = NULL, *ago = NULL;
	char sid[POD_ID_SHORT_LEN + 1];
	const char *tag = "<none>";

	json_object_del(r, "Type");
	if (name && strchr(name, '@')) {
		/* pulled by digest: the repository without a tag, like Podman */
		repo = xstrndup(name, (size_t) (strchr(name, '@') - name));
	} else if (name) {
		const char *colon = strrchr(name, ':');

		if (colon && colon > strrchr(name, '/')) {
			repo = xstrndup(name, (size_t) (colon - name));
			tag = colon + 1;
		} else {
			repo = xstrdup(name);
		}
	}
	pod_id_short(img->id, sid);
	human = pod_human_size(img->size);
	ago = img->created || json_is_string(json_object_get(img->config, "created"))
		      ? pod_human_ago(img->created, l->now)
		      : xstrdup("N/A");
	json_object_set_new(r, "ID", json_string(opt.no_trunc ? img->id : sid));
	json_object_set_new(r, "Repository", pod_json_string(repo ? repo : "<none>"));
	json_object_set_new(r, "Tag", pod_json_string(tag));
	json_object_set_new(r, "Created", json_string(ago));
	json_object_set_new(r, "CreatedSince", json_string(ago));
	json_object_set_new(r, "Size", json_string(human));
	json_object_set_new(r, "ReadOnly", json_false());
	json_object_set_new(r, "Dangling", json_boolean(!img->names[0]));
	return r;
}

static int
cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_rows(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *) pa, *b = *(json_t *const *) pb;
	const char *s = opt.sort;

	if (STREQ(s, "id"))
		return cmp_str(json_string_value(json_object_get(a, "Id")),
			       json_string_value(json_object_get(b, "Id")));
	if (STREQ(s, "repository")) {
		int c = cmp_str(json_string_value(json_object_get(a, "Repository")),
				json_string_value(json_object_get(b, "Repository")));

		return c ? c : cmp_str(json_string_value(json_object_get(a, "Tag")),
				       json_string_value(json_object_get(b, "Tag")));
	}
	if (STREQ(s, "tag"))
		return cmp_str(json_string_value(json_object_get(a, "Tag")),
			       json_string_value(json_object_get(b, "Tag")));
	if (STREQ(s, "size")) {
		json_int_t x = json_integer_value(json_object_get(a, "VirtualSize"));
		json_int_t y = json_integer_value(json_object_get(b, "VirtualSize"));

		return x < y ? -1 : x > y;
	}
	/* created: newest first */
	json_int_t x = json_integer_value(json_object_get(a, "Created_ns"));
	json_int_t y = json_integer_value(json_object_get(b, "Created_ns"));

	return x > y ? -1 : x < y;
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	struct pod_filters f = POD_FILTERS_INIT;
	struct listing l = { 0 };
	cleanup_json json_t *rows = json_array(), *summaries = json_array();
	static const char *const sorts[] = { "created", "id", "repository", "size", "tag", NULL };
	bool ok_sort = false;
	int rc = -1;

	if (!opt.sort || !*opt.sort)
		opt.sort = "created";

	for (size_t i = 0; sorts[i]; i++)
		if (STREQ(opt.sort, sorts[i]))
			ok_sort = true;
	if (!ok_sort)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "\"%s\" is not a valid field for sorting. Choose from: created, "
				   "id, repository, size, tag",
				   opt.sort);
	for (size_t i = 0; opt.filter && opt.filter[i]; i++)
		if (pod_filters_add(&f, opt.filter[i], filter_keys, err) < 0)
			goto out;
	if (pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, true,
				     &is, err) < 0)
		goto out;
	if (ctx->args[0]) {
		/* `podman images NAME` is a reference filter */
		cleanup_free char *a = xasprintf("reference=%s", ctx->args[0]);

		if (pod_filters_add(&f, a, filter_keys, err) < 0)
			goto out;
	}
	l.is = is;
	l.now = pod_now_ns();
	if (pod_image_list(is, &l.v, &l.n, err) < 0)
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		struct pod_image *img = l.v[i];
		cleanup_strv char **ctrs = NULL;
		int k = keep(&l, &f, img, err);
		json_t *s;

		if (k < 0)
			goto out;
		if (!k)
			continue;
		if (pod_image_containers(is, img, &ctrs, err) < 0)
			goto out;
		s = pod_image_summary_json(img, (int64_t) pod_strv_len(ctrs));
		json_object_set_new(s, "Created_ns", json_integer(img->created));
		json_array_append_new(summaries, s);
		for (size_t j = 0; j == 0 || img->names[j]; j++) {
			json_t *r = row(&l, img, img->names[j], (int64_t) pod_strv_len(ctrs));

			json_object_set_new(r, "Created_ns", json_integer(img->created));
			json_array_append_new(rows, r);
			if (!img->names[j])
				break;
		}
	}
	{
		size_t n = json_array_size(rows);
		json_t **v = xcalloc(n + 1, sizeof(*v));

		for (size_t i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(rows, i));
		qsort(v, n, sizeof(*v), cmp_rows);
		json_array_clear(rows);
		for (size_t i = 0; i < n; i++) {
			json_object_del(v[i], "Created_ns");
			json_array_append_new(rows, v[i]);
		}
		free(v);
		n = json_array_size(summaries);
		v = xcalloc(n + 1, sizeof(*v));
		for (size_t i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(summaries, i));
		qsort(v, n, sizeof(*v), cmp_rows);
		json_array_clear(summaries);
		for (size_t i = 0; i < n; i++) {
			json_object_del(v[i], "Created_ns");
			json_array_append_new(summaries, v[i]);
		}
		free(v);
	}
	if (opt.quiet) {
		char **seen = xcalloc(1, sizeof(char *));
		size_t i;
		json_t *r;

		json_array_foreach(rows, i, r) {
			const char *id = json_string_value(json_object_get(r, "ID"));

			if (pod_strv_contains(seen, id))
				continue;
			seen = pod_strv_push(seen, xstrdup(id));
			if (pod_print_line(id, err) < 0) {
				pod_strv_free(seen);
				goto out;
			}
		}
		pod_strv_free(seen);
		rc = 0;
		goto out;
	}
	if (opt.format && *opt.format) {
		if (pod_format_is_json(opt.format)) {
			size_t i;
			json_t *s;

			json_array_foreach(summaries, i, s)
				json_object_del(s, "Type");
			rc = pod_format_records("images", opt.format, summaries, NULL, opt.noheading,
						stdout, err);
			goto out;
		}
		cleanup_json json_t *headers = json_pack("{s:s, s:s}", "ID", "IMAGE ID",
							 "CreatedSince", "CREATED");

		rc = pod_format_records("images", opt.format, rows, headers, opt.noheading, stdout,
					err);
		goto out;
	}
	if (!ctx->g.dispatched) {
		size_t i;
		json_t *s;

		json_array_foreach(summaries, i, s)
			if (pod_json_print_line(stdout, s, err) < 0)
				goto out;
		rc = 0;
		goto out;
	}
	{
		cleanup_json json_t *headers = json_pack("{s:s, s:s}", "ID", "IMAGE ID", "Created",
							 "CREATED");
		const char *tmpl = opt.digests ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}"
						 "\t{{.Created}}\t{{.Size}}"
					       : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}"
						 "\t{{.Size}}";

		rc = pod_format_records("images", tmpl, rows, headers, opt.noheading, stdout, err);
	}
out:
	pod_filters_release(&f);
	pod_image_list_free(l.v, l.n);
	return rc;
}

static const struct pod_tool tool = {
	.name = "pod-images",
	.verb = "images",
	.summary = "List images in local storage",
	.description = "Lists images previously pulled, loaded, imported or committed to the "
		       "local store.\n\nRun as `podman images` it prints Podman's table; as "
		       "pod-images, one image record per line.",
	.usage = "[options] [IMAGE]",
	.examples = "podman images --format json\n"
		    "podman images --sort repository --format \"table {{.ID}} {{.Repository}} "
		    "{{.Tag}}\"\npodman image list --filter dangling=true",
	.options = options,
	.max_args = 1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
