/*
 * fuzz-port.c - libFuzzer target for the -p/--publish parser.
 * Seed corpus: tests/unit/data/port/{valid,invalid}/{NAME}/input.
 */
#include "net/net.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *) data, size);
	struct pod_net_port p;
	struct pod_err *err = NULL;

	if (pod_net_port_parse(s, &p, &err) == 0) {
		if (err || p.range == 0 || p.container_port == 0 || !p.protocols ||
		    (uint32_t) p.container_port + p.range - 1 > 65535)
			__builtin_trap();
		pod_net_port_release(&p);
	} else {
		if (!err || err->kind != POD_E_INVALID || !err->msg)
			__builtin_trap();
		pod_err_free(&err);
	}
	free(s);
	return 0;
}
