/*
 * internal.h - private to lib/store: the store object and the migrations.
 */
#ifndef POD_STORE_INTERNAL_H
#define POD_STORE_INTERNAL_H

#include "store/store.h"

struct pod_store {
	sqlite3 *db;
	struct pod_paths paths; /* own copies */
	enum pod_store_flags flags;
	bool memory;
	bool in_tx;
};

/*
 * Migration i (0-based) takes the schema from version i to i + 1. Append
 * only: a released entry never changes.
 */
struct pod_store_migration {
	const char *what;
	const char *sql;
};
extern const struct pod_store_migration pod_store_migrations[];
extern const size_t pod_store_n_migrations;

#endif
