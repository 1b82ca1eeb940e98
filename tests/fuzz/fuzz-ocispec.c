/*
 * fuzz-ocispec.c - libFuzzer target for the config.json parser.
 * Seed corpus: tests/unit/data/ocispec/{valid,invalid}/NAME/input.
 */
#include "runtime/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pod_oci_spec *s = NULL;
	struct pod_err *err = NULL;

	if (pod_oci_spec_parse((const char *) data, size, "config.json", &s, &err) == 0) {
		/* what the runtime relies on after a successful parse */
		if (err || !s->root_path || !s->annotations || !s->masked_paths ||
		    !s->readonly_paths)
			__builtin_trap();
		if (s->process && (!s->process->args || !s->process->args[0] ||
				   !s->process->cwd || s->process->cwd[0] != '/' || !s->process->env))
			__builtin_trap();
		for (size_t i = 0; i < s->n_mounts; i++)
			if (s->mounts[i].destination[0] != '/' || !s->mounts[i].options)
				__builtin_trap();
		pod_oci_spec_free(s);
	} else {
		if (!err || err->kind != POD_E_INVALID || !err->msg)
			__builtin_trap();
		pod_err_free(&err);
	}
	return 0;
}
