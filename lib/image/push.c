/*
 * push.c - an image of the store to a registry (see push.h).
 *
 * The producer thread only reads the store (the layer's row, its tar-split
 * and diff/) while the main thread only talks HTTP, so the two never share
 * the SQLite connection at the same moment. It writes into a socketpair
 * with MSG_NOSIGNAL: when the upload fails and the main thread closes its
 * end, the producer gets EPIPE, not SIGPIPE.
 */
#include "image/push.h"
#include "image/decompress.h"
#include "image/imagestore-int.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "core/fs.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIGEST_BUF 72
#define BLOBINFO_DIR "blobinfo"

int
pod_push_format_parse(const char *s)
{
	if (!s || !*s)
		return POD_PUSH_FORMAT_DEFAULT;
	if (STREQ(s, "oci"))
		return POD_PUSH_FORMAT_OCI;
	if (STREQ(s, "v2s2") || STREQ(s, "docker"))
		return POD_PUSH_FORMAT_DOCKER;
	return -1;
}

static void
progress(const struct pod_push_opts *o, enum pod_push_event ev, const char *arg)
{
	if (o->progress)
		o->progress(o->progress_ctx, ev, arg);
}

/* --- the blob-info cache: DIFFID + compression -> compressed digest --- */

struct blobinfo {
	char digest[DIGEST_BUF];
	int64_t size;
	char *repo; /* "domain/path" it was last pushed to, or NULL */
};

static char *
blobinfo_path(struct pod_imagestore *is, const char *diff_id, enum pod_compression comp)
{
	const char *hex = pod_imagestore_hex(diff_id);

	if (!hex)
		return NULL;
	return xasprintf("%s/" BLOBINFO_DIR "/%s.%s", is->root, hex, pod_compression_name(comp));
}

static bool
valid_sha256(const char *d)
{
	const char *hex = pod_str_has_prefix(d, "sha256:") ? d + 7 : NULL;
	size_t i;

	if (!hex || strlen(hex) != 64)
		return false;
	for (i = 0; i < 64; i++)
		if (!strchr("0123456789abcdef", hex[i]))
			return false;
	return true;
}

/* 1 found, 0 not (a broken entry counts as none) */
static int
blobinfo_read(struct pod_imagestore *is, const char *diff_id, enum pod_compression comp,
	      struct blobinfo *ret)
{
	cleanup_free char *path = blobinfo_path(is, diff_id, comp);
	cleanup_fclose FILE *f = NULL;
	char line[1024], d[DIGEST_BUF], repo[600];
	long long size;
	int n;

	if (!path || !(f = fopen(path, "re")) || !fgets(line, sizeof(line), f))
		return 0;
	repo[0] = '\0';
	n = sscanf(line, "%71s %lld %599s", d, &size, repo);
	if (n < 2 || !valid_sha256(d) || size < 0)
		return 0;
	memcpy(ret->digest, d, sizeof(d));
	ret->size = size;
	ret->repo = n == 3 && repo[0] ? xstrdup(repo) : NULL;
	return 1;
}

/* best effort: the cache only saves work */
static void
blobinfo_write(struct pod_imagestore *is, const char *diff_id, enum pod_compression comp,
	       const char *digest, int64_t size, const char *repo)
{
	cleanup_free char *path = blobinfo_path(is, diff_id, comp);
	cleanup_free char *dir = xasprintf("%s/" BLOBINFO_DIR, is->root);
	cleanup_free char *body = xasprintf("%s %lld %s\n", digest, (long long) size, repo);
	struct pod_err *e = NULL;

	if (!path)
		return;
	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) ||
	    pod_write_file_atomic(path, body, strlen(body), 0600, &e) < 0) {
		pod_debug("not caching blob info for %s: %s", diff_id, e ? e->msg : strerror(errno));
		pod_err_free(&e);
	}
}

/* --- the producer: layer tar -> compressor -> socket --- */

struct producer {
	struct pod_imagestore *is;
	const char *layer_id;
	enum pod_compression comp;
	int wfd, rfd;
	struct pod_compressor *c;
	struct pod_err *err;
	pthread_t thread;
	bool running;
};

static int
send_all(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	struct producer *p = ctx;
	const char *b = buf;

	while (len > 0) {
		ssize_t n = send(p->wfd, b, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "sending layer data");
		}
		b += n;
		len -= (size_t) n;
	}
	return 0;
}

static int
tar_out(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	struct producer *p = ctx;

	return pod_compressor_feed(p->c, buf, len, err);
}

static void *
produce(void *arg)
{
	struct producer *p = arg;

	p->c = pod_compressor_new(p->comp, 0, send_all, p, &p->err);
	if (p->c && pod_imagestore_layer_tar(p->is, p->layer_id, tar_out, p, &p->err) == 0)
		pod_compressor_finish(p->c, &p->err);
	p->c = pod_compressor_free(p->c);
	close(p->wfd);
	p->wfd = -1;
	return NULL;
}

static void
producer_stop(struct producer *p)
{
	if (p->rfd >= 0) {
		close(p->rfd);
		p->rfd = -1;
	}
	if (p->running) {
		pthread_join(p->thread, NULL);
		p->running = false;
	}
}

static ssize_t
producer_read(void *buf, size_t len, void *ud)
{
	struct producer *p = ud;
	ssize_t n;

	do
		n = recv(p->rfd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0) {
		/* the end is good only if the producer finished without error */
		producer_stop(p);
		return p->err ? -1 : 0;
	}
	return n;
}

static int
upload_layer(struct pod_registry_client *c, const char *repo, struct pod_imagestore *is,
	     const char *layer_id, enum pod_compression comp, char ret_digest[DIGEST_BUF],
	     int64_t *ret_size, struct pod_err **err)
{
	struct producer p = { .is = is, .layer_id = layer_id, .comp = comp, .wfd = -1, .rfd = -1 };
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return pod_err_sys(err, "creating a socket pair");
	p.rfd = sv[0];
	p.wfd = sv[1];
	if ((r = pthread_create(&p.thread, NULL, produce, &p)) != 0) {
		close(sv[0]);
		close(sv[1]);
		return pod_err_set(err, POD_E_GENERIC, r, "starting the layer compressor: %s",
				   strerror(r));
	}
	p.running = true;
	r = pod_registry_put_blob_stream(c, repo, producer_read, &p, ret_digest, ret_size, err);
	producer_stop(&p);
	if (p.err && (r == 0 || p.err->errnum != EPIPE)) {
		/* the producer's failure is the cause of the upload's, unless it only saw
		 * the upload give up */
		pod_err_free(err);
		*err = TAKE_PTR(p.err);
		return pod_err_wrap(err, "reading layer %s", layer_id);
	}
	pod_err_free(&p.err);
	return r;
}

/* --- the push --- */

static enum pod_compression
media_type_compression(const char *mt)
{
	if (!mt)
		return POD_COMPRESSION_NONE;
	if (pod_str_has_suffix(mt, "+gzip") || pod_str_has_suffix(mt, ".tar.gzip") ||
	    pod_str_has_suffix(mt, ".tar.gz"))
		return POD_COMPRESSION_GZIP;
	if (pod_str_has_suffix(mt, "+zstd") || pod_str_has_suffix(mt, ".tar.zstd"))
		return POD_COMPRESSION_ZSTD;
	return POD_COMPRESSION_NONE;
}

/* "domain/path" -> path when it is on domain, else NULL (borrowed from name) */
static const char *
repo_on(const char *name, const char *domain)
{
	size_t n = strlen(domain);

	if (strncmp(name, domain, n) == 0 && name[n] == '/')
		return name + n + 1;
	return NULL;
}

struct candidate {
	char digest[DIGEST_BUF];
	int64_t size;
	char *from; /* a repository on the destination registry that has it, or NULL */
};

/*
 * Tries to reuse a blob the registry has: in repo already (HEAD), or by a
 * mount from a repository it is known to be in. 1 reused, 0 not.
 */
static int
try_reuse(struct pod_registry_client *c, const char *domain, const char *repo,
	  struct candidate *cands, size_t n, struct candidate **ret, struct pod_err **err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int64_t size = -1;
		int r = pod_registry_blob_exists(c, repo, cands[i].digest, &size, err);

		if (r < 0)
			return -1;
		if (r == 1 && (size < 0 || size == cands[i].size)) {
			*ret = &cands[i];
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		struct pod_err *e = NULL;
		int r;

		if (!cands[i].from || STREQ(cands[i].from, repo))
			continue;
		r = pod_registry_mount_blob(c, repo, cands[i].digest, cands[i].from, &e);
		if (r < 0) {
			pod_debug("mount of %s from %s/%s failed: %s", cands[i].digest, domain,
				  cands[i].from, e->msg);
			pod_err_free(&e);
			continue;
		}
		if (r == 1) {
			*ret = &cands[i];
			return 1;
		}
	}
	return 0;
}

/* --- layers in parallel --- */

#define MAX_WORKERS 3

struct layer_job {
	const char *layer_id, *diff_id;
	struct candidate cands[2];
	size_t n_cands;
	char digest[DIGEST_BUF];
	int64_t size;
	struct pod_err *err;
};

struct pusher {
	pthread_mutex_t mu;
	struct layer_job *jobs;
	size_t n, next;
	bool failed;
	const struct pod_ref *ref;
	enum pod_compression comp;
	const struct pod_push_opts *o;
	const char *root;
	const char *driver;
};

struct worker {
	struct pusher *p;
	struct pod_registry_client *c;
	struct pod_imagestore *is; /* its own store connection, opened when needed */
	pthread_t thread;
	bool started;
};

static int
push_one(struct worker *w, struct layer_job *j, struct pod_err **err)
{
	struct pusher *p = w->p;
	struct candidate *hit = NULL;
	int r = try_reuse(w->c, p->ref->domain, p->ref->path, j->cands, j->n_cands, &hit, err);

	if (r < 0)
		return -1;
	if (r == 1) {
		memcpy(j->digest, hit->digest, DIGEST_BUF);
		j->size = hit->size;
		progress(p->o, POD_PUSH_BLOB_SKIPPED, j->diff_id);
		return 0;
	}
	/* SQLite connections are not shared between threads: each worker has one */
	if (!w->is && pod_imagestore_open_root(p->root, NULL, p->driver, true, &w->is, err) < 0)
		return -1;
	if (upload_layer(w->c, p->ref->path, w->is, j->layer_id, p->comp, j->digest, &j->size,
			 err) < 0)
		return -1;
	progress(p->o, POD_PUSH_BLOB_DONE, j->diff_id);
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pusher *p = w->p;

	for (;;) {
		struct layer_job *j = NULL;

		pthread_mutex_lock(&p->mu);
		if (!p->failed && p->next < p->n)
			j = &p->jobs[p->next++];
		pthread_mutex_unlock(&p->mu);
		if (!j)
			break;
		if (push_one(w, j, &j->err) < 0) {
			pthread_mutex_lock(&p->mu);
			p->failed = true;
			pthread_mutex_unlock(&p->mu);
		}
	}
	return NULL;
}

static int
discard(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	return 0;
}

/*
 * ISA-L picks its deflate implementation on first use and stores the choice
 * in a global: make that first use here, before there are threads.
 */
static void
warm_up(enum pod_compression comp)
{
	struct pod_err *e = NULL;
	struct pod_compressor *z = pod_compressor_new(comp, 0, discard, NULL, &e);

	if (z && pod_compressor_feed(z, "podutils", 8, &e) == 0)
		(void) pod_compressor_finish(z, &e);
	pod_compressor_free(z);
	pod_err_free(&e);
}

/*
 * Sends the layers, up to MAX_WORKERS at a time, each worker with its own
 * registry client (one curl handle per thread); the first failure in layer
 * order is the error.
 */
static int
push_layers(struct pod_imagestore *is, struct pod_registry_client *c, const struct pod_ref *ref,
	    enum pod_compression comp, const struct pod_push_opts *o, struct layer_job *jobs,
	    size_t n, struct pod_err **err)
{
	struct pusher p = { .jobs = jobs, .n = n, .ref = ref, .comp = comp, .o = o,
			    .root = is->root, .driver = is->driver };
	struct worker w[MAX_WORKERS] = { 0 };
	size_t n_workers = n < MAX_WORKERS ? n : MAX_WORKERS, i;
	int ret = 0;

	if (n == 0)
		return 0;
	warm_up(comp);
	pthread_mutex_init(&p.mu, NULL);
	for (i = 0; i < n_workers; i++) {
		w[i].p = &p;
		/* the first worker reuses the pinged client; the others get their own */
		if (i == 0) {
			w[i].c = c;
		} else {
			struct pod_err *e = NULL;

			if (pod_regaccess_client(ref->domain, ref->path, &o->access, &w[i].c, &e) < 0 ||
			    pod_registry_ping(w[i].c, &e) < 0) {
				pod_err_free(&e);
				w[i].c = pod_registry_client_free(w[i].c);
				break;
			}
		}
	}
	n_workers = i;
	for (i = 0; i < n_workers; i++) {
		int r = pthread_create(&w[i].thread, NULL, worker_main, &w[i]);

		if (r != 0) {
			if (i == 0) {
				ret = pod_err_set(err, POD_E_GENERIC, r, "starting a push worker: %s",
						  strerror(r));
				break;
			}
			break;
		}
		w[i].started = true;
	}
	for (i = 0; i < n_workers; i++) {
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
		if (i > 0)
			pod_registry_client_free(w[i].c);
		pod_imagestore_close(w[i].is);
	}
	pthread_mutex_destroy(&p.mu);
	for (i = 0; i < n; i++) {
		if (jobs[i].err && ret == 0) {
			*err = TAKE_PTR(jobs[i].err);
			ret = -1;
		}
		pod_err_free(&jobs[i].err);
	}
	return ret;
}

int
pod_image_push(struct pod_imagestore *is, const struct pod_image *img, const char *dest,
	       const struct pod_push_opts *o, char **ret_digest, struct pod_err **err)
{
	cleanup_(pod_registry_client_freep) struct pod_registry_client *c = NULL;
	cleanup_(pod_manifest_freep) struct pod_manifest *stored = NULL;
	cleanup_free char *config = NULL, *stored_body = NULL, *manifest = NULL;
	cleanup_free char *mdigest = NULL, *dest_name = NULL;
	struct pod_ref ref = { 0 };
	enum pod_compression comp = o->compression ? o->compression : POD_COMPRESSION_GZIP;
	enum pod_push_format format = o->format;
	struct pod_descriptor cfg = { 0 }, *layers = NULL;
	struct layer_job *jobs = NULL;
	size_t n_layers = pod_strv_len(img->layers), i, config_len = 0, stored_len = 0;
	const char *tag;
	int ret = -1;

	if (pod_ref_parse(dest, &ref, err) < 0)
		return -1;
	if (!ref.domain) {
		pod_err_set(err, POD_E_INVALID, 0, "invalid destination \"%s\": no registry", dest);
		goto out;
	}
	if (ref.digest) {
		pod_err_set(err, POD_E_INVALID, 0,
			    "cannot push to \"%s\": a destination with a digest is not supported",
			    dest);
		goto out;
	}
	tag = ref.tag ? ref.tag : "latest";
	dest_name = xasprintf("%s/%s", ref.domain, ref.path);
	if (pod_strv_len(img->diff_ids) != n_layers) {
		pod_err_set(err, POD_E_STATE, 0, "image %s: layers and diff IDs do not match",
			    img->id);
		goto out;
	}
	if (format == POD_PUSH_FORMAT_DEFAULT)
		format = img->manifest_type && STREQ(img->manifest_type, POD_MT_DOCKER_MANIFEST) &&
					 comp != POD_COMPRESSION_ZSTD
				 ? POD_PUSH_FORMAT_DOCKER
				 : POD_PUSH_FORMAT_OCI;
	if (format == POD_PUSH_FORMAT_DOCKER && comp == POD_COMPRESSION_ZSTD) {
		pod_err_set(err, POD_E_INVALID, 0,
			    "docker schema 2 manifests cannot carry zstd-compressed layers: use "
			    "--format oci");
		goto out;
	}
	if (pod_imagestore_read_blob(is, img->config_digest, &config, &config_len, err) < 0)
		goto out;
	/* the stored manifest tells how the layers were compressed where they came from */
	if (img->digest && img->manifest_type) {
		struct pod_err *e = NULL;

		if (pod_imagestore_read_blob(is, img->digest, &stored_body, &stored_len, &e) < 0 ||
		    pod_manifest_parse(stored_body, stored_len, img->manifest_type, &stored, &e) < 0 ||
		    stored->kind != POD_MANIFEST_IMAGE || stored->image.n_layers != n_layers) {
			pod_debug("not reusing the stored manifest of %s: %s", img->id,
				  e ? e->msg : "it does not match the layers");
			pod_err_free(&e);
			stored = pod_manifest_free(stored);
		}
	}
	if (pod_regaccess_client(ref.domain, ref.path, &o->access, &c, err) < 0 ||
	    pod_registry_ping(c, err) < 0)
		goto out;

	jobs = xcalloc(n_layers ? n_layers : 1, sizeof(*jobs));
	for (i = 0; i < n_layers; i++) {
		struct layer_job *j = &jobs[i];
		struct blobinfo bi = { 0 };

		j->layer_id = img->layers[i];
		j->diff_id = img->diff_ids[i];
		if (stored && media_type_compression(stored->image.layers[i].media_type) == comp &&
		    valid_sha256(stored->image.layers[i].digest)) {
			struct candidate *cd = &j->cands[j->n_cands++];

			snprintf(cd->digest, DIGEST_BUF, "%s", stored->image.layers[i].digest);
			cd->size = stored->image.layers[i].size;
			for (char **nm = img->names; nm && *nm && !cd->from; nm++) {
				cleanup_(pod_ref_release) struct pod_ref nr = { 0 };
				struct pod_err *e = NULL;

				if (pod_ref_parse(*nm, &nr, &e) < 0) {
					pod_err_free(&e);
					continue;
				}
				if (nr.domain && STREQ(nr.domain, ref.domain))
					cd->from = xstrdup(nr.path);
			}
		}
		if (blobinfo_read(is, j->diff_id, comp, &bi) == 1) {
			struct candidate *cd = &j->cands[j->n_cands++];

			memcpy(cd->digest, bi.digest, DIGEST_BUF);
			cd->size = bi.size;
			if (bi.repo && repo_on(bi.repo, ref.domain))
				cd->from = xstrdup(repo_on(bi.repo, ref.domain));
			free(bi.repo);
		}
		progress(o, POD_PUSH_BLOB_START, j->diff_id);
	}
	if (push_layers(is, c, &ref, comp, o, jobs, n_layers, err) < 0)
		goto out;
	layers = xcalloc(n_layers ? n_layers : 1, sizeof(*layers));
	for (i = 0; i < n_layers; i++) {
		blobinfo_write(is, jobs[i].diff_id, comp, jobs[i].digest, jobs[i].size, dest_name);
		layers[i].media_type = xstrdup(format == POD_PUSH_FORMAT_DOCKER ? POD_MT_DOCKER_LAYER
						: comp == POD_COMPRESSION_ZSTD ? POD_MT_OCI_LAYER_ZSTD
									       : POD_MT_OCI_LAYER_GZIP);
		layers[i].digest = xstrdup(jobs[i].digest);
		layers[i].size = jobs[i].size;
	}

	progress(o, POD_PUSH_CONFIG, img->config_digest);
	cfg.media_type = xstrdup(format == POD_PUSH_FORMAT_DOCKER ? POD_MT_DOCKER_CONFIG
								  : POD_MT_OCI_CONFIG);
	cfg.size = (int64_t) config_len;
	if (pod_registry_put_blob_buf(c, ref.path, config, config_len, &cfg.digest, err) < 0)
		goto out;
	if (!STREQ(cfg.digest, img->config_digest)) {
		pod_err_set(err, POD_E_STATE, 0, "stored config of %s hashes to %s", img->id,
			    cfg.digest);
		goto out;
	}
	progress(o, POD_PUSH_MANIFEST, NULL);
	manifest = format == POD_PUSH_FORMAT_DOCKER
			   ? pod_manifest_build_docker(&cfg, layers, n_layers)
			   : pod_manifest_build_oci(&cfg, layers, n_layers, NULL);
	if (pod_registry_put_manifest(c, ref.path, tag, manifest, strlen(manifest),
				      format == POD_PUSH_FORMAT_DOCKER ? POD_MT_DOCKER_MANIFEST
								       : POD_MT_OCI_MANIFEST,
				      &mdigest, err) < 0) {
		pod_err_wrap(err, "writing manifest");
		goto out;
	}
	progress(o, POD_PUSH_SIGNATURES, NULL);
	if (ret_digest)
		*ret_digest = TAKE_PTR(mdigest);
	ret = 0;
out:
	for (i = 0; layers && i < n_layers; i++)
		pod_descriptor_release(&layers[i]);
	free(layers);
	for (i = 0; jobs && i < n_layers; i++)
		for (size_t k = 0; k < jobs[i].n_cands; k++)
			free(jobs[i].cands[k].from);
	free(jobs);
	pod_descriptor_release(&cfg);
	pod_ref_release(&ref);
	return ret;
}
