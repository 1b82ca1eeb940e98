/*
 * fuzz-toml.c - libFuzzer target for the TOML parser.
 * Seed corpus: tests/unit/data/toml/{valid,invalid}/{NAME}/input.
 */
#include "config/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pod_err *err = NULL;
	json_t *j = pod_toml_parse((const char *) data, size, "fuzz.toml", &err);

	if (j) {
		/* a successful parse must give a table that serializes */
		char *s;

		if (!json_is_object(j) || err)
			__builtin_trap();
		s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!s)
			__builtin_trap();
		free(s);
		json_decref(j);
	} else {
		if (!err || err->kind != POD_E_INVALID || !err->msg)
			__builtin_trap();
		pod_err_free(&err);
	}
	return 0;
}
