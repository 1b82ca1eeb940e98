/* hash_openssl.c - SHA-256 through OpenSSL's EVP, for the tools that hash layers */
#include "image/sha256_engine.h"

#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static void *
ossl_begin(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		abort(); /* only fails on allocation */
	return c;
}

static void
ossl_add(void *st, const void *buf, size_t len)
{
	if (EVP_DigestUpdate(st, buf, len) != 1)
		abort();
}

static void
ossl_end(void *st, unsigned char md[32])
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(st, md, &n) != 1 || n != 32)
		abort();
	EVP_MD_CTX_free(st);
}

static void
ossl_drop(void *st)
{
	EVP_MD_CTX_free(st);
}

static const struct pod_sha256_engine ossl_engine = {
	.begin = ossl_begin, .add = ossl_add, .end = ossl_end, .drop = ossl_drop,
};

void
pod_sha256_use_openssl(void)
{
	pod_sha256_engine = &ossl_engine;
}
