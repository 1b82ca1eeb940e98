/* fuzz-reference.c - reference parsing, normalization and candidates */
#include "core/err.h"
#include "core/util.h"
#include "image/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *) data, size);
	char *search[] = { "docker.io", "quay.io", NULL };
	struct pod_ref r = { 0 };
	struct pod_err *e = NULL;
	char **cands = NULL;

	if (pod_ref_parse(s, &r, &e) == 0) {
		char *full = pod_ref_string(&r), *fam = pod_ref_familiar(&r);
		struct pod_ref again = { 0 };

		/* what we print must parse back to the same thing */
		if (pod_ref_parse(full, &again, &e) < 0 || !STREQ(again.path, r.path))
			abort();
		pod_ref_release(&again);
		free(full);
		free(fam);
		pod_ref_release(&r);
	}
	pod_err_free(&e);
	if (pod_ref_parse_normalized(s, &r, &e) == 0) {
		char *full = pod_ref_string(&r);
		struct pod_ref again = { 0 };

		if (!r.domain || (!r.tag && !r.digest))
			abort();
		if (pod_ref_parse_normalized(full, &again, &e) < 0)
			abort();
		{
			char *full2 = pod_ref_string(&again);

			if (!STREQ(full, full2))
				abort();
			free(full2);
		}
		pod_ref_release(&again);
		free(full);
		pod_ref_release(&r);
	}
	pod_err_free(&e);
	if (pod_ref_candidates(s, search, NULL, &cands, &e) >= 0)
		pod_strv_free(cands);
	pod_err_free(&e);
	(void) pod_ref_is_short_name(s);
	(void) pod_ref_looks_like_id(s);
	free(s);
	return 0;
}
