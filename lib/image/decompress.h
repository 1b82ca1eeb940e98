/*
 * decompress.h - streaming codecs for layer blobs: sniffing, gzip through
 * ISA-L igzip (multi-member), zstd through libzstd, and their compressing
 * counterparts.
 *
 * Both directions are push-style: feed bytes, the codec calls `out` with
 * every chunk it produces (a borrowed buffer, valid during the call). An
 * error from `out` stops the codec and is returned as is. After any error
 * the object only accepts _free(). The push sink that ties a codec to the
 * tar extractor is declared in layer.h.
 */
#ifndef POD_IMAGE_DECOMPRESS_H
#define POD_IMAGE_DECOMPRESS_H

#include "image/layer.h"

typedef int (*pod_codec_out_fn)(void *ctx, const void *buf, size_t len, struct pod_err **err);

/* gzip 1f 8b, zstd 28 b5 2f fd; needs up to 4 bytes, else NONE */
enum pod_compression pod_compression_sniff(const void *buf, size_t len);
const char *pod_compression_name(enum pod_compression c); /* "gzip", "zstd", "none" */

struct pod_decompressor;
struct pod_decompressor *pod_decompressor_new(enum pod_compression kind, pod_codec_out_fn out,
					      void *ctx);
int pod_decompressor_feed(struct pod_decompressor *d, const void *buf, size_t len,
			  struct pod_err **err);
/* the input ended: an incomplete stream is an error */
int pod_decompressor_finish(struct pod_decompressor *d, struct pod_err **err);
struct pod_decompressor *pod_decompressor_free(struct pod_decompressor *d);

struct pod_compressor;
/* level: 0 for the codec's default */
struct pod_compressor *pod_compressor_new(enum pod_compression kind, int level,
					  pod_codec_out_fn out, void *ctx, struct pod_err **err);
int pod_compressor_feed(struct pod_compressor *c, const void *buf, size_t len,
			struct pod_err **err);
/* writes the end of the stream (gzip trailer, zstd epilogue) */
int pod_compressor_finish(struct pod_compressor *c, struct pod_err **err);
struct pod_compressor *pod_compressor_free(struct pod_compressor *c);

#endif
