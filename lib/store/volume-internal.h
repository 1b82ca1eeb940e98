/*
 * volume-internal.h - private to lib/store's volume files: transactions
 * that join the caller's, option parsing and the flags row update.
 */
#ifndef POD_STORE_VOLUME_INTERNAL_H
#define POD_STORE_VOLUME_INTERNAL_H

#include "store/volume.h"

/* BEGIN IMMEDIATE unless the caller has a transaction open (*own says which) */
int pod_volume_tx_begin(struct pod_store *s, bool *own, struct pod_err **err);
/* commit (rc 0) or roll back (rc < 0) our own transaction; returns rc or -1 */
int pod_volume_tx_end(struct pod_store *s, bool own, int rc, struct pod_err **err);
/* fills v->options, uid/gid, needs_chown and needs_copy_up from -o values */
int pod_volume_parse_opts(char *const *opts, struct pod_volume *v, struct pod_err **err);
/* writes v's data column (labels, options, flags) */
int pod_volume_save_flags(struct pod_store *s, const struct pod_volume *v, struct pod_err **err);
/* 1 if path is the root of a mount, 0 if not, -1 if it cannot be told */
int pod_volume_is_mounted(const char *path);

#endif
