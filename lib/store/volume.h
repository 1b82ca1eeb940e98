/*
 * volume.h - named and anonymous volumes (the "local" driver).
 *
 * A volume is a row in `volumes` plus the directory $ROOT/volumes/NAME/_data
 * (the mountpoint). Which containers use a volume is kept in
 * `volume_users(volume, container_id)`; a volume with users cannot be
 * removed without force. A volume created with `-o type=... -o device=...
 * -o o=...` is mount(2)ed on its _data directory when its first user comes
 * (pod_volume_mount()) and unmounted when the last one goes
 * (pod_volume_unmount()); the count lives in the database and is reset when
 * the mount has gone away under it (a reboot).
 *
 * Ownership: struct pod_volume is owned by the caller of pod_volume_create(),
 * pod_volume_get() or pod_volume_lookup(); release it with pod_volume_free()
 * (or cleanup_volume). A list from pod_volume_list() is a NULL-terminated
 * array released with pod_volume_list_free(). json_t values inside are
 * owned by the struct (borrow them).
 *
 * Transactions: every function that writes the database runs inside the
 * caller's transaction when one is open (pod_store_in_transaction()), so an
 * engine can insert a container and its volume users atomically; otherwise
 * it opens (BEGIN IMMEDIATE) and commits its own. Filesystem objects are
 * created before their row and removed after it.
 *
 * What the container engine calls, and when:
 *   create:  for `-v NAME:/dst` and `--mount type=volume,source=NAME`:
 *              pod_volume_get(); on POD_E_NOTFOUND pod_volume_create() with
 *              .name = NAME (Podman creates named volumes on first use);
 *            for image VOLUMEs, `-v /dst` and `--mount type=volume` without
 *              source: pod_volume_create() with .name = NULL, .anonymous;
 *            for `--volumes-from CTR`: the source container's volume list
 *              (the engine's own data) and pod_volume_get() for each;
 *            then pod_volume_add_user(s, name, ctr_id) for every volume, in
 *              the transaction that inserts the container row (the
 *              volume_users foreign key to containers is checked at commit).
 *   start:   pod_volume_mount() (returns the host path to bind-mount; a
 *              no-op mount for plain volumes), then pod_volume_copy_up()
 *              with the container's rootfs and the destination path, then
 *              pod_volume_chown() with the container's uid/gid.
 *   stop / cleanup: pod_volume_unmount() once per pod_volume_mount().
 *   rm:      volume_users rows go with the container row (ON DELETE
 *              CASCADE), or call pod_volume_remove_user(); with `rm -v`,
 *              afterwards pod_volume_remove(s, name, 0) for each anonymous
 *              volume (POD_E_INUSE means another container still uses it:
 *              ignore it).
 */
#ifndef POD_STORE_VOLUME_H
#define POD_STORE_VOLUME_H

#include <jansson.h>
#include <sys/types.h>

#include "core/err.h"
#include "core/util.h"
#include "store/store.h"

struct pod_volume {
	char *name;
	char *driver;		/* "local" */
	char *mountpoint;	/* $ROOT/volumes/NAME/_data */
	int64_t created;	/* ns since the epoch */
	json_t *labels;		/* object: string -> string */
	json_t *options;	/* object: type, device, o, UID, GID as the user gave them */
	bool anonymous;
	bool has_uid, has_gid;	/* `-o o=uid=N,gid=N` */
	uid_t uid;
	gid_t gid;
	bool needs_copy_up;	/* a new volume: copy the image's content on first use */
	bool needs_chown;	/* a new volume without uid/gid: chown on first use */
	int64_t mount_count;	/* users of the mount(2) for volumes with a type */
};

struct pod_volume_opts {
	const char *name;	/* NULL: a random 64-hex-digit name */
	const char *driver;	/* NULL or "local" */
	char *const *labels;	/* "KEY=VALUE" or "KEY", NULL-terminated; may be NULL */
	char *const *options;	/* -o values, "KEY=VALUE": type, device, o; may be NULL */
	bool anonymous;		/* created for a container, not by `volume create` */
	bool ignore_exists;	/* an existing volume of that name is returned, not an error */
};

/*
 * Creates the volume (the directory, then the row). Errors, in Podman's
 * words: a bad name is POD_E_INVALID `running volume create option: names
 * must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument`; a taken name
 * is POD_E_EXISTS `volume with name NAME already exists: volume already
 * exists`; an unknown driver, option or mount option is POD_E_INVALID.
 */
int pod_volume_create(struct pod_store *s, const struct pod_volume_opts *o,
		      struct pod_volume **ret, struct pod_err **err);

/* exact name only (what `-v NAME:/dst` means) */
int pod_volume_get(struct pod_store *s, const char *name, struct pod_volume **ret,
		   struct pod_err **err);
/* exact name, then a unique name prefix (what the volume commands take) */
int pod_volume_lookup(struct pod_store *s, const char *name_or_prefix, struct pod_volume **ret,
		      struct pod_err **err);
/* 1 if a volume has exactly that name, 0 if not, -1 on error */
int pod_volume_exists(struct pod_store *s, const char *name, struct pod_err **err);
/* all volumes, sorted by name; *ret is a NULL-terminated array */
int pod_volume_list(struct pod_store *s, struct pod_volume ***ret, struct pod_err **err);

enum pod_volume_rm_flags {
	/* remove even when containers use it (their volume_users rows go too) */
	POD_VOLUME_RM_FORCE = 1 << 0,
};
/*
 * Removes the row, then unmounts a left-over mount and removes the
 * directory. In use without FORCE is POD_E_INUSE, Podman's
 * `volume NAME is being used by the following container(s): ID[, ID]:
 * volume is being used`.
 */
int pod_volume_remove(struct pod_store *s, const char *name, unsigned flags,
		      struct pod_err **err);

/* container IDs using the volume, sorted; *ret is a NULL-terminated vector */
int pod_volume_users(struct pod_store *s, const char *name, char ***ret, struct pod_err **err);
/* adding an existing pair or removing a missing one is not an error */
int pod_volume_add_user(struct pod_store *s, const char *name, const char *container_id,
			struct pod_err **err);
int pod_volume_remove_user(struct pod_store *s, const char *name, const char *container_id,
			   struct pod_err **err);

/* does this volume have a file system to mount (a "type" or "device" option)? */
bool pod_volume_needs_mount(const struct pod_volume *v);
/*
 * For a volume with a mount: mounts it at its mountpoint when the count is
 * 0 (or the mount has vanished) and increments the count. For a plain
 * volume nothing happens. Either way *ret_path (may be NULL) is the
 * mountpoint, malloc'd, and v->mount_count is updated.
 */
int pod_volume_mount(struct pod_store *s, struct pod_volume *v, char **ret_path,
		     struct pod_err **err);
/* decrements the count, unmounting at 0; a count already 0 is not an error */
int pod_volume_unmount(struct pod_store *s, struct pod_volume *v, struct pod_err **err);

/*
 * Parses a mount(8) option string ("size=1m,uid=1000,nodev,ro") into
 * MS_* flags and the data string handed to mount(2). Unknown words go to
 * data unchanged. Exposed for tests.
 */
int pod_volume_parse_mount_options(const char *o, unsigned long *ret_flags, char **ret_data,
				   struct pod_err **err);

/*
 * On a volume that still needs it (v->needs_copy_up), copies the content of
 * path_in_image (resolved inside rootfs_dir with RESOLVE_IN_ROOT, so
 * symlinks cannot leave it) into the volume if the volume's _data is empty,
 * keeping modes, owners, times, xattrs, symlinks and hard links; the
 * directory's own mode and owner are copied too. A missing source or a
 * non-empty volume copies nothing. Afterwards needs_copy_up is cleared in
 * the database, as Podman does (only the first user copies).
 */
int pod_volume_copy_up(struct pod_store *s, struct pod_volume *v, const char *rootfs_dir,
		       const char *path_in_image, struct pod_err **err);
/*
 * On a volume that still needs it (v->needs_chown), chowns the mountpoint
 * to uid:gid (the container's user, mapped to the host) and clears the flag.
 */
int pod_volume_chown(struct pod_store *s, struct pod_volume *v, uid_t uid, gid_t gid,
		     struct pod_err **err);

/*
 * `podman volume inspect` / `volume ls --format json` object, keys in
 * Podman 4.3's order: Name, Driver, Mountpoint, CreatedAt (RFC 3339 with
 * ns in local time), Labels, Scope, Options, UID?, GID?, Anonymous?,
 * MountCount, NeedsCopyUp?, NeedsChown? (? = omitted when zero/false).
 */
json_t *pod_volume_inspect_json(const struct pod_volume *v);

/*
 * Export: writes _data as a tar stream to fd. Import: extracts a tar
 * stream (plain or compressed) from fd into _data; entries that would land
 * outside _data (absolute paths, "..", through symlinks, hard links to
 * outside) are refused and nothing is written for them.
 */
int pod_volume_export(struct pod_store *s, const struct pod_volume *v, int fd,
		      struct pod_err **err);
int pod_volume_import(struct pod_store *s, const struct pod_volume *v, int fd,
		      struct pod_err **err);

/* a time in local time: RFC 3339 with ns as Go's JSON does, and Go's time.String() */
char *pod_volume_time_rfc3339(int64_t ns);
char *pod_volume_time_go(int64_t ns);

struct pod_volume *pod_volume_free(struct pod_volume *v);
void pod_volume_freep(struct pod_volume **v);
#define cleanup_volume cleanup_(pod_volume_freep)
void pod_volume_list_free(struct pod_volume **list);

/* [a-zA-Z0-9][a-zA-Z0-9_.-]* */
bool pod_volume_name_valid(const char *name);

#endif
