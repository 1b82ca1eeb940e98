/* compress.c - the compressing codecs: gzip (zlib, or igzip: codec_isal.c), zstd */
#include "image/decompress.h"

#include <limits.h>
#include <zlib.h>
#include <zstd.h>

#define CODEC_BUF (256u * 1024)

/* ---- gzip through zlib: the default ---- */

static void *
zlib_open(int level)
{
	z_stream *z = xcalloc(1, sizeof(*z));

	/* igzip's levels 0-3 are its fastest; zlib's like them are 1-4 */
	if (deflateInit2(z, level + 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort(); /* only fails on allocation */
	return z;
}

static void
zlib_close(void *st)
{
	if (st)
		deflateEnd(st);
	free(st);
}

static int
zlib_run(void *st, const uint8_t **in, size_t *in_len, bool end, uint8_t *out, size_t out_cap,
	 size_t *produced, bool *finished)
{
	z_stream *z = st;
	uInt avail = *in_len > UINT_MAX / 2 ? UINT_MAX / 2 : (uInt) *in_len;
	bool last = end && avail == *in_len;
	int r;

	z->next_in = (Bytef *) *in;
	z->avail_in = avail;
	z->next_out = out;
	z->avail_out = (uInt) out_cap;
	r = deflate(z, last ? Z_FINISH : Z_NO_FLUSH);
	*in += avail - z->avail_in;
	*in_len -= avail - z->avail_in;
	*produced = out_cap - z->avail_out;
	*finished = r == Z_STREAM_END;
	return r == Z_OK || r == Z_STREAM_END || r == Z_BUF_ERROR ? 0 : -1;
}

static const struct pod_gzip gzip_zlib = {
	.open = zlib_open, .close = zlib_close, .run = zlib_run,
};

const struct pod_gzip *pod_gzip = &gzip_zlib;

/* ---- compression ---- */

struct pod_compressor {
	enum pod_compression kind;
	pod_codec_out_fn out;
	void *ctx;
	uint8_t *obuf;
	const struct pod_gzip *gzip;
	void *gz;
	ZSTD_CCtx *zs;
	bool failed;
};

struct pod_compressor *
pod_compressor_new(enum pod_compression kind, int level, pod_codec_out_fn out, void *ctx,
		   struct pod_err **err)
{
	struct pod_compressor *c;

	if (kind == POD_COMPRESSION_GZIP && (level < 0 || level > 3)) {
		pod_err_set(err, POD_E_INVALID, 0, "invalid gzip level %d (0-%d)", level, 3);
		return NULL;
	}
	if (kind == POD_COMPRESSION_ZSTD && (level < 0 || level > ZSTD_maxCLevel())) {
		pod_err_set(err, POD_E_INVALID, 0, "invalid zstd level %d (0-%d)", level,
			    ZSTD_maxCLevel());
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->kind = kind;
	c->out = out;
	c->ctx = ctx;
	if (kind == POD_COMPRESSION_GZIP) {
		if (!level)
			level = 1;
		c->obuf = xmalloc(CODEC_BUF);
		c->gzip = pod_gzip;
		c->gz = c->gzip->open(level);
	} else if (kind == POD_COMPRESSION_ZSTD) {
		c->obuf = xmalloc(CODEC_BUF);
		c->zs = ZSTD_createCCtx();
		if (!c->zs)
			abort();
		ZSTD_CCtx_setParameter(c->zs, ZSTD_c_compressionLevel,
				       level ? level : ZSTD_CLEVEL_DEFAULT);
		ZSTD_CCtx_setParameter(c->zs, ZSTD_c_checksumFlag, 1);
	}
	return c;
}

static int
gz_deflate(struct pod_compressor *c, const uint8_t *buf, size_t len, bool end,
	   struct pod_err **err)
{
	bool full, finished = false;

	do {
		size_t produced = 0;

		if (c->gzip->run(c->gz, &buf, &len, end, c->obuf, CODEC_BUF, &produced, &finished) <
		    0)
			return pod_err_set(err, POD_E_GENERIC, 0, "gzip compression failed");
		full = produced == CODEC_BUF;
		if (produced && c->out(c->ctx, c->obuf, produced, err) < 0)
			return -1;
	} while (len > 0 || full || (end && !finished));
	return 0;
}

static int
zs_compress(struct pod_compressor *c, const uint8_t *buf, size_t len, bool end,
	    struct pod_err **err)
{
	ZSTD_inBuffer in = { buf, len, 0 };
	ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
	size_t r;

	do {
		ZSTD_outBuffer o = { c->obuf, CODEC_BUF, 0 };

		r = ZSTD_compressStream2(c->zs, &o, &in, mode);
		if (ZSTD_isError(r))
			return pod_err_set(err, POD_E_GENERIC, 0, "zstd compression failed: %s",
					   ZSTD_getErrorName(r));
		if (o.pos && c->out(c->ctx, c->obuf, o.pos, err) < 0)
			return -1;
	} while (in.pos < in.size || (end && r != 0));
	return 0;
}

static int
compress_step(struct pod_compressor *c, const void *buf, size_t len, bool end,
	      struct pod_err **err)
{
	int r;

	if (c->failed)
		return pod_err_set(err, POD_E_STATE, 0, "compressor used after an error");
	switch (c->kind) {
	case POD_COMPRESSION_GZIP:
		r = gz_deflate(c, buf, len, end, err);
		break;
	case POD_COMPRESSION_ZSTD:
		r = zs_compress(c, buf, len, end, err);
		break;
	default:
		r = len ? c->out(c->ctx, buf, len, err) : 0;
		break;
	}
	if (r < 0)
		c->failed = true;
	return r;
}

int
pod_compressor_feed(struct pod_compressor *c, const void *buf, size_t len, struct pod_err **err)
{
	if (!len)
		return 0;
	return compress_step(c, buf, len, false, err);
}

int
pod_compressor_finish(struct pod_compressor *c, struct pod_err **err)
{
	return compress_step(c, NULL, 0, true, err);
}

struct pod_compressor *
pod_compressor_free(struct pod_compressor *c)
{
	if (!c)
		return NULL;
	if (c->gz)
		c->gzip->close(c->gz);
	if (c->zs)
		ZSTD_freeCCtx(c->zs);
	free(c->obuf);
	free(c);
	return NULL;
}

