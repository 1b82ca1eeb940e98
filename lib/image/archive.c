/* archive.c - podman load / save: docker-archive and OCI layouts */
#include "image/archive.h"

#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "image/digest.h"
#include "image/imagestore-int.h"
#include "image/manifest.h"
#include "image/reference.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MEMBERS (1u << 20)
#define MAX_NAME 4096
#define MAX_LINK_HOPS 16
#define MAX_IMAGES 4096
#define MT_DOCKER_LAYER_TAR "application/vnd.docker.image.rootfs.diff.tar"

/* ---- unpacking the outer archive ---- */

struct unpacked {
	char *dir;
	int dirfd;
	char **links; /* name, target, name, target, ... (cleaned paths) */
};

static void
unpacked_release(struct unpacked *u)
{
	struct pod_err *e = NULL;

	if (u->dirfd >= 0)
		close(u->dirfd);
	u->dirfd = -1;
	if (u->dir && pod_rm_rf(u->dir, &e) < 0) {
		pod_warn("removing %s: %s", u->dir, e->msg);
		pod_err_free(&e);
	}
	free(u->dir);
	u->dir = NULL;
	pod_strv_free(u->links);
	u->links = NULL;
}

/* lexical clean: no "..", no absolute, no empty result; NULL when refused */
static char *
clean_path(const char *in)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	const char *p = in;

	if (!in || strlen(in) > MAX_NAME)
		return NULL;
	while (*p) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t) (s - p) : strlen(p);

		if (n == 2 && memcmp(p, "..", 2) == 0) {
			pod_strbuf_release(&sb);
			return NULL;
		}
		if (n && !(n == 1 && *p == '.')) {
			if (sb.len)
				pod_strbuf_addch(&sb, '/');
			pod_strbuf_add(&sb, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	if (!sb.len) {
		pod_strbuf_release(&sb);
		return NULL;
	}
	return pod_strbuf_detach(&sb);
}

static int
mkdirs_at(int dirfd, const char *path, bool last_too, struct pod_err **err)
{
	cleanup_free char *p = xstrdup(path);

	for (char *s = p; (s = strchr(s, '/')); s++) {
		*s = 0;
		if (mkdirat(dirfd, p, 0700) < 0 && errno != EEXIST)
			return pod_err_sys(err, "unpacking %s", path);
		*s = '/';
	}
	if (last_too && mkdirat(dirfd, p, 0700) < 0 && errno != EEXIST)
		return pod_err_sys(err, "unpacking %s", path);
	return 0;
}

static int
unpack(int fd, const char *tmpdir, struct unpacked *u, struct pod_err **err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	cleanup_free char *tmpl = NULL;
	size_t members = 0;
	int r, rc = -1;

	if (pod_mkdtemp(tmpdir, "/var/tmp", "podutils-load", &tmpl, err) < 0) {
		archive_read_free(a);
		return -1;
	}
	u->dir = xstrdup(tmpl);
	u->dirfd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	u->links = xcalloc(1, sizeof(char *));
	if (u->dirfd < 0) {
		pod_err_sys(err, "opening %s", u->dir);
		goto out;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		pod_err_set(err, POD_E_INVALID, 0, "reading the archive: %s",
			    archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		cleanup_free char *name = clean_path(archive_entry_pathname(e));
		const char *hl = archive_entry_hardlink(e);
		mode_t type = archive_entry_filetype(e);

		if (++members > MAX_MEMBERS) {
			pod_err_set(err, POD_E_INVALID, 0, "the archive has too many members");
			goto out;
		}
		if (!name)
			continue; /* "./" and refused names are never looked up */
		if (hl) {
			char *t = clean_path(hl);

			if (t) {
				u->links = pod_strv_push(u->links, xstrdup(name));
				u->links = pod_strv_push(u->links, t);
			}
			continue;
		}
		if (type == AE_IFDIR) {
			if (mkdirs_at(u->dirfd, name, true, err) < 0)
				goto out;
		} else if (type == AE_IFLNK) {
			const char *target = archive_entry_symlink(e);
			cleanup_free char *joined = NULL;
			char *t;
			const char *slash = strrchr(name, '/');

			if (!target)
				continue;
			if (*target == '/' || !slash)
				joined = xstrdup(target);
			else
				joined = xasprintf("%.*s/%s", (int) (slash - name), name, target);
			t = clean_path(joined);
			if (t) {
				u->links = pod_strv_push(u->links, xstrdup(name));
				u->links = pod_strv_push(u->links, t);
			}
		} else if (type == AE_IFREG) {
			cleanup_close int out = -1;
			const void *blk;
			size_t len;
			la_int64_t off;

			if (mkdirs_at(u->dirfd, name, false, err) < 0)
				goto out;
			(void) unlinkat(u->dirfd, name, 0);
			out = openat(u->dirfd, name,
				     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
			if (out < 0) {
				pod_err_sys(err, "unpacking %s", name);
				goto out;
			}
			while ((r = archive_read_data_block(a, &blk, &len, &off)) == ARCHIVE_OK) {
				const uint8_t *p = blk;

				if (lseek(out, off, SEEK_SET) < 0) {
					pod_err_sys(err, "unpacking %s", name);
					goto out;
				}
				while (len) {
					ssize_t w = write(out, p, len);

					if (w < 0 && errno == EINTR)
						continue;
					if (w < 0) {
						pod_err_sys(err, "unpacking %s", name);
						goto out;
					}
					p += w;
					len -= (size_t) w;
				}
			}
			if (r != ARCHIVE_EOF) {
				pod_err_set(err, POD_E_INVALID, 0, "reading the archive: %s",
					    archive_error_string(a));
				goto out;
			}
		}
	}
	if (r != ARCHIVE_EOF) {
		pod_err_set(err, POD_E_INVALID, 0, "reading the archive: %s",
			    archive_error_string(a));
		goto out;
	}
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

static int
open_member(struct unpacked *u, const char *name, struct pod_err **err)
{
	cleanup_free char *p = clean_path(name);
	int fd;

	if (!p)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid archive member name \"%s\"",
				   name);
	for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
		bool moved = false;

		for (size_t i = 0; u->links[i] && u->links[i + 1]; i += 2) {
			if (STREQ(u->links[i], p)) {
				free(p);
				p = xstrdup(u->links[i + 1]);
				moved = true;
				break;
			}
		}
		if (!moved)
			break;
	}
	fd = openat(u->dirfd, p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return pod_err_set(err, POD_E_INVALID, ENOENT,
					   "archive member \"%s\" not found", name);
		return pod_err_sys(err, "opening archive member %s", name);
	}
	return fd;
}

static int
read_member(struct unpacked *u, const char *name, size_t max, char **ret, size_t *ret_len,
	    struct pod_err **err)
{
	cleanup_close int fd = open_member(u, name, err);
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[65536];

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pod_strbuf_release(&sb);
			return pod_err_sys(err, "reading archive member %s", name);
		}
		if (n == 0)
			break;
		if (sb.len + (size_t) n > max) {
			pod_strbuf_release(&sb);
			return pod_err_set(err, POD_E_INVALID, EFBIG,
					   "archive member %s is too large", name);
		}
		pod_strbuf_add(&sb, buf, (size_t) n);
	}
	*ret_len = sb.len;
	*ret = pod_strbuf_detach(&sb);
	return 0;
}

static bool
member_exists(struct unpacked *u, const char *name)
{
	struct pod_err *e = NULL;
	int fd = open_member(u, name, &e);

	pod_err_free(&e);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* ---- adding one image ---- */

struct layer_src {
	const char *member;	       /* archive member name */
	const char *compressed_digest; /* expected, or NULL */
	const char *media_type;
};

static int
add_image(struct pod_imagestore *is, struct unpacked *u, const char *config, size_t config_len,
	  const struct layer_src *layers, size_t n_layers, const char *manifest,
	  size_t manifest_len, const char *manifest_type, char *const *names, char **ret_id,
	  struct pod_err **err)
{
	cleanup_(pod_image_config_freep) struct pod_image_config *cfg = NULL;
	struct pod_image_commit c = { 0 };

	if (pod_image_config_parse(config, config_len, &cfg, err) < 0)
		return pod_err_wrap(err, "parsing the image config");
	if (cfg->n_diff_ids != n_layers)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "the image has %zu layers but its config lists %zu",
				   n_layers, cfg->n_diff_ids);
	for (int attempt = 0;; attempt++) {
		char parent[65] = "";
		struct pod_err *e = NULL;

		for (size_t i = 0; i < n_layers; i++) {
			struct pod_layer_add_opts o = {
				.parent = *parent ? parent : NULL,
				.diff_id = cfg->diff_ids[i],
				.compressed_digest = layers[i].compressed_digest,
				.media_type = layers[i].media_type,
			};
			struct pod_layer_info info;
			cleanup_close int fd = open_member(u, layers[i].member, err);

			if (fd < 0)
				return -1;
			if (pod_imagestore_add_layer_fd(is, &o, fd, &info, err) < 0)
				return pod_err_wrap(err, "storing layer %s", cfg->diff_ids[i]);
			memcpy(parent, info.id, sizeof(parent));
		}
		c.config = config;
		c.config_len = config_len;
		c.manifest = manifest;
		c.manifest_len = manifest_len;
		c.manifest_type = manifest_type;
		c.names = names;
		if (pod_imagestore_commit_image(is, &c, ret_id, &e) == 0)
			return 0;
		/* a concurrent rmi took a layer we counted on: write it again */
		if (e->kind != POD_E_STATE || attempt >= 2) {
			*err = e;
			return -1;
		}
		pod_err_free(&e);
	}
}

static void
report_loaded(char ***ret, char *const *names, const char *id)
{
	ret[1] = pod_strv_push(ret[1], xstrdup(id));
	if (names && names[0]) {
		for (size_t i = 0; names[i]; i++)
			*ret = pod_strv_push(*ret, xstrdup(names[i]));
	} else {
		*ret = pod_strv_push(*ret, xasprintf("sha256:%s", id));
	}
}

static int
load_docker(struct pod_imagestore *is, struct unpacked *u, char ***ret, struct pod_err **err)
{
	cleanup_free char *mtext = NULL;
	size_t mlen = 0, i;
	cleanup_json json_t *m = NULL;
	json_error_t jerr;
	json_t *ent;

	if (read_member(u, "manifest.json", POD_MANIFEST_MAX, &mtext, &mlen, err) < 0)
		return -1;
	m = json_loadb(mtext, mlen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_array(m) || json_array_size(m) == 0 || json_array_size(m) > MAX_IMAGES)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid docker-archive manifest.json%s%s",
				   m ? "" : ": ", m ? "" : jerr.text);
	json_array_foreach(m, i, ent) {
		const char *cfgname = json_string_value(json_object_get(ent, "Config"));
		json_t *tags = json_object_get(ent, "RepoTags");
		json_t *lay = json_object_get(ent, "Layers");
		cleanup_free char *cfg = NULL, *id = NULL;
		cleanup_strv char **names = xcalloc(1, sizeof(char *));
		struct layer_src *src = NULL;
		size_t clen = 0, j, nl;
		json_t *t;
		int rc;

		if (!cfgname || !json_is_array(lay) || (tags && !json_is_null(tags) &&
							!json_is_array(tags)))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid docker-archive manifest.json entry %zu", i);
		json_array_foreach(tags, j, t) {
			struct pod_ref r = { 0 };

			if (!json_is_string(t))
				return pod_err_set(err, POD_E_INVALID, 0, "invalid RepoTags entry");
			if (pod_ref_parse_normalized(json_string_value(t), &r, err) < 0)
				return pod_err_wrap(err, "invalid RepoTags entry \"%s\"",
						    json_string_value(t));
			names = pod_strv_push(names, pod_ref_string(&r));
			pod_ref_release(&r);
		}
		if (read_member(u, cfgname, POD_IMAGE_CONFIG_MAX, &cfg, &clen, err) < 0)
			return -1;
		nl = json_array_size(lay);
		if (nl > POD_MANIFEST_MAX_LAYERS)
			return pod_err_set(err, POD_E_INVALID, 0, "too many layers");
		src = xcalloc(nl + 1, sizeof(*src));
		json_array_foreach(lay, j, t) {
			src[j].member = json_string_value(t);
			if (!src[j].member) {
				free(src);
				return pod_err_set(err, POD_E_INVALID, 0, "invalid Layers entry");
			}
		}
		rc = add_image(is, u, cfg, clen, src, nl, NULL, 0, POD_MT_DOCKER_MANIFEST, names,
			       &id, err);
		free(src);
		if (rc < 0)
			return -1;
		report_loaded(ret, names, id);
	}
	return 0;
}

static char *
blob_member(const char *digest)
{
	const char *hex = pod_digest_hex(digest);

	return hex ? xasprintf("blobs/sha256/%s", hex) : NULL;
}

static int
read_blob_checked(struct unpacked *u, const struct pod_descriptor *d, size_t max, char **ret,
		  size_t *ret_len, struct pod_err **err)
{
	cleanup_free char *name = NULL;
	char got[POD_DIGEST_BUF];

	if (!pod_digest_is_sha256(d->digest))
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported digest \"%s\"", d->digest);
	name = blob_member(d->digest);
	if (read_member(u, name, max, ret, ret_len, err) < 0)
		return -1;
	pod_digest_buf(*ret, *ret_len, got);
	if (!STREQ(got, d->digest) || (d->size >= 0 && (int64_t) *ret_len != d->size)) {
		free(*ret);
		*ret = NULL;
		return pod_err_set(err, POD_E_INVALID, 0, "blob %s: digest or size mismatch",
				   d->digest);
	}
	return 0;
}

static const char *
annotation(json_t *a, const char *key)
{
	return json_string_value(json_object_get(a, key));
}

static int
load_oci_manifest(struct pod_imagestore *is, struct unpacked *u, const struct pod_descriptor *d,
		  json_t *annotations, char ***ret, struct pod_err **err)
{
	cleanup_free char *mtext = NULL, *cfg = NULL, *id = NULL;
	cleanup_(pod_manifest_freep) struct pod_manifest *m = NULL;
	cleanup_strv char **names = xcalloc(1, sizeof(char *));
	size_t mlen = 0, clen = 0;
	struct layer_src *src;
	const char *refname;
	cleanup_free char **blobnames = NULL;
	int rc;

	if (read_blob_checked(u, d, POD_MANIFEST_MAX, &mtext, &mlen, err) < 0)
		return -1;
	if (pod_manifest_parse(mtext, mlen, d->media_type, &m, err) < 0)
		return -1;
	if (m->kind == POD_MANIFEST_INDEX) {
		const struct pod_descriptor *sel = NULL;

		if (pod_index_select(&m->index, NULL, NULL, NULL, &sel, err) < 0)
			return -1;
		return load_oci_manifest(is, u, sel, annotations, ret, err);
	}
	if (read_blob_checked(u, &m->image.config, POD_IMAGE_CONFIG_MAX, &cfg, &clen, err) < 0)
		return -1;
	refname = annotation(annotations, "io.containerd.image.name");
	if (!refname)
		refname = annotation(annotations, "org.opencontainers.image.ref.name");
	if (refname && *refname) {
		char *n = NULL;

		if (pod_image_normalize_name(refname, &n, err) < 0)
			return pod_err_wrap(err, "image name \"%s\" in the archive", refname);
		names = pod_strv_push(names, n);
	}
	src = xcalloc(m->image.n_layers + 1, sizeof(*src));
	blobnames = xcalloc(m->image.n_layers + 1, sizeof(char *));
	for (size_t i = 0; i < m->image.n_layers; i++) {
		blobnames[i] = blob_member(m->image.layers[i].digest);
		if (!blobnames[i] || !pod_digest_is_sha256(m->image.layers[i].digest)) {
			for (size_t j = 0; j < i; j++)
				free(blobnames[j]);
			free(src);
			return pod_err_set(err, POD_E_INVALID, 0, "unsupported layer digest \"%s\"",
					   m->image.layers[i].digest);
		}
		src[i].member = blobnames[i];
		src[i].compressed_digest = m->image.layers[i].digest;
		src[i].media_type = m->image.layers[i].media_type;
	}
	rc = add_image(is, u, cfg, clen, src, m->image.n_layers, mtext, mlen, m->media_type, names,
		       &id, err);
	for (size_t i = 0; i < m->image.n_layers; i++)
		free(blobnames[i]);
	free(src);
	if (rc < 0)
		return -1;
	report_loaded(ret, names, id);
	return 0;
}

static int
load_oci(struct pod_imagestore *is, struct unpacked *u, char ***ret, struct pod_err **err)
{
	cleanup_free char *text = NULL;
	size_t len = 0;
	cleanup_(pod_manifest_freep) struct pod_manifest *idx = NULL;

	if (read_member(u, "index.json", POD_MANIFEST_MAX, &text, &len, err) < 0)
		return -1;
	if (pod_manifest_parse(text, len, POD_MT_OCI_INDEX, &idx, err) < 0)
		return pod_err_wrap(err, "parsing index.json");
	if (idx->kind != POD_MANIFEST_INDEX || idx->index.n_manifests == 0)
		return pod_err_set(err, POD_E_INVALID, 0, "index.json lists no image");
	for (size_t i = 0; i < idx->index.n_manifests; i++)
		if (load_oci_manifest(is, u, &idx->index.manifests[i],
				      idx->index.manifests[i].annotations, ret, err) < 0)
			return -1;
	return 0;
}

int
pod_image_load(struct pod_imagestore *is, int fd, const char *tmpdir, char ***ret,
	       char ***ret_ids, struct pod_err **err)
{
	struct unpacked u = { .dirfd = -1 };
	char **loaded[2] = { xcalloc(1, sizeof(char *)), xcalloc(1, sizeof(char *)) };
	int rc;

	if (pod_imagestore_writing(is, err) < 0 || unpack(fd, tmpdir, &u, err) < 0)
		rc = -1;
	else if (member_exists(&u, "manifest.json"))
		rc = load_docker(is, &u, loaded, err);
	else if (member_exists(&u, "index.json") && member_exists(&u, "oci-layout"))
		rc = load_oci(is, &u, loaded, err);
	else
		rc = pod_err_set(err, POD_E_INVALID, 0,
				 "payload does not match any of the supported image formats "
				 "(oci-archive, docker-archive)");
	unpacked_release(&u);
	if (rc < 0) {
		struct pod_err *e = NULL;

		/* layers stored for an image that did not make it are garbage now */
		if (pod_imagestore_gc(is, &e) < 0)
			pod_err_free(&e);
		pod_strv_free(loaded[0]);
		pod_strv_free(loaded[1]);
		return -1;
	}
	*ret = loaded[0];
	if (ret_ids)
		*ret_ids = loaded[1];
	else
		pod_strv_free(loaded[1]);
	return 0;
}

/* ---- saving ---- */

int
pod_save_format_parse(const char *s)
{
	if (!s || STREQ(s, "docker-archive"))
		return POD_SAVE_DOCKER_ARCHIVE;
	if (STREQ(s, "oci-archive"))
		return POD_SAVE_OCI_ARCHIVE;
	if (STREQ(s, "oci-dir"))
		return POD_SAVE_OCI_DIR;
	if (STREQ(s, "docker-dir"))
		return POD_SAVE_DOCKER_DIR;
	return -1;
}

struct out {
	struct archive *a; /* archives */
	int dirfd;	   /* directory formats */
	int fd;		   /* the open file of a directory format */
	char **written;
};

static int
out_err(struct out *o, const char *what, struct pod_err **err)
{
	return pod_err_set(err, POD_E_GENERIC, archive_errno(o->a), "writing %s: %s", what,
			   archive_error_string(o->a));
}

static int
out_begin(struct out *o, const char *name, int64_t size, struct pod_err **err)
{
	if (o->a) {
		struct archive_entry *e = archive_entry_new();
		int r;

		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, size);
		archive_entry_set_mtime(e, 0, 0);
		r = archive_write_header(o->a, e);
		archive_entry_free(e);
		if (r != ARCHIVE_OK)
			return out_err(o, name, err);
		return 0;
	}
	if (mkdirs_at(o->dirfd, name, false, err) < 0)
		return -1;
	o->fd = openat(o->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		       0644);
	if (o->fd < 0)
		return pod_err_sys(err, "writing %s", name);
	return 0;
}

static int
out_data(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	struct out *o = ctx;
	const uint8_t *p = buf;

	if (o->a) {
		while (len) {
			la_ssize_t w = archive_write_data(o->a, p, len);

			if (w < 0)
				return out_err(o, "the archive", err);
			p += w;
			len -= (size_t) w;
		}
		return 0;
	}
	while (len) {
		ssize_t w = write(o->fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return pod_err_sys(err, "writing the image");
		p += w;
		len -= (size_t) w;
	}
	return 0;
}

static int
out_end(struct out *o, struct pod_err **err)
{
	if (!o->a && o->fd >= 0) {
		int r = close(o->fd);

		o->fd = -1;
		if (r < 0)
			return pod_err_sys(err, "writing the image");
	}
	return 0;
}

static int
out_file(struct out *o, const char *name, const void *data, size_t len, struct pod_err **err)
{
	if (pod_strv_contains(o->written, name))
		return 0;
	if (out_begin(o, name, (int64_t) len, err) < 0 || out_data(o, data, len, err) < 0 ||
	    out_end(o, err) < 0)
		return -1;
	o->written = pod_strv_push(o->written, xstrdup(name));
	return 0;
}

static int
out_layer(struct pod_imagestore *is, struct out *o, const char *layer_id, const char *name,
	  struct pod_layer_info *ret, struct pod_err **err)
{
	struct pod_layer_info info;

	if (pod_imagestore_layer_get(is, layer_id, &info, err) < 0)
		return -1;
	if (ret)
		*ret = info;
	if (pod_strv_contains(o->written, name))
		return 0;
	if (out_begin(o, name, info.size, err) < 0 ||
	    pod_imagestore_layer_tar(is, layer_id, out_data, o, err) < 0 || out_end(o, err) < 0)
		return -1;
	o->written = pod_strv_push(o->written, xstrdup(name));
	return 0;
}

static char **
item_names(const struct pod_save_item *it)
{
	char **v = xcalloc(1, sizeof(char *));

	if (it->name)
		return pod_strv_push(v, xstrdup(it->name));
	for (size_t i = 0; it->img->names[i]; i++)
		if (!strchr(it->img->names[i], '@'))
			v = pod_strv_push(v, xstrdup(it->img->names[i]));
	return v;
}

static int
save_docker_archive(struct pod_imagestore *is, const struct pod_save_item *items, size_t n,
		    struct out *o, struct pod_err **err)
{
	cleanup_json json_t *manifest = json_array();
	cleanup_free char *mtext = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct pod_image *img = items[i].img;
		cleanup_free char *cfg = NULL, *cfgname = xasprintf("%s.json", img->id);
		cleanup_strv char **names = item_names(&items[i]);
		json_t *layers = json_array(), *ent;
		size_t clen = 0;

		if (pod_imagestore_read_blob(is, img->config_digest, &cfg, &clen, err) < 0 ||
		    out_file(o, cfgname, cfg, clen, err) < 0) {
			json_decref(layers);
			return -1;
		}
		for (size_t j = 0; img->layers[j]; j++) {
			cleanup_free char *lname = NULL;
			const char *dhex = img->diff_ids[j] ? pod_digest_hex(img->diff_ids[j]) : NULL;

			lname = xasprintf("%s.tar", dhex ? dhex : img->layers[j]);
			if (out_layer(is, o, img->layers[j], lname, NULL, err) < 0) {
				json_decref(layers);
				return pod_err_wrap(err, "exporting image %.12s", img->id);
			}
			json_array_append_new(layers, json_string(lname));
		}
		ent = json_pack("{s:s, s:o, s:o}", "Config", cfgname, "RepoTags",
				names[0] ? json_array() : json_null(), "Layers", layers);
		for (size_t j = 0; names[j]; j++)
			json_array_append_new(json_object_get(ent, "RepoTags"),
					      json_string(names[j]));
		json_array_append_new(manifest, ent);
	}
	mtext = json_dumps(manifest, JSON_COMPACT);
	return out_file(o, "manifest.json", mtext, strlen(mtext), err);
}

/* writes the layers and config of img as blobs; *ret the manifest (OCI or Docker) */
static int
save_blobs(struct pod_imagestore *is, const struct pod_image *img, struct out *o,
	   const char *prefix, bool docker, char **ret, struct pod_err **err)
{
	size_t n = pod_strv_len(img->layers);
	struct pod_descriptor cfgd = { 0 };
	struct pod_descriptor *l = xcalloc(n + 1, sizeof(*l));
	cleanup_free char *cfg = NULL, *cname = NULL;
	size_t clen = 0;
	int rc = -1;

	if (pod_imagestore_read_blob(is, img->config_digest, &cfg, &clen, err) < 0)
		goto out;
	cname = xasprintf("%s%s", prefix, img->id);
	if (out_file(o, cname, cfg, clen, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct pod_layer_info info;
		cleanup_free char *name = NULL;

		name = xasprintf("%s%s", prefix, pod_digest_hex(img->diff_ids[i]) ?
				 pod_digest_hex(img->diff_ids[i]) : img->layers[i]);
		if (out_layer(is, o, img->layers[i], name, &info, err) < 0)
			goto out;
		l[i].media_type = (char *) (docker ? MT_DOCKER_LAYER_TAR : POD_MT_OCI_LAYER);
		l[i].digest = xstrdup(info.diff_id);
		l[i].size = info.size;
	}
	cfgd.media_type = (char *) (docker ? POD_MT_DOCKER_CONFIG : POD_MT_OCI_CONFIG);
	cfgd.digest = img->config_digest;
	cfgd.size = (int64_t) clen;
	*ret = docker ? pod_manifest_build_docker(&cfgd, l, n)
		      : pod_manifest_build_oci(&cfgd, l, n, NULL);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(l[i].digest);
	free(l);
	return rc;
}

static int
save_oci(struct pod_imagestore *is, const struct pod_save_item *items, size_t n, struct out *o,
	 struct pod_err **err)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	cleanup_json json_t *manifests = json_array();
	cleanup_json json_t *index = NULL;
	cleanup_free char *itext = NULL;

	for (size_t i = 0; i < n; i++) {
		cleanup_free char *m = NULL, *mname = NULL;
		cleanup_strv char **names = item_names(&items[i]);
		char md[POD_DIGEST_BUF];
		json_t *d;

		if (save_blobs(is, items[i].img, o, "blobs/sha256/", false, &m, err) < 0)
			return -1;
		pod_digest_buf(m, strlen(m), md);
		mname = xasprintf("blobs/sha256/%s", md + 7);
		if (out_file(o, mname, m, strlen(m), err) < 0)
			return -1;
		d = json_pack("{s:s, s:s, s:I}", "mediaType", POD_MT_OCI_MANIFEST, "digest", md,
			      "size", (json_int_t) strlen(m));
		if (names[0])
			json_object_set_new(d, "annotations",
					    json_pack("{s:s}", "org.opencontainers.image.ref.name",
						      names[0]));
		json_array_append_new(manifests, d);
	}
	index = json_pack("{s:i, s:O}", "schemaVersion", 2, "manifests", manifests);
	itext = json_dumps(index, JSON_COMPACT);
	if (out_file(o, "oci-layout", layout, strlen(layout), err) < 0 ||
	    out_file(o, "index.json", itext, strlen(itext), err) < 0)
		return -1;
	return 0;
}

static int
save_docker_dir(struct pod_imagestore *is, const struct pod_save_item *item, struct out *o,
		struct pod_err **err)
{
	static const char version[] = "Directory Transport Version: 1.1\n";
	cleanup_free char *m = NULL;

	if (save_blobs(is, item->img, o, "", true, &m, err) < 0)
		return -1;
	if (out_file(o, "manifest.json", m, strlen(m), err) < 0 ||
	    out_file(o, "version", version, strlen(version), err) < 0)
		return -1;
	return 0;
}

int
pod_image_save(struct pod_imagestore *is, const struct pod_save_item *items, size_t n,
	       enum pod_save_format format, int out_fd, const char *dir, struct pod_err **err)
{
	struct out o = { .dirfd = -1, .fd = -1 };
	int rc = -1;

	if (n == 0)
		return pod_err_set(err, POD_E_INVALID, 0, "no image to save");
	o.written = xcalloc(1, sizeof(char *));
	if (format == POD_SAVE_OCI_DIR || format == POD_SAVE_DOCKER_DIR) {
		if (n != 1) {
			rc = pod_err_set(err, POD_E_INVALID, 0,
					 "%s can only save one image",
					 format == POD_SAVE_OCI_DIR ? "oci-dir" : "docker-dir");
			goto out;
		}
		if (!dir) {
			rc = pod_err_set(err, POD_E_INVALID, 0, "no output directory");
			goto out;
		}
		if (pod_mkdir_p(dir, 0755, err) < 0)
			goto out;
		o.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (o.dirfd < 0) {
			rc = pod_err_sys(err, "opening %s", dir);
			goto out;
		}
		rc = format == POD_SAVE_OCI_DIR ? save_oci(is, items, n, &o, err)
						: save_docker_dir(is, items, &o, err);
		goto out;
	}
	o.a = archive_write_new();
	archive_write_set_format_pax_restricted(o.a);
	archive_write_set_bytes_in_last_block(o.a, 1);
	if (archive_write_open_fd(o.a, out_fd) != ARCHIVE_OK) {
		rc = out_err(&o, "the archive", err);
		goto out;
	}
	rc = format == POD_SAVE_OCI_ARCHIVE ? save_oci(is, items, n, &o, err)
					    : save_docker_archive(is, items, n, &o, err);
	if (rc == 0 && archive_write_close(o.a) != ARCHIVE_OK)
		rc = out_err(&o, "the archive", err);
out:
	if (o.a)
		archive_write_free(o.a);
	if (o.fd >= 0)
		close(o.fd);
	if (o.dirfd >= 0)
		close(o.dirfd);
	pod_strv_free(o.written);
	return rc;
}
