/*
 * pull.h - pulling images from registries into the local image store.
 *
 * pod_pull() resolves what the user typed (short names through
 * registries.conf: aliases, then unqualified-search registries in order),
 * applies the [[registry]] rules (location rewrite, blocked, insecure,
 * mirrors tried first), picks the platform from an index, and copies the
 * image: the config first (its rootfs.diff_ids name every layer's chain ID),
 * then the layers that are not stored yet, several at once. Each layer
 * streams from libcurl's write callback through the store's layer writer
 * (hash, inflate, hash, extract) with no temporary copy; the blob digest and
 * the DiffID are checked before a layer is committed, layers are committed
 * bottom-up, and the image row is written last. A failure leaves no image
 * and, once no other writer runs, no layer of this pull (the store's gc).
 *
 * Threads: workers only move bytes (their own curl handle and layer
 * writer); every store access (layer begin/commit, the image commit) stays
 * on the caller's thread, so the imagestore keeps its one-thread rule. The
 * threads are joined before pod_pull() returns; still, call it only from a
 * process that does not clone containers (pod-pull; create and run exec it).
 */
#ifndef POD_IMAGE_PULL_H
#define POD_IMAGE_PULL_H

#include "config/config.h"
#include "image/imagestore.h"

#include <stdio.h>

struct pod_pull_opts {
	const char *authfile;  /* NULL: pod_config_auth_paths() */
	const char *creds;     /* "user[:password]" or NULL */
	const char *cert_dir;  /* NULL: /etc/containers/certs.d/HOST when present */
	int tls_verify;	       /* -1: as registries.conf says, 0: off (http allowed), 1: on */
	const char *os;	       /* NULL: linux */
	const char *arch;      /* NULL: the host's */
	const char *variant;   /* NULL: the default for arch */
	bool all_tags;	       /* every tag of the repository (no tag in the name) */
	FILE *progress;	       /* Podman's progress lines go here; NULL: quiet */
	bool progress_tty;     /* short "Copying blob ID done" lines */
	unsigned parallel;     /* layers at once; 0: 3 */
	const struct pod_registries *registries; /* NULL: loaded from the usual files */
	bool interactive;      /* a terminal is attached (short-name enforcing mode) */
	bool newer;	       /* a stored image whose manifest the registry still serves
				  is not pulled again (--pull=newer) */
};

/*
 * Pulls name (one image, or with all_tags every tag). *ret_ids gets the
 * image IDs (hex) in pull order, NULL-terminated.
 */
int pod_pull(struct pod_imagestore *is, const char *name, const struct pod_pull_opts *o,
	     char ***ret_ids, struct pod_err **err);

/*
 * "os/arch[/variant]" -> parts (malloc'd; *ret_variant NULL when absent).
 * Errors name the bad value.
 */
int pod_pull_parse_platform(const char *s, char **ret_os, char **ret_arch, char **ret_variant,
			    struct pod_err **err);

#endif
