/*
 * lock.h - advisory file locks (flock) for per-object lifecycle changes.
 *
 * pod_lock_open() returns an fd that holds the lock; closing it (or
 * pod_lock_release()) drops the lock. The lock file is created 0600 and is
 * left in place: unlinking it would let two holders lock different inodes.
 * flock locks belong to the open file description, so two opens of the same
 * path in one process contend like two processes do.
 */
#ifndef POD_CORE_LOCK_H
#define POD_CORE_LOCK_H

#include "core/err.h"
#include "core/util.h"

/*
 * Locks path (exclusive or shared). With wait false, a lock held elsewhere
 * fails at once with POD_E_INUSE and errnum EWOULDBLOCK.
 */
int pod_lock_open(const char *path, bool exclusive, bool wait, struct pod_err **err);
void pod_lock_release(int fd);
void pod_lock_releasep(int *fd);
#define cleanup_lock cleanup_(pod_lock_releasep)

#endif
