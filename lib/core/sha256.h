/*
 * sha256.h - SHA-256 (FIPS 180-4) for small inputs: cache keys and names.
 *
 * Layer and blob digests use OpenSSL (lib/image/digest.c), which has the
 * CPU's SHA extensions; this one exists so that the tools on a container's
 * start path (pod-oci, pod-run) need not initialise OpenSSL to hash a few
 * kilobytes.  Value functions; nothing to free.
 */
#ifndef POD_CORE_SHA256_H
#define POD_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define POD_SHA256_LEN 32

struct pod_sha256_ctx {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char buf[64];
	size_t fill;
};

void pod_sha256_begin(struct pod_sha256_ctx *c);
void pod_sha256_add(struct pod_sha256_ctx *c, const void *data, size_t len);
void pod_sha256_end(struct pod_sha256_ctx *c, unsigned char md[POD_SHA256_LEN]);
/* the digest of data as 64 lower-case hex digits */
void pod_sha256_hex(const void *data, size_t len, char ret[2 * POD_SHA256_LEN + 1]);

#endif
