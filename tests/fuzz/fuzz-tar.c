/*
 * fuzz-tar.c - arbitrary bytes through the layer sink (sniffing, gzip/zstd,
 * tar parsing, extraction) into a fresh directory per run.
 *
 * The directory sits alone inside a private sentinel directory; after each
 * run nothing but it may exist there, then it is removed. Sizes are bounded
 * so one input cannot fill the disk.
 */
#include "core/err.h"
#include "image/layer.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static char *sentinel;
static int sentinel_fd = -1;

static void
teardown(void)
{
	(void) pod_layer_remove_tree(AT_FDCWD, sentinel, NULL);
}

static void
setup(void)
{
	char tmpl[] = "/tmp/fuzz-tar-XXXXXX";

	if (!mkdtemp(tmpl))
		abort();
	sentinel = xstrdup(tmpl);
	sentinel_fd = open(sentinel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sentinel_fd < 0)
		abort();
	atexit(teardown);
}

static void
check_sentinel(void)
{
	int fd = openat(sentinel_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d)
		abort();
	while ((de = readdir(d)))
		if (!STREQ(de->d_name, ".") && !STREQ(de->d_name, "..") &&
		    !STREQ(de->d_name, "run"))
			abort(); /* something escaped the layer root */
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pod_layer_opts o = {
		.max_total_size = 8u << 20,
		.max_entries = 512,
		.max_pax_size = 64u << 10,
	};
	struct pod_layer_result r;
	struct pod_err *e = NULL;
	struct pod_layer_sink *s;
	size_t chunk;
	int fd;

	if (!sentinel)
		setup();
	if (mkdirat(sentinel_fd, "run", 0755) < 0)
		abort();
	fd = openat(sentinel_fd, "run", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		abort();
	/* the first byte picks the write size, to cross every boundary */
	chunk = size ? (size_t) data[0] % 64 + 1 : 1;
	if (size && data[0] & 0x80)
		chunk = 4096;
	s = pod_layer_sink_new(fd, &o, &e);
	if (!s)
		abort();
	for (size_t off = 0; off < size;) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (pod_layer_sink_write(s, data + off, n, &e) < 0)
			break;
		off += n;
	}
	if (!e)
		(void) pod_layer_sink_finish(s, &r, &e);
	pod_err_free(&e);
	pod_layer_sink_free(s);
	close(fd);
	check_sentinel();
	if (pod_layer_remove_tree(sentinel_fd, "run", &e) < 0)
		abort();
	return 0;
}
