/* globals.c - the engine-wide options every tool and the dispatcher accept
 * (apart from tool.c so the dispatcher links nothing it does not use) */
#include "cli/tool.h"

struct pod_globals pod_globals_slots;
#define G pod_globals_slots

const struct pod_opt pod_global_options[] = {
	{ POD_OPT_T_STRING, 0, "root", "string", &G.root,
	  "Path to the root directory in which data, including images, is stored", NULL,
	  POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_STRING, 0, "runroot", "string", &G.runroot,
	  "Path to the 'run directory' where all state information is stored", NULL,
	  POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_STRING, 0, "storage-driver", "string", &G.storage_driver,
	  "Select which storage driver is used to manage storage of images and containers", NULL,
	  POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_STRING, 0, "log-level", "string", &G.log_level,
	  "Log messages above specified level (trace, debug, info, warn, warning, error, fatal, "
	  "panic)", NULL, POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_STRING, 0, "cgroup-manager", "string", &G.cgroup_manager,
	  "Cgroup manager to use (\"cgroupfs\"|\"systemd\")", NULL, POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_STRING, 0, "runtime", "string", &G.runtime,
	  "Path to the OCI-compatible binary used to run containers", NULL, POD_OPT_GLOBAL, NULL,
	  NULL },
	{ POD_OPT_T_STRING, 0, "url", "string", &G.url,
	  "URL to access Podman service", NULL, POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_STRING, 0, "events-backend", "string", &G.events_backend,
	  "Events backend to use (\"file\"|\"none\")", NULL, POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_STRING, 0, "tmpdir", "string", &G.tmpdir,
	  "Path to the tmp directory for libpod state content", NULL, POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_STRING, 0, "hooks-dir", "string", &G.hooks_dir,
	  "Set the OCI hooks directory path", NULL, POD_OPT_GLOBAL, NULL, NULL },
	{ POD_OPT_T_BOOL, 'r', "remote", NULL, &G.remote,
	  "Access remote Podman service", NULL, POD_OPT_GLOBAL, NULL, NULL },
	POD_OPT_END
};
