/* schema.c - the ordered schema migrations */
#include "store/internal.h"

const struct pod_store_migration pod_store_migrations[] = {
	{
		.what = "initial schema",
		.sql = "CREATE TABLE layers ("
		       " id TEXT PRIMARY KEY,"
		       " parent TEXT REFERENCES layers(id),"
		       " diff_id TEXT NOT NULL,"
		       " compressed_digest TEXT,"
		       " size INTEGER NOT NULL DEFAULT 0,"
		       " created INTEGER NOT NULL DEFAULT 0,"
		       " state TEXT NOT NULL DEFAULT 'incomplete'"
		       "  CHECK (state IN ('incomplete', 'ready')),"
		       " data TEXT NOT NULL DEFAULT '{}');"
		       "CREATE INDEX layers_parent ON layers(parent);"
		       "CREATE INDEX layers_diff_id ON layers(diff_id);"

		       "CREATE TABLE images ("
		       " id TEXT PRIMARY KEY,"
		       " digest TEXT,"
		       " manifest_type TEXT,"
		       " config_digest TEXT,"
		       " top_layer TEXT REFERENCES layers(id),"
		       " size INTEGER NOT NULL DEFAULT 0,"
		       " created INTEGER NOT NULL DEFAULT 0,"
		       " data TEXT NOT NULL DEFAULT '{}');"
		       "CREATE INDEX images_digest ON images(digest);"
		       "CREATE INDEX images_top_layer ON images(top_layer);"

		       "CREATE TABLE image_names ("
		       " name TEXT PRIMARY KEY,"
		       " image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE);"
		       "CREATE INDEX image_names_image ON image_names(image_id);"

		       "CREATE TABLE pods ("
		       " id TEXT PRIMARY KEY,"
		       " name TEXT NOT NULL UNIQUE,"
		       " infra_id TEXT,"
		       " state TEXT NOT NULL DEFAULT 'created',"
		       " created INTEGER NOT NULL DEFAULT 0,"
		       " data TEXT NOT NULL DEFAULT '{}');"

		       "CREATE TABLE containers ("
		       " id TEXT PRIMARY KEY,"
		       " name TEXT NOT NULL UNIQUE,"
		       " image_id TEXT REFERENCES images(id),"
		       " pod_id TEXT REFERENCES pods(id),"
		       " state TEXT NOT NULL DEFAULT 'configured',"
		       " pid INTEGER NOT NULL DEFAULT 0,"
		       " created INTEGER NOT NULL DEFAULT 0,"
		       " started INTEGER NOT NULL DEFAULT 0,"
		       " finished INTEGER NOT NULL DEFAULT 0,"
		       " exit_code INTEGER,"
		       " data TEXT NOT NULL DEFAULT '{}');"
		       "CREATE INDEX containers_image ON containers(image_id);"
		       "CREATE INDEX containers_pod ON containers(pod_id);"
		       "CREATE INDEX containers_state ON containers(state);"

		       "CREATE TABLE volumes ("
		       " name TEXT PRIMARY KEY,"
		       " driver TEXT NOT NULL DEFAULT 'local',"
		       " mountpoint TEXT NOT NULL DEFAULT '',"
		       " created INTEGER NOT NULL DEFAULT 0,"
		       " data TEXT NOT NULL DEFAULT '{}');"

		       "CREATE TABLE networks ("
		       " name TEXT PRIMARY KEY,"
		       " id TEXT NOT NULL UNIQUE,"
		       " driver TEXT NOT NULL DEFAULT 'bridge',"
		       " created INTEGER NOT NULL DEFAULT 0,"
		       " data TEXT NOT NULL DEFAULT '{}');"

		       "CREATE TABLE exec_sessions ("
		       " id TEXT PRIMARY KEY,"
		       " container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,"
		       " created INTEGER NOT NULL DEFAULT 0,"
		       " data TEXT NOT NULL DEFAULT '{}');"
		       "CREATE INDEX exec_sessions_container ON exec_sessions(container_id);",
	},
	{
		/*
		 * Which containers use a volume. The container foreign key is
		 * checked at commit, so an engine may add the users before the
		 * container row in the same transaction.
		 */
		.what = "volume users and mount counts",
		.sql = "CREATE TABLE volume_users ("
		       " volume TEXT NOT NULL REFERENCES volumes(name) ON DELETE CASCADE,"
		       " container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE"
		       "  DEFERRABLE INITIALLY DEFERRED,"
		       " PRIMARY KEY (volume, container_id));"
		       "CREATE INDEX volume_users_container ON volume_users(container_id);"
		       "ALTER TABLE volumes ADD COLUMN mount_count INTEGER NOT NULL DEFAULT 0;",
	},
	{
		.what = "network attachments: IP allocations, published ports, endpoints",
		.sql = "CREATE TABLE ip_allocations ("
		       " network TEXT NOT NULL,"
		       " ip TEXT NOT NULL,"
		       " container_id TEXT NOT NULL,"
		       " PRIMARY KEY (network, ip));"
		       "CREATE INDEX ip_allocations_container ON ip_allocations(container_id);"

		       "CREATE TABLE net_ports ("
		       " protocol TEXT NOT NULL,"
		       " host_ip TEXT NOT NULL DEFAULT '',"
		       " host_port INTEGER NOT NULL,"
		       " container_id TEXT NOT NULL,"
		       " PRIMARY KEY (protocol, host_ip, host_port));"
		       "CREATE INDEX net_ports_container ON net_ports(container_id);"
		       "CREATE INDEX net_ports_port ON net_ports(protocol, host_port);"

		       "CREATE TABLE net_sandboxes ("
		       " container_id TEXT PRIMARY KEY,"
		       " netns TEXT NOT NULL DEFAULT '',"
		       " data TEXT NOT NULL DEFAULT '{}');"

		       "CREATE TABLE net_endpoints ("
		       " container_id TEXT NOT NULL,"
		       " network TEXT NOT NULL,"
		       " position INTEGER NOT NULL DEFAULT 0,"
		       " data TEXT NOT NULL DEFAULT '{}',"
		       " PRIMARY KEY (container_id, network));"
		       "CREATE INDEX net_endpoints_network ON net_endpoints(network);",
	},
};

const size_t pod_store_n_migrations = ARRAY_SIZE(pod_store_migrations);
