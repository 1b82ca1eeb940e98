/*
 * tarwrite.c - a directory (or an overlay upper) -> a layer tar, compressed
 * on the fly, hashed twice (DiffID over the tar, digest over the output).
 *
 * Output is deterministic: names sorted bytewise per directory, no atime,
 * ctime, uname or gname, a PAX header only when a field needs one.
 */
#include "image/decompress.h"
#include "image/layer-internal.h"
#include "core/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define BLOCK 512
#define OUTBUF (256u * 1024)

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *path; /* NULL: free slot */
};

struct tw {
	enum pod_tar_mode mode;
	int out_fd;
	struct pod_sha256 uhash, chash;
	uint64_t usize, csize, entries;
	struct pod_compressor *comp;
	uint8_t *buf; /* tar bytes not yet handed to the compressor */
	size_t blen;
	struct hardlink *links; /* open addressing on (dev, ino) */
	size_t links_cap, links_n;
	const char *top_as; /* name of the top entry (pod_tar_write_entry) */
	bool own;	    /* every entry owned by uid:gid */
	bool flat;	    /* a directory without its children (pod_tar_writer_add) */
	uid_t uid;
	gid_t gid;
};

struct xattr_kv {
	char *name;
	char *val;
	size_t len;
};

static int
tw_out(void *ctx, const void *buf, size_t len, struct pod_err **err)
{
	struct tw *t = ctx;
	const uint8_t *p = buf;

	pod_sha256_update(&t->chash, buf, len);
	t->csize += len;
	while (len) {
		ssize_t w = write(t->out_fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return pod_err_sys(err, "writing layer");
		p += w;
		len -= (size_t) w;
	}
	return 0;
}

static int
tw_flush(struct tw *t, struct pod_err **err)
{
	if (!t->blen)
		return 0;
	pod_sha256_update(&t->uhash, t->buf, t->blen);
	t->usize += t->blen;
	if (pod_compressor_feed(t->comp, t->buf, t->blen, err) < 0)
		return -1;
	t->blen = 0;
	return 0;
}

static int
tw_emit(struct tw *t, const void *data, size_t len, struct pod_err **err)
{
	const uint8_t *p = data;

	while (len) {
		size_t n = OUTBUF - t->blen;

		n = n < len ? n : len;
		memcpy(t->buf + t->blen, p, n);
		t->blen += n;
		p += n;
		len -= n;
		if (t->blen == OUTBUF && tw_flush(t, err) < 0)
			return -1;
	}
	return 0;
}

static int
tw_pad(struct tw *t, uint64_t size, struct pod_err **err)
{
	static const uint8_t zero[BLOCK];
	size_t pad = (size_t) ((BLOCK - size % BLOCK) % BLOCK);

	return tw_emit(t, zero, pad, err);
}

/* ---- headers ---- */

static void
put_octal(uint8_t *f, size_t n, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*" PRIo64, (int) (n - 1), v);
	memcpy(f, tmp, n - 1);
	f[n - 1] = '\0';
}

static bool
fits_octal(size_t n, uint64_t v)
{
	return v < (1ull << (3 * (n - 1)));
}

static void
pax_add(struct pod_strbuf *sb, const char *key, const void *val, size_t vlen)
{
	size_t base = strlen(key) + vlen + 3; /* ' ', '=', '\n' */
	size_t len = base + 1, digits;

	/* the record length counts its own digits */
	for (;;) {
		char tmp[24];

		digits = (size_t) snprintf(tmp, sizeof(tmp), "%zu", len);
		if (base + digits == len)
			break;
		len = base + digits;
	}
	pod_strbuf_addf(sb, "%zu %s=", len, key);
	pod_strbuf_add(sb, val, vlen);
	pod_strbuf_addch(sb, '\n');
}

static int
write_ustar(struct tw *t, const char *name, const char *link, char type, uint32_t mode,
	    uint64_t uid, uint64_t gid, uint64_t size, int64_t mtime, uint32_t dmaj, uint32_t dmin,
	    struct pod_err **err)
{
	uint8_t h[BLOCK] = { 0 };
	uint64_t sum = 0;

	memcpy(h, name, strnlen(name, 100));
	put_octal(h + 100, 8, mode & 07777);
	put_octal(h + 108, 8, fits_octal(8, uid) ? uid : 0);
	put_octal(h + 116, 8, fits_octal(8, gid) ? gid : 0);
	put_octal(h + 124, 12, fits_octal(12, size) ? size : 0);
	put_octal(h + 136, 12, mtime >= 0 && fits_octal(12, (uint64_t) mtime) ? (uint64_t) mtime : 0);
	memset(h + 148, ' ', 8);
	h[156] = (uint8_t) type;
	if (link)
		memcpy(h + 157, link, strnlen(link, 100));
	memcpy(h + 257, "ustar\0" "00", 8);
	put_octal(h + 329, 8, dmaj);
	put_octal(h + 337, 8, dmin);
	for (size_t i = 0; i < BLOCK; i++)
		sum += h[i];
	put_octal(h + 148, 7, sum);
	h[155] = ' ';
	return tw_emit(t, h, BLOCK, err);
}

/* a header, preceded by a PAX header when a value does not fit ustar */
static int
write_header(struct tw *t, const char *name, const char *link, char type, const struct stat *st,
	     uint64_t size, const struct xattr_kv *xa, size_t nxa, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf pax = POD_STRBUF_INIT;
	int64_t mtime = st->st_mtim.tv_sec;
	struct stat owned;

	if (t->own && type != 'x') {
		owned = *st;
		owned.st_uid = t->uid;
		owned.st_gid = t->gid;
		st = &owned;
	}

	if (strlen(name) > 100)
		pax_add(&pax, "path", name, strlen(name));
	if (link && strlen(link) > 100)
		pax_add(&pax, "linkpath", link, strlen(link));
	if (!fits_octal(8, st->st_uid)) {
		char v[24];

		pax_add(&pax, "uid", v, (size_t) snprintf(v, sizeof(v), "%u", st->st_uid));
	}
	if (!fits_octal(8, st->st_gid)) {
		char v[24];

		pax_add(&pax, "gid", v, (size_t) snprintf(v, sizeof(v), "%u", st->st_gid));
	}
	if (!fits_octal(12, size)) {
		char v[24];

		pax_add(&pax, "size", v, (size_t) snprintf(v, sizeof(v), "%" PRIu64, size));
	}
	if (mtime < 0 || !fits_octal(12, (uint64_t) mtime)) {
		char v[24];

		pax_add(&pax, "mtime", v, (size_t) snprintf(v, sizeof(v), "%" PRId64, mtime));
	}
	for (size_t i = 0; i < nxa; i++) {
		cleanup_free char *k = xasprintf("SCHILY.xattr.%s", xa[i].name);

		pax_add(&pax, k, xa[i].val, xa[i].len);
	}
	if (pax.len) {
		if (write_ustar(t, "././@PaxHeader", NULL, 'x', 0644, 0, 0, pax.len, 0, 0, 0, err) < 0 ||
		    tw_emit(t, pax.buf, pax.len, err) < 0 || tw_pad(t, pax.len, err) < 0)
			return -1;
	}
	t->entries++;
	return write_ustar(t, name, link, type, st->st_mode, st->st_uid, st->st_gid, size, mtime,
			   S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? major(st->st_rdev) : 0,
			   S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? minor(st->st_rdev) : 0, err);
}

/* ---- xattrs ---- */

static void
xattrs_release(struct xattr_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].val);
	}
	free(v);
}

static bool
xattr_exported(const char *name)
{
	return !pod_str_has_prefix(name, "trusted.overlay.") &&
	       !pod_str_has_prefix(name, "user.overlay.") && !STREQ(name, "security.selinux");
}

static int
cmp_xattr(const void *a, const void *b)
{
	return strcmp(((const struct xattr_kv *) a)->name, ((const struct xattr_kv *) b)->name);
}

/* fd >= 0: that inode; else path (not followed) */
static int
read_xattrs(int fd, const char *path, const char *rel, struct xattr_kv **ret, size_t *ret_n,
	    struct pod_err **err)
{
	cleanup_free char *list = NULL;
	struct xattr_kv *v = NULL;
	size_t n = 0;
	ssize_t len;

	*ret = NULL;
	*ret_n = 0;
	for (;;) {
		len = fd >= 0 ? flistxattr(fd, NULL, 0) : llistxattr(path, NULL, 0);
		if (len < 0 && (errno == ENOTSUP || errno == EPERM))
			return 0;
		if (len < 0)
			return pod_err_sys(err, "listing xattrs of \"%s\"", rel);
		if (len == 0)
			return 0;
		free(list);
		list = xmalloc((size_t) len);
		len = fd >= 0 ? flistxattr(fd, list, (size_t) len) : llistxattr(path, list, (size_t) len);
		if (len >= 0)
			break;
		if (errno != ERANGE)
			return pod_err_sys(err, "listing xattrs of \"%s\"", rel);
	}
	for (ssize_t off = 0; off < len; off += (ssize_t) strlen(list + off) + 1) {
		const char *name = list + off;
		ssize_t vl;
		char *val;

		if (!*name || !xattr_exported(name))
			continue;
		vl = fd >= 0 ? fgetxattr(fd, name, NULL, 0) : lgetxattr(path, name, NULL, 0);
		if (vl < 0 && errno == ENODATA)
			continue;
		if (vl < 0)
			goto fail;
		val = xmalloc((size_t) vl + 1);
		vl = fd >= 0 ? fgetxattr(fd, name, val, (size_t) vl)
			     : lgetxattr(path, name, val, (size_t) vl);
		if (vl < 0) {
			free(val);
			goto fail;
		}
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n].name = xstrdup(name);
		v[n].val = val;
		v[n].len = (size_t) vl;
		n++;
		continue;
fail:
		pod_err_sys(err, "reading xattr \"%s\" of \"%s\"", name, rel);
		xattrs_release(v, n);
		return -1;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_xattr);
	*ret = v;
	*ret_n = n;
	return 0;
}

static bool
has_xattr_y(int fd, const char *name)
{
	char v[4];
	ssize_t n = fgetxattr(fd, name, v, sizeof(v));

	return n == 1 && v[0] == 'y';
}

/* ---- hardlinks ---- */

static size_t
link_slot(struct tw *t, dev_t dev, ino_t ino)
{
	size_t i = ((uint64_t) dev * 31 + (uint64_t) ino) * 11400714819323198485ull >> 20;

	for (i &= t->links_cap - 1;; i = (i + 1) & (t->links_cap - 1))
		if (!t->links[i].path || (t->links[i].dev == dev && t->links[i].ino == ino))
			return i;
}

/* the first path seen for (dev, ino), or NULL after recording rel as it */
static const char *
link_seen(struct tw *t, const struct stat *st, const char *rel)
{
	size_t i;

	if ((t->links_n + 1) * 2 > t->links_cap) {
		struct hardlink *old = t->links;
		size_t oldcap = t->links_cap;

		t->links_cap = oldcap ? oldcap * 2 : 64;
		t->links = xcalloc(t->links_cap, sizeof(*t->links));
		for (i = 0; i < oldcap; i++)
			if (old[i].path)
				t->links[link_slot(t, old[i].dev, old[i].ino)] = old[i];
		free(old);
	}
	i = link_slot(t, st->st_dev, st->st_ino);
	if (t->links[i].path)
		return t->links[i].path;
	t->links[i].dev = st->st_dev;
	t->links[i].ino = st->st_ino;
	t->links[i].path = xstrdup(rel);
	t->links_n++;
	return NULL;
}

/* ---- the walk ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
list_sorted(int dfd, const char *rel, char ***ret, struct pod_err **err)
{
	cleanup_strv char **v = xcalloc(1, sizeof(char *));
	struct dirent *de;
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return pod_err_sys(err, "reading directory \"%s\"", *rel ? rel : "/");
	}
	while ((errno = 0, de = readdir(d)))
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, ".."))
			v = pod_strv_push(v, xstrdup(de->d_name));
	if (errno) {
		pod_err_sys(err, "reading directory \"%s\"", *rel ? rel : "/");
		closedir(d);
		return -1;
	}
	closedir(d);
	qsort(v, pod_strv_len(v), sizeof(char *), cmp_str);
	*ret = TAKE_PTR(v);
	return 0;
}

static int
copy_data(struct tw *t, int fd, uint64_t size, const char *rel, struct pod_err **err)
{
	uint64_t left = size;

	while (left) {
		size_t room = OUTBUF - t->blen;
		ssize_t n;

		if (!room) {
			if (tw_flush(t, err) < 0)
				return -1;
			continue;
		}
		n = read(fd, t->buf + t->blen, left < room ? (size_t) left : room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pod_err_sys(err, "reading \"%s\"", rel);
		if (n == 0)
			return pod_err_set(err, POD_E_GENERIC, 0,
					   "\"%s\" changed size while being archived", rel);
		t->blen += (size_t) n;
		left -= (uint64_t) n;
	}
	return tw_pad(t, size, err);
}

static int walk(struct tw *t, int dfd, const char *rel, unsigned depth, struct pod_err **err);

static int
one(struct tw *t, int dfd, const char *name, const char *rel, unsigned depth,
    struct pod_err **err)
{
	cleanup_free char *path = *rel		     ? xasprintf("%s/%s", rel, name)
				  : t->top_as && !depth ? xstrdup(t->top_as)
							: xstrdup(name);
	struct xattr_kv *xa = NULL;
	size_t nxa = 0;
	cleanup_close int fd = -1;
	struct stat st;
	int r = -1;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pod_err_sys(err, "stat \"%s\"", path);
	if (S_ISSOCK(st.st_mode))
		return 0; /* tar has no sockets */
	if (t->mode == POD_TAR_OVERLAY_UPPER && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		cleanup_free char *wh = *rel ? xasprintf("%s/.wh.%s", rel, name)
					     : xasprintf(".wh.%s", name);
		struct stat z = st;

		z.st_mode = S_IFREG | 0;
		z.st_uid = 0;
		z.st_gid = 0;
		return write_header(t, wh, NULL, '0', &z, 0, NULL, 0, err);
	}
	if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) {
		fd = openat(dfd, name,
			    (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0) | O_RDONLY | O_NOFOLLOW |
				    O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return pod_err_sys(err, "opening \"%s\"", path);
		if (read_xattrs(fd, NULL, path, &xa, &nxa, err) < 0)
			return -1;
	} else {
		char proc[64 + NAME_MAX];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", dfd, name);
		if (read_xattrs(-1, proc, path, &xa, &nxa, err) < 0)
			return -1;
	}
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		const char *first = link_seen(t, &st, path);

		if (first) {
			r = write_header(t, path, first, '1', &st, 0, NULL, 0, err);
			goto out;
		}
	}
	if (S_ISDIR(st.st_mode)) {
		cleanup_free char *dname = xasprintf("%s/", path);

		if (depth > 4096) {
			r = pod_err_set(err, POD_E_INVALID, 0, "directory tree too deep at \"%s\"",
					path);
			goto out;
		}
		if (write_header(t, dname, NULL, '5', &st, 0, xa, nxa, err) < 0)
			goto out;
		if (t->mode == POD_TAR_OVERLAY_UPPER &&
		    (has_xattr_y(fd, "trusted.overlay.opaque") ||
		     has_xattr_y(fd, "user.overlay.opaque"))) {
			cleanup_free char *opq = xasprintf("%s/.wh..wh..opq", path);
			struct stat z = st;

			z.st_mode = S_IFREG | 0;
			z.st_uid = 0;
			z.st_gid = 0;
			if (write_header(t, opq, NULL, '0', &z, 0, NULL, 0, err) < 0)
				goto out;
		}
		r = t->flat ? 0 : walk(t, fd, path, depth + 1, err);
	} else if (S_ISREG(st.st_mode)) {
		if (write_header(t, path, NULL, '0', &st, (uint64_t) st.st_size, xa, nxa, err) < 0)
			goto out;
		r = copy_data(t, fd, (uint64_t) st.st_size, path, err);
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(dfd, name, target, sizeof(target));

		if (n < 0 || (size_t) n >= sizeof(target)) {
			r = n < 0 ? pod_err_sys(err, "reading symlink \"%s\"", path)
				  : pod_err_set(err, POD_E_INVALID, 0,
						"symlink \"%s\" target too long", path);
			goto out;
		}
		target[n] = '\0';
		r = write_header(t, path, target, '2', &st, 0, xa, nxa, err);
	} else {
		char type = S_ISCHR(st.st_mode) ? '3' : S_ISBLK(st.st_mode) ? '4' : '6';

		r = write_header(t, path, NULL, type, &st, 0, xa, nxa, err);
	}
out:
	xattrs_release(xa, nxa);
	return r;
}

static int
walk(struct tw *t, int dfd, const char *rel, unsigned depth, struct pod_err **err)
{
	cleanup_strv char **names = NULL;

	if (list_sorted(dfd, rel, &names, err) < 0)
		return -1;
	for (char **n = names; *n; n++)
		if (one(t, dfd, *n, rel, depth, err) < 0)
			return -1;
	return 0;
}

static int
tar_write(struct tw *t0, int dirfd, const char *name, enum pod_compression comp,
	  struct pod_layer_result *ret, struct pod_err **err);

int
pod_layer_tar_from_dir(int dirfd, enum pod_tar_mode mode, int out_fd, enum pod_compression comp,
		       struct pod_layer_result *ret, struct pod_err **err)
{
	struct tw t = { .mode = mode, .out_fd = out_fd };

	return tar_write(&t, dirfd, NULL, comp, ret, err);
}

int
pod_tar_write_entry(int dirfd, const char *name, const struct pod_tar_entry_opts *o, int out_fd,
		    struct pod_err **err)
{
	struct tw t = { .mode = POD_TAR_PLAIN, .out_fd = out_fd };

	if (o) {
		t.top_as = o->as && *o->as ? o->as : NULL;
		t.own = o->set_owner;
		t.uid = o->uid;
		t.gid = o->gid;
	}
	return tar_write(&t, dirfd, name, POD_COMPRESSION_NONE, NULL, err);
}

static int
tar_write(struct tw *t0, int dirfd, const char *name, enum pod_compression comp,
	  struct pod_layer_result *ret, struct pod_err **err)
{
	static const uint8_t eof[2 * BLOCK];
	struct tw t = *t0;
	struct pod_layer_result r = { 0 };
	int rc = -1;

	t.comp = pod_compressor_new(comp, 0, tw_out, &t, err);
	if (!t.comp)
		return -1;
	t.buf = xmalloc(OUTBUF);
	pod_sha256_init(&t.uhash);
	pod_sha256_init(&t.chash);
	if ((name ? one(&t, dirfd, name, "", 0, err) : walk(&t, dirfd, "", 0, err)) < 0 ||
	    tw_emit(&t, eof, sizeof(eof), err) < 0 ||
	    tw_flush(&t, err) < 0 || pod_compressor_finish(t.comp, err) < 0) {
		pod_err_wrap(err, "creating layer tar");
		goto out;
	}
	pod_sha256_final(&t.uhash, r.diff_id);
	pod_sha256_final(&t.chash, r.compressed_digest);
	r.uncompressed_size = t.usize;
	r.compressed_size = t.csize;
	r.compression = comp;
	r.entries = t.entries;
	if (ret)
		*ret = r;
	rc = 0;
out:
	pod_sha256_release(&t.uhash);
	pod_sha256_release(&t.chash);
	pod_compressor_free(t.comp);
	free(t.buf);
	for (size_t i = 0; i < t.links_cap; i++)
		free(t.links[i].path);
	free(t.links);
	return rc;
}

/* ---- entry by entry ---- */

struct pod_tar_writer {
	struct tw t;
	bool failed;
};

struct pod_tar_writer *
pod_tar_writer_new(int out_fd, struct pod_err **err)
{
	struct pod_tar_writer *w = xcalloc(1, sizeof(*w));

	w->t.mode = POD_TAR_PLAIN;
	w->t.out_fd = out_fd;
	w->t.flat = true;
	w->t.comp = pod_compressor_new(POD_COMPRESSION_NONE, 0, tw_out, &w->t, err);
	if (!w->t.comp) {
		free(w);
		return NULL;
	}
	w->t.buf = xmalloc(OUTBUF);
	pod_sha256_init(&w->t.uhash);
	pod_sha256_init(&w->t.chash);
	return w;
}

int
pod_tar_writer_add(struct pod_tar_writer *w, int dirfd, const char *name, const char *path,
		   struct pod_err **err)
{
	int r;

	w->t.top_as = path;
	r = one(&w->t, dirfd, name, "", 0, err);
	w->t.top_as = NULL;
	if (r < 0)
		w->failed = true;
	return r;
}

int
pod_tar_writer_whiteout(struct pod_tar_writer *w, const char *path, struct pod_err **err)
{
	const char *slash = strrchr(path, '/');
	cleanup_free char *wh = slash ? xasprintf("%.*s/.wh.%s", (int) (slash - path), path,
						  slash + 1)
				      : xasprintf(".wh.%s", path);
	struct stat z = { .st_mode = S_IFREG };

	if (write_header(&w->t, wh, NULL, '0', &z, 0, NULL, 0, err) < 0) {
		w->failed = true;
		return -1;
	}
	return 0;
}

int
pod_tar_writer_finish(struct pod_tar_writer *w, struct pod_err **err)
{
	static const uint8_t eof[2 * BLOCK];

	if (w->failed)
		return pod_err_set(err, POD_E_GENERIC, 0, "the tar writer failed before");
	if (tw_emit(&w->t, eof, sizeof(eof), err) < 0 || tw_flush(&w->t, err) < 0 ||
	    pod_compressor_finish(w->t.comp, err) < 0) {
		w->failed = true;
		return -1;
	}
	return 0;
}

struct pod_tar_writer *
pod_tar_writer_free(struct pod_tar_writer *w)
{
	if (!w)
		return NULL;
	pod_sha256_release(&w->t.uhash);
	pod_sha256_release(&w->t.chash);
	pod_compressor_free(w->t.comp);
	free(w->t.buf);
	for (size_t i = 0; i < w->t.links_cap; i++)
		free(w->t.links[i].path);
	free(w->t.links);
	free(w);
	return NULL;
}
