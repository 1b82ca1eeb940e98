/* fuzz-wwwauth.c - WWW-Authenticate headers and registry error bodies */
#include "core/err.h"
#include "core/util.h"
#include "image/auth.h"
#include "image/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *) data, size);
	struct pod_auth_challenge *c = NULL;
	struct pod_err *e = NULL;
	size_t n = 0, i, k;
	bool nf;
	char *msg;

	if (pod_www_auth_parse(s, &c, &n, &e) == 0) {
		if (n == 0)
			abort();
		for (i = 0; i < n; i++) {
			if (!c[i].scheme[0])
				abort();
			for (k = 0; k < c[i].n_params; k++)
				if (pod_auth_challenge_param(&c[i], c[i].params[k].key) == NULL)
					abort();
		}
		pod_auth_challenges_free(c, n);
	}
	pod_err_free(&e);
	msg = pod_registry_error_message(400, "Bad Request", (const char *) data, size, &nf);
	for (i = 0; msg[i]; i++)
		if ((unsigned char) msg[i] < 0x20 && msg[i] != '\n')
			abort();
	free(msg);
	free(s);
	return 0;
}
