/*
 * kube.h - Kubernetes YAML <-> pods and containers.
 *
 * Play: pod_kube_plan() turns the documents of a file (pod_kube_yaml_parse)
 * into a plan, a JSON object that says everything `kube play` will make,
 * so the tool only executes it and tests can compare it:
 *
 *   Volumes[]      {Name, Labels{}, Driver, Options[]}: PersistentVolumeClaims,
 *                  and the named volumes emptyDir and hostPath (no "/") need
 *   DataVolumes[]  {Name, Files{PATH: CONTENT}, Mode}: ConfigMap and Secret
 *                  volumes, made as named volumes holding one file per key
 *   HostPaths[]    {Path, Type}: hostPath directories/files to make or check
 *   Pods[]         {Name, Kind, Labels{}, Annotations{}, Hostname, Network,
 *                  Publish["[IP:]HOST:CTR/PROTO"], AddHosts[], RestartPolicy,
 *                  EmptyDirs[], InitContainers[], Containers[]}; containers are
 *                  create settings (runtime/specgen.h) named POD-CTR, without the
 *                  pod's network and ports (the tool adds them)
 *   Ignored[]      "KIND/NAME" of documents play does not act on (Service, ...)
 *
 * Every field is checked for its type; a wrong one is POD_E_INVALID naming
 * its path ("spec.containers[0].ports[1].hostPort: expected integer, got
 * string"). Deployments become `replicas` pods NAME-pod-0..N-1 and a
 * DaemonSet one pod NAME-pod, as Podman 4.3 does.
 *
 * Generate: pod_kube_generate() builds a v1 Pod (or apps/v1 Deployment)
 * object from containers' settings, ready for yamlout.
 *
 * Returned JSON is a new reference; arguments are borrowed.
 */
#ifndef POD_KUBE_KUBE_H
#define POD_KUBE_KUBE_H

#include <jansson.h>

#include "core/err.h"
#include "core/util.h"

struct pod_kube_plan_opts {
	char *const *networks;	/* --network; NULL: the default bridge */
	const char *log_driver; /* --log-driver; NULL: the default */
	json_t *configmaps;	/* ConfigMap documents from --configmap files; may be NULL */
};

json_t *pod_kube_plan(json_t *docs, const struct pod_kube_plan_opts *o, struct pod_err **err);

/* a Kubernetes quantity ("64Mi", "1.5G", "500m") times scale (1 or 1000); false if bad */
bool pod_kube_quantity(const char *s, int64_t scale, int64_t *ret);

/* a name made a DNS label: lower case, [a-z0-9-], at most 63 chars; malloc'd */
char *pod_kube_dns_label(const char *name);

/* pod-level facts generate needs that containers do not carry */
struct pod_kube_gen_pod {
	const char *name;	  /* the pod (or the container's name for a lone container) */
	const char *hostname;
	json_t *labels;		  /* may be NULL */
	const char *restart;	  /* settings RestartPolicy of the first container */
	const char *kind;	  /* "pod" or "deployment" */
	int64_t replicas;
	json_t *ctr_names;	  /* names to give the containers (array, parallel) */
	json_t *ctr_settings;	  /* their settings (array) */
	json_t *ctr_images;	  /* image names as resolved (array) */
	json_t *publish;	  /* port bindings: array of {HostIP, HostPort, ContainerPort, Protocol} */
	bool service;		  /* -s: a Service document too */
};

/* the documents (one, or two with a Service) of `kube generate` */
json_t *pod_kube_generate(const struct pod_kube_gen_pod *p, struct pod_err **err);

#endif
