/*
 * spec.h - the OCI runtime configuration (config.json, runtime-spec 1.0/1.1).
 *
 * pod_oci_spec_parse() reads untrusted bytes, checks every field the
 * runtime uses (types, absolute paths, known capability, namespace and
 * rlimit names) and fills a struct pod_oci_spec; errors read
 * "config.json: process.cwd: ...". Fields the runtime does not act on
 * (mountLabel, apparmorProfile, selinuxLabel, ...) are ignored. Objects the
 * runtime hands on whole (linux.resources for cgroups, linux.seccomp,
 * annotations) are kept as jansson references after their shape is
 * checked. The struct owns everything it points to; free it with
 * pod_oci_spec_free().
 */
#ifndef POD_RUNTIME_SPEC_H
#define POD_RUNTIME_SPEC_H

#include <jansson.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/util.h"

/* upper bound for config.json and process.json */
#define POD_OCI_SPEC_MAX_SIZE (16u << 20)

enum pod_oci_cap_set {
	POD_OCI_CAP_BOUNDING,
	POD_OCI_CAP_EFFECTIVE,
	POD_OCI_CAP_INHERITABLE,
	POD_OCI_CAP_PERMITTED,
	POD_OCI_CAP_AMBIENT,
	POD_OCI_CAP__MAX
};

struct pod_oci_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

struct pod_oci_process {
	bool terminal;
	unsigned console_height, console_width; /* 0 when not given */
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
	char **args; /* never empty */
	char **env;  /* never NULL */
	char *cwd;   /* absolute */
	bool has_caps;	/* process.capabilities present */
	uint64_t caps[POD_OCI_CAP__MAX]; /* bit n = capability n */
	struct pod_oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
};

struct pod_oci_mount {
	char *destination; /* absolute */
	char *type;	   /* NULL: a bind mount when options say so */
	char *source;	   /* may be NULL */
	char **options;	   /* never NULL */
};

struct pod_oci_namespace {
	int type;   /* CLONE_NEWPID, CLONE_NEWNET, ... */
	char *path; /* NULL: create a new one */
};

struct pod_oci_idmap {
	uint32_t container_id, host_id, size;
};

struct pod_oci_device {
	char *path; /* absolute */
	char type;  /* 'c', 'b', 'u' or 'p' */
	int64_t major, minor;
	bool has_mode, has_uid, has_gid;
	uint32_t file_mode, uid, gid;
};

struct pod_oci_hook {
	char *path; /* absolute */
	char **args;
	char **env;
	int timeout; /* seconds, 0: none */
};

enum pod_oci_hook_stage {
	POD_OCI_HOOK_PRESTART,
	POD_OCI_HOOK_CREATE_RUNTIME,
	POD_OCI_HOOK_CREATE_CONTAINER,
	POD_OCI_HOOK_START_CONTAINER,
	POD_OCI_HOOK_POSTSTART,
	POD_OCI_HOOK_POSTSTOP,
	POD_OCI_HOOK__MAX
};

struct pod_oci_sysctl {
	char *key, *value;
};

struct pod_oci_spec {
	char *oci_version;
	char *root_path; /* as written: relative to the bundle or absolute */
	bool root_readonly;
	struct pod_oci_process *process; /* NULL when absent */
	char *hostname, *domainname;	 /* NULL when absent */
	struct pod_oci_mount *mounts;
	size_t n_mounts;
	struct pod_oci_hook *hooks[POD_OCI_HOOK__MAX];
	size_t n_hooks[POD_OCI_HOOK__MAX];
	json_t *annotations; /* object, never NULL */
	struct pod_oci_namespace *namespaces;
	size_t n_namespaces;
	struct pod_oci_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct pod_oci_device *devices;
	size_t n_devices;
	char *cgroups_path; /* NULL when absent */
	json_t *resources;  /* linux.resources or NULL */
	struct pod_oci_sysctl *sysctl;
	size_t n_sysctl;
	json_t *seccomp; /* linux.seccomp (shape checked) or NULL */
	char **masked_paths, **readonly_paths; /* never NULL */
	unsigned long rootfs_propagation;      /* MS_* flags; 0: not given */
	json_t *json;			       /* the whole document */
	char *text;			       /* its bytes, when read from a file */
	size_t text_len;
};

/* name is the file name used in messages ("config.json") */
int pod_oci_spec_parse(const char *buf, size_t len, const char *name, struct pod_oci_spec **ret,
		       struct pod_err **err);
/* reads and parses a file (bounded by POD_OCI_SPEC_MAX_SIZE) */
int pod_oci_spec_load(const char *path, struct pod_oci_spec **ret, struct pod_err **err);
struct pod_oci_spec *pod_oci_spec_free(struct pod_oci_spec *s);
void pod_oci_spec_freep(struct pod_oci_spec **s);

/* a process object alone (exec --process FILE); name as above */
int pod_oci_process_parse(json_t *j, const char *name, struct pod_oci_process **ret,
			  struct pod_err **err);
int pod_oci_process_load(const char *path, struct pod_oci_process **ret, struct pod_err **err);
struct pod_oci_process *pod_oci_process_free(struct pod_oci_process *p);
void pod_oci_process_freep(struct pod_oci_process **p);
/* deep copy */
struct pod_oci_process *pod_oci_process_dup(const struct pod_oci_process *p);

/* the namespace of a CLONE_NEW* flag in the spec's spelling, and the
 * /proc/PID/ns/ file name; NULL for an unknown flag */
const char *pod_oci_ns_name(int type);
const char *pod_oci_ns_proc_name(int type);
/* "CAP_CHOWN" -> 0; -1 when unknown */
int pod_oci_cap_from_name(const char *name);
/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown */
int pod_oci_rlimit_from_name(const char *name);
/* index in the namespaces array, or -1 */
int pod_oci_spec_find_ns(const struct pod_oci_spec *s, int type);

#endif
