/*
 * regtest - drives lib/image/registry.c against a real registry for
 * tests/bats/030-registry-client.bats.
 *
 *   regtest push HOST REPO TAG        push a generated image, print the manifest digest
 *   regtest pull HOST REPO REF        fetch and verify manifest, config and layers
 *   regtest blob HOST REPO DIGEST [SIZE]  fetch one blob, print its size
 *   regtest exists HOST REPO DIGEST   print "present SIZE" or "absent"
 *   regtest tags HOST REPO            one tag per line
 *   regtest catalog HOST              one repository per line
 *   regtest mount HOST FROM TO DIGEST cross-repository mount, print "mounted" or "uploaded"
 *
 * Environment: REGTEST_CREDS=user:pass, REGTEST_SECURE=1 (no http fallback).
 * Errors print "Error: MSG" and exit 1.
 */
#include "core/err.h"
#include "core/util.h"
#include "image/digest.h"
#include "image/manifest.h"
#include "image/registry.h"

#include <jansson.h>

static struct pod_registry_client *
client(const char *host)
{
	struct pod_registry_opts o = { .insecure = !getenv("REGTEST_SECURE"),
				       .skip_tls_verify = !getenv("REGTEST_SECURE"),
				       .creds = getenv("REGTEST_CREDS"),
				       .timeout_sec = 10 };
	struct pod_registry_client *c = NULL;
	struct pod_err *e = NULL;

	if (pod_registry_client_new(host, &o, &c, &e) < 0) {
		pod_err_print(e);
		exit(1);
	}
	return c;
}

static int
fail(struct pod_err *e)
{
	pod_err_print(e);
	pod_err_free(&e);
	return 1;
}

static size_t
count_write(const void *buf, size_t len, void *ud)
{
	*(uint64_t *) ud += len;
	(void) buf;
	return len;
}

static int
cmd_push(const char *host, const char *repo, const char *tag)
{
	struct pod_registry_client *c = client(host);
	struct pod_err *e = NULL;
	char layer[4096];
	struct pod_descriptor ld = { .media_type = POD_MT_OCI_LAYER };
	struct pod_descriptor cd = { .media_type = POD_MT_OCI_CONFIG };
	struct pod_image_config cfg = { 0 };
	char *diff_ids[2] = { NULL, NULL };
	char *env[] = { "PATH=/usr/bin:/bin", NULL };
	char *cmd[] = { "/bin/sh", NULL };
	char ldig[POD_DIGEST_BUF];
	char *cdig = NULL, *config = NULL, *manifest = NULL, *mdig = NULL;
	size_t i;

	/* a tar stream of zeros is a valid empty archive; the tail makes each tag's layer differ */
	for (i = 0; i < sizeof(layer); i++)
		layer[i] = 0;
	snprintf(layer + sizeof(layer) - 200, 200, "%s", tag);
	pod_digest_buf(layer, sizeof(layer), ldig);
	ld.digest = ldig;
	ld.size = sizeof(layer);
	diff_ids[0] = ldig;
	cfg.architecture = (char *) "amd64";
	cfg.os = (char *) "linux";
	cfg.created_ns = 1700000000LL * 1000000000LL;
	cfg.config.env = env;
	cfg.config.cmd = cmd;
	cfg.config.labels = json_pack("{s:s}", "test.tag", tag);
	cfg.diff_ids = diff_ids;
	cfg.n_diff_ids = 1;
	config = pod_image_config_build(&cfg);
	json_decref(cfg.config.labels);
	if (pod_registry_put_blob_buf(c, repo, layer, sizeof(layer), NULL, &e) < 0 ||
	    pod_registry_put_blob_buf(c, repo, config, strlen(config), &cdig, &e) < 0)
		return fail(e);
	cd.digest = cdig;
	cd.size = (int64_t) strlen(config);
	manifest = pod_manifest_build_oci(&cd, &ld, 1, NULL);
	if (pod_registry_put_manifest(c, repo, tag, manifest, strlen(manifest),
				      POD_MT_OCI_MANIFEST, &mdig, &e) < 0)
		return fail(e);
	printf("%s\n", mdig);
	free(cdig);
	free(config);
	free(manifest);
	free(mdig);
	pod_registry_client_free(c);
	return 0;
}

struct membuf {
	char *buf;
	size_t len;
};

static size_t
mem_write(const void *buf, size_t len, void *ud)
{
	struct membuf *m = ud;

	m->buf = xrealloc(m->buf, m->len + len + 1);
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	m->buf[m->len] = '\0';
	return len;
}

static int
cmd_pull(const char *host, const char *repo, const char *ref)
{
	struct pod_registry_client *c = client(host);
	struct pod_err *e = NULL;
	char *body = NULL, *mt = NULL, *dig = NULL;
	size_t len = 0, i;
	struct pod_manifest *m = NULL;

	if (pod_registry_get_manifest(c, repo, ref, &body, &len, &mt, &dig, &e) < 0 ||
	    pod_manifest_parse(body, len, mt, &m, &e) < 0)
		return fail(e);
	printf("manifest %s %s\n", dig, m->media_type);
	if (m->kind == POD_MANIFEST_IMAGE) {
		struct pod_image_config *cfg = NULL;
		struct membuf cb = { 0 };

		if (pod_registry_get_blob(c, repo, m->image.config.digest, m->image.config.size,
					  mem_write, &cb, &e) < 0 ||
		    pod_image_config_parse(cb.buf, cb.len, &cfg, &e) < 0)
			return fail(e);
		printf("config %s %s/%s cmd=%s diff_ids=%zu\n", m->image.config.digest, cfg->os,
		       cfg->architecture, cfg->config.cmd ? cfg->config.cmd[0] : "",
		       cfg->n_diff_ids);
		pod_image_config_free(cfg);
		free(cb.buf);
		for (i = 0; i < m->image.n_layers; i++) {
			uint64_t total = 0;

			if (pod_registry_get_blob(c, repo, m->image.layers[i].digest,
						  m->image.layers[i].size, count_write, &total,
						  &e) < 0)
				return fail(e);
			printf("layer %s %llu\n", m->image.layers[i].digest,
			       (unsigned long long) total);
		}
	}
	pod_manifest_free(m);
	free(body);
	free(mt);
	free(dig);
	pod_registry_client_free(c);
	return 0;
}

static int
cmd_blob(const char *host, const char *repo, const char *digest, const char *size)
{
	struct pod_registry_client *c = client(host);
	struct pod_err *e = NULL;
	uint64_t total = 0;
	int64_t want = -1;

	if (size && !pod_parse_int64(size, &want))
		return 2;
	if (pod_registry_get_blob(c, repo, digest, want, count_write, &total, &e) < 0)
		return fail(e);
	printf("%llu\n", (unsigned long long) total);
	pod_registry_client_free(c);
	return 0;
}

static int
cmd_exists(const char *host, const char *repo, const char *digest)
{
	struct pod_registry_client *c = client(host);
	struct pod_err *e = NULL;
	int64_t size = -1;
	int r = pod_registry_blob_exists(c, repo, digest, &size, &e);

	if (r < 0)
		return fail(e);
	if (r)
		printf("present %lld\n", (long long) size);
	else
		printf("absent\n");
	pod_registry_client_free(c);
	return 0;
}

static int
cmd_list(const char *host, const char *repo)
{
	struct pod_registry_client *c = client(host);
	struct pod_err *e = NULL;
	char **v = NULL;
	size_t i;

	if ((repo ? pod_registry_tags(c, repo, &v, &e) : pod_registry_catalog(c, &v, &e)) < 0)
		return fail(e);
	for (i = 0; v[i]; i++)
		printf("%s\n", v[i]);
	pod_strv_free(v);
	pod_registry_client_free(c);
	return 0;
}

static ssize_t
no_read(void *buf, size_t len, void *ud)
{
	(void) buf;
	(void) len;
	(void) ud;
	return -1;
}

static int
cmd_mount(const char *host, const char *from, const char *to, const char *digest)
{
	struct pod_registry_client *c = client(host);
	struct pod_err *e = NULL;
	int64_t size = -1;
	int r;

	if (pod_registry_blob_exists(c, from, digest, &size, &e) < 0)
		return fail(e);
	/* the read callback fails: only a mount (or an existing blob) can succeed */
	r = pod_registry_put_blob(c, to, digest, size, no_read, NULL, from, &e);
	if (r < 0)
		return fail(e);
	printf("%s\n", r ? "mounted" : "uploaded");
	pod_registry_client_free(c);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 5 && STREQ(argv[1], "push"))
		return cmd_push(argv[2], argv[3], argv[4]);
	if (argc >= 5 && STREQ(argv[1], "pull"))
		return cmd_pull(argv[2], argv[3], argv[4]);
	if (argc >= 5 && STREQ(argv[1], "blob"))
		return cmd_blob(argv[2], argv[3], argv[4], argc >= 6 ? argv[5] : NULL);
	if (argc >= 5 && STREQ(argv[1], "exists"))
		return cmd_exists(argv[2], argv[3], argv[4]);
	if (argc >= 4 && STREQ(argv[1], "tags"))
		return cmd_list(argv[2], argv[3]);
	if (argc >= 3 && STREQ(argv[1], "catalog"))
		return cmd_list(argv[2], NULL);
	if (argc >= 6 && STREQ(argv[1], "mount"))
		return cmd_mount(argv[2], argv[3], argv[4], argv[5]);
	fprintf(stderr, "usage: regtest push|pull|blob|exists|tags|catalog|mount ...\n");
	return 2;
}
