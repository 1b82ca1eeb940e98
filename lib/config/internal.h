/*
 * internal.h - helpers shared by the lib/config files; not installed.
 */
#ifndef POD_CONFIG_INTERNAL_H
#define POD_CONFIG_INTERNAL_H

#include <jansson.h>

#include "config/config.h"

enum pod_cfg_type {
	POD_CFG_STRING,
	POD_CFG_BOOL,
	POD_CFG_INT,
	POD_CFG_STRV,
};

struct pod_cfg_field {
	const char *key;
	enum pod_cfg_type type;
	size_t offset; /* into the destination struct */
};

#include "core/json.h"

bool pod_cfg_exists(const char *path);
/* XDG_CONFIG_HOME, else HOME/.config */
char *pod_cfg_config_home(const struct pod_config_dirs *d);
/* appends DIR/ *.conf regular files, sorted; a missing DIR adds nothing */
int pod_cfg_add_conf_dir(char ***v, const char *dir, struct pod_err **err);
/* NULL with *ret_missing = true (and no error) when PATH does not exist */
json_t *pod_cfg_parse(const char *path, bool *ret_missing, struct pod_err **err);

/*
 * Type errors: "PREFIX: key "SECTION.KEY": incompatible types: TOML value has
 * type X; destination has type Y". PREFIX names the file.
 */
int pod_cfg_type_err(struct pod_err **err, const char *prefix, const char *section,
		     const char *key, const json_t *v, const char *want);
/* copies a string value (no NUL bytes) */
int pod_cfg_string(const json_t *v, const char *prefix, const char *section, const char *key,
		   char **ret, struct pod_err **err);
int pod_cfg_strv(const json_t *v, const char *prefix, const char *section, const char *key,
		 char ***ret, struct pod_err **err);
int pod_cfg_bool(const json_t *v, const char *prefix, const char *section, const char *key,
		 bool *ret, struct pod_err **err);
/* TABLE may be NULL; fields present in it replace the ones in BASE */
int pod_cfg_decode(const json_t *table, const char *prefix, const char *section,
		   const struct pod_cfg_field *fields, size_t n, void *base, struct pod_err **err);
/* SECTION of ROOT as a table, NULL if absent; a non-table is an error */
int pod_cfg_section(const json_t *root, const char *prefix, const char *section,
		    const json_t **ret, struct pod_err **err);

#endif
