/*
 * fuzz-kube.c - libFuzzer target for the Kubernetes YAML reader and the play plan.
 * Seed corpus: tests/unit/data/kube/{valid,invalid,plan-valid,plan-invalid}/NAME/input.
 */
#include "kube/kube.h"
#include "kube/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pod_err *err = NULL;
	json_t *docs = pod_kube_yaml_parse((const char *) data, size, "fuzz.yaml", &err), *plan;
	char *s;

	if (!docs) {
		if (!err || err->kind != POD_E_INVALID || !err->msg || strchr(err->msg, '\n'))
			__builtin_trap();
		pod_err_free(&err);
		return 0;
	}
	if (err || !json_is_array(docs))
		__builtin_trap();
	s = json_dumps(docs, JSON_COMPACT);
	if (!s)
		__builtin_trap();
	free(s);
	plan = pod_kube_plan(docs, NULL, &err);
	if (plan) {
		if (err || !json_is_object(plan))
			__builtin_trap();
		json_decref(plan);
	} else {
		if (!err || !err->msg)
			__builtin_trap();
		pod_err_free(&err);
	}
	json_decref(docs);
	return 0;
}
