/* decompress.c - layer codecs (gzip, zstd), sha256 streams and the push sink */
#include "image/decompress.h"
#include "image/layer-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define CODEC_BUF (256u * 1024)

/* ---- sha256 ---- */

void
pod_sha256_init(struct pod_sha256 *h)
{
	h->eng = pod_sha256_engine;
	h->st = h->eng->begin();
}

void
pod_sha256_update(struct pod_sha256 *h, const void *buf, size_t len)
{
	if (len)
		h->eng->add(h->st, buf, len);
}

void
pod_sha256_final(struct pod_sha256 *h, char out[POD_DIGEST_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	char *p = out;

	h->eng->end(h->st, md);
	h->st = NULL;
	memcpy(p, "sha256:", 7);
	p += 7;
	for (size_t i = 0; i < sizeof(md); i++) {
		*p++ = hex[md[i] >> 4];
		*p++ = hex[md[i] & 15];
	}
	*p = '\0';
}

void
pod_sha256_release(struct pod_sha256 *h)
{
	if (h->st)
		h->eng->drop(h->st);
	h->st = NULL;
}

/* ---- sniffing ---- */

enum pod_compression
pod_compression_sniff(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return POD_COMPRESSION_GZIP;
	if (len >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return POD_COMPRESSION_ZSTD;
	return POD_COMPRESSION_NONE;
}

const char *
pod_compression_name(enum pod_compression c)
{
	switch (c) {
	case POD_COMPRESSION_GZIP:
		return "gzip";
	case POD_COMPRESSION_ZSTD:
		return "zstd";
	case POD_COMPRESSION_NONE:
		break;
	}
	return "none";
}

/* ---- gunzip through zlib: the default; see pod_image_use_fast_engines() ---- */

static void *
zlib_open(void)
{
	z_stream *z = xcalloc(1, sizeof(*z));

	/* 16 + 15: a gzip wrapper only, the largest window */
	if (inflateInit2(z, 16 + MAX_WBITS) != Z_OK)
		abort(); /* only fails on allocation */
	return z;
}

static void
zlib_close(void *st)
{
	if (st)
		inflateEnd(st);
	free(st);
}

static void
zlib_reset(void *st)
{
	inflateReset(st);
}

/* the words igzip's errors have (codec_isal.c), for the same failures */
static const char *
zlib_error_text(const z_stream *z, int r)
{
	const char *m = z->msg ? z->msg : "";

	if (strstr(m, "incorrect data check") || strstr(m, "incorrect length check"))
		return "checksum mismatch";
	if (strstr(m, "header check") || strstr(m, "header crc"))
		return "invalid gzip header";
	if (strstr(m, "unknown compression method"))
		return "unsupported compression method";
	if (strstr(m, "block type") || strstr(m, "stored block") || strstr(m, "code lengths"))
		return "invalid deflate block";
	if (strstr(m, "distance"))
		return "invalid lookback distance";
	if (r == Z_DATA_ERROR && strstr(m, "code"))
		return "invalid deflate symbol";
	return "invalid data";
}

static int
zlib_run(void *st, const uint8_t **in, size_t *in_len, uint8_t *out, size_t out_cap,
	 size_t *produced, bool *member_end, const char **why)
{
	z_stream *z = st;
	uInt avail = *in_len > UINT_MAX / 2 ? UINT_MAX / 2 : (uInt) *in_len;
	int r;

	z->next_in = (Bytef *) *in;
	z->avail_in = avail;
	z->next_out = out;
	z->avail_out = (uInt) out_cap;
	r = inflate(z, Z_NO_FLUSH);
	*in += avail - z->avail_in;
	*in_len -= avail - z->avail_in;
	*produced = out_cap - z->avail_out;
	*member_end = r == Z_STREAM_END;
	/* Z_BUF_ERROR: no progress for want of input or room, not an error */
	if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
		*why = zlib_error_text(z, r);
		return -1;
	}
	return 0;
}

static const struct pod_gunzip gunzip_zlib = {
	.open = zlib_open, .close = zlib_close, .reset = zlib_reset, .run = zlib_run,
};

const struct pod_gunzip *pod_gunzip = &gunzip_zlib;

/* ---- decompression ---- */

struct pod_decompressor {
	enum pod_compression kind;
	pod_codec_out_fn out;
	void *ctx;
	uint8_t *obuf;
	const struct pod_gunzip *gunzip;
	void *gz;
	bool gz_member_done; /* the last member ended: the next byte starts another */
	bool gz_any;	     /* some gzip input was seen */
	ZSTD_DStream *zs;
	size_t zs_hint; /* last ZSTD_decompressStream() result: 0 at a frame end */
	bool zs_any;
	bool failed;
};

struct pod_decompressor *
pod_decompressor_new(enum pod_compression kind, pod_codec_out_fn out, void *ctx)
{
	struct pod_decompressor *d = xcalloc(1, sizeof(*d));

	d->kind = kind;
	d->out = out;
	d->ctx = ctx;
	if (kind == POD_COMPRESSION_GZIP) {
		d->obuf = xmalloc(CODEC_BUF);
		d->gunzip = pod_gunzip;
		d->gz = d->gunzip->open();
	} else if (kind == POD_COMPRESSION_ZSTD) {
		d->obuf = xmalloc(CODEC_BUF);
		d->zs = ZSTD_createDStream();
		if (!d->zs)
			abort();
		ZSTD_initDStream(d->zs);
	}
	return d;
}

static int
gz_feed(struct pod_decompressor *d, const uint8_t *buf, size_t len, struct pod_err **err)
{
	bool full;

	do {
		size_t produced = 0;
		bool end = false;
		const char *why = "invalid data";

		if (d->gz_member_done) {
			/* multi-member gzip: the next member starts here */
			d->gunzip->reset(d->gz);
			d->gz_member_done = false;
		}
		d->gz_any = true;
		if (d->gunzip->run(d->gz, &buf, &len, d->obuf, CODEC_BUF, &produced, &end, &why) < 0)
			return pod_err_set(err, POD_E_INVALID, 0, "decompressing gzip layer: %s",
					   why);
		full = produced == CODEC_BUF;
		if (produced && d->out(d->ctx, d->obuf, produced, err) < 0)
			return -1;
		if (end)
			d->gz_member_done = true;
	} while (len > 0 || full);
	return 0;
}

static int
zs_feed(struct pod_decompressor *d, const uint8_t *buf, size_t len, struct pod_err **err)
{
	ZSTD_inBuffer in = { buf, len, 0 };
	bool full;

	do {
		ZSTD_outBuffer o = { d->obuf, CODEC_BUF, 0 };
		size_t r = ZSTD_decompressStream(d->zs, &o, &in);

		if (ZSTD_isError(r))
			return pod_err_set(err, POD_E_INVALID, 0, "decompressing zstd layer: %s",
					   ZSTD_getErrorName(r));
		d->zs_any = true;
		d->zs_hint = r;
		full = o.pos == o.size;
		if (o.pos && d->out(d->ctx, d->obuf, o.pos, err) < 0)
			return -1;
	} while (in.pos < in.size || full);
	return 0;
}

int
pod_decompressor_feed(struct pod_decompressor *d, const void *buf, size_t len,
		      struct pod_err **err)
{
	int r;

	if (d->failed)
		return pod_err_set(err, POD_E_STATE, 0, "decompressor used after an error");
	if (!len)
		return 0;
	switch (d->kind) {
	case POD_COMPRESSION_GZIP:
		r = gz_feed(d, buf, len, err);
		break;
	case POD_COMPRESSION_ZSTD:
		r = zs_feed(d, buf, len, err);
		break;
	default:
		r = d->out(d->ctx, buf, len, err);
		break;
	}
	if (r < 0)
		d->failed = true;
	return r;
}

int
pod_decompressor_finish(struct pod_decompressor *d, struct pod_err **err)
{
	if (d->failed)
		return pod_err_set(err, POD_E_STATE, 0, "decompressor used after an error");
	if (d->kind == POD_COMPRESSION_GZIP && (!d->gz_any || !d->gz_member_done)) {
		d->failed = true;
		return pod_err_set(err, POD_E_INVALID, 0, "unexpected EOF in gzip stream");
	}
	if (d->kind == POD_COMPRESSION_ZSTD && (!d->zs_any || d->zs_hint != 0)) {
		d->failed = true;
		return pod_err_set(err, POD_E_INVALID, 0, "unexpected EOF in zstd stream");
	}
	return 0;
}

struct pod_decompressor *
pod_decompressor_free(struct pod_decompressor *d)
{
	if (!d)
		return NULL;
	if (d->gz)
		d->gunzip->close(d->gz);
	if (d->zs)
		ZSTD_freeDStream(d->zs);
	free(d->obuf);
	free(d);
	return NULL;
}

/* ---- the push sink: compressed bytes -> hash, inflate, hash, extract ---- */

struct pod_layer_sink {
	struct pod_sha256 chash, uhash;
	uint64_t csize, usize, max_total;
	uint8_t head[4]; /* first bytes, kept until the compression is known */
	size_t nhead;
	enum pod_compression kind;
	struct pod_decompressor *dec;
	struct pod_tar_extract *x;
	bool failed, done;
};

static int
sink_tar(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	struct pod_layer_sink *s = ctx;

	s->usize += len;
	if (s->max_total && s->usize > s->max_total)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "layer is larger than the limit of %" PRIu64 " bytes",
				   s->max_total);
	pod_sha256_update(&s->uhash, buf, len);
	return pod_tar_extract_feed(s->x, buf, len, err);
}

struct pod_layer_sink *
pod_layer_sink_new(int dirfd, const struct pod_layer_opts *o, struct pod_err **err)
{
	struct pod_layer_sink *s;
	struct pod_tar_extract *x = pod_tar_extract_new(dirfd, o, err);

	if (!x)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->x = x;
	s->max_total = o ? o->max_total_size : 0;
	pod_sha256_init(&s->chash);
	pod_sha256_init(&s->uhash);
	return s;
}

static int
sink_start(struct pod_layer_sink *s, struct pod_err **err)
{
	s->kind = pod_compression_sniff(s->head, s->nhead);
	s->dec = pod_decompressor_new(s->kind, sink_tar, s);
	return pod_decompressor_feed(s->dec, s->head, s->nhead, err);
}

int
pod_layer_sink_write(struct pod_layer_sink *s, const void *buf, size_t len, struct pod_err **err)
{
	const uint8_t *p = buf;

	if (s->failed || s->done)
		return pod_err_set(err, POD_E_STATE, 0, "layer sink used after %s",
				   s->failed ? "an error" : "finish");
	if (!len)
		return 0;
	pod_sha256_update(&s->chash, buf, len);
	s->csize += len;
	if (!s->dec) {
		size_t n = sizeof(s->head) - s->nhead;

		if (n > len)
			n = len;
		memcpy(s->head + s->nhead, p, n);
		s->nhead += n;
		p += n;
		len -= n;
		if (s->nhead < sizeof(s->head))
			return 0;
		if (sink_start(s, err) < 0)
			goto fail;
	}
	if (pod_decompressor_feed(s->dec, p, len, err) < 0)
		goto fail;
	return 0;
fail:
	s->failed = true;
	return pod_err_wrap(err, "extracting layer");
}

int
pod_layer_sink_finish(struct pod_layer_sink *s, struct pod_layer_result *ret,
		      struct pod_err **err)
{
	struct pod_layer_result r = { 0 };

	if (s->failed || s->done)
		return pod_err_set(err, POD_E_STATE, 0, "layer sink used after %s",
				   s->failed ? "an error" : "finish");
	if (!s->dec && sink_start(s, err) < 0)
		goto fail;
	if (pod_decompressor_finish(s->dec, err) < 0)
		goto fail;
	if (pod_tar_extract_finish(s->x, &r, err) < 0)
		goto fail;
	s->done = true;
	pod_sha256_final(&s->chash, r.compressed_digest);
	pod_sha256_final(&s->uhash, r.diff_id);
	r.compressed_size = s->csize;
	r.uncompressed_size = s->usize;
	r.compression = s->kind;
	if (ret)
		*ret = r;
	return 0;
fail:
	s->failed = true;
	return pod_err_wrap(err, "extracting layer");
}

struct pod_layer_sink *
pod_layer_sink_free(struct pod_layer_sink *s)
{
	if (!s)
		return NULL;
	pod_sha256_release(&s->chash);
	pod_sha256_release(&s->uhash);
	pod_decompressor_free(s->dec);
	pod_tar_extract_free(s->x);
	free(s);
	return NULL;
}

void
pod_layer_sink_freep(struct pod_layer_sink **s)
{
	*s = pod_layer_sink_free(*s);
}

int
pod_layer_extract_fd(int blob_fd, int dirfd, const struct pod_layer_opts *o,
		     struct pod_layer_result *ret, struct pod_err **err)
{
	cleanup_(pod_layer_sink_freep) struct pod_layer_sink *s = NULL;
	cleanup_free uint8_t *buf = NULL;
	const size_t bufsize = 1u << 20;

	s = pod_layer_sink_new(dirfd, o, err);
	if (!s)
		return -1;
	buf = xmalloc(bufsize);
	for (;;) {
		ssize_t n = read(blob_fd, buf, bufsize);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pod_err_sys(err, "reading layer");
		if (n == 0)
			break;
		if (pod_layer_sink_write(s, buf, (size_t) n, err) < 0)
			return -1;
	}
	return pod_layer_sink_finish(s, ret, err);
}
