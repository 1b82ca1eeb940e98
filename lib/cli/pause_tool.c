/* pause_tool.c - the body of pod-pause and pod-unpause, which differ only in direction */
#include "cli/pause_tool.h"

#include "cli/ctr_more.h"
#include "cli/ctr_opts.h"
#include "cli/filter.h"
#include "core/fs.h"
#include "core/json.h"
#include "runtime/ctr_exec.h"

#include <regex.h>

struct pod_pause_cli pod_pause_opt;

static bool pausing; /* pause, else unpause */

static struct pod_engine *engine;
static struct pod_filters filters = POD_FILTERS_INIT;

static int
do_one(struct pod_ctx *ctx, struct pod_ctr *c, const char *given, struct pod_err **err)
{
	/* the container is re-read under its lock: keep what was given */
	cleanup_free char *as_given = xstrdup(given);

	if (pod_ctr_pause(engine, c, pausing, err) < 0)
		return -1;
	if (!ctx->g.dispatched) {
		cleanup_json json_t *rec = json_pack("{s:s, s:s, s:[s]}", "Type", "container", "Id",
						     c->id, "Names", c->name);
		return pod_json_print_line(stdout, rec, err);
	}
	return pod_print_line(as_given, err);
}

int
pod_cli_pause_each(struct pod_ctx *ctx, const char *target, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_ctr_lookup(engine, target, &c, err) < 0)
		return -1;
	return do_one(ctx, c, target, err);
}

static bool
any_match(char *const *values, bool (*match)(const struct pod_ctr *, const char *),
	  const struct pod_ctr *c)
{
	if (!values)
		return true;
	for (size_t i = 0; values[i]; i++)
		if (match(c, values[i]))
			return true;
	return false;
}

static bool
match_id(const struct pod_ctr *c, const char *v)
{
	return pod_str_has_prefix(c->id, v);
}

static bool
match_name(const struct pod_ctr *c, const char *v)
{
	regex_t re;
	bool ok;

	if (regcomp(&re, v, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	ok = regexec(&re, c->name, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static bool
match_status(const struct pod_ctr *c, const char *v)
{
	return STREQ(pod_ctr_state_name(c->state), v);
}

static bool
selected(const struct pod_ctr *c)
{
	cleanup_json json_t *labels = json_object();
	json_t *img = json_object_get(json_object_get(c->data, "ImageConfig"), "Labels");

	if (json_is_object(img))
		json_object_update(labels, img);
	if (json_is_object(json_object_get(c->settings, "Labels")))
		json_object_update(labels, json_object_get(c->settings, "Labels"));
	return any_match(pod_filters_get(&filters, "id"), match_id, c) &&
	       any_match(pod_filters_get(&filters, "name"), match_name, c) &&
	       any_match(pod_filters_get(&filters, "status"), match_status, c) &&
	       pod_filter_match_labels(labels, pod_filters_get(&filters, "label"));
}

/* --all and --filter: one container at a time; a failure is reported and the walk goes on */
static int
each_listed(struct pod_engine *e, struct pod_ctr *c, void *data, struct pod_err **err)
{
	cleanup_free char *id = xstrdup(c->id);
	struct pod_ctx *ctx = data;
	struct pod_err *e2 = NULL;

	if (c->state != (pausing ? POD_CTR_RUNNING : POD_CTR_PAUSED) || !selected(c))
		return 0;
	if (do_one(ctx, c, id, &e2) < 0) {
		pod_err_print(e2);
		pod_err_free(&e2);
		ctx->status = 125;
	}
	return 0;
}

int
pod_cli_pause_setup(struct pod_ctx *ctx, bool pause, struct pod_err **err)
{
	static const char *const keys[] = { "id", "name", "status", "label", NULL };
	bool listing;

	pausing = pause;
	for (size_t i = 0; pod_pause_opt.filter && pod_pause_opt.filter[i]; i++)
		if (pod_filters_add(&filters, pod_pause_opt.filter[i], keys, err) < 0)
			return -1;
	listing = pod_pause_opt.all || !pod_filters_empty(&filters);
	if (listing && (ctx->args[0] || pod_pause_opt.latest || pod_pause_opt.cidfile))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "--all, --filter, --latest, --cidfile and containers cannot "
				   "be used together");
	if (pod_cli_engine(&ctx->g, false, &engine, err) < 0)
		return -1;
	if (pod_pause_opt.latest && pod_cli_use_latest(ctx, engine, err) < 0)
		return -1;
	for (size_t i = 0; pod_pause_opt.cidfile && pod_pause_opt.cidfile[i]; i++) {
		cleanup_free char *id = NULL;
		if (pod_read_file(pod_pause_opt.cidfile[i], &id, NULL, 4096, err) < 0)
			return pod_err_wrap(err, "reading CIDFile");
		id[strcspn(id, "\r\n")] = '\0';
		ctx->args = pod_strv_push(ctx->args, xstrdup(id));
	}
	if (listing && pod_ctr_each(engine, 0, each_listed, ctx, err) < 0)
		return -1;
	return 0;
}

int
pod_cli_pause_finish(struct pod_ctx *ctx, struct pod_err **err)
{
	pod_filters_release(&filters);
	engine = pod_engine_free(engine);
	return 0;
}
