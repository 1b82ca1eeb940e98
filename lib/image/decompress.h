/*
 * decompress.h - streaming codecs for layer blobs: sniffing, gunzip
 * (multi-member) through zlib or ISA-L's igzip, zstd through libzstd, and
 * their compressing counterparts.
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

/*
 * The gunzip engine: one gzip member at a time. run() inflates from *in
 * (advanced past what it used) into out, says how much it produced and
 * whether the member ended; -1 with *why (igzip's words) on bad data.
 */
struct pod_gunzip {
	void *(*open)(void);
	void (*close)(void *st);
	void (*reset)(void *st); /* for the next member */
	int (*run)(void *st, const uint8_t **in, size_t *in_len, uint8_t *out, size_t out_cap,
		   size_t *produced, bool *member_end, const char **why);
};
/* zlib unless a tool chose igzip; read when a decompressor is made */
extern const struct pod_gunzip *pod_gunzip;

/*
 * The gzip engine: run() deflates from *in (advanced past what it used)
 * into out; with end, it also writes the rest of the stream, and says
 * *finished once the trailer is out.
 */
struct pod_gzip {
	void *(*open)(int level); /* level 0-3 as igzip's */
	void (*close)(void *st);
	int (*run)(void *st, const uint8_t **in, size_t *in_len, bool end, uint8_t *out,
		   size_t out_cap, size_t *produced, bool *finished);
};
/* zlib unless a tool chose igzip; read when a compressor is made */
extern const struct pod_gzip *pod_gzip;

/*
 * igzip for the codecs, and OpenSSL's SHA-256 for the digests, made from
 * now on: in the tools that move layers (pull, load, import, kube, push,
 * save, commit). The others keep zlib and lib/core's SHA-256, and so link
 * neither libisal nor libcrypto.
 */
void pod_image_use_fast_engines(void);

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
