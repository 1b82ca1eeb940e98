/*
 * pull.c - registry -> image store (see pull.h).
 *
 * Resolution follows containers/image: a short name tries its alias, else
 * each unqualified-search registry; a qualified name goes to the mirrors of
 * its [[registry]] first, then to the (rewritten) location itself. Errors
 * read like Podman's ("initializing source docker://REF: ...").
 */
#include "image/auth.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "image/digest.h"
#include "image/manifest.h"
#include "image/pull.h"
#include "image/reference.h"
#include "image/regaccess.h"
#include "image/registry.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define PULL_PARALLEL_DEFAULT 3
#define PULL_PARALLEL_MAX 8
#define PULL_RETRIES 3
#define PULL_RETRY_DELAY_SEC 1

/* one place to fetch from: a mirror or the registry itself */
struct source {
	char *domain;
	char *path;
	bool insecure;
};

static void
sources_free(struct source *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].domain);
		free(s[i].path);
	}
	free(s);
}

int
pod_pull_parse_platform(const char *s, char **ret_os, char **ret_arch, char **ret_variant,
			struct pod_err **err)
{
	cleanup_free char *c = xstrdup(s ? s : "");
	char *p1 = strchr(c, '/'), *p2 = p1 ? strchr(p1 + 1, '/') : NULL;

	if (!p1 || p1 == c || !p1[1] || (p2 && (p2 == p1 + 1 || !p2[1] || strchr(p2 + 1, '/'))))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid platform syntax for --platform=\"%s\": expected "
				   "OS/ARCH[/VARIANT]",
				   s ? s : "");
	*p1 = 0;
	if (p2)
		*p2 = 0;
	*ret_os = xstrdup(c);
	*ret_arch = xstrdup(p1 + 1);
	*ret_variant = p2 ? xstrdup(p2 + 1) : NULL;
	return 0;
}

/* ---- progress ---- */

static void
progress(const struct pod_pull_opts *o, const char *fmt, ...) POD_PRINTF(2, 3);

static void
progress(const struct pod_pull_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (!o->progress)
		return;
	va_start(ap, fmt);
	vfprintf(o->progress, fmt, ap);
	va_end(ap);
	fputc('\n', o->progress);
	fflush(o->progress);
}

/* "Copying blob sha256:HEX" (no terminal) or "Copying blob 0123456789ab done" */
static void
progress_copy(const struct pod_pull_opts *o, const char *what, const char *digest,
	      const char *state)
{
	const char *hex = pod_digest_hex(digest);

	if (o->progress_tty) {
		/* what Podman's bars leave on a terminal: 12 hex digits of a blob, 10 of the config */
		if (state)
			progress(o, "Copying %s %.*s %s", what, STREQ(what, "config") ? 10 : 12,
				 hex ? hex : digest, state);
	} else if (!state) {
		progress(o, "Copying %s %s", what, digest);
	}
}

/* ---- registries.conf ---- */

/* prefix matches name (host/path) at a component boundary */
static bool
prefix_matches(const char *prefix, const char *name)
{
	size_t n = strlen(prefix);

	if (pod_str_has_prefix(prefix, "*."))
		return false; /* wildcards never rewrite */
	return strncmp(prefix, name, n) == 0 && (name[n] == 0 || name[n] == '/');
}

static int
split_name(const char *name, struct source *s, struct pod_err **err)
{
	struct pod_ref r = { 0 };

	if (pod_ref_parse(name, &r, err) < 0)
		return -1;
	if (!r.domain) {
		pod_ref_release(&r);
		return pod_err_set(err, POD_E_INVALID, 0, "invalid location \"%s\"", name);
	}
	s->domain = TAKE_PTR(r.domain);
	s->path = TAKE_PTR(r.path);
	pod_ref_release(&r);
	return 0;
}

/* where to fetch ref from, in order; *ret_n 0 never happens */
static int
sources_for(const struct pod_registries *regs, const struct pod_ref *ref,
	    struct source **ret, size_t *ret_n, struct pod_err **err)
{
	cleanup_free char *name = pod_ref_name(ref), *full = pod_ref_string(ref);
	const struct pod_registry *reg = regs ? pod_registries_find(regs, full) : NULL;
	struct source *v = NULL;
	size_t n = 0;

	if (reg && reg->blocked)
		return pod_err_set(err, POD_E_GENERIC, 0,
				   "registry %s is blocked in %s or %s", ref->domain,
				   regs->files && regs->files[0] ? regs->files[0]
								 : "/etc/containers/registries.conf",
				   "/root/.config/containers/registries.conf.d");
	if (reg) {
		bool by_digest = ref->digest != NULL;

		for (size_t i = 0; i < reg->n_mirrors; i++) {
			const struct pod_registry_mirror *m = &reg->mirrors[i];
			const char *pf = m->pull_from_mirror;
			cleanup_free char *mn = NULL;

			if (reg->mirror_by_digest_only && !by_digest)
				continue;
			if (pf && STREQ(pf, "digest-only") && !by_digest)
				continue;
			if (pf && STREQ(pf, "tag-only") && by_digest)
				continue;
			if (!prefix_matches(reg->prefix, name))
				continue;
			mn = xasprintf("%s%s", m->location, name + strlen(reg->prefix));
			v = xrealloc(v, (n + 1) * sizeof(*v));
			memset(&v[n], 0, sizeof(*v));
			if (split_name(mn, &v[n], err) < 0) {
				sources_free(v, n + 1);
				return pod_err_wrap(err, "mirror of %s", reg->prefix);
			}
			v[n++].insecure = m->insecure;
		}
	}
	v = xrealloc(v, (n + 1) * sizeof(*v));
	memset(&v[n], 0, sizeof(*v));
	if (reg && reg->location && *reg->location && prefix_matches(reg->prefix, name)) {
		cleanup_free char *ln = xasprintf("%s%s", reg->location, name + strlen(reg->prefix));

		if (split_name(ln, &v[n], err) < 0) {
			sources_free(v, n + 1);
			return pod_err_wrap(err, "location of %s", reg->prefix);
		}
	} else {
		v[n].domain = xstrdup(ref->domain);
		v[n].path = xstrdup(ref->path);
	}
	v[n++].insecure = reg && reg->insecure;
	*ret = v;
	*ret_n = n;
	return 0;
}

static const char *
registries_file(const struct pod_registries *regs)
{
	size_t n = regs ? pod_strv_len(regs->files) : 0;

	return n ? regs->files[0] : "/etc/containers/registries.conf";
}

/*
 * What to try for name, fully qualified and normalized; *ret_search is set
 * when the candidates come from the search list (Podman says so).
 */
static int
resolve(const struct pod_registries *regs, const char *name, const struct pod_pull_opts *o,
	char ***ret, bool *ret_search, struct pod_err **err)
{
	cleanup_strv char **c = NULL;
	cleanup_json json_t *aliases = NULL;
	cleanup_free char *bare = NULL;
	struct pod_ref r = { 0 };
	bool alias;
	int n;

	*ret_search = false;
	if (!pod_ref_is_short_name(name)) {
		if (pod_ref_parse_normalized(name, &r, err) < 0)
			return -1;
		c = pod_strv_push(NULL, pod_ref_string(&r));
		pod_ref_release(&r);
		*ret = TAKE_PTR(c);
		return 0;
	}
	if (pod_ref_parse(name, &r, err) < 0)
		return -1;
	bare = xstrdup(r.path);
	pod_ref_release(&r);
	aliases = json_object();
	for (size_t i = 0; regs && i < regs->n_aliases; i++)
		json_object_set_new(aliases, regs->aliases[i].name,
				    json_string(regs->aliases[i].value));
	alias = json_object_get(aliases, bare) != NULL;
	n = pod_ref_candidates(name, regs ? regs->search : NULL, aliases, &c, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return pod_err_set(err, POD_E_GENERIC, 0,
				   "short-name \"%s\" did not resolve to an alias and no "
				   "unqualified-search registries are defined in \"%s\"",
				   name, registries_file(regs));
	if (!alias && n > 1 && regs && regs->short_name_mode == POD_SHORT_NAME_ENFORCING) {
		if (!o->interactive)
			return pod_err_set(err, POD_E_GENERIC, 0,
					   "short-name resolution enforced but cannot prompt "
					   "without a TTY");
		return pod_err_set(err, POD_E_GENERIC, 0,
				   "short-name \"%s\" is ambiguous and short-name resolution is "
				   "enforced: use a fully qualified name",
				   name);
	}
	*ret_search = !alias;
	*ret = TAKE_PTR(c);
	return 0;
}

/* ---- clients ---- */

struct pull_ctx {
	struct pod_imagestore *is;
	const struct pod_pull_opts *o;
	struct pod_registry_opts ropts;
	struct pod_regaccess_keep keep;
	const struct source *src;
};

static int
client_new(struct pull_ctx *p, struct pod_registry_client **ret, struct pod_err **err)
{
	return pod_registry_client_new(p->src->domain, &p->ropts, ret, err);
}

/* sets p->ropts (and the strings it points at) for p->src: regaccess's part */
static int
prepare_source(struct pull_ctx *p, struct pod_err **err)
{
	const struct pod_pull_opts *o = p->o;
	struct pod_regaccess_opts ra = {
		.authfile = o->authfile,
		.creds = o->creds,
		.tls_verify = o->tls_verify < 0 ? -1 : (o->tls_verify > 0),
		.cert_dir = o->cert_dir,
	};

	return pod_regaccess_registry_opts(p->src->domain, p->src->path, p->src->insecure, &ra,
					   &p->ropts, &p->keep, err);
}

/* ---- layers ---- */

enum job_state { JOB_PENDING, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_EXISTED };

struct job {
	const struct pod_descriptor *desc;
	const char *diff_id;
	char chain[POD_DIGEST_BUF]; /* "sha256:..." */
	struct pod_layer_writer *w;
	enum job_state state;
	struct pod_err *err;
	pthread_t thread;
	bool started;
	int slot;
	struct transfer *t;
};

struct transfer {
	struct pull_ctx *p;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_bool abort;
	struct job *jobs;
	struct pod_registry_client *clients[PULL_PARALLEL_MAX];
	bool slot_busy[PULL_PARALLEL_MAX];
	unsigned parallel;
	unsigned running;
	int first_failed; /* the job that failed first: the others may only have been stopped */
};

static size_t
job_write(const void *buf, size_t len, void *ud)
{
	struct job *j = ud;

	if (atomic_load(&j->t->abort))
		return 0;
	if (pod_layer_writer_write(j->w, buf, len, &j->err) < 0)
		return 0;
	return len;
}

static void *
job_main(void *arg)
{
	struct job *j = arg;
	struct transfer *t = j->t;
	struct pod_err *e = NULL;
	int rc = pod_registry_get_blob(t->clients[j->slot], t->p->src->path, j->desc->digest,
				       j->desc->size, job_write, j, &e);

	pthread_mutex_lock(&t->mu);
	if (rc < 0) {
		/* the writer's own error says more than curl's "writing the data failed" */
		if (j->err)
			pod_err_free(&e);
		else
			j->err = e;
		j->state = JOB_FAILED;
		if (t->first_failed < 0)
			t->first_failed = (int) (j - t->jobs);
		atomic_store(&t->abort, true);
	} else {
		j->state = JOB_DONE;
	}
	t->slot_busy[j->slot] = false;
	t->running--;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

static int
job_start(struct transfer *t, struct job *j, struct pod_err **err)
{
	int slot = -1;

	for (unsigned i = 0; i < t->parallel && slot < 0; i++)
		if (!t->slot_busy[i])
			slot = (int) i;
	if (slot < 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "no free download slot");
	if (!t->clients[slot] && client_new(t->p, &t->clients[slot], err) < 0)
		return -1;
	j->slot = slot;
	j->t = t;
	pthread_mutex_lock(&t->mu);
	t->slot_busy[slot] = true;
	t->running++;
	j->state = JOB_RUNNING;
	pthread_mutex_unlock(&t->mu);
	errno = pthread_create(&j->thread, NULL, job_main, j);
	if (errno) {
		pthread_mutex_lock(&t->mu);
		t->slot_busy[slot] = false;
		t->running--;
		j->state = JOB_FAILED;
		pthread_mutex_unlock(&t->mu);
		return pod_err_sys(err, "starting a download thread");
	}
	j->started = true;
	return 0;
}

static bool
layer_type_ok(const char *mt)
{
	return !mt || !strstr(mt, "+encrypted");
}

/*
 * Stores every layer of m (diff_ids from the config), bottom-up. client0 is
 * the client the manifest came through (reused by the first slot).
 */
static int
copy_layers(struct pull_ctx *p, struct pod_registry_client **client0,
	    const struct pod_image_manifest *m, char *const *diff_ids, struct pod_err **err)
{
	struct transfer t = { .p = p, .first_failed = -1 };
	size_t n = m->n_layers, next = 0, done = 0;
	struct job *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	int ret = -1;

	t.jobs = jobs;

	t.parallel = p->o->parallel ? p->o->parallel : PULL_PARALLEL_DEFAULT;
	if (t.parallel > PULL_PARALLEL_MAX)
		t.parallel = PULL_PARALLEL_MAX;
	t.clients[0] = TAKE_PTR(*client0);
	pthread_mutex_init(&t.mu, NULL);
	pthread_cond_init(&t.cv, NULL);
	atomic_init(&t.abort, false);
	for (size_t i = 0; i < n; i++) {
		jobs[i].desc = &m->layers[i];
		jobs[i].diff_id = diff_ids[i];
		pod_chain_id(i ? jobs[i - 1].chain : NULL, diff_ids[i], jobs[i].chain);
		if (!layer_type_ok(m->layers[i].media_type)) {
			pod_err_set(err, POD_E_GENERIC, 0, "unsupported layer media type \"%s\"",
				    m->layers[i].media_type);
			goto out;
		}
	}

	pthread_mutex_lock(&t.mu);
	while (done < n) {
		struct job *j;

		if (atomic_load(&t.abort))
			break;
		if (next < n && t.running < t.parallel) {
			struct pod_layer_add_opts lo = { 0 };
			struct pod_layer_info info;

			j = &jobs[next];
			lo.parent = next ? jobs[next - 1].chain : NULL;
			lo.diff_id = j->diff_id;
			lo.media_type = j->desc->media_type;
			pthread_mutex_unlock(&t.mu);
			/* may wait for another process writing the same layer */
			if (pod_imagestore_layer_begin(p->is, &lo, &j->w, &info, err) < 0) {
				pod_err_wrap(err, "writing blob %s", j->desc->digest);
				pthread_mutex_lock(&t.mu);
				break;
			}
			if (!j->w) {
				j->state = JOB_EXISTED;
				progress_copy(p->o, "blob", j->desc->digest, NULL);
				progress_copy(p->o, "blob", j->desc->digest, "skipped: already exists");
			} else {
				progress_copy(p->o, "blob", j->desc->digest, NULL);
				if (job_start(&t, j, err) < 0) {
					pthread_mutex_lock(&t.mu);
					break;
				}
			}
			pthread_mutex_lock(&t.mu);
			next++;
			continue;
		}
		j = &jobs[done];
		if (j->state == JOB_RUNNING || j->state == JOB_PENDING) {
			pthread_cond_wait(&t.cv, &t.mu);
			continue;
		}
		pthread_mutex_unlock(&t.mu);
		if (j->started) {
			pthread_join(j->thread, NULL);
			j->started = false;
		}
		if (j->state == JOB_FAILED) {
			/* reported below, from the job that failed first */
			pthread_mutex_lock(&t.mu);
			break;
		}
		if (j->state == JOB_DONE) {
			struct pod_layer_info info;

			if (pod_layer_writer_commit(TAKE_PTR(j->w), &info, err) < 0) {
				pod_err_wrap(err, "writing blob %s", j->desc->digest);
				atomic_store(&t.abort, true);
				pthread_mutex_lock(&t.mu);
				break;
			}
			progress_copy(p->o, "blob", j->desc->digest, "done");
		}
		pthread_mutex_lock(&t.mu);
		done++;
	}
	pthread_mutex_unlock(&t.mu);
	if (done == n) {
		ret = 0;
	} else {
		atomic_store(&t.abort, true);
		if (!*err) {
			/* a worker failed while we were dispatching */
			for (size_t i = 0; i < n; i++) {
				if (jobs[i].started)
					pthread_join(jobs[i].thread, NULL);
				jobs[i].started = false;
			}
			if (t.first_failed >= 0 && jobs[t.first_failed].err) {
				*err = TAKE_PTR(jobs[t.first_failed].err);
				pod_err_wrap(err, "writing blob %s", jobs[t.first_failed].desc->digest);
			}
			if (!*err)
				pod_err_set(err, POD_E_GENERIC, 0, "writing blob: aborted");
		}
	}
out:
	atomic_store(&t.abort, true);
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
		pod_layer_writer_free(jobs[i].w);
		pod_err_free(&jobs[i].err);
	}
	for (unsigned i = 0; i < PULL_PARALLEL_MAX; i++)
		pod_registry_client_free(t.clients[i]);
	pthread_mutex_destroy(&t.mu);
	pthread_cond_destroy(&t.cv);
	free(jobs);
	return ret;
}

/* ---- one image ---- */

static size_t
buf_write(const void *buf, size_t len, void *ud)
{
	struct pod_strbuf *sb = ud;

	if (sb->len + len > POD_IMAGE_CONFIG_MAX)
		return 0;
	pod_strbuf_add(sb, buf, len);
	return len;
}

/* the manifest of ref at the source: *ret_list is set when it came through an index */
static int
fetch_manifest(struct pull_ctx *p, struct pod_registry_client *c, const char *reference,
	       struct pod_manifest **ret_m, char **ret_body, size_t *ret_len,
	       char **ret_type, char **ret_list, size_t *ret_list_len, struct pod_err **err)
{
	cleanup_free char *body = NULL, *type = NULL, *digest = NULL;
	cleanup_(pod_manifest_freep) struct pod_manifest *m = NULL;
	size_t len = 0;

	if (pod_registry_get_manifest(c, p->src->path, reference, &body, &len, &type, &digest,
				      err) < 0)
		return -1;
	if (pod_manifest_parse(body, len, type, &m, err) < 0)
		return -1;
	if (m->kind == POD_MANIFEST_INDEX) {
		const struct pod_descriptor *d = NULL;
		cleanup_free char *lbody = TAKE_PTR(body);
		size_t llen = len;
		cleanup_free char *want = NULL;

		if (pod_index_select(&m->index, p->o->os, p->o->arch, p->o->variant, &d, err) < 0)
			return -1;
		want = xstrdup(d->digest);
		pod_manifest_free(TAKE_PTR(m));
		free(type);
		type = NULL;
		if (pod_registry_get_manifest(c, p->src->path, want, &body, &len, &type, NULL,
					      err) < 0)
			return -1;
		if (pod_manifest_parse(body, len, type, &m, err) < 0)
			return -1;
		if (m->kind != POD_MANIFEST_IMAGE)
			return pod_err_set(err, POD_E_GENERIC, 0,
					   "manifest %s is an index inside an index", want);
		*ret_list = TAKE_PTR(lbody);
		*ret_list_len = llen;
	} else {
		*ret_list = NULL;
		*ret_list_len = 0;
	}
	*ret_type = xstrdup(m->media_type);
	*ret_m = TAKE_PTR(m);
	*ret_body = TAKE_PTR(body);
	*ret_len = len;
	return 0;
}

/*
 * Pulls one qualified reference (domain/path:tag or @digest). Errors are
 * wrapped like Podman's, by the caller.
 */
static int
pull_ref(struct pull_ctx *p, const struct pod_ref *ref, const struct pod_registries *regs,
	 char **ret_id, struct pod_err **err)
{
	struct source *srcs = NULL;
	size_t n_srcs = 0, i;
	cleanup_(pod_registry_client_freep) struct pod_registry_client *c = NULL;
	cleanup_(pod_manifest_freep) struct pod_manifest *m = NULL;
	cleanup_(pod_image_config_freep) struct pod_image_config *cfg = NULL;
	cleanup_free char *body = NULL, *type = NULL, *list = NULL, *name = NULL;
	cleanup_free char *refname = pod_ref_string(ref);
	size_t len = 0, list_len = 0;
	struct pod_strbuf cbuf;
	struct pod_err *first = NULL;
	const char *reference = ref->digest ? ref->digest : (ref->tag ? ref->tag : "latest");
	int ret = -1;

	pod_strbuf_init(&cbuf);
	if (sources_for(regs, ref, &srcs, &n_srcs, err) < 0)
		goto init_fail;
	for (i = 0; i < n_srcs; i++) {
		struct pod_err *e = NULL;

		p->src = &srcs[i];
		pod_registry_client_free(TAKE_PTR(c));
		if (prepare_source(p, &e) == 0 && client_new(p, &c, &e) == 0 &&
		    fetch_manifest(p, c, reference, &m, &body, &len, &type, &list, &list_len,
				   &e) == 0)
			break;
		if (!first) {
			first = e;
		} else if (i + 1 == n_srcs) {
			/* the registry's own error, with what the mirrors said */
			struct pod_err *both = NULL;

			pod_err_set(&both, e->kind, e->errnum, "%s (mirrors also failed: %s)",
				    e->msg, first->msg);
			pod_err_free(&first);
			pod_err_free(&e);
			first = both;
		} else {
			pod_err_free(&e);
		}
	}
	if (i == n_srcs) {
		*err = TAKE_PTR(first);
		goto init_fail;
	}
	pod_err_free(&first);

	progress(p->o, "Getting image source signatures");
	if (pod_registry_get_blob(c, p->src->path, m->image.config.digest, m->image.config.size,
				  buf_write, &cbuf, err) < 0) {
		pod_err_wrap(err, "reading config");
		goto out;
	}
	if (pod_image_config_parse(cbuf.buf, cbuf.len, &cfg, err) < 0)
		goto out;
	if (cfg->n_diff_ids != m->image.n_layers) {
		pod_err_set(err, POD_E_GENERIC, 0,
			    "image has %zu layers but its config lists %zu diff_ids",
			    m->image.n_layers, cfg->n_diff_ids);
		goto out;
	}
	if (copy_layers(p, &c, &m->image, cfg->diff_ids, err) < 0)
		goto out;
	progress_copy(p->o, "config", m->image.config.digest, NULL);
	progress_copy(p->o, "config", m->image.config.digest, "done");
	progress(p->o, "Writing manifest to image destination");
	if (ref->digest) {
		struct pod_ref nr = *ref;

		nr.tag = NULL;
		name = pod_ref_string(&nr);
	} else {
		name = xstrdup(refname);
	}
	{
		char *names[] = { name, NULL };
		struct pod_image_commit ic = {
			.config = cbuf.buf,
			.config_len = cbuf.len,
			.manifest = body,
			.manifest_len = len,
			.manifest_type = type,
			.names = names,
			.annotations = m->annotations,
			.list = list,
			.list_len = list_len,
		};

		if (pod_imagestore_commit_image(p->is, &ic, ret_id, err) < 0)
			goto out;
	}
	progress(p->o, "Storing signatures");
	ret = 0;
	goto out;
init_fail:
	pod_err_wrap(err, "initializing source docker://%s", refname);
out:
	sources_free(srcs, n_srcs);
	pod_strbuf_release(&cbuf);
	return ret;
}

/* with the pull's error: collect the layers it left (when no one else writes) */
static void
collect(struct pod_imagestore *is)
{
	struct pod_err *e = NULL;

	if (pod_imagestore_gc(is, &e) < 0)
		pod_err_free(&e);
}

/*
 * --pull=newer: true (with *ret_id) when ref is stored and the registry's
 * manifest for it (asked with a HEAD) is one the image already has, or when no source answers
 * (Podman then quietly uses the stored image).
 */
static bool
up_to_date(struct pull_ctx *p, const struct pod_ref *ref, const struct pod_registries *regs,
	   char **ret_id)
{
	cleanup_free char *full = pod_ref_string(ref);
	const char *reference = ref->digest ? ref->digest : (ref->tag ? ref->tag : "latest");
	struct pod_image *img = NULL;
	struct source *srcs = NULL;
	size_t n = 0;
	bool same = false, answered = false;
	struct pod_err *e = NULL;

	if (pod_image_lookup(p->is, full, &img, &e) < 0 || sources_for(regs, ref, &srcs, &n, &e) < 0) {
		pod_debug("--pull=newer: %s", e->msg);
		goto out;
	}
	for (size_t i = 0; i < n && !same; i++) {
		cleanup_(pod_registry_client_freep) struct pod_registry_client *c = NULL;
		cleanup_free char *digest = NULL;

		p->src = &srcs[i];
		if (prepare_source(p, &e) < 0 || client_new(p, &c, &e) < 0 ||
		    pod_registry_manifest_digest(c, srcs[i].path, reference, &digest, &e) < 0) {
			pod_debug("--pull=newer: %s", e->msg);
			pod_err_free(&e);
			continue;
		}
		answered = true;
		for (size_t k = 0; img->digests && img->digests[k]; k++)
			if (STREQ(img->digests[k], digest))
				same = true;
		if (img->digest && STREQ(img->digest, digest))
			same = true;
		break; /* the first source that answers decides */
	}
	if (!answered)
		same = true; /* the registry cannot tell: keep what is stored */
	if (same)
		*ret_id = xstrdup(img->id);
out:
	pod_err_free(&e);
	sources_free(srcs, n);
	pod_image_free(img);
	p->src = NULL;
	return same;
}

/* the errors containers/common retries: the network's, and a busy registry */
static bool
retryable(const struct pod_err *e)
{
	switch (e->errnum) {
	case ECONNREFUSED:
	case EINTR:
	case EAGAIN:
	case EBUSY:
	case ENETDOWN:
	case ENETUNREACH:
	case ENETRESET:
	case ECONNABORTED:
	case ECONNRESET:
	case ETIMEDOUT:
	case EHOSTDOWN:
	case EHOSTUNREACH:
		return true;
	default:
		return false;
	}
}

static int
pull_one(struct pull_ctx *p, const char *qualified, const struct pod_registries *regs,
	 char **ret_id, struct pod_err **err)
{
	struct pod_ref r = { 0 };
	int rc;

	if (pod_ref_parse_normalized(qualified, &r, err) < 0)
		return -1;
	if (p->o->newer && up_to_date(p, &r, regs, ret_id)) {
		pod_ref_release(&r);
		return 0;
	}
	progress(p->o, "Trying to pull %s...", qualified);
	rc = pull_ref(p, &r, regs, ret_id, err);
	if (rc < 0 && (*err)->kind == POD_E_STATE) {
		/* a concurrent rmi took a layer between our commits: once more */
		pod_err_free(err);
		rc = pull_ref(p, &r, regs, ret_id, err);
	}
	for (int attempt = 1; rc < 0 && attempt <= PULL_RETRIES && retryable(*err); attempt++) {
		/* like containers/common's retry.IfNecessary, as Podman 4.3 sets it up */
		pod_warn("Failed, retrying in %ds ... (%d/%d). Error: %s", PULL_RETRY_DELAY_SEC,
			 attempt, PULL_RETRIES, (*err)->msg);
		pod_err_free(err);
		sleep(PULL_RETRY_DELAY_SEC);
		rc = pull_ref(p, &r, regs, ret_id, err);
	}
	pod_ref_release(&r);
	if (rc < 0)
		collect(p->is);
	return rc;
}

static int
pull_all_tags(struct pull_ctx *p, char *const *cands, const struct pod_registries *regs,
	      char ***ret_ids, struct pod_err **err)
{
	struct pod_err *last = NULL;

	for (size_t i = 0; cands[i]; i++) {
		struct pod_ref r = { 0 };
		struct source *srcs = NULL;
		size_t n = 0;
		cleanup_(pod_registry_client_freep) struct pod_registry_client *c = NULL;
		cleanup_strv char **tags = NULL;
		struct pod_err *e = NULL;
		int rc;

		if (pod_ref_parse(cands[i], &r, err) < 0)
			return -1;
		free(r.tag);
		r.tag = NULL;
		rc = sources_for(regs, &r, &srcs, &n, &e);
		if (rc == 0) {
			p->src = &srcs[n - 1];
			rc = prepare_source(p, &e);
			if (rc == 0)
				rc = client_new(p, &c, &e);
			if (rc == 0)
				rc = pod_registry_tags(c, srcs[n - 1].path, &tags, &e);
		}
		if (rc < 0) {
			cleanup_free char *nm = pod_ref_name(&r);

			pod_err_wrap(&e, "getting repository tags of %s", nm);
			pod_err_free(&last);
			last = e;
			sources_free(srcs, n);
			pod_ref_release(&r);
			continue;
		}
		for (size_t t = 0; tags[t]; t++) {
			cleanup_free char *nm = pod_ref_name(&r);
			cleanup_free char *q = xasprintf("%s:%s", nm, tags[t]);
			char *id = NULL;

			if (pull_one(p, q, regs, &id, err) < 0) {
				sources_free(srcs, n);
				pod_ref_release(&r);
				pod_err_free(&last);
				return -1;
			}
			*ret_ids = pod_strv_push(*ret_ids, id);
		}
		sources_free(srcs, n);
		pod_ref_release(&r);
		pod_err_free(&last);
		return 0;
	}
	*err = last;
	return -1;
}

int
pod_pull(struct pod_imagestore *is, const char *name, const struct pod_pull_opts *o,
	 char ***ret_ids, struct pod_err **err)
{
	cleanup_(pod_registries_freep) struct pod_registries *loaded = NULL;
	const struct pod_registries *regs = o->registries;
	struct pull_ctx p = { .is = is, .o = o };
	cleanup_strv char **cands = NULL, **ids = xcalloc(1, sizeof(char *));
	struct pod_err *errs = NULL;
	struct pod_strbuf all;
	size_t n_errs = 0;
	bool search;
	int ret = -1;

	if (!regs) {
		if (pod_registries_load(&loaded, err) < 0)
			return -1;
		regs = loaded;
	}
	if (o->all_tags) {
		struct pod_ref r = { 0 };

		if (pod_ref_parse(name, &r, err) < 0)
			return -1;
		if (r.tag || r.digest) {
			pod_ref_release(&r);
			return pod_err_set(err, POD_E_INVALID, 0,
					   "tag can't be used with --all-tags/-a");
		}
		pod_ref_release(&r);
	}
	if (resolve(regs, name, o, &cands, &search, err) < 0)
		return -1;
	if (search)
		progress(o, "Resolving \"%s\" using unqualified-search registries (%s)", name,
			 registries_file(regs));
	if (o->all_tags) {
		ret = pull_all_tags(&p, cands, regs, &ids, err);
		goto out;
	}
	pod_strbuf_init(&all);
	for (size_t i = 0; cands[i]; i++) {
		struct pod_err *e = NULL;
		char *id = NULL;

		if (pull_one(&p, cands[i], regs, &id, &e) == 0) {
			ids = pod_strv_push(ids, id);
			pod_err_free(&errs);
			ret = 0;
			break;
		}
		pod_strbuf_addf(&all, "\n * %s", e->msg);
		n_errs++;
		if (!errs)
			errs = e;
		else
			pod_err_free(&e);
	}
	if (ret < 0) {
		if (n_errs == 1) {
			*err = TAKE_PTR(errs);
		} else {
			pod_err_set(err, errs->kind, 0, "%zu errors occurred while pulling:%s",
				    n_errs, all.buf);
			pod_err_free(&errs);
		}
	}
	pod_strbuf_release(&all);
out:
	pod_regaccess_keep_release(&p.keep);
	if (ret == 0)
		*ret_ids = TAKE_PTR(ids);
	return ret;
}
