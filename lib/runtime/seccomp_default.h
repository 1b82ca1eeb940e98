/*
 * seccomp_default.h - Podman's default seccomp profile, and reading
 * Docker/Podman seccomp.json files, both resolved to the OCI
 * linux.seccomp object for one container.
 *
 * Profiles in seccomp.json form carry rules gated on capabilities
 * (includes/excludes.caps), architectures (.arches, Go names like "amd64")
 * and kernel versions (.minKernel). Resolving keeps the rules that apply to
 * this host and to the container's capability set (caps: NULL-terminated
 * names, with or without "CAP_", any case), and turns archMap into the
 * host's architecture list. Every function returns a new reference.
 */
#ifndef POD_RUNTIME_SECCOMP_DEFAULT_H
#define POD_RUNTIME_SECCOMP_DEFAULT_H

#include <jansson.h>

#include "core/err.h"

/* Podman 4.3's default profile (containers/common seccomp.json) resolved:
 * unknown syscalls fail with ENOSYS. */
json_t *pod_seccomp_default_profile(const char *const *caps);
/* The same profile in seccomp.json form, unresolved. */
json_t *pod_seccomp_default_source(void);
/* A seccomp.json profile, resolved. */
json_t *pod_seccomp_profile_from_file(const char *path, const char *const *caps,
				      struct pod_err **err);
json_t *pod_seccomp_profile_from_data(const char *data, size_t len, const char *const *caps,
				      struct pod_err **err);
json_t *pod_seccomp_profile_resolve(json_t *profile, const char *const *caps,
				    struct pod_err **err);

#endif
