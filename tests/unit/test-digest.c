/* test-digest.c - sha256 digests, validity, ChainIDs, base64 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/util.h"
#include "image/digest.h"
#include "image/internal.h"

#include <fcntl.h>
#include <unistd.h>

#define EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define DA "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
#define DB "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
#define DC "sha256:2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"

static void
test_buf(void **state)
{
	char d[POD_DIGEST_BUF];

	(void) state;
	pod_digest_buf("", 0, d);
	assert_string_equal(d, EMPTY);
	pod_digest_buf("abc", 3, d);
	assert_string_equal(d, ABC);
	assert_int_equal(strlen(d), POD_DIGEST_LEN);
}

static void
test_stream(void **state)
{
	struct pod_digester *g = pod_digester_new();
	char *mb = xmalloc(1000000), d[POD_DIGEST_BUF];
	size_t off;

	(void) state;
	memset(mb, 'x', 1000000);
	for (off = 0; off < 1000000; off += 7919)
		pod_digester_update(g, mb + off, off + 7919 > 1000000 ? 1000000 - off : 7919);
	assert_int_equal(pod_digester_size(g), 1000000);
	pod_digester_final(g, d);
	assert_string_equal(d, "sha256:1b977e9f84f1b26b6ed7f68b0498faee2385ea4125bd29adce4a7d9106ba3134");
	pod_digester_free(g);
	free(mb);
}

static void
test_file(void **state)
{
	char path[] = "/tmp/test-digest-XXXXXX", d[POD_DIGEST_BUF];
	int fd = mkstemp(path);
	struct pod_err *e = NULL;

	(void) state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(pod_digest_file(path, d, &e), 0);
	assert_string_equal(d, ABC);
	unlink(path);
	assert_int_equal(pod_digest_file(path, d, &e), -1);
	assert_int_equal(e->kind, POD_E_NOTFOUND);
	assert_true(strstr(e->msg, "no such file or directory") != NULL);
	pod_err_free(&e);
}

static void
test_valid(void **state)
{
	static const struct {
		const char *d;
		bool valid, sha256;
	} cases[] = {
		{ EMPTY, true, true },
		{ "sha512:" "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
		  "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", true, false },
		{ "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", false, false },
		{ "sha256:e3b0", false, false },
		{ EMPTY "0", false, false },
		{ "sha384:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false, false },
		{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false, false },
		{ "sha256:", false, false },
		{ "", false, false },
		{ "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false, false },
	};

	(void) state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (pod_digest_valid(cases[i].d) != cases[i].valid)
			fail_msg("valid(%s) != %d", cases[i].d, cases[i].valid);
		assert_int_equal(pod_digest_is_sha256(cases[i].d), cases[i].sha256);
		if (cases[i].valid)
			assert_ptr_equal(pod_digest_hex(cases[i].d), cases[i].d + 7);
		else
			assert_null(pod_digest_hex(cases[i].d));
	}
	assert_false(pod_digest_valid(NULL));
}

static void
test_chain_id(void **state)
{
	char c1[POD_DIGEST_BUF], c2[POD_DIGEST_BUF], c3[POD_DIGEST_BUF];

	(void) state;
	pod_chain_id(NULL, DA, c1);
	assert_string_equal(c1, DA);
	pod_chain_id("", DA, c1);
	assert_string_equal(c1, DA);
	pod_chain_id(c1, DB, c2);
	assert_string_equal(c2, "sha256:51c0c8ace48498d6f5fee6b0592cc06f2da0f3cbe09c5a34a97dce85c3889676");
	pod_chain_id(c2, DC, c3);
	assert_string_equal(c3, "sha256:2fce7f8ce91bcf0a1428b36e1024639fdbd9469eea762dba98aa749631885106");
}

static void
test_base64(void **state)
{
	static const struct {
		const char *plain, *enc;
	} cases[] = {
		{ "", "" },	     { "f", "Zg==" },	      { "fo", "Zm8=" },
		{ "foo", "Zm9v" },   { "foob", "Zm9vYg==" },  { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" }, { "user:p@ss:w", "dXNlcjpwQHNzOnc=" },
	};
	size_t len;
	char *s;

	(void) state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		s = pod_img_base64_encode(cases[i].plain, strlen(cases[i].plain));
		assert_string_equal(s, cases[i].enc);
		free(s);
		s = pod_img_base64_decode(cases[i].enc, &len);
		assert_non_null(s);
		assert_int_equal(len, strlen(cases[i].plain));
		assert_string_equal(s, cases[i].plain);
		free(s);
	}
	/* unpadded input is accepted, junk is not */
	s = pod_img_base64_decode("Zm9vYg", &len);
	assert_string_equal(s, "foob");
	free(s);
	assert_null(pod_img_base64_decode("Zm9vY", &len));
	assert_null(pod_img_base64_decode("Zm9v!A==", &len));
	assert_null(pod_img_base64_decode("Zg=", &len));
	assert_null(pod_img_base64_decode("=Zg=", &len));
}

/* the default engine (lib/core) and OpenSSL's give the same digests, fed in any pieces */
static void
test_engines(void **state)
{
	const struct pod_sha256_engine *core = pod_sha256_engine, *ossl;
	char a[POD_DIGEST_BUF], b[POD_DIGEST_BUF];
	static unsigned char buf[200000];

	pod_sha256_use_openssl();
	ossl = pod_sha256_engine;
	assert_ptr_not_equal(core, ossl);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char) (i * 131 + (i >> 9));
	for (size_t len = 0; len < sizeof(buf); len = len * 3 + 1) {
		for (size_t piece = 1; piece <= 4097; piece = piece * 8 + 1) {
			const struct pod_sha256_engine *e[2] = { core, ossl };
			char *out[2] = { a, b };
			for (int k = 0; k < 2; k++) {
				struct pod_digester *d;
				pod_sha256_engine = e[k];
				d = pod_digester_new();
				for (size_t off = 0; off < len; off += piece)
					pod_digester_update(d, buf + off,
							    len - off < piece ? len - off : piece);
				pod_digester_final(d, out[k]);
				pod_digester_free(d);
			}
			if (!STREQ(a, b))
				fail_msg("len %zu piece %zu: %s != %s", len, piece, a, b);
		}
	}
	/* a digester freed unfinished */
	pod_digester_free(pod_digester_new());
	pod_sha256_engine = core;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),	 cmocka_unit_test(test_stream),
		cmocka_unit_test(test_file),	 cmocka_unit_test(test_valid),
		cmocka_unit_test(test_chain_id), cmocka_unit_test(test_base64),
		cmocka_unit_test(test_engines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
