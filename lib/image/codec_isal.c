/*
 * codec_isal.c - gzip and gunzip through ISA-L's igzip, two to three times
 * zlib's speed. The tools that move layers choose it at start; the others
 * keep zlib and so need no libisal (Debian has no static one, and the
 * tools on a container's start path are linked without shared libraries
 * but libc).
 */
#include "image/decompress.h"
#include "image/sha256_engine.h"

#include <isa-l/igzip_lib.h>
#include <limits.h>

static void *
isal_open(void)
{
	struct inflate_state *st = xcalloc(1, sizeof(*st));

	isal_inflate_init(st);
	st->crc_flag = ISAL_GZIP;
	return st;
}

static void
isal_close(void *st)
{
	free(st);
}

static void
isal_reset(void *p)
{
	struct inflate_state *st = p;

	isal_inflate_reset(st);
	st->crc_flag = ISAL_GZIP;
}

static const char *
isal_error_text(int r)
{
	switch (r) {
	case ISAL_INVALID_BLOCK:
		return "invalid deflate block";
	case ISAL_INVALID_SYMBOL:
		return "invalid deflate symbol";
	case ISAL_INVALID_LOOKBACK:
		return "invalid lookback distance";
	case ISAL_INVALID_WRAPPER:
		return "invalid gzip header";
	case ISAL_UNSUPPORTED_METHOD:
		return "unsupported compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "checksum mismatch";
	default:
		return "invalid data";
	}
}

static int
isal_run(void *p, const uint8_t **in, size_t *in_len, uint8_t *out, size_t out_cap,
	 size_t *produced, bool *member_end, const char **why)
{
	struct inflate_state *st = p;
	uint32_t avail = *in_len > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t) *in_len;
	int r;

	st->next_in = (uint8_t *) *in;
	st->avail_in = avail;
	st->next_out = out;
	st->avail_out = (uint32_t) out_cap;
	r = isal_inflate(st);
	*in += avail - st->avail_in;
	*in_len -= avail - st->avail_in;
	*produced = out_cap - st->avail_out;
	if (r < 0) {
		*why = isal_error_text(r);
		return -1;
	}
	*member_end = st->block_state == ISAL_BLOCK_FINISH;
	return 0;
}

static const struct pod_gunzip gunzip_isal = {
	.open = isal_open, .close = isal_close, .reset = isal_reset, .run = isal_run,
};

struct isal_gz {
	struct isal_zstream zs;
	uint8_t *level_buf;
};

static void *
isal_gz_open(int level)
{
	static const uint32_t lvl_size[] = { ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
					     ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT };
	struct isal_gz *g = xcalloc(1, sizeof(*g));

	if (level < 0 || level > 3)
		level = 1;
	isal_deflate_init(&g->zs);
	g->zs.gzip_flag = IGZIP_GZIP;
	g->zs.level = (uint32_t) level;
	g->zs.level_buf_size = lvl_size[level];
	g->level_buf = xmalloc(lvl_size[level]);
	g->zs.level_buf = g->level_buf;
	g->zs.flush = NO_FLUSH;
	return g;
}

static void
isal_gz_close(void *p)
{
	struct isal_gz *g = p;

	if (g)
		free(g->level_buf);
	free(g);
}

static int
isal_gz_run(void *p, const uint8_t **in, size_t *in_len, bool end, uint8_t *out,
	    size_t out_cap, size_t *produced, bool *finished)
{
	struct isal_zstream *zs = &((struct isal_gz *) p)->zs;
	uint32_t avail = *in_len > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t) *in_len;

	zs->next_in = (uint8_t *) *in;
	zs->avail_in = avail;
	zs->end_of_stream = end && avail == *in_len;
	zs->next_out = out;
	zs->avail_out = (uint32_t) out_cap;
	if (isal_deflate(zs) != COMP_OK)
		return -1;
	*in += avail - zs->avail_in;
	*in_len -= avail - zs->avail_in;
	*produced = out_cap - zs->avail_out;
	*finished = zs->internal_state.state == ZSTATE_END;
	return 0;
}

static const struct pod_gzip gzip_isal = {
	.open = isal_gz_open, .close = isal_gz_close, .run = isal_gz_run,
};

void
pod_image_use_fast_engines(void)
{
	pod_gunzip = &gunzip_isal;
	pod_gzip = &gzip_isal;
	pod_sha256_use_openssl();
}
