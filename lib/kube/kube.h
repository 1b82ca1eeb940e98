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
 *                  EmptyDirs[], InitContainers[], Containers[], NetSettings{}};
 *                  containers are create settings (runtime/specgen.h) named
 *                  POD-CTR, without network or ports: those are the pod's, in
 *                  NetSettings (ctr_net.h settings, checked), for pod_pod_create()
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
	bool names_only;	/* for down: missing ConfigMaps and Secrets are not errors */
};

json_t *pod_kube_plan(json_t *docs, const struct pod_kube_plan_opts *o, struct pod_err **err);

/* a Kubernetes quantity ("64Mi", "1.5G", "500m") times scale (1 or 1000); false if bad */
bool pod_kube_quantity(const char *s, int64_t scale, int64_t *ret);

/* a name made a DNS label: lower case, [a-z0-9-], at most 63 chars; malloc'd */
char *pod_kube_dns_label(const char *name);

/*
 * What generate works from: a pod's name and labels, and its containers as
 * objects {Name, Image (as resolved), Settings (specgen.h; its PortBindings
 * become ports)}. Container names lose a "POD-" prefix
 * (play adds it back); every name becomes a DNS label.
 */
struct pod_kube_gen {
	const char *name;	/* the pod; for a lone container its name + "-pod" */
	json_t *labels;		/* the pod's labels; may be NULL */
	const char *hostname;	/* may be NULL */
	json_t *ctrs;		/* array, at least one */
	bool deployment;	/* --type deployment */
	int64_t replicas;	/* --replicas */
	bool service;		/* -s: a Service document first */
	char *const *default_caps; /* containers.conf default_capabilities; NULL: Podman's */
};

/* the documents (one, or two with a Service) of `kube generate` */
json_t *pod_kube_generate(const struct pod_kube_gen *g, struct pod_err **err);

#endif
