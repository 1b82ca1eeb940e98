/*
 * fuzz-records.c - libFuzzer target for the stdin record reader: any bytes
 * on stdin give targets or one clean error, never a crash or a leak.
 * Seed corpus: tests/unit/data/records/{valid,invalid}/{NAME}/input.
 */
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *) data, size, "r");
	struct pod_record_reader rr;
	struct pod_err *err = NULL;
	int r;

	if (!f || size == 0) {
		if (f)
			fclose(f);
		return 0;
	}
	pod_record_reader_init(&rr, f, "stdin");
	for (int i = 0; i < 10000; i++) {
		char *target = NULL;

		r = pod_record_reader_next(&rr, (i & 1) ? "container" : NULL, &target, &err);
		if (r > 0) {
			if (!target || !*target)
				__builtin_trap();
			free(target);
			continue;
		}
		if (r < 0) {
			if (!err || !err->msg || strncmp(err->msg, "stdin:", 6) != 0)
				__builtin_trap();
			pod_err_free(&err);
			continue; /* the reader goes on with the next line */
		}
		break;
	}
	pod_record_reader_release(&rr);
	fclose(f);
	return 0;
}
