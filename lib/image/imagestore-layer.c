/*
 * imagestore-layer.c - writing layers into the store, and reassembling a
 * stored layer's original tar stream.
 *
 * The bytes fed to a writer are hashed as given (the compressed digest),
 * decompressed, and the tar stream is both hashed (the DiffID), extracted
 * into layers/.tmp-RAND/diff and split: the header blocks, meta entries and
 * padding are kept verbatim in tar-split.gz beside diff/, file contents are
 * only referenced by path and size. Reading the split back with the files
 * from diff/ gives the original stream byte for byte, so `save` exports a
 * layer whose digest still is the DiffID the image config names (what
 * containers/storage does with tar-split).
 *
 * tar-split.gz records: 'R' u32 len, bytes | 'F' u64 size, u32 len, path.
 */
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/lock.h"
#include "core/strbuf.h"
#include "image/decompress.h"
#include "image/imagestore-int.h"
#include "image/layer-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define BLOCK 512
#define SPLIT_MAX_PATH 65536

/* ---- tar splitting ---- */

enum split_state {
	SP_HEADER,
	SP_META, /* PAX or GNU long-name data: kept raw and parsed */
	SP_RAW,	 /* entry data kept raw */
	SP_FILE, /* file contents: referenced */
	SP_PAD,
	SP_TRAILER,
};

struct tar_split {
	gzFile gz;
	enum split_state st;
	uint8_t hdr[BLOCK];
	size_t nhdr;
	uint64_t left; /* bytes of data (or padding) left in the current state */
	uint64_t pad;  /* padding after the data */
	char meta_type;
	struct pod_strbuf meta;
	struct pod_strbuf raw; /* raw bytes not yet written */
	char *pax_path, *gnu_path;
	bool has_pax_size;
	uint64_t pax_size;
	bool failed;
};

static int
split_write(struct tar_split *s, const void *buf, size_t len, struct pod_err **err)
{
	const uint8_t *p = buf;

	while (len) {
		unsigned n = len > (1u << 30) ? (1u << 30) : (unsigned) len;
		int w = gzwrite(s->gz, p, n);

		if (w <= 0)
			return pod_err_set(err, POD_E_GENERIC, errno, "writing the layer's tar-split");
		p += w;
		len -= (size_t) w;
	}
	return 0;
}

static int
split_flush_raw(struct tar_split *s, struct pod_err **err)
{
	uint8_t h[5];
	uint32_t n = (uint32_t) s->raw.len;

	if (!s->raw.len)
		return 0;
	h[0] = 'R';
	memcpy(h + 1, &n, 4);
	if (split_write(s, h, 5, err) < 0 || split_write(s, s->raw.buf, s->raw.len, err) < 0)
		return -1;
	pod_strbuf_reset(&s->raw);
	return 0;
}

static int
split_raw(struct tar_split *s, const void *buf, size_t len, struct pod_err **err)
{
	pod_strbuf_add(&s->raw, buf, len);
	if (s->raw.len >= (1u << 20))
		return split_flush_raw(s, err);
	return 0;
}

static int
split_file(struct tar_split *s, const char *path, uint64_t size, struct pod_err **err)
{
	uint8_t h[13];
	uint32_t plen = (uint32_t) strlen(path);

	if (split_flush_raw(s, err) < 0)
		return -1;
	h[0] = 'F';
	memcpy(h + 1, &size, 8);
	memcpy(h + 9, &plen, 4);
	if (split_write(s, h, 13, err) < 0 || split_write(s, path, plen, err) < 0)
		return -1;
	return 0;
}

static uint64_t
tar_number(const uint8_t *f, size_t len)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		/* base-256: the rest of the field, big-endian */
		v = f[0] & 0x3f;
		for (i = 1; i < len; i++)
			v = (v << 8) | f[i];
		return v;
	}
	while (i < len && (f[i] == ' ' || f[i] == 0))
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (uint64_t) (f[i] - '0');
	return v;
}

static void
parse_pax(struct tar_split *s)
{
	const char *p = s->meta.buf, *end = s->meta.buf + s->meta.len;

	while (p < end) {
		char *sp = NULL;
		unsigned long long n = strtoull(p, &sp, 10);
		const char *rec = p, *kv, *eq;

		if (!sp || *sp != ' ' || n == 0 || n > (unsigned long long) (end - p))
			return;
		kv = sp + 1;
		p = rec + n;
		eq = memchr(kv, '=', (size_t) (p - kv));
		if (!eq || p[-1] != '\n')
			continue;
		if ((size_t) (eq - kv) == 4 && memcmp(kv, "path", 4) == 0) {
			free(s->pax_path);
			s->pax_path = xstrndup(eq + 1, (size_t) (p - 1 - (eq + 1)));
		} else if ((size_t) (eq - kv) == 4 && memcmp(kv, "size", 4) == 0) {
			cleanup_free char *v = xstrndup(eq + 1, (size_t) (p - 1 - (eq + 1)));
			int64_t sz;

			if (pod_parse_int64(v, &sz) && sz >= 0) {
				s->has_pax_size = true;
				s->pax_size = (uint64_t) sz;
			}
		}
	}
}

static bool
block_is_zero(const uint8_t *b)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

static int
split_header(struct tar_split *s, struct pod_err **err)
{
	const uint8_t *h = s->hdr;
	char type = (char) h[156];
	uint64_t size;
	cleanup_free char *name = NULL;

	if (split_raw(s, h, BLOCK, err) < 0)
		return -1;
	if (block_is_zero(h)) {
		s->st = SP_TRAILER;
		return 0;
	}
	size = tar_number(h + 124, 12);
	if (type == 'x' || type == 'L') {
		s->st = SP_META;
		s->meta_type = type;
		pod_strbuf_reset(&s->meta);
		if (size > (16u << 20))
			return pod_err_set(err, POD_E_INVALID, 0, "tar meta entry too large");
		s->left = size;
		s->pad = (BLOCK - size % BLOCK) % BLOCK;
		return 0;
	}
	if (s->has_pax_size)
		size = s->pax_size;
	if (s->pax_path) {
		name = TAKE_PTR(s->pax_path);
	} else if (s->gnu_path) {
		name = TAKE_PTR(s->gnu_path);
	} else {
		char n[101], prefix[156];

		memcpy(n, h, 100);
		n[100] = 0;
		prefix[0] = 0;
		if (memcmp(h + 257, "ustar\0", 6) == 0) {
			memcpy(prefix, h + 345, 155);
			prefix[155] = 0;
		}
		name = *prefix ? xasprintf("%s/%s", prefix, n) : xstrdup(n);
	}
	free(s->gnu_path);
	s->gnu_path = NULL;
	free(s->pax_path);
	s->pax_path = NULL;
	s->has_pax_size = false;
	s->left = size;
	s->pad = (BLOCK - size % BLOCK) % BLOCK;
	if ((type == '0' || type == '\0' || type == '7') && size > 0) {
		if (strlen(name) > SPLIT_MAX_PATH)
			return pod_err_set(err, POD_E_INVALID, 0, "tar entry name too long");
		if (split_file(s, name, size, err) < 0)
			return -1;
		s->st = SP_FILE;
	} else {
		s->st = size ? SP_RAW : SP_PAD;
	}
	return 0;
}

static int
split_feed(struct tar_split *s, const void *buf, size_t len, struct pod_err **err)
{
	const uint8_t *p = buf;

	while (len) {
		size_t n;

		switch (s->st) {
		case SP_HEADER:
			n = BLOCK - s->nhdr;
			if (n > len)
				n = len;
			memcpy(s->hdr + s->nhdr, p, n);
			s->nhdr += n;
			if (s->nhdr == BLOCK) {
				s->nhdr = 0;
				if (split_header(s, err) < 0)
					return -1;
			}
			break;
		case SP_TRAILER:
			n = len;
			if (split_raw(s, p, n, err) < 0)
				return -1;
			break;
		case SP_META:
		case SP_RAW:
		case SP_FILE:
			n = s->left < len ? (size_t) s->left : len;
			if (s->st != SP_FILE && split_raw(s, p, n, err) < 0)
				return -1;
			if (s->st == SP_META)
				pod_strbuf_add(&s->meta, p, n);
			s->left -= n;
			if (!s->left) {
				if (s->st == SP_META) {
					if (s->meta_type == 'x') {
						parse_pax(s);
					} else {
						free(s->gnu_path);
						s->gnu_path = xstrndup(s->meta.buf, s->meta.len);
					}
				}
				s->st = SP_PAD;
				s->left = s->pad;
			}
			break;
		case SP_PAD:
			n = s->left < len ? (size_t) s->left : len;
			if (split_raw(s, p, n, err) < 0)
				return -1;
			s->left -= n;
			break;
		default:
			n = len;
			break;
		}
		if (s->st == SP_PAD && !s->left)
			s->st = SP_HEADER;
		p += n;
		len -= n;
	}
	return 0;
}

static void
split_release(struct tar_split *s)
{
	if (s->gz)
		gzclose(s->gz);
	s->gz = NULL;
	pod_strbuf_release(&s->meta);
	pod_strbuf_release(&s->raw);
	free(s->pax_path);
	free(s->gnu_path);
	s->pax_path = s->gnu_path = NULL;
}

/* ---- the writer ---- */

struct pod_layer_writer {
	struct pod_imagestore *is;
	char *tmp_name; /* ".tmp-RAND" below layers/ */
	int tmp_lock;
	int layer_lock; /* held when the chain ID was known at begin */
	char id[65];
	char parent[65];
	char *want_diff_id, *want_cdigest, *media_type;
	uint64_t max_size;
	struct pod_sha256 chash, uhash;
	uint64_t csize, usize;
	uint8_t head[4];
	size_t nhead;
	enum pod_compression kind;
	struct pod_decompressor *dec;
	struct pod_tar_extract *x;
	struct tar_split split;
	bool failed;
};

static void
chain_id(const char *parent_hex, const char *diff_id, char ret[65])
{
	char d[POD_DIGEST_LEN];

	if (!parent_hex || !*parent_hex) {
		snprintf(ret, 65, "%s", diff_id + 7);
		return;
	}
	cleanup_free char *s = xasprintf("sha256:%s %s", parent_hex, diff_id);
	struct pod_sha256 h;

	pod_sha256_init(&h);
	pod_sha256_update(&h, s, strlen(s));
	pod_sha256_final(&h, d);
	snprintf(ret, 65, "%s", d + 7);
}

static bool
digest_ok(const char *d)
{
	const char *hex = pod_imagestore_hex(d);

	return hex && pod_str_has_prefix(d, "sha256:");
}

/* a ready row for id: 1, none: 0 */
static int
layer_row_ready(struct pod_imagestore *is, const char *id, struct pod_layer_info *ret,
		struct pod_err **err)
{
	struct pod_err *e = NULL;

	if (pod_imagestore_layer_get(is, id, ret, &e) == 0)
		return 1;
	if (e->kind == POD_E_NOTFOUND) {
		pod_err_free(&e);
		return 0;
	}
	*err = e;
	return -1;
}

int
pod_imagestore_layer_get(struct pod_imagestore *is, const char *chain_id_s,
			 struct pod_layer_info *ret, struct pod_err **err)
{
	const char *hex = pod_imagestore_hex(chain_id_s);
	cleanup_stmt sqlite3_stmt *st = NULL;
	struct pod_layer_info info = { 0 };
	const char *v;
	int rc;

	if (!hex)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "layer %s not known", chain_id_s);
	st = pod_store_prepare(is->store,
			       "SELECT parent, diff_id, compressed_digest, size, data FROM layers"
			       " WHERE id = ?1 AND state = 'ready'",
			       err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "layer %s not known", hex);
	if (rc != SQLITE_ROW)
		return pod_store_sqlite_err(is->store, err, "reading layer %s", hex);
	snprintf(info.id, sizeof(info.id), "%s", hex);
	if ((v = (const char *) sqlite3_column_text(st, 0)))
		snprintf(info.parent, sizeof(info.parent), "%s", v);
	if ((v = (const char *) sqlite3_column_text(st, 1)))
		snprintf(info.diff_id, sizeof(info.diff_id), "%s", v);
	if ((v = (const char *) sqlite3_column_text(st, 2)))
		snprintf(info.compressed_digest, sizeof(info.compressed_digest), "%s", v);
	info.size = sqlite3_column_int64(st, 3);
	v = (const char *) sqlite3_column_text(st, 4);
	if (v) {
		cleanup_json json_t *d = json_loads(v, 0, NULL);
		json_t *cs = json_object_get(d, "compressed_size");

		if (json_is_integer(cs))
			info.compressed_size = json_integer_value(cs);
	}
	info.existed = true;
	if (ret)
		*ret = info;
	return 0;
}

int
pod_imagestore_has_layer(struct pod_imagestore *is, const char *chain_id_s,
			 struct pod_err **err)
{
	return layer_row_ready(is, chain_id_s, NULL, err);
}

static int
writer_tar(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	struct pod_layer_writer *w = ctx;

	w->usize += len;
	if (w->max_size && w->usize > w->max_size)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "layer is larger than the limit of %" PRIu64 " bytes",
				   w->max_size);
	pod_sha256_update(&w->uhash, buf, len);
	if (split_feed(&w->split, buf, len, err) < 0)
		return -1;
	return pod_tar_extract_feed(w->x, buf, len, err);
}

struct pod_layer_writer *
pod_layer_writer_free(struct pod_layer_writer *w)
{
	if (!w)
		return NULL;
	pod_decompressor_free(w->dec);
	pod_tar_extract_free(w->x);
	split_release(&w->split);
	pod_sha256_release(&w->chash);
	pod_sha256_release(&w->uhash);
	if (w->tmp_name) {
		pod_imagestore_tmp_remove(w->is, w->tmp_name);
		free(w->tmp_name);
	}
	pod_lock_release(w->tmp_lock);
	pod_lock_release(w->layer_lock);
	free(w->want_diff_id);
	free(w->want_cdigest);
	free(w->media_type);
	free(w);
	return NULL;
}

void
pod_layer_writer_freep(struct pod_layer_writer **w)
{
	*w = pod_layer_writer_free(*w);
}

int
pod_imagestore_layer_begin(struct pod_imagestore *is, const struct pod_layer_add_opts *opts,
			   struct pod_layer_writer **ret, struct pod_layer_info *ret_info,
			   struct pod_err **err)
{
	static const struct pod_layer_add_opts none = { 0 };
	cleanup_(pod_layer_writer_freep) struct pod_layer_writer *w = NULL;
	struct pod_layer_opts lo = { 0 };
	cleanup_free char *tmp = NULL, *diff = NULL;
	cleanup_close int dfd = -1;
	const char *parent_hex = NULL;

	if (!opts)
		opts = &none;
	if (opts->parent && !(parent_hex = pod_imagestore_hex(opts->parent)))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid parent layer ID \"%s\"",
				   opts->parent);
	if (opts->diff_id && !digest_ok(opts->diff_id))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid layer DiffID \"%s\"",
				   opts->diff_id);
	if (opts->compressed_digest && !digest_ok(opts->compressed_digest))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid layer digest \"%s\"",
				   opts->compressed_digest);
	if (pod_imagestore_writing(is, err) < 0)
		return -1;

	w = xcalloc(1, sizeof(*w));
	w->is = is;
	w->tmp_lock = -1;
	w->layer_lock = -1;
	pod_sha256_init(&w->chash);
	pod_sha256_init(&w->uhash);
	pod_strbuf_init(&w->split.meta);
	pod_strbuf_init(&w->split.raw);
	if (parent_hex)
		snprintf(w->parent, sizeof(w->parent), "%s", parent_hex);
	w->want_diff_id = opts->diff_id ? xstrdup(opts->diff_id) : NULL;
	w->want_cdigest = opts->compressed_digest ? xstrdup(opts->compressed_digest) : NULL;
	w->media_type = opts->media_type ? xstrdup(opts->media_type) : NULL;
	w->max_size = opts->max_size;

	if (opts->diff_id) {
		chain_id(w->parent, opts->diff_id, w->id);
		w->layer_lock = pod_imagestore_lock(is, w->id, true, err);
		if (w->layer_lock < 0)
			return -1;
		int r = layer_row_ready(is, w->id, ret_info, err);

		if (r < 0)
			return -1;
		if (r > 0) {
			*ret = NULL;
			return 0;
		}
	}
	if (pod_imagestore_tmp_new(is, &w->tmp_name, &w->tmp_lock, err) < 0)
		return -1;
	tmp = pod_path_join(is->layers_dir, w->tmp_name);
	diff = pod_path_join(tmp, "diff");
	if (mkdir(diff, 0755) < 0)
		return pod_err_sys(err, "creating %s", diff);
	dfd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pod_err_sys(err, "opening %s", diff);
	lo.userxattr = is->userxattr;
	w->x = pod_tar_extract_new(dfd, &lo, err);
	if (!w->x)
		return -1;
	cleanup_free char *sp = pod_path_join(tmp, POD_TAR_SPLIT_NAME);
	int sfd = open(sp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (sfd < 0)
		return pod_err_sys(err, "creating %s", sp);
	w->split.gz = gzdopen(sfd, "wb1");
	if (!w->split.gz) {
		close(sfd);
		return pod_err_set(err, POD_E_GENERIC, 0, "opening %s for compression", sp);
	}
	*ret = TAKE_PTR(w);
	return 0;
}

static int
writer_start(struct pod_layer_writer *w, struct pod_err **err)
{
	w->kind = pod_compression_sniff(w->head, w->nhead);
	w->dec = pod_decompressor_new(w->kind, writer_tar, w);
	return pod_decompressor_feed(w->dec, w->head, w->nhead, err);
}

int
pod_layer_writer_write(struct pod_layer_writer *w, const void *buf, size_t len,
		       struct pod_err **err)
{
	const uint8_t *p = buf;

	if (w->failed)
		return pod_err_set(err, POD_E_STATE, 0, "layer writer used after an error");
	if (!len)
		return 0;
	pod_sha256_update(&w->chash, buf, len);
	w->csize += len;
	if (!w->dec) {
		size_t n = sizeof(w->head) - w->nhead;

		if (n > len)
			n = len;
		memcpy(w->head + w->nhead, p, n);
		w->nhead += n;
		p += n;
		len -= n;
		if (w->nhead < sizeof(w->head))
			return 0;
		if (writer_start(w, err) < 0)
			goto fail;
	}
	if (pod_decompressor_feed(w->dec, p, len, err) < 0)
		goto fail;
	return 0;
fail:
	w->failed = true;
	return pod_err_wrap(err, "extracting layer");
}

static int
insert_row(struct pod_layer_writer *w, const char *diff_id, const char *cdigest,
	   struct pod_err **err)
{
	struct pod_store *s = w->is->store;
	cleanup_stmt sqlite3_stmt *st = NULL;
	cleanup_json json_t *data = json_pack("{s:I, s:s, s:s}", "compressed_size",
					      (json_int_t) w->csize, "compression",
					      pod_compression_name(w->kind), "driver",
					      w->is->driver);
	cleanup_free char *dtext = NULL;

	if (w->media_type)
		json_object_set_new(data, "media_type", json_string(w->media_type));
	dtext = json_dumps(data, JSON_COMPACT);
	if (pod_store_begin(s, true, err) < 0)
		return -1;
	st = pod_store_prepare(s,
			       "INSERT OR REPLACE INTO layers (id, parent, diff_id, compressed_digest,"
			       " size, created, state, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'ready', ?7)",
			       err);
	if (!st)
		goto fail;
	sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
	if (*w->parent)
		sqlite3_bind_text(st, 2, w->parent, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, diff_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, cdigest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (sqlite3_int64) w->usize);
	sqlite3_bind_int64(st, 6, pod_now_ns());
	sqlite3_bind_text(st, 7, dtext, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		pod_store_sqlite_err(s, err, "recording layer %s", w->id);
		goto fail;
	}
	return pod_store_commit(s, err);
fail:
	pod_store_rollback(s);
	if (*w->parent && sqlite3_extended_errcode(pod_store_db(s)) ==
				  SQLITE_CONSTRAINT_FOREIGNKEY)
		return pod_err_set(err, POD_E_STATE, 0,
				   "parent layer %s was removed while writing layer %s", w->parent,
				   w->id);
	return -1;
}

int
pod_layer_writer_commit(struct pod_layer_writer *w, struct pod_layer_info *ret,
			struct pod_err **err)
{
	cleanup_(pod_layer_writer_freep) POD_UNUSED struct pod_layer_writer *owned = w;
	struct pod_layer_result r = { 0 };
	char diff_id[POD_DIGEST_LEN], cdigest[POD_DIGEST_LEN];
	struct pod_layer_info info = { 0 };
	cleanup_free char *tmp = NULL, *dst = NULL;
	int rc;

	if (w->failed)
		return pod_err_set(err, POD_E_STATE, 0, "layer writer used after an error");
	w->failed = true;
	if (!w->dec && writer_start(w, err) < 0)
		return pod_err_wrap(err, "extracting layer");
	if (pod_decompressor_finish(w->dec, err) < 0 || pod_tar_extract_finish(w->x, &r, err) < 0)
		return pod_err_wrap(err, "extracting layer");
	if (split_flush_raw(&w->split, err) < 0)
		return -1;
	rc = gzclose(w->split.gz);
	w->split.gz = NULL;
	if (rc != Z_OK)
		return pod_err_set(err, POD_E_GENERIC, 0, "writing the layer's tar-split");
	pod_sha256_final(&w->chash, cdigest);
	pod_sha256_final(&w->uhash, diff_id);
	if (w->want_cdigest && !STREQ(w->want_cdigest, cdigest))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "layer digest mismatch: expected %s, got %s", w->want_cdigest,
				   cdigest);
	if (w->want_diff_id && !STREQ(w->want_diff_id, diff_id))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "layer DiffID mismatch: expected %s, got %s", w->want_diff_id,
				   diff_id);
	if (!*w->id)
		chain_id(w->parent, diff_id, w->id);
	if (w->layer_lock < 0) {
		w->layer_lock = pod_imagestore_lock(w->is, w->id, true, err);
		if (w->layer_lock < 0)
			return -1;
		rc = layer_row_ready(w->is, w->id, ret, err);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	/* a dir without a row is a crashed writer's: replace it */
	if (pod_imagestore_layer_rmdir(w->is, w->id, false, err) < 0)
		return -1;
	tmp = pod_path_join(w->is->layers_dir, w->tmp_name);
	dst = pod_path_join(w->is->layers_dir, w->id);
	if (rename(tmp, dst) < 0)
		return pod_err_sys(err, "moving layer %s into place", w->id);
	pod_imagestore_tmp_remove(w->is, w->tmp_name); /* only its lock file is left */
	free(w->tmp_name);
	w->tmp_name = NULL;
	if (insert_row(w, diff_id, cdigest, err) < 0) {
		struct pod_err *e = NULL;

		if (pod_imagestore_layer_rmdir(w->is, w->id, false, &e) < 0)
			pod_err_free(&e);
		return -1;
	}
	snprintf(info.id, sizeof(info.id), "%s", w->id);
	snprintf(info.parent, sizeof(info.parent), "%s", w->parent);
	snprintf(info.diff_id, sizeof(info.diff_id), "%s", diff_id);
	snprintf(info.compressed_digest, sizeof(info.compressed_digest), "%s", cdigest);
	info.compressed_size = (int64_t) w->csize;
	info.size = (int64_t) w->usize;
	info.existed = false;
	if (ret)
		*ret = info;
	return 0;
}

int
pod_imagestore_add_layer_fd(struct pod_imagestore *is, const struct pod_layer_add_opts *opts,
			    int fd, struct pod_layer_info *ret, struct pod_err **err)
{
	cleanup_(pod_layer_writer_freep) struct pod_layer_writer *w = NULL;
	cleanup_free uint8_t *buf = NULL;

	if (pod_imagestore_layer_begin(is, opts, &w, ret, err) < 0)
		return -1;
	if (!w)
		return 0;
	buf = xmalloc(1 << 17);
	for (;;) {
		ssize_t n = read(fd, buf, 1 << 17);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pod_err_sys(err, "reading layer");
		if (n == 0)
			break;
		if (pod_layer_writer_write(w, buf, (size_t) n, err) < 0)
			return -1;
	}
	return pod_layer_writer_commit(TAKE_PTR(w), ret, err);
}

/* ---- reassembly ---- */

static int
gz_read_full(gzFile gz, void *buf, size_t len, bool *eof, struct pod_err **err)
{
	int n = gzread(gz, buf, (unsigned) len);

	if (n == 0 && eof) {
		*eof = true;
		return 0;
	}
	if (n < 0 || (size_t) n != len)
		return pod_err_set(err, POD_E_GENERIC, 0, "reading the layer's tar-split: %s",
				   n < 0 ? "read error" : "truncated");
	return 0;
}

int
pod_imagestore_layer_tar(struct pod_imagestore *is, const char *layer_id,
			 pod_imagestore_out_fn out, void *ctx, struct pod_err **err)
{
	struct pod_layer_info info;
	cleanup_free char *dir = NULL, *sp = NULL, *diff = NULL;
	cleanup_free uint8_t *buf = NULL;
	cleanup_close int dfd = -1;
	struct pod_sha256 h;
	char got[POD_DIGEST_LEN];
	gzFile gz = NULL;
	int fd, rc = -1;

	if (pod_imagestore_layer_get(is, layer_id, &info, err) < 0)
		return -1;
	dir = pod_path_join(is->layers_dir, info.id);
	sp = pod_path_join(dir, POD_TAR_SPLIT_NAME);
	diff = pod_path_join(dir, "diff");
	dfd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pod_err_sys(err, "opening %s", diff);
	fd = open(sp, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pod_err_sys(err, "opening %s", sp);
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return pod_err_set(err, POD_E_GENERIC, 0, "opening %s", sp);
	}
	buf = xmalloc(1 << 17);
	pod_sha256_init(&h);
	for (;;) {
		uint8_t t;
		bool eof = false;

		if (gz_read_full(gz, &t, 1, &eof, err) < 0)
			goto out;
		if (eof)
			break;
		if (t == 'R') {
			uint32_t n;

			if (gz_read_full(gz, &n, 4, NULL, err) < 0)
				goto out;
			while (n) {
				size_t k = n > (1u << 17) ? (1u << 17) : n;

				if (gz_read_full(gz, buf, k, NULL, err) < 0)
					goto out;
				pod_sha256_update(&h, buf, k);
				if (out(ctx, buf, k, err) < 0)
					goto out;
				n -= (uint32_t) k;
			}
		} else if (t == 'F') {
			uint64_t size;
			uint32_t plen;
			cleanup_free char *path = NULL;
			cleanup_close int ffd = -1;

			if (gz_read_full(gz, &size, 8, NULL, err) < 0 ||
			    gz_read_full(gz, &plen, 4, NULL, err) < 0)
				goto out;
			if (plen > SPLIT_MAX_PATH) {
				pod_err_set(err, POD_E_GENERIC, 0, "corrupt tar-split in layer %s",
					    info.id);
				goto out;
			}
			path = xmalloc(plen + 1);
			if (gz_read_full(gz, path, plen, NULL, err) < 0)
				goto out;
			path[plen] = 0;
			ffd = pod_openat_in_root(dfd, path, O_RDONLY | O_NOFOLLOW, 0, err);
			if (ffd < 0) {
				pod_err_wrap(err, "layer %s", info.id);
				goto out;
			}
			while (size) {
				size_t k = size > (1u << 17) ? (1u << 17) : (size_t) size;
				ssize_t n = read(ffd, buf, k);

				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					pod_err_set(err, POD_E_GENERIC, n < 0 ? errno : 0,
						    "layer %s: %s changed since it was stored",
						    info.id, path);
					goto out;
				}
				pod_sha256_update(&h, buf, (size_t) n);
				if (out(ctx, buf, (size_t) n, err) < 0)
					goto out;
				size -= (uint64_t) n;
			}
		} else {
			pod_err_set(err, POD_E_GENERIC, 0, "corrupt tar-split in layer %s", info.id);
			goto out;
		}
	}
	pod_sha256_final(&h, got);
	if (!STREQ(got, info.diff_id)) {
		pod_err_set(err, POD_E_GENERIC, 0,
			    "layer %s: the reassembled tar (%s) does not match its DiffID %s",
			    info.id, got, info.diff_id);
		return -1;
	}
	rc = 0;
out:
	if (rc < 0)
		pod_sha256_release(&h);
	gzclose(gz);
	return rc;
}
