/* pod-search - search a registry's catalog for images (`podman search`) */
#include "cli/table.h"
#include "cli/tool.h"
#include "config/config.h"
#include "core/json.h"
#include "image/regaccess.h"

#define DEFAULT_LIMIT 25
#define DESCRIPTION_TRUNC 44

static struct {
	char *authfile;
	bool compatible;
	char **filter;
	char *format;
	int64_t limit;
	bool list_tags;
	bool no_trunc;
	bool tls_verify;
	bool tls_verify_set;
} opt = { .tls_verify = true };

static const struct pod_opt options[] = {
	POD_OPT_STRING(0, "authfile", "string", &opt.authfile,
		       "Path of the authentication file. Use REGISTRY_AUTH_FILE environment "
		       "variable to override"),
	POD_OPT_BOOL(0, "compatible", &opt.compatible,
		     "List stars, official and automated columns (Docker compatibility)"),
	POD_OPT_STRV('f', "filter", "strings", &opt.filter,
		     "Filter output based on conditions provided (default [])"),
	POD_OPT_STRING(0, "format", "string", &opt.format,
		       "Change the output format to JSON or a Go template"),
	POD_OPT_INT(0, "limit", "int", &opt.limit, "Limit the number of results"),
	POD_OPT_BOOL(0, "list-tags", &opt.list_tags, "List the tags of the input registry"),
	POD_OPT_BOOL(0, "no-trunc", &opt.no_trunc, "Do not truncate the output"),
	{ POD_OPT_T_BOOL, 0, "tls-verify", NULL, &opt.tls_verify,
	  "Require HTTPS and verify certificates when contacting registries (default true)", NULL,
	  0, NULL, &opt.tls_verify_set },
	POD_OPT_END
};

struct filters {
	int64_t stars; /* results need at least this many */
	int official;  /* -1 any, 0 only non-official, 1 only official */
	int automated;
};

static int
parse_bool(const char *v, int *ret)
{
	if (STREQ(v, "true") || STREQ(v, "1") || STREQ(v, "t") || STREQ(v, "TRUE") ||
	    STREQ(v, "True"))
		*ret = 1;
	else if (STREQ(v, "false") || STREQ(v, "0") || STREQ(v, "f") || STREQ(v, "FALSE") ||
		 STREQ(v, "False"))
		*ret = 0;
	else
		return -1;
	return 0;
}

static int
parse_filters(struct filters *f, struct pod_err **err)
{
	f->stars = 0;
	f->official = f->automated = -1;
	for (char **p = opt.filter; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		cleanup_free char *key = eq ? xstrndup(*p, (size_t) (eq - *p)) : NULL;
		const char *v = eq ? eq + 1 : NULL;

		if (!key)
			return pod_err_set(err, POD_E_INVALID, 0, "invalid filter type \"%s\"", *p);
		if (STREQ(key, "stars")) {
			if (!pod_parse_int64(v, &f->stars) || f->stars < 0)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "incorrect value type for stars filter");
		} else if (STREQ(key, "is-official")) {
			if (parse_bool(v, &f->official) < 0)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "incorrect value type for is-official filter");
		} else if (STREQ(key, "is-automated")) {
			if (parse_bool(v, &f->automated) < 0)
				return pod_err_set(err, POD_E_INVALID, 0,
						   "incorrect value type for is-automated filter");
		} else {
			return pod_err_set(err, POD_E_INVALID, 0, "invalid filter type \"%s\"", *p);
		}
	}
	return 0;
}

static bool
filters_pass(const struct filters *f, int64_t stars, bool official, bool automated)
{
	if (stars < f->stars)
		return false;
	if (f->official >= 0 && official != (f->official == 1))
		return false;
	if (f->automated >= 0 && automated != (f->automated == 1))
		return false;
	return true;
}

static void
add_result(json_t *out, const char *registry, const char *name, const char *description,
	   int64_t stars, bool official, bool automated)
{
	json_array_append_new(out, json_pack("{s:s, s:s, s:o, s:I, s:s, s:s, s:s}", "Index",
					     registry, "Name", name, "Description",
					     pod_json_string(description), "Stars", (json_int_t) stars,
					     "Official", official ? "[OK]" : "", "Automated",
					     automated ? "[OK]" : "", "Tag", ""));
}

/* results of the v1 search API; -1 when the body is not what it should be */
static int
add_v1_results(const char *registry, const char *body, size_t len, const struct filters *f,
	       int64_t limit, json_t *out)
{
	cleanup_json json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *results = root && json_is_object(root) ? json_object_get(root, "results") : NULL;
	int64_t n = 0;
	size_t i;
	json_t *e;

	if (!results || !json_is_array(results))
		return -1;
	json_array_foreach (results, i, e) {
		const char *name = NULL, *desc = "";
		json_int_t stars = 0;
		int official = 0, automated = 0;
		cleanup_free char *full = NULL;

		if (n >= limit)
			break;
		if (json_unpack(e, "{s:s, s?s, s?I, s?b, s?b}", "name", &name, "description", &desc,
				"star_count", &stars, "is_official", &official, "is_automated",
				&automated) < 0)
			continue;
		if (!filters_pass(f, stars, official, automated))
			continue;
		/* Docker Hub names official images without their "library/" namespace */
		if (STREQ(registry, "docker.io") && !strchr(name, '/'))
			full = xasprintf("docker.io/library/%s", name);
		else
			full = xasprintf("%s/%s", registry, name);
		add_result(out, registry, full, desc ? desc : "", stars, official, automated);
		n++;
	}
	return 0;
}

/* does the first component of term name a registry? */
static bool
names_registry(const char *term, size_t n)
{
	return memchr(term, '.', n) || memchr(term, ':', n) ||
	       (n == 9 && memcmp(term, "localhost", 9) == 0);
}

static int
client_for(const char *registry, struct pod_registry_client **ret, struct pod_err **err)
{
	struct pod_regaccess_opts ra = { 0 };

	ra.authfile = opt.authfile;
	ra.tls_verify = opt.tls_verify_set ? opt.tls_verify : -1;
	return pod_regaccess_client(registry, NULL, &ra, ret, err);
}

static int
search_one(const char *registry, const char *query, const struct filters *f, int64_t limit,
	   json_t *out, struct pod_err **err)
{
	cleanup_(pod_registry_client_freep) struct pod_registry_client *c = NULL;
	cleanup_strv char **repos = NULL;
	cleanup_free char *body = NULL;
	size_t len = 0;
	int64_t n = 0;

	if (client_for(registry, &c, err) < 0 ||
	    pod_registry_v1_search(c, query, limit, &body, &len, err) < 0)
		return pod_err_wrap(err, "couldn't search registry \"%s\"", registry);
	if (body && add_v1_results(registry, body, len, f, limit, out) == 0)
		return 0;
	/* no search API: the catalog, filtered by name as c/image does */
	if (pod_registry_catalog(c, &repos, err) < 0)
		return pod_err_wrap(err, "couldn't search registry \"%s\"", registry);
	for (char **r = repos; *r && n < limit; r++) {
		cleanup_free char *name = NULL;

		if (!strstr(*r, query) || !filters_pass(f, 0, false, false))
			continue;
		name = xasprintf("%s/%s", registry, *r);
		add_result(out, registry, name, "", 0, false, false);
		n++;
	}
	return 0;
}

static int
list_tags(const char *registry, const char *repo, int64_t limit, json_t *out,
	  struct pod_err **err)
{
	cleanup_(pod_registry_client_freep) struct pod_registry_client *c = NULL;
	cleanup_strv char **tags = NULL;
	cleanup_free char *name = xasprintf("%s/%s", registry, repo);
	json_t *arr = json_array();
	int64_t n = 0;

	if (client_for(registry, &c, err) < 0 || pod_registry_tags(c, repo, &tags, err) < 0) {
		json_decref(arr);
		return pod_err_wrap(err, "getting repository tags");
	}
	for (char **t = tags; *t && n < limit; t++, n++)
		json_array_append_new(arr, json_string(*t));
	json_array_append_new(out, json_pack("{s:s, s:o}", "Name", name, "Tags", arr));
	return 0;
}

/* Podman's: newlines become spaces, and past 44 bytes "..." ends it */
static void
shorten_descriptions(json_t *results)
{
	size_t i;
	json_t *e;

	json_array_foreach (results, i, e) {
		const char *d = json_string_value(json_object_get(e, "Description"));
		cleanup_free char *v = xstrdup(d ? d : "");
		size_t n;

		for (char *p = v; *p; p++)
			if (*p == '\n')
				*p = ' ';
		n = strlen(v);
		if (!opt.no_trunc && n > DESCRIPTION_TRUNC) {
			n = DESCRIPTION_TRUNC;
			while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			v[n] = '\0';
			{
				cleanup_free char *cut = xasprintf("%s...", v);

				json_object_set_new(e, "Description", pod_json_string(cut));
			}
		} else {
			json_object_set_new(e, "Description", pod_json_string(v));
		}
	}
}

static int
print_records(json_t *results, const char *type, struct pod_err **err)
{
	size_t i;
	json_t *e;

	json_array_foreach (results, i, e) {
		cleanup_json json_t *rec = json_pack("{s:s}", "Type", type);

		json_object_update(rec, e);
		if (pod_json_print_line(stdout, rec, err) < 0)
			return -1;
	}
	return 0;
}

static int
run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *results = json_array();
	cleanup_strv char **registries = NULL;
	const char *term = ctx->args[0], *query = term, *slash;
	int64_t limit = opt.limit > 0 ? opt.limit : DEFAULT_LIMIT;
	struct filters f;

	if (opt.list_tags && opt.filter && opt.filter[0])
		return pod_err_set(err, POD_E_INVALID, 0,
				   "filters are not applicable to list tags result");
	if (parse_filters(&f, err) < 0)
		return -1;
	if (pod_regaccess_check_authfile(opt.authfile, err) < 0)
		return -1;
	if (pod_str_has_prefix(term, "docker://"))
		term += strlen("docker://");
	slash = strchr(term, '/');
	registries = xcalloc(1, sizeof(char *));
	if (slash && names_registry(term, (size_t) (slash - term))) {
		registries = pod_strv_push(registries, xstrndup(term, (size_t) (slash - term)));
		query = slash + 1;
	} else if (opt.list_tags) {
		return pod_err_set(err, POD_E_INVALID, 0,
				   "reference \"%s\" must include a registry for --list-tags",
				   term);
	} else {
		cleanup_(pod_registries_freep) struct pod_registries *regs = NULL;

		if (pod_registries_load(&regs, err) < 0)
			return -1;
		for (char **r = regs->search; r && *r; r++)
			registries = pod_strv_push(registries, xstrdup(*r));
		query = term;
	}

	if (opt.list_tags) {
		if (!*query)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "reference \"%s\" must name a repository for --list-tags",
					   term);
		if (list_tags(registries[0], query, limit, results, err) < 0)
			return -1;
	} else {
		for (char **r = registries; *r; r++)
			if (search_one(*r, query, &f, limit, results, err) < 0)
				return -1;
	}

	if (!opt.list_tags)
		shorten_descriptions(results);
	if (opt.format && pod_format_is_json(opt.format))
		return pod_format_records("search", opt.format, results, NULL, false, stdout, err);
	if (!ctx->g.dispatched && !opt.format)
		return print_records(results, opt.list_tags ? "tags" : "search", err);
	if (opt.list_tags) {
		/* one row per tag */
		cleanup_json json_t *rows = json_array();
		size_t i, k;
		json_t *e, *t;

		json_array_foreach (results, i, e)
			json_array_foreach (json_object_get(e, "Tags"), k, t)
				json_array_append_new(rows,
						      json_pack("{s:O, s:O}", "Name",
								json_object_get(e, "Name"), "Tag",
								t));
		if (json_array_size(rows) == 0)
			return 0;
		return pod_format_records("search",
					  opt.format ? opt.format : "table {{.Name}}\t{{.Tag}}", rows,
					  NULL, false, stdout, err);
	}
	if (json_array_size(results) == 0)
		return 0;
	return pod_format_records(
		"search",
		opt.format	   ? opt.format
		: opt.compatible ? "table {{.Name}}\t{{.Description}}\t{{.Stars}}\t{{.Official}}\t"
				   "{{.Automated}}"
				 : "table {{.Name}}\t{{.Description}}",
		results, NULL, false, stdout, err);
}

static const struct pod_tool tool = {
	.name = "pod-search",
	.verb = "search",
	.summary = "Search registry for image",
	.description =
		"Searches a registry for images matching TERM: with TERM as REGISTRY/TEXT that "
		"registry, otherwise every unqualified-search registry of registries.conf. The "
		"registry's v1 search API is asked first (Docker Hub, quay.io: with descriptions, "
		"stars, official and automated marks); without one, the catalog (/v2/_catalog) is "
		"read and repositories whose name contains TEXT are listed. --list-tags lists the "
		"tags of the repository REGISTRY/REPO instead. Filters: stars=N, is-official=BOOL, "
		"is-automated=BOOL (catalog entries have no stars or marks); others are "
		"refused.\n\n"
		"Run as `podman search` it prints Podman's table (NAME DESCRIPTION, or NAME TAG); "
		"as pod-search, one record per result.",
	.usage = "[options] TERM",
	.examples = "podman search --tls-verify=false 127.0.0.1:5000/busybox\n"
		    "podman search --list-tags registry.example.com/library/alpine\n"
		    "podman search --format \"{{.Name}}\" --limit 3 quay.io/podman",
	.options = options,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};

int
main(int argc, char **argv)
{
	return pod_tool_main(&tool, argc, argv);
}
