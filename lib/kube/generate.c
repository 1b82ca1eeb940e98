/* generate.c - containers' settings -> Kubernetes Pod/Deployment/Service objects */
#include "kube/kube.h"

#include <sys/stat.h>

#include "core/json.h"
#include "runtime/caps.h"

static char *
quantity_text(int64_t bytes)
{
	if (bytes % (1024 * 1024 * 1024) == 0)
		return xasprintf("%lldGi", (long long) (bytes / (1024 * 1024 * 1024)));
	if (bytes % (1024 * 1024) == 0)
		return xasprintf("%lldMi", (long long) (bytes / (1024 * 1024)));
	if (bytes % 1024 == 0)
		return xasprintf("%lldKi", (long long) (bytes / 1024));
	return xasprintf("%lld", (long long) bytes);
}

static json_t *
string_take(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

static bool
all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static char **
strv_of(json_t *a)
{
	char **v = xcalloc(1, sizeof(char *));
	json_t *x;
	size_t i;

	json_array_foreach (a, i, x)
		if (json_is_string(x))
			v = pod_strv_push(v, xstrdup(json_string_value(x)));
	return v;
}

/*
 * The container's real capabilities as add/drop against the set Kubernetes
 * runtimes give by default (Docker's 14), as Podman writes them. Settings
 * that do not compute (they did when the container was made) give none.
 */
static void
caps_diff(json_t *s, char *const *base, json_t *caps)
{
	static const char *const k8s_extra[] = { "AUDIT_WRITE", "MKNOD", "NET_RAW", NULL };
	cleanup_strv char **add = strv_of(json_object_get(s, "CapAdd"));
	cleanup_strv char **drop = strv_of(json_object_get(s, "CapDrop"));
	cleanup_strv char **dflt = pod_caps_default(), **eff = NULL;
	struct pod_err *err = NULL;
	uint64_t have, k8s;
	json_t *a = json_array(), *d = json_array();

	if (pod_caps_compute(base ? base : dflt, add, drop, false, &eff, &err) < 0) {
		pod_err_free(&err);
		json_decref(a);
		json_decref(d);
		return;
	}
	have = pod_caps_mask(eff);
	k8s = pod_caps_mask(dflt) | pod_caps_mask((char *const *) k8s_extra);
	for (int cap = 0; cap <= POD_CAP_MAX; cap++) {
		uint64_t bit = UINT64_C(1) << cap;
		if ((have & bit) && !(k8s & bit))
			json_array_append_new(a, json_string(pod_cap_name(cap)));
		if (!(have & bit) && (k8s & bit))
			json_array_append_new(d, json_string(pod_cap_name(cap)));
	}
	if (json_array_size(a))
		json_object_set(caps, "add", a);
	if (json_array_size(d))
		json_object_set(caps, "drop", d);
	json_decref(a);
	json_decref(d);
}

static void
security_context(json_t *s, char *const *base_caps, json_t *c)
{
	json_t *sc = json_object(), *caps = json_object();
	const char *user = json_string_value(json_object_get(s, "User"));
	const char *seccomp = json_string_value(json_object_get(s, "SeccompProfile"));

	if (!json_is_true(json_object_get(s, "Privileged")))
		caps_diff(s, base_caps, caps);
	if (json_object_size(caps))
		json_object_set(sc, "capabilities", caps);
	json_decref(caps);
	if (json_is_true(json_object_get(s, "Privileged")))
		json_object_set_new(sc, "privileged", json_true());
	if (json_is_true(json_object_get(s, "ReadOnly")))
		json_object_set_new(sc, "readOnlyRootFilesystem", json_true());
	if (json_is_true(json_object_get(s, "NoNewPrivileges")))
		json_object_set_new(sc, "allowPrivilegeEscalation", json_false());
	if (user && *user) {
		const char *colon = strchr(user, ':');
		size_t ulen = colon ? (size_t) (colon - user) : strlen(user);
		if (all_digits(user, ulen))
			json_object_set_new(sc, "runAsUser", json_integer(strtoll(user, NULL, 10)));
		if (colon && all_digits(colon + 1, strlen(colon + 1)))
			json_object_set_new(sc, "runAsGroup",
					    json_integer(strtoll(colon + 1, NULL, 10)));
	}
	if (seccomp && STREQ(seccomp, "unconfined"))
		json_object_set_new(sc, "seccompProfile", json_pack("{s:s}", "type", "Unconfined"));
	else if (seccomp && seccomp[0] == '/')
		json_object_set_new(sc, "seccompProfile", json_pack("{s:s, s:s}", "type",
								    "Localhost", "localhostProfile",
								    seccomp));
	if (json_object_size(sc))
		json_object_set(c, "securityContext", sc);
	json_decref(sc);
}

static void
resources(json_t *s, json_t *c)
{
	json_t *lim = json_object(), *req = json_object();
	int64_t mem = json_integer_value(json_object_get(s, "Memory"));
	int64_t quota = json_integer_value(json_object_get(s, "CpuQuota"));
	int64_t period = json_integer_value(json_object_get(s, "CpuPeriod"));
	int64_t reservation = json_integer_value(json_object_get(s, "MemoryReservation"));

	if (mem > 0)
		json_object_set_new(lim, "memory", string_take(quantity_text(mem)));
	if (quota > 0) {
		int64_t milli = quota * 1000 / (period > 0 ? period : 100000);
		json_object_set_new(lim, "cpu", milli % 1000 ? json_sprintf("%lldm", (long long) milli)
							     : json_sprintf("%lld",
									    (long long) milli / 1000));
	}
	if (reservation > 0)
		json_object_set_new(req, "memory", string_take(quantity_text(reservation)));
	json_t *r = json_object();
	if (json_object_size(lim))
		json_object_set(r, "limits", lim);
	if (json_object_size(req))
		json_object_set(r, "requests", req);
	if (json_object_size(r))
		json_object_set(c, "resources", r);
	json_decref(r);
	json_decref(lim);
	json_decref(req);
}

/* a volume entry for SRC (host path, volume name, or "" for anonymous), shared by name */
static const char *
pod_volume(json_t *vols, const char *src, const char *dst)
{
	json_t *v, *nv;
	size_t i;
	char *name;

	json_array_foreach (vols, i, v) {
		json_t *hp = json_object_get(v, "hostPath");
		json_t *pvc = json_object_get(v, "persistentVolumeClaim");
		if (*src && ((hp && STREQ(json_string_value(json_object_get(hp, "path")), src)) ||
			     (pvc && STREQ(json_string_value(json_object_get(pvc, "claimName")),
					   src))))
			return json_string_value(json_object_get(v, "name"));
	}
	if (src[0] == '/') {
		struct stat st;
		cleanup_free char *base = pod_kube_dns_label(src);
		name = xasprintf("%s-host-%zu", base, json_array_size(vols));
		nv = json_pack("{s:s, s:{s:s, s:s}}", "name", name, "hostPath", "path", src, "type",
			       stat(src, &st) == 0 && !S_ISDIR(st.st_mode) ? "File" : "Directory");
	} else if (*src) {
		cleanup_free char *base = pod_kube_dns_label(src);
		name = xasprintf("%s-pvc", base);
		nv = json_pack("{s:s, s:{s:s}}", "name", name, "persistentVolumeClaim", "claimName",
			       src);
	} else {
		cleanup_free char *base = pod_kube_dns_label(dst);
		name = xasprintf("%s-empty-%zu", base, json_array_size(vols));
		nv = json_pack("{s:s, s:{}}", "name", name, "emptyDir");
	}
	free(name);
	json_array_append_new(vols, nv);
	return json_string_value(json_object_get(nv, "name"));
}

static void
volume_mounts(json_t *s, json_t *c, json_t *vols)
{
	json_t *mounts = json_array(), *v;
	size_t i;

	json_array_foreach (json_object_get(s, "Volumes"), i, v) {
		cleanup_strv char **parts = NULL;
		const char *spec = json_string_value(v), *src = "", *dst, *opts = "";
		bool ro = false;
		for (const char *p = spec;;) {
			const char *colon = strchrnul(p, ':');
			parts = pod_strv_push(parts, xstrndup(p, (size_t) (colon - p)));
			if (!*colon)
				break;
			p = colon + 1;
		}
		if (pod_strv_len(parts) == 1) {
			dst = parts[0];
		} else {
			src = parts[0];
			dst = parts[1];
			if (parts[2])
				opts = parts[2];
		}
		for (const char *p = opts; *p;) {
			const char *comma = strchrnul(p, ',');
			if (comma - p == 2 && strncmp(p, "ro", 2) == 0)
				ro = true;
			p = *comma ? comma + 1 : comma;
		}
		json_t *m = json_pack("{s:s, s:s}", "mountPath", dst, "name", pod_volume(vols, src,
											   dst));
		if (ro)
			json_object_set_new(m, "readOnly", json_true());
		json_array_append_new(mounts, m);
	}
	if (json_array_size(mounts))
		json_object_set(c, "volumeMounts", mounts);
	json_decref(mounts);
}

/* Settings.Healthcheck -> livenessProbe.exec (what play reads back) */
static void
liveness(json_t *s, json_t *c)
{
	json_t *hc = json_object_get(s, "Healthcheck"), *test = json_object_get(hc, "Test");
	const char *kind = json_string_value(json_array_get(test, 0));
	json_t *cmd, *lp;
	int64_t v;

	if (!kind || json_array_size(test) < 2)
		return;
	if (STREQ(kind, "CMD")) {
		cmd = json_array();
		for (size_t i = 1; i < json_array_size(test); i++)
			json_array_append(cmd, json_array_get(test, i));
	} else if (STREQ(kind, "CMD-SHELL")) {
		cmd = json_pack("[s, s, O]", "/bin/sh", "-c", json_array_get(test, 1));
	} else {
		return;
	}
	lp = json_pack("{s:{s:o}}", "exec", "command", cmd);
	if ((v = json_integer_value(json_object_get(hc, "Interval"))) >= 1000000000)
		json_object_set_new(lp, "periodSeconds", json_integer(v / 1000000000));
	if ((v = json_integer_value(json_object_get(hc, "Timeout"))) >= 1000000000)
		json_object_set_new(lp, "timeoutSeconds", json_integer(v / 1000000000));
	if ((v = json_integer_value(json_object_get(hc, "StartPeriod"))) >= 1000000000)
		json_object_set_new(lp, "initialDelaySeconds", json_integer(v / 1000000000));
	if ((v = json_integer_value(json_object_get(hc, "Retries"))) >= 1)
		json_object_set_new(lp, "failureThreshold", json_integer(v));
	json_object_set_new(c, "livenessProbe", lp);
}

static json_t *
container(const struct pod_kube_gen *g, json_t *ctr, bool first, json_t *vols)
{
	json_t *s = json_object_get(ctr, "Settings"), *v;
	const char *name = json_string_value(json_object_get(ctr, "Name")) ?: "ctr";
	size_t plen = strlen(g->name);
	cleanup_free char *cname = NULL;
	json_t *c = json_object(), *env = json_array();
	size_t i;

	if (strncmp(name, g->name, plen) == 0 && name[plen] == '-' && name[plen + 1])
		name += plen + 1;
	cname = pod_kube_dns_label(name);
	json_object_set_new(c, "name", json_string(cname));
	json_object_set_new(c, "image", pod_json_string(json_string_value(json_object_get(ctr,
										  "Image"))));
	if (json_object_get(s, "Entrypoint"))
		json_object_set(c, "command", json_object_get(s, "Entrypoint"));
	if (json_array_size(json_object_get(s, "Command")))
		json_object_set(c, "args", json_object_get(s, "Command"));
	json_array_foreach (json_object_get(s, "Env"), i, v) {
		const char *kv = json_string_value(v);
		const char *eq = kv ? strchr(kv, '=') : NULL;
		if (!eq || eq == kv)
			continue;
		json_array_append_new(env, json_pack("{s:s%, s:s}", "name", kv, (size_t) (eq - kv),
						     "value", eq + 1));
	}
	if (json_array_size(env))
		json_object_set(c, "env", env);
	json_decref(env);
	if (first) {
		json_t *ports = json_array();
		json_array_foreach (json_object_get(s, "PortBindings"), i, v) {
			int64_t cp = json_integer_value(json_object_get(v, "container_port"));
			int64_t hp = json_integer_value(json_object_get(v, "host_port"));
			int64_t r = json_integer_value(json_object_get(v, "range"));
			const char *proto = json_string_value(json_object_get(v, "protocol")) ?: "tcp";
			const char *hip = json_string_value(json_object_get(v, "host_ip"));
			for (int64_t k = 0; k < (r > 0 ? r : 1); k++) {
				json_t *p = json_pack("{s:I, s:I}", "containerPort",
						      (json_int_t) (cp + k), "hostPort",
						      (json_int_t) (hp + k));
				if (hip && *hip)
					json_object_set_new(p, "hostIP", json_string(hip));
				if (!STREQ(proto, "tcp"))
					json_object_set_new(p, "protocol",
							    json_string(STREQ(proto, "udp") ? "UDP"
											    : "SCTP"));
				json_array_append_new(ports, p);
			}
		}
		if (json_array_size(ports))
			json_object_set(c, "ports", ports);
		json_decref(ports);
	}
	resources(s, c);
	liveness(s, c);
	security_context(s, g->default_caps, c);
	if (json_is_true(json_object_get(s, "Tty")))
		json_object_set_new(c, "tty", json_true());
	if (json_is_true(json_object_get(s, "Interactive")))
		json_object_set_new(c, "stdin", json_true());
	volume_mounts(s, c, vols);
	if (json_string_value(json_object_get(s, "WorkingDir")))
		json_object_set(c, "workingDir", json_object_get(s, "WorkingDir"));
	return c;
}

json_t *
pod_kube_generate(const struct pod_kube_gen *g, struct pod_err **err)
{
	cleanup_free char *name = pod_kube_dns_label(g->name);
	json_t *labels = json_object(), *ann = json_object(), *ctrs = json_array();
	json_t *vols = json_array(), *ctr, *spec, *out = json_array(), *first_s;
	const char *restart;
	size_t i;

	if (!json_array_size(g->ctrs)) {
		json_decref(labels), json_decref(ann), json_decref(ctrs), json_decref(vols);
		json_decref(out);
		return pod_err_set(err, POD_E_INVALID, 0, "nothing to generate"), NULL;
	}
	if (g->labels)
		json_object_update(labels, g->labels);
	json_object_set_new(labels, "app", json_string(name));
	json_array_foreach (g->ctrs, i, ctr) {
		json_t *s = json_object_get(ctr, "Settings");
		json_object_update_missing(ann, json_object_get(s, "Annotations"));
		if (!g->labels)
			json_object_update_missing(labels, json_object_get(s, "Labels"));
		json_array_append_new(ctrs, container(g, ctr, i == 0, vols));
	}
	first_s = json_object_get(json_array_get(g->ctrs, 0), "Settings");
	restart = json_string_value(json_object_get(first_s, "RestartPolicy")) ?: "";
	spec = json_pack("{s:b, s:o, s:b}", "automountServiceAccountToken", 0, "containers", ctrs,
			 "enableServiceLinks", 0);
	if (g->hostname && *g->hostname)
		json_object_set_new(spec, "hostname", json_string(g->hostname));
	/* a Deployment's pods must restart Always */
	if (!g->deployment)
		json_object_set_new(spec, "restartPolicy",
				    json_string(STREQ(restart, "always")	       ? "Always"
						: pod_str_has_prefix(restart, "on-failure") ? "OnFailure"
											     : "Never"));
	if (json_array_size(vols))
		json_object_set(spec, "volumes", vols);
	json_decref(vols);

	if (g->service) {
		json_t *ports = json_array(), *p;
		json_array_foreach (json_object_get(first_s, "PortBindings"), i, p) {
			int64_t cp = json_integer_value(json_object_get(p, "container_port"));
			const char *proto = json_string_value(json_object_get(p, "protocol")) ?: "tcp";
			json_t *sp = json_pack("{s:o, s:I, s:I}", "name",
					       json_sprintf("%lld-%s", (long long) cp, proto), "port",
					       (json_int_t) cp, "targetPort", (json_int_t) cp);
			if (!STREQ(proto, "tcp"))
				json_object_set_new(sp, "protocol", json_string(STREQ(proto, "udp")
										? "UDP" : "SCTP"));
			json_array_append_new(ports, sp);
		}
		json_t *svc = json_pack("{s:{s:s}, s:s}", "selector", "app", name, "type", "NodePort");
		if (json_array_size(ports))
			json_object_set(svc, "ports", ports);
		json_decref(ports);
		json_array_append_new(out, json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:o}",
						     "apiVersion", "v1", "kind", "Service", "metadata",
						     "name", name, "labels", "app", name, "spec", svc));
	}
	json_t *meta = json_pack("{s:O, s:s}", "labels", labels, "name", name);
	if (json_object_size(ann))
		json_object_set(meta, "annotations", ann);
	if (g->deployment) {
		cleanup_free char *dname = xasprintf("%s-deployment", name);
		json_array_append_new(
			out, json_pack("{s:s, s:s, s:{s:s, s:O}, s:{s:I, s:{s:{s:s}}, s:{s:o, s:o}}}",
				       "apiVersion", "apps/v1", "kind", "Deployment", "metadata",
				       "name", dname, "labels", labels, "spec", "replicas",
				       (json_int_t) (g->replicas > 0 ? g->replicas : 1), "selector",
				       "matchLabels", "app", name, "template", "metadata", meta,
				       "spec", spec));
	} else {
		json_array_append_new(out, json_pack("{s:s, s:s, s:o, s:o}", "apiVersion", "v1",
						     "kind", "Pod", "metadata", meta, "spec", spec));
	}
	json_decref(labels);
	json_decref(ann);
	return out;
}
