/* pod-image - the image noun group: inspect, exists, history, prune, tree */
#include "cli/output.h"
#include "cli/table.h"
#include "cli/tool.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "image/imagestore.h"
#include "image/imgmount.h"
#include "image/prune.h"
#include "cli/filter.h"
#include "store/events.h"
#include "store/store.h"


#include <unistd.h>

static int
open_is(struct pod_ctx *ctx, bool ro, struct pod_imagestore **is, struct pod_err **err)
{
	return pod_imagestore_open_root(ctx->g.root, ctx->g.runroot, ctx->g.storage_driver, ro, is,
					err);
}

/* the run root the tool works with */
static int
runroot_of(struct pod_ctx *ctx, char **ret, struct pod_err **err)
{
	struct pod_paths paths;

	if (pod_paths_resolve(ctx->g.root, ctx->g.runroot, &paths, err) < 0)
		return -1;
	*ret = xstrdup(paths.runroot);
	pod_paths_release(&paths);
	return 0;
}

/* ---- inspect ---- */

static struct {
	char *format;
} iopt;

static const struct pod_opt inspect_options[] = {
	POD_OPT_STRING('f', "format", "string", &iopt.format,
		       "Format the output to a Go template or json"),
	POD_OPT_END
};

static int
inspect_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_json json_t *all = json_array();
	struct pod_err *first = NULL;
	bool json_out = !iopt.format || !*iopt.format || pod_format_is_json(iopt.format);

	if (open_is(ctx, true, &is, err) < 0)
		return -1;
	for (size_t i = 0; ctx->args[i]; i++) {
		cleanup_image struct pod_image *img = NULL;
		struct pod_err *e = NULL;
		json_t *o;

		if (pod_image_lookup(is, ctx->args[i], &img, &e) < 0) {
			if (!first)
				first = e;
			else
				pod_err_free(&e);
			continue;
		}
		o = pod_image_inspect_json(is, img, err);
		if (!o) {
			pod_err_free(&first);
			return -1;
		}
		if (!ctx->g.dispatched && json_out) {
			json_t *rec = json_pack("{s:s}", "Type", "image");

			json_object_update(rec, o);
			json_decref(o);
			if (pod_json_print_line(stdout, rec, err) < 0) {
				json_decref(rec);
				pod_err_free(&first);
				return -1;
			}
			json_decref(rec);
			continue;
		}
		if (!json_out) {
			int rc = pod_output_one("inspect", iopt.format, o, stdout, err);

			json_decref(o);
			if (rc < 0) {
				pod_err_free(&first);
				return -1;
			}
			continue;
		}
		json_array_append_new(all, o);
	}
	if (ctx->g.dispatched && json_out) {
		cleanup_free char *s = pod_json_dumps_pretty(all);

		printf("%s\n", s);
	}
	if (first) {
		*err = first;
		return -1;
	}
	return 0;
}

static const struct pod_tool inspect_tool = {
	.name = "pod-image",
	.verb = "image inspect",
	.summary = "Display the configuration of an image",
	.description = "Displays the low-level information on an image identified by name or ID, "
		       "in the shape of `podman image inspect`: a JSON array (or a template "
		       "per image) through podman, one record per image as pod-image inspect.",
	.usage = "[options] IMAGE [IMAGE...]",
	.examples = "podman image inspect alpine\n"
		    "podman image inspect --format '{{.Id}} {{.Size}}' alpine",
	.options = inspect_options,
	.min_args = 1,
	.max_args = -1,
	.run = inspect_run,
};

/* ---- exists ---- */

static int
exists_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	int r;

	if (open_is(ctx, true, &is, err) < 0)
		return -1;
	r = pod_image_exists(is, ctx->args[0], err);
	if (r < 0)
		return -1;
	if (r == 0)
		ctx->status = 1;
	return 0;
}

static const struct pod_tool exists_tool = {
	.name = "pod-image",
	.verb = "image exists",
	.summary = "Check if an image exists in local storage",
	.description = "Checks if an image exists in local storage: exit status 0 when it does, 1 "
		       "when it does not; nothing is printed.",
	.usage = "IMAGE",
	.examples = "podman image exists ID\npodman image exists IMAGE && echo yes",
	.options = (const struct pod_opt[]){ POD_OPT_END },
	.min_args = 1,
	.max_args = 1,
	.run = exists_run,
	.exit_status_doc = "0  the image exists\n\n1  the image does not exist\n\n125  another "
			   "error occurred",
};

/* ---- prune ---- */

static struct {
	bool all, force;
	bool external;
	char **filter;
} popt;

static const struct pod_opt prune_options[] = {
	POD_OPT_BOOL('a', "all", &popt.all, "Remove all images not in use by containers, not just "
					    "dangling ones"),
	POD_OPT_BOOL(0, "external", &popt.external,
		     "Remove images even when they are used by external containers (e.g., by "
		     "build containers)"),
	POD_OPT_STRV(0, "filter", "stringArray", &popt.filter,
		     "Provide filter values (e.g. 'label=<key>=<value>')"),
	POD_OPT_BOOL('f', "force", &popt.force, "Do not prompt for confirmation"),
	POD_OPT_END
};

/* prune --filter: the image filters that make sense for pruning */
struct prune_match {
	struct pod_filters f;
	int dangling; /* -1 any, 0 named only, 1 dangling only */
	int64_t until;
};

static bool
prune_reference(const struct pod_image *img, char *const *pats)
{
	for (size_t p = 0; pats[p]; p++)
		for (size_t i = 0; img->names[i]; i++) {
			const char *n = img->names[i], *slash = strchr(n, '/');
			const char *fam = slash ? slash + 1 : n;
			const char *fam2 = pod_str_has_prefix(fam, "library/") ? fam + 8 : fam;
			cleanup_free char *with_tag = strchr(pats[p], ':') ? NULL
							  : xasprintf("%s:*", pats[p]);

			if (pod_filter_match_glob(n, pats[p]) || pod_filter_match_glob(fam, pats[p]) ||
			    pod_filter_match_glob(fam2, pats[p]) ||
			    (with_tag && (pod_filter_match_glob(n, with_tag) ||
					  pod_filter_match_glob(fam2, with_tag) ||
					  pod_filter_match_glob(fam, with_tag))))
				return true;
		}
	return false;
}

static bool
prune_keep_match(void *ctx, const struct pod_image *img, struct pod_image *const *all, size_t n)
{
	struct prune_match *m = ctx;
	char *const *v;
	bool dangling = !img->names[0];

	(void) all;
	(void) n;
	if ((m->dangling == 1 && !dangling) || (m->dangling == 0 && dangling))
		return false;
	if ((v = pod_filters_get(&m->f, "label")) &&
	    !pod_filter_match_labels(pod_image_labels(img), v))
		return false;
	if ((v = pod_filters_get(&m->f, "label!")) &&
	    !pod_filter_match_labels_negated(pod_image_labels(img), v))
		return false;
	if (pod_filters_get(&m->f, "until") &&
	    (img->created ? img->created : img->stored) >= m->until)
		return false;
	if ((v = pod_filters_get(&m->f, "reference")) && !prune_reference(img, v))
		return false;
	if ((v = pod_filters_get(&m->f, "id"))) {
		bool any = false;

		for (size_t i = 0; v[i] && !any; i++)
			any = pod_str_has_prefix(img->id, pod_str_has_prefix(v[i], "sha256:")
								  ? v[i] + 7
								  : v[i]);
		if (!any)
			return false;
	}
	return true;
}

static void
prune_match_release(struct prune_match *m)
{
	pod_filters_release(&m->f);
}

static int
prune_parse(struct pod_ctx *ctx, struct prune_match *m, struct pod_err **err)
{
	static const char *const keys[] = { "dangling", "label", "label!", "until",
					    "reference", "id", NULL };
	char *const *v;

	m->dangling = popt.all ? -1 : 1;
	for (size_t i = 0; popt.filter && popt.filter[i]; i++) {
		const char *eq = strchr(popt.filter[i], '=');
		cleanup_free char *key = eq ? xstrndup(popt.filter[i], (size_t) (eq - popt.filter[i]))
					    : xstrdup(popt.filter[i]);

		if (!eq || !pod_strv_contains((char *const *) keys, key))
			return pod_err_set(err, POD_E_INVALID, 0, "unsupported image filter \"%s\"",
					   key);
		if (pod_filters_add(&m->f, popt.filter[i], keys, err) < 0)
			return -1;
	}
	if ((v = pod_filters_get(&m->f, "dangling"))) {
		for (size_t i = 0; v[i]; i++) {
			int d;

			if (STREQ(v[i], "true") || STREQ(v[i], "1"))
				d = 1;
			else if (STREQ(v[i], "false") || STREQ(v[i], "0"))
				d = 0;
			else
				return pod_err_set(err, POD_E_INVALID, 0,
						   "invalid dangling filter value \"%s\"", v[i]);
			if (m->dangling >= 0 && m->dangling != d)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "specifying \"dangling\" filter more than once "
						   "with different values is not supported");
			m->dangling = d;
		}
	}
	if ((v = pod_filters_get(&m->f, "until")) &&
	    pod_filter_until(v, pod_now_ns(), &m->until, err) < 0)
		return -1;
	return 0;
}

static int
prune_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_strv char **removed = NULL;
	cleanup_(prune_match_release) struct prune_match pm = { .f = POD_FILTERS_INIT };

	if (prune_parse(ctx, &pm, err) < 0)
		return -1;
	if (!popt.force) {
		char line[64] = "";

		printf("WARNING! This command removes all %s images.\n"
		       "Are you sure you want to continue? [y/N] ",
		       popt.all ? "images not used by containers" : "dangling");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return 0;
	}
	if (open_is(ctx, false, &is, err) < 0)
		return -1;
	if (pod_image_prune_where(is, popt.all, prune_keep_match, &pm, &removed, err) < 0)
		return -1;
	for (size_t i = 0; removed[i]; i++) {
		if (ctx->g.dispatched) {
			if (pod_print_line(removed[i], err) < 0)
				return -1;
		} else {
			cleanup_json json_t *r = json_pack("{s:s, s:s, s:b}", "Type", "image", "Id",
							   removed[i], "Deleted", 1);

			if (pod_json_print_line(stdout, r, err) < 0)
				return -1;
		}
	}
	{
		struct pod_err *e = NULL;

		if (pod_imagestore_gc(is, &e) < 0)
			pod_err_free(&e);
	}
	return 0;
}

static const struct pod_tool prune_tool = {
	.name = "pod-image",
	.verb = "image prune",
	.summary = "Remove unused images",
	.description = "Removes dangling images (no name), or with --all every image no container "
		       "uses, and the layers only they used. Prints the removed image IDs.",
	.usage = "[options]",
	.examples = "podman image prune -f\npodman image prune -a -f",
	.options = prune_options,
	.flags = POD_TOOL_NO_ARGS,
	.run = prune_run,
};

/* ---- tree ---- */

static struct {
	bool whatrequires;
} topt;

static const struct pod_opt tree_options[] = {
	POD_OPT_BOOL(0, "whatrequires", &topt.whatrequires,
		     "Show all child images and layers of the specified image"),
	POD_OPT_END
};

/* one line of the tree: "ID: X Size: S[ Top Layer of: [names]]" */
static char *
tree_label(struct pod_imagestore *is, const char *layer, struct pod_image **all, size_t n_all,
	   struct pod_err **err)
{
	struct pod_layer_info info;
	struct pod_strbuf top = POD_STRBUF_INIT;
	char sid[POD_ID_SHORT_LEN + 1];
	cleanup_free char *ls = NULL, *toptext = NULL;

	if (pod_imagestore_layer_get(is, layer, &info, err) < 0)
		return NULL;
	for (size_t j = 0; j < n_all; j++) {
		size_t m = pod_strv_len(all[j]->layers);

		if (m && STREQ(all[j]->layers[m - 1], layer))
			for (size_t k = 0; all[j]->names[k]; k++)
				pod_strbuf_addf(&top, "%s%s", top.len ? " " : "", all[j]->names[k]);
	}
	toptext = pod_strbuf_detach(&top);
	pod_id_short(layer, sid);
	ls = pod_human_size_prec(info.size, 4, false);
	return xasprintf("ID: %s Size: %7s%s%s%s", sid, ls, *toptext ? " Top Layer of: [" : "",
			 toptext, *toptext ? "]" : "");
}

/* a gotree node: label and children */
struct tnode {
	char *label;
	struct tnode **kids;
	size_t n;
};

static struct tnode *
tnode_add(struct tnode *parent, char *label)
{
	struct tnode *k = xcalloc(1, sizeof(*k));

	k->label = label;
	parent->kids = xrealloc(parent->kids, (parent->n + 1) * sizeof(*parent->kids));
	parent->kids[parent->n++] = k;
	return k;
}

static void
tnode_free(struct tnode *t)
{
	for (size_t i = 0; i < t->n; i++)
		tnode_free(t->kids[i]);
	free(t->kids);
	free(t->label);
	free(t);
}

static void
tnode_print(const struct tnode *t, const char *prefix)
{
	for (size_t i = 0; i < t->n; i++) {
		bool last = i + 1 == t->n;
		cleanup_free char *next = xasprintf("%s%s", prefix, last ? "    " : "│   ");

		printf("%s%s %s\n", prefix, last ? "└──" : "├──", t->kids[i]->label);
		tnode_print(t->kids[i], next);
	}
}

/* the layers that extend layer in any image, in the order images list them */
static char **
tree_children(const char *layer, struct pod_image **all, size_t n_all)
{
	char **kids = xcalloc(1, sizeof(char *));

	for (size_t j = 0; j < n_all; j++)
		for (size_t k = 0; all[j]->layers[k]; k++)
			if (STREQ(all[j]->layers[k], layer) && all[j]->layers[k + 1] &&
			    !pod_strv_contains(kids, all[j]->layers[k + 1]))
				kids = pod_strv_push(kids, xstrdup(all[j]->layers[k + 1]));
	return kids;
}

/* libimage's traversal: a layer with one child keeps its child at its own level */
static int
tree_traverse(struct pod_imagestore *is, const char *layer, struct tnode *parent,
	      struct pod_image **all, size_t n_all, int depth, struct pod_err **err)
{
	cleanup_strv char **kids = tree_children(layer, all, n_all);
	char *label = tree_label(is, layer, all, n_all, err);
	struct tnode *node;

	if (!label)
		return -1;
	if (depth > 4096)
		return pod_err_set(err, POD_E_GENERIC, 0, "layer tree too deep");
	node = tnode_add(parent, label);
	if (pod_strv_len(kids) <= 1)
		node = parent;
	for (size_t i = 0; kids[i]; i++)
		if (tree_traverse(is, kids[i], node, all, n_all, depth + 1, err) < 0)
			return -1;
	return 0;
}

static int
tree_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_image struct pod_image *img = NULL;
	struct pod_image **all = NULL;
	size_t n_all = 0, nl;
	char sid[POD_ID_SHORT_LEN + 1];
	cleanup_free char *size = NULL;
	cleanup_json json_t *tags = NULL;
	cleanup_free char *tagtext = NULL;

	if (open_is(ctx, true, &is, err) < 0 || pod_image_lookup(is, ctx->args[0], &img, err) < 0)
		return -1;
	if (pod_image_list(is, &all, &n_all, err) < 0)
		return -1;
	pod_id_short(img->id, sid);
	size = pod_human_size_prec(img->size, 4, false);
	printf("Image ID: %s\n", sid);
	{
		struct pod_strbuf sb = POD_STRBUF_INIT;

		for (size_t i = 0; img->names[i]; i++)
			pod_strbuf_addf(&sb, "%s%s", i ? " " : "", img->names[i]);
		tagtext = pod_strbuf_detach(&sb);
	}
	printf("Tags:     [%s]\n", tagtext);
	printf("Size:     %s\n", size);
	printf("Image Layers\n");
	if (topt.whatrequires) {
		struct tnode root = { 0 };
		int rc = 0;

		if (img->top_layer)
			rc = tree_traverse(is, img->top_layer, &root, all, n_all, 0, err);
		if (rc == 0)
			tnode_print(&root, "");
		for (size_t i = 0; i < root.n; i++)
			tnode_free(root.kids[i]);
		free(root.kids);
		pod_image_list_free(all, n_all);
		if (rc == 0)
			putchar('\n');
		return rc;
	}
	nl = pod_strv_len(img->layers);
	for (size_t i = 0; i < nl; i++) {
		struct pod_layer_info info;
		cleanup_free char *ls = NULL;
		struct pod_strbuf top = POD_STRBUF_INIT;
		cleanup_free char *toptext = NULL;

		if (pod_imagestore_layer_get(is, img->layers[i], &info, err) < 0) {
			pod_image_list_free(all, n_all);
			return -1;
		}
		for (size_t j = 0; j < n_all; j++) {
			size_t m = pod_strv_len(all[j]->layers);

			if (m && STREQ(all[j]->layers[m - 1], img->layers[i]))
				for (size_t k = 0; all[j]->names[k]; k++)
					pod_strbuf_addf(&top, "%s%s", top.len ? " " : "",
							all[j]->names[k]);
		}
		toptext = pod_strbuf_detach(&top);
		pod_id_short(img->layers[i], sid);
		ls = pod_human_size_prec(info.size, 4, false);
		printf("%s ID: %s Size: %7s%s%s%s\n", i + 1 == nl ? "└──" : "├──", sid, ls,
		       *toptext ? " Top Layer of: [" : "", toptext, *toptext ? "]" : "");
	}
	pod_image_list_free(all, n_all);
	(void) tags;
	putchar('\n'); /* gotree's Print ends with an empty line */
	return 0;
}

static const struct pod_tool tree_tool = {
	.name = "pod-image",
	.verb = "image tree",
	.summary = "Print layer hierarchy of an image in a tree format",
	.description = "Prints the layers of an image, bottom first, with their sizes and the "
		       "images whose top layer each one is; with --whatrequires, the image's top "
		       "layer and every layer of other images built on it.",
	.usage = "[options] IMAGE",
	.examples = "podman image tree docker.io/library/wordpress\n"
		    "podman image tree --whatrequires docker.io/library/busybox",
	.options = tree_options,
	.min_args = 1,
	.max_args = 1,
	.run = tree_run,
};

/* ---- mount, unmount (issue 3, push helper) ---- */

static struct {
	bool all;
	char *format;
	bool force;
} mopt;

static const struct pod_opt mount_options[] = {
	POD_OPT_BOOL('a', "all", &mopt.all, "Mount all images"),
	POD_OPT_STRING(0, "format", "string", &mopt.format,
		       "Print the mounted images in specified format (json)"),
	POD_OPT_END
};

/* the mounted images: Podman's "NAME  PATH" lines, JSON, or records */
static int
mount_list(struct pod_ctx *ctx, struct pod_imagestore *is, const char *runroot,
	   struct pod_err **err)
{
	cleanup_strv char **ids = NULL, **paths = NULL;
	cleanup_json json_t *arr = json_array();
	cleanup_(pod_table_freep) struct pod_table *t = pod_table_new();
	bool json_out = mopt.format && pod_format_is_json(mopt.format);

	if (mopt.format && *mopt.format && !json_out)
		return pod_err_set(err, POD_E_INVALID, 0, "unknown --format argument: %s",
				   mopt.format);
	if (pod_image_mounted(runroot, &ids, &paths, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		cleanup_image struct pod_image *img = NULL;
		struct pod_err *e = NULL;
		json_t *names, *repos;

		if (pod_image_get(is, ids[i], &img, &e) < 0) {
			/* the image went away under its mount: still list it */
			pod_err_free(&e);
		}
		names = json_array();
		repos = json_array();
		if (img && img->digest)
			json_array_append_new(names, json_string(img->digest));
		for (size_t k = 0; img && img->names[k]; k++)
			json_array_append_new(repos, json_string(img->names[k]));
		if (json_out || !ctx->g.dispatched) {
			json_t *o = json_pack("{s:s, s:o, s:o, s:s}", "id", ids[i], "Names", names,
					      "Repositories", repos, "mountpoint", paths[i]);

			if (!ctx->g.dispatched && !json_out) {
				cleanup_json json_t *rec = json_pack("{s:s}", "Type", "image");

				json_object_update(rec, o);
				json_decref(o);
				if (pod_json_print_line(stdout, rec, err) < 0)
					return -1;
				continue;
			}
			json_array_append_new(arr, o);
			continue;
		}
		{
			cleanup_free char *row = xasprintf(
				"%s\t%s\n", img && img->names[0] ? img->names[0] : ids[i], paths[i]);

			pod_table_add_text(t, row);
		}
		json_decref(names);
		json_decref(repos);
	}
	if (json_out) {
		cleanup_free char *s = json_dumps(arr, JSON_INDENT(1) | JSON_PRESERVE_ORDER);

		return pod_print_line(s, err);
	}
	return pod_table_flush(t, stdout, err);
}

/* Podman's image mount and unmount events carry the ID alone */
static void
mount_event(const char *runroot, const char *id, const char *status)
{
	struct pod_event ev = { .type = "image", .status = status, .id = id };

	pod_event_emit_runroot(runroot, &ev);
}

static int
mount_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_free char *runroot = NULL;
	struct pod_image **all = NULL;
	size_t n_all = 0;
	int rc = 0;

	if (mopt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "when using the --all switch, you may not pass any image names "
				   "or IDs");
	if (runroot_of(ctx, &runroot, err) < 0 || open_is(ctx, !ctx->args[0] && !mopt.all, &is,
							  err) < 0)
		return -1;
	if (!ctx->args[0] && !mopt.all)
		return mount_list(ctx, is, runroot, err);
	if (geteuid() != 0)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "cannot run command \"podman image mount\" in rootless mode, must "
				   "execute `podman unshare` first");
	if (mopt.all) {
		if (pod_image_list(is, &all, &n_all, err) < 0)
			return -1;
		for (size_t i = 0; i < n_all && rc == 0; i++) {
			cleanup_free char *path = NULL;

			rc = pod_image_mount(is, runroot, all[i], &path, err);
			if (rc == 0)
				mount_event(runroot, all[i]->id, "mount");
		}
		pod_image_list_free(all, n_all);
		return rc < 0 ? -1 : mount_list(ctx, is, runroot, err);
	}
	for (size_t i = 0; ctx->args[i]; i++) {
		cleanup_image struct pod_image *img = NULL;
		cleanup_free char *path = NULL;

		if (pod_image_lookup(is, ctx->args[i], &img, err) < 0 ||
		    pod_image_mount(is, runroot, img, &path, err) < 0)
			return -1;
		mount_event(runroot, img->id, "mount");
		if (ctx->g.dispatched) {
			if (pod_print_line(path, err) < 0)
				return -1;
		} else {
			cleanup_json json_t *rec = json_pack("{s:s, s:s, s:s}", "Type", "image", "Id",
							     img->id, "Mountpoint", path);

			if (pod_json_print_line(stdout, rec, err) < 0)
				return -1;
		}
	}
	return 0;
}

static const struct pod_tool mount_tool = {
	.name = "pod-image",
	.verb = "image mount",
	.summary = "Mount an image's root filesystem",
	.description = "Mounts the layers of each IMAGE read-only as one overlay (under "
		       "$RUNROOT/image-mounts/ID/merged) and prints the mount point. Mounts are "
		       "counted: each mount needs an unmount. Without IMAGE it lists the mounted "
		       "images and their mount points (--format json: Podman's JSON). As pod-image, "
		       "it prints records with the Id and Mountpoint.",
	.usage = "[options] [IMAGE...]",
	.examples = "podman image mount imageID\npodman image mount --all\npodman image mount",
	.options = mount_options,
	.max_args = -1,
	.run = mount_run,
};

static const struct pod_opt unmount_options[] = {
	POD_OPT_BOOL('a', "all", &mopt.all, "Unmount all of the currently mounted images"),
	POD_OPT_BOOL('f', "force", &mopt.force,
		     "Force the complete unmount of the specified mounted images"),
	POD_OPT_END
};

static int
unmount_one(struct pod_ctx *ctx, const char *id, struct pod_err **err)
{
	int r = pod_image_unmount(ctx->data, id, mopt.force || mopt.all, err);

	if (r <= 0)
		return r;
	mount_event(ctx->data, id, "unmount");
	if (ctx->g.dispatched)
		return pod_print_line(id, err);
	{
		cleanup_json json_t *rec = json_pack("{s:s, s:s}", "Type", "image", "Id", id);

		return pod_json_print_line(stdout, rec, err);
	}
}

static int
unmount_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_imagestore struct pod_imagestore *is = NULL;
	cleanup_free char *runroot = NULL;

	if (mopt.all && ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "when using the --all switch, you may not pass any image names "
				   "or IDs");
	if (!mopt.all && !ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "image name or ID must be specified");
	if (runroot_of(ctx, &runroot, err) < 0)
		return -1;
	ctx->data = runroot;
	if (mopt.all) {
		cleanup_strv char **ids = NULL, **paths = NULL;

		if (pod_image_mounted(runroot, &ids, &paths, err) < 0)
			return -1;
		for (size_t i = 0; ids[i]; i++)
			if (unmount_one(ctx, ids[i], err) < 0)
				return -1;
		return 0;
	}
	if (open_is(ctx, true, &is, err) < 0)
		return -1;
	for (size_t i = 0; ctx->args[i]; i++) {
		cleanup_image struct pod_image *img = NULL;

		if (pod_image_lookup(is, ctx->args[i], &img, err) < 0 ||
		    unmount_one(ctx, img->id, err) < 0)
			return -1;
	}
	return 0;
}

static const struct pod_tool unmount_tool = {
	.name = "pod-image",
	.verb = "image unmount",
	.summary = "Unmount an image's root filesystem",
	.description = "Drops one mount of each IMAGE (all of them with --force); the overlay "
		       "is unmounted when the last one goes. Prints the ID of each image that "
		       "was mounted; an image that is not mounted is no error.",
	.usage = "[options] IMAGE [IMAGE...]",
	.examples = "podman image unmount imageID\npodman image unmount --all",
	.options = unmount_options,
	.max_args = -1,
	.run = unmount_run,
};

static const struct pod_subverb subverbs[] = {
	{ "exists", NULL, &exists_tool },
	{ "inspect", NULL, &inspect_tool },
	{ "mount", NULL, &mount_tool },
	{ "prune", NULL, &prune_tool },
	{ "tree", NULL, &tree_tool },
	{ "unmount", "umount", &unmount_tool },
	{ NULL, NULL, NULL },
};

static int
group_run(struct pod_ctx *ctx, struct pod_err **err)
{
	if (ctx->args[0])
		return pod_err_set(err, POD_E_INVALID, 0, "unrecognized command `%s %s`", ctx->g.prog,
				   ctx->args[0]);
	return pod_err_set(err, POD_E_INVALID, 0, "missing command '%s COMMAND'", ctx->g.prog);
}

static const struct pod_tool tool = {
	.name = "pod-image",
	.verb = "image",
	.summary = "Manage images",
	.description = "Manage images: inspect, exists, mount, prune, tree, unmount. "
		       "(`podman image ls`, `rm`, "
		       "`tag`, `untag`, `load`, `save`, `import`, `history` run pod-images, "
		       "pod-rmi, pod-tag, pod-untag, pod-load, pod-save, pod-import and "
		       "pod-history.)",
	.usage = "COMMAND",
	.examples = "podman image inspect busybox\npodman image exists busybox",
	.options = (const struct pod_opt[]){ POD_OPT_END },
	.flags = POD_TOOL_SUBVERBS,
	.max_args = -1,
	.subverbs = subverbs,
	.run = group_run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
