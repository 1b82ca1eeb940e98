/* sha256_engine.h - the SHA-256 implementation behind lib/image's digests */
#ifndef POD_IMAGE_SHA256_ENGINE_H
#define POD_IMAGE_SHA256_ENGINE_H

#include <stddef.h>

/*
 * The SHA-256 engine behind digesters and layer streams: lib/core's by
 * default; OpenSSL's (which has the CPU's SHA extensions) in the tools that
 * move layers, through pod_image_use_fast_engines(). The others then link
 * no libcrypto, whose static copy alone carried 2 MB of code and 15000
 * relocations into every tool.
 */
struct pod_sha256_engine {
	void *(*begin)(void);
	void (*add)(void *st, const void *buf, size_t len);
	void (*end)(void *st, unsigned char md[32]); /* and frees st */
	void (*drop)(void *st);			     /* frees an unfinished st */
};
extern const struct pod_sha256_engine *pod_sha256_engine;
void pod_sha256_use_openssl(void);

#endif
