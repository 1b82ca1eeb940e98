/*
 * pod_image.c - the infra image, localhost/podman-pause:VERSION, as Podman
 * builds its pause image locally: one layer holding the static pod-infra
 * binary as /pod-infra, its entrypoint. No registry is involved.
 */
#include "runtime/pod.h"
#include "core/fs.h"
#include "core/json.h"
#include "image/imagestore.h"
#include "image/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define INFRA_NAME "localhost/podman-pause:" POD_VERSION
#define INFRA_MAX (64u << 20)

static int
write_all(int fd, const void *buf, size_t len, struct pod_err **err)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pod_err_sys(err, "writing the infra layer");
		p += n;
		len -= (size_t) n;
	}
	return 0;
}

static void
octal(char *dst, size_t width, uint64_t v)
{
	/* width-1 digits and a NUL, as ustar wants */
	snprintf(dst, width, "%0*llo", (int) width - 1, (unsigned long long) v);
}

/* a ustar archive of one regular file, deterministic (mtime 0, root-owned) */
static int
tar_one(int fd, const char *name, const char *data, size_t len, struct pod_err **err)
{
	char hdr[512] = { 0 };
	static const char zeros[1024];
	unsigned sum = 0;
	size_t pad = (512 - len % 512) % 512;

	memcpy(hdr, name, strlen(name));
	octal(hdr + 100, 8, 0755);
	octal(hdr + 108, 8, 0);
	octal(hdr + 116, 8, 0);
	octal(hdr + 124, 12, len);
	octal(hdr + 136, 12, 0);
	memset(hdr + 148, ' ', 8);
	hdr[156] = '0';
	memcpy(hdr + 257, "ustar", 6);
	memcpy(hdr + 263, "00", 2);
	for (size_t i = 0; i < sizeof(hdr); i++)
		sum += (unsigned char) hdr[i];
	snprintf(hdr + 148, 8, "%06o", sum);
	hdr[155] = ' ';
	if (write_all(fd, hdr, sizeof(hdr), err) < 0 || write_all(fd, data, len, err) < 0 ||
	    write_all(fd, zeros, pad, err) < 0 || write_all(fd, zeros, sizeof(zeros), err) < 0)
		return -1;
	return 0;
}

static int
build(struct pod_engine *e, struct pod_err **err)
{
	cleanup_free char *bin = pod_engine_tool_path(e, "pod-infra");
	cleanup_free char *data = NULL, *cfgtext = NULL, *created = pod_format_rfc3339(pod_now_ns());
	cleanup_free char *by = NULL, *id = NULL;
	cleanup_(pod_imagestore_closep) struct pod_imagestore *is = NULL;
	cleanup_close int fd = -1;
	cleanup_json json_t *cfg = NULL;
	struct pod_layer_info info = { 0 };
	struct pod_image_commit c = { 0 };
	char *names[2] = { (char *) INFRA_NAME, NULL };
	size_t len = 0;

	if (pod_read_file(bin, &data, &len, INFRA_MAX, err) < 0)
		return pod_err_wrap(err, "building the infra image");
	fd = memfd_create("pod-infra-layer", MFD_CLOEXEC);
	if (fd < 0)
		return pod_err_sys(err, "memfd_create");
	if (tar_one(fd, "pod-infra", data, len, err) < 0)
		return -1;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return pod_err_sys(err, "lseek");
	if (pod_imagestore_open(e->store, e->storage_driver, &is, err) < 0 ||
	    pod_imagestore_add_layer_fd(is, NULL, fd, &info, err) < 0)
		return pod_err_wrap(err, "building the infra image");
	by = xasprintf("/bin/sh -c #(nop) COPY file:%s in /pod-infra ", info.diff_id + 7);
	cfg = json_pack("{s:s, s:s, s:s, s:{s:[s], s:[s]}, s:{s:s, s:[s]}, s:[{s:s, s:s}]}",
			"created", created, "architecture", pod_host_goarch(), "os", "linux",
			"config", "Env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
			"/sbin:/bin", "Entrypoint", "/pod-infra", "rootfs", "type", "layers",
			"diff_ids", info.diff_id, "history", "created", created, "created_by", by);
	cfgtext = json_dumps(cfg, JSON_COMPACT);
	c.config = cfgtext;
	c.config_len = strlen(cfgtext);
	c.manifest_type = POD_MT_OCI_MANIFEST;
	c.names = names;
	if (pod_imagestore_commit_image(is, &c, &id, err) < 0)
		return pod_err_wrap(err, "building the infra image");
	return 0;
}

int
pod_pod_infra_image(struct pod_engine *e, char **ret_name, struct pod_err **err)
{
	cleanup_(pod_ctr_image_freep) struct pod_ctr_image *img = NULL;
	struct pod_err *e2 = NULL;

	if (pod_ctr_image_lookup(e, INFRA_NAME, &img, &e2) < 0) {
		if (e2->kind != POD_E_NOTFOUND) {
			*err = e2;
			return -1;
		}
		pod_err_free(&e2);
		if (build(e, err) < 0)
			return -1;
	}
	*ret_name = xstrdup(INFRA_NAME);
	return 0;
}
