/*
 * fuzz-seccomp - the seccomp.json reader (pod_seccomp_profile_from_data).
 * Seed corpus: tests/unit/data/seccomp/{valid,invalid}/NAME/input
 */
#include "runtime/seccomp_default.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const caps[] = { "CAP_CHOWN", "sys_admin", "Cap_Sys_Chroot", NULL };
	struct pod_err *e = NULL;
	json_t *out;

	if (size > 1 << 20)
		return 0;
	out = pod_seccomp_profile_from_data((const char *) data, size, caps, &e);
	/* exactly one of a result or an error */
	if ((out == NULL) == (e == NULL))
		__builtin_trap();
	json_decref(out);
	pod_err_free(&e);
	return 0;
}
