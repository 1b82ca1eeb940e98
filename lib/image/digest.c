/* digest.c - sha256 content digests */
#include "image/digest.h"
#include "image/internal.h"

#include "core/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* ---- the default engine: lib/core's SHA-256 ---- */

static void *
core_begin(void)
{
	struct pod_sha256_ctx *c = xmalloc(sizeof(*c));

	pod_sha256_begin(c);
	return c;
}

static void
core_add(void *st, const void *buf, size_t len)
{
	pod_sha256_add(st, buf, len);
}

static void
core_end(void *st, unsigned char md[32])
{
	pod_sha256_end(st, md);
	free(st);
}

static const struct pod_sha256_engine core_engine = {
	.begin = core_begin, .add = core_add, .end = core_end, .drop = free,
};

const struct pod_sha256_engine *pod_sha256_engine = &core_engine;

struct pod_digester {
	const struct pod_sha256_engine *eng;
	void *st;
	uint64_t size;
	bool done;
};

static void
hex_of(const unsigned char *md, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * n] = '\0';
}

struct pod_digester *
pod_digester_new(void)
{
	struct pod_digester *d = xcalloc(1, sizeof(*d));

	d->eng = pod_sha256_engine;
	d->st = d->eng->begin();
	return d;
}

void
pod_digester_update(struct pod_digester *d, const void *buf, size_t len)
{
	if (d->done || len == 0)
		return;
	d->eng->add(d->st, buf, len);
	d->size += len;
}

uint64_t
pod_digester_size(const struct pod_digester *d)
{
	return d->size;
}

void
pod_digester_final(struct pod_digester *d, char ret[POD_DIGEST_BUF])
{
	unsigned char md[32];

	if (d->done)
		abort(); /* a second final is a programming error */
	d->eng->end(d->st, md);
	d->st = NULL;
	d->done = true;
	memcpy(ret, POD_DIGEST_PREFIX, 7);
	hex_of(md, sizeof(md), ret + 7);
}

struct pod_digester *
pod_digester_free(struct pod_digester *d)
{
	if (d) {
		if (d->st)
			d->eng->drop(d->st);
		free(d);
	}
	return NULL;
}

void
pod_digester_freep(struct pod_digester **d)
{
	if (d)
		*d = pod_digester_free(*d);
}

void
pod_digest_buf(const void *buf, size_t len, char ret[POD_DIGEST_BUF])
{
	cleanup_(pod_digester_freep) struct pod_digester *d = pod_digester_new();

	pod_digester_update(d, buf, len);
	pod_digester_final(d, ret);
}

int
pod_digest_fd(int fd, char ret[POD_DIGEST_BUF], uint64_t *ret_size, struct pod_err **err)
{
	cleanup_(pod_digester_freep) struct pod_digester *d = pod_digester_new();
	cleanup_free char *buf = xmalloc(128 * 1024);

	for (;;) {
		ssize_t n = read(fd, buf, 128 * 1024);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "reading");
		}
		if (n == 0)
			break;
		pod_digester_update(d, buf, (size_t) n);
	}
	if (ret_size)
		*ret_size = pod_digester_size(d);
	pod_digester_final(d, ret);
	return 0;
}

int
pod_digest_file(const char *path, char ret[POD_DIGEST_BUF], struct pod_err **err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return pod_err_sys(err, "opening %s", path);
	if (pod_digest_fd(fd, ret, NULL, err) < 0)
		return pod_err_wrap(err, "%s", path);
	return 0;
}

static bool
lower_hex(const char *s, size_t want)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == want;
}

bool
pod_digest_valid(const char *d)
{
	if (!d)
		return false;
	if (pod_str_has_prefix(d, "sha256:"))
		return lower_hex(d + 7, 64);
	if (pod_str_has_prefix(d, "sha512:"))
		return lower_hex(d + 7, 128);
	return false;
}

bool
pod_digest_is_sha256(const char *d)
{
	return d && pod_str_has_prefix(d, "sha256:") && lower_hex(d + 7, 64);
}

const char *
pod_digest_hex(const char *d)
{
	return pod_digest_valid(d) ? d + 7 : NULL;
}

void
pod_chain_id(const char *parent_chain, const char *diff_id, char ret[POD_DIGEST_BUF])
{
	cleanup_(pod_digester_freep) struct pod_digester *d = NULL;

	if (!parent_chain || !*parent_chain) {
		snprintf(ret, POD_DIGEST_BUF, "%s", diff_id);
		return;
	}
	d = pod_digester_new();
	pod_digester_update(d, parent_chain, strlen(parent_chain));
	pod_digester_update(d, " ", 1);
	pod_digester_update(d, diff_id, strlen(diff_id));
	pod_digester_final(d, ret);
}

/* base64 lives here: it is tiny and only the registry/auth code needs it */
static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
pod_img_base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];

		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = b64chars[(v >> 6) & 63];
		out[o++] = b64chars[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t) p[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t) p[i + 1] << 8;
		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64chars[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

static int
b64val(char c)
{
	const char *p = c ? strchr(b64chars, c) : NULL;

	return p ? (int) (p - b64chars) : -1;
}

char *
pod_img_base64_decode(const char *s, size_t *ret_len)
{
	size_t len = strlen(s), i, o = 0, pad = 0;
	cleanup_free char *out = NULL;

	while (len > 0 && s[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	if (len % 4 == 1 || (pad && (len + pad) % 4 != 0))
		return NULL;
	out = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i += 4) {
		uint32_t v = 0;
		size_t k, n = len - i < 4 ? len - i : 4;

		for (k = 0; k < 4; k++) {
			int c = k < n ? b64val(s[i + k]) : 0;

			if (c < 0)
				return NULL;
			v = v << 6 | (uint32_t) c;
		}
		out[o++] = (char) (v >> 16);
		if (n > 2)
			out[o++] = (char) (v >> 8);
		if (n > 3)
			out[o++] = (char) v;
	}
	out[o] = '\0';
	if (ret_len)
		*ret_len = o;
	return TAKE_PTR(out);
}
