/* pod-kube - Kubernetes YAML: `podman kube play|down|generate` */
#include "image/decompress.h"
#include "cli/ctr_opts.h"
#include "cli/tool.h"
#include "cli/yamlout.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "kube/kube.h"
#include "kube/yaml.h"
#include "runtime/ctr.h"
#include "runtime/pod.h"
#include "store/volume.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct {
	bool replace, start, quiet, service;
	char *log_driver, *filename, *type;
	char **networks, **configmaps;
	int64_t replicas;
} opt = { .start = true, .replicas = 1 };

/* ---- reading a file, stdin or a URL ---- */

static size_t
curl_sink(char *p, size_t size, size_t n, void *data)
{
	struct pod_strbuf *sb = data;

	if (sb->len + size * n > POD_KUBE_YAML_MAX_BYTES + 1)
		return 0;
	pod_strbuf_add(sb, p, size * n);
	return size * n;
}

static int
read_url(const char *url, struct pod_strbuf *sb, struct pod_err **err)
{
	CURL *c = curl_easy_init();
	CURLcode rc;
	long code = 0;

	if (!c)
		return pod_err_set(err, POD_E_GENERIC, ENOMEM, "initializing libcurl");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, sb);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		return pod_err_set(err, POD_E_GENERIC, 0, "downloading %s: %s", url,
				   sb->len > POD_KUBE_YAML_MAX_BYTES ? "file too large"
								     : curl_easy_strerror(rc));
	if (code != 200)
		return pod_err_set(err, POD_E_GENERIC, 0, "downloading %s: HTTP status %ld", url,
				   code);
	return 0;
}

static int
read_fd(int fd, const char *name, struct pod_strbuf *sb, struct pod_err **err)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pod_err_sys(err, "reading %s", name);
		}
		pod_strbuf_add(sb, buf, (size_t) n);
		if (sb->len > POD_KUBE_YAML_MAX_BYTES)
			break; /* the parser says it is too large */
	}
	return 0;
}

/* the documents of FILE, "-" (stdin) or an http(s) URL */
static json_t *
read_docs(const char *src, struct pod_err **err)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	json_t *docs = NULL;
	int rc;

	if (STREQ(src, "-")) {
		rc = read_fd(STDIN_FILENO, "stdin", &sb, err);
	} else if (pod_str_has_prefix(src, "http://") || pod_str_has_prefix(src, "https://")) {
		rc = read_url(src, &sb, err);
	} else {
		cleanup_close int fd = open(src, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			pod_strbuf_release(&sb);
			return pod_err_sys(err, "open %s", src), NULL;
		}
		rc = read_fd(fd, src, &sb, err);
	}
	if (rc == 0)
		docs = pod_kube_yaml_parse(sb.buf, sb.len, STREQ(src, "-") ? "stdin" : src, err);
	pod_strbuf_release(&sb);
	if (!docs && rc == 0)
		pod_err_wrap(err, "unable to read \"%s\" as YAML", src);
	return docs;
}

static json_t *
plan_of(const char *src, bool names_only, struct pod_err **err)
{
	cleanup_json json_t *docs = read_docs(src, err), *cms = json_array();
	struct pod_kube_plan_opts po = { .networks = opt.networks, .log_driver = opt.log_driver,
					 .names_only = names_only };

	if (!docs)
		return NULL;
	for (size_t i = 0; opt.configmaps && opt.configmaps[i]; i++) {
		/* --configmap takes comma-separated paths, like Podman */
		cleanup_free char *list = xstrdup(opt.configmaps[i]);
		char *save = NULL;
		for (char *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			cleanup_json json_t *more = read_docs(p, err);
			if (!more)
				return NULL;
			json_array_extend(cms, more);
		}
	}
	po.configmaps = cms;
	return pod_kube_plan(docs, &po, err);
}

/* ---- volumes and host paths ---- */

static int
ensure_volume(struct pod_engine *e, const char *name, const char *driver, json_t *labels,
	      json_t *options, bool *ret_created, struct pod_err **err)
{
	cleanup_strv char **lv = NULL, **ov = NULL;
	cleanup_(pod_volume_freep) struct pod_volume *v = NULL;
	const char *k;
	json_t *x;
	size_t i;
	int r = pod_volume_exists(e->store, name, err);

	*ret_created = false;
	if (r != 0)
		return r < 0 ? -1 : 0;
	json_object_foreach (labels, k, x)
		lv = pod_strv_push(lv, xasprintf("%s=%s", k, json_string_value(x)));
	json_array_foreach (options, i, x)
		ov = pod_strv_push(ov, xstrdup(json_string_value(x)));
	struct pod_volume_opts vo = { .name = name, .driver = driver, .labels = lv, .options = ov,
				      .ignore_exists = true };
	if (pod_volume_create(e->store, &vo, &v, err) < 0)
		return pod_err_wrap(err, "creating volume \"%s\"", name);
	*ret_created = true;
	return 0;
}

/* a ConfigMap or Secret volume: one file per key (mode 0644, Kubernetes' defaultMode),
 * rewritten on every play */
static int
data_volume(struct pod_engine *e, json_t *dv, struct pod_err **err)
{
	const char *name = json_string_value(json_object_get(dv, "Name"));
	cleanup_(pod_volume_freep) struct pod_volume *v = NULL;
	cleanup_close int dfd = -1;
	const char *k;
	json_t *x;
	bool created;

	if (ensure_volume(e, name, "local", NULL, NULL, &created, err) < 0 ||
	    pod_volume_get(e->store, name, &v, err) < 0)
		return -1;
	dfd = open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return pod_err_sys(err, "opening volume \"%s\"", name);
	json_object_foreach (json_object_get(dv, "Files"), k, x) {
		const char *s = json_string_value(x);
		size_t n = strlen(s);
		cleanup_close int fd = openat(dfd, k, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
						      O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, s, n) != (ssize_t) n)
			return pod_err_sys(err, "writing %s/%s", v->mountpoint, k);
	}
	return 0;
}

static int
host_path(json_t *hp, struct pod_err **err)
{
	const char *path = json_string_value(json_object_get(hp, "Path"));
	const char *type = json_string_value(json_object_get(hp, "Type"));
	struct stat st;

	if (STREQ(type, "DirectoryOrCreate") && stat(path, &st) < 0) {
		if (pod_mkdir_p(path, 0755, err) < 0)
			return -1;
		return 0;
	}
	if (STREQ(type, "FileOrCreate") && stat(path, &st) < 0) {
		cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return pod_err_sys(err, "creating %s", path);
		return 0;
	}
	if (!*type || STREQ(type, "DirectoryOrCreate") || STREQ(type, "FileOrCreate"))
		return 0;
	if (stat(path, &st) < 0)
		return pod_err_sys(err, "hostPath %s", path);
	if ((STREQ(type, "Directory") && !S_ISDIR(st.st_mode)) ||
	    (STREQ(type, "File") && !S_ISREG(st.st_mode)) ||
	    (STREQ(type, "Socket") && !S_ISSOCK(st.st_mode)) ||
	    (STREQ(type, "CharDevice") && !S_ISCHR(st.st_mode)) ||
	    (STREQ(type, "BlockDevice") && !S_ISBLK(st.st_mode)))
		return pod_err_set(err, POD_E_INVALID, 0, "hostPath %s is not a %s", path, type);
	return 0;
}

/* ---- pods ---- */

static int
run_init(struct pod_engine *e, struct pod_ctr *c, struct pod_err **err)
{
	int code = -1;

	if (pod_ctr_start(e, c, NULL, err) < 0 ||
	    pod_ctr_wait(e, c->id, NULL, 0, 0, &code, err) < 0)
		return -1;
	if (code != 0)
		return pod_err_set(err, POD_E_GENERIC, 0, "init container %s exited with code %d",
				   c->name, code);
	return 0;
}

static const struct pod_globals *play_globals;

static int
stop_one(struct pod_engine *e, const char *id, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_ctr_load(e, id, &c, err) < 0)
		return -1;
	return pod_ctr_stop(e, c, 0, err);
}

static int
start_one(struct pod_engine *e, const char *id, bool init, struct pod_err **err)
{
	cleanup_ctr struct pod_ctr *c = NULL;

	if (pod_ctr_load(e, id, &c, err) < 0)
		return -1;
	return init ? run_init(e, c, err) : pod_ctr_start(e, c, NULL, err);
}

/*
 * Starts (or stops) a pod's members at once, a child process each with its
 * own engine (a store connection does not cross fork): once the infra runs
 * they are independent, and a start or stop is mostly waiting for the
 * runtime and the kernel. A child reports its error through a pipe.
 */
static int
each_parallel(char *const *ids, bool stop, struct pod_err **err)
{
	size_t n = pod_strv_len(ids);
	pid_t *pids = xcalloc(n, sizeof(pid_t));
	int *fds = xcalloc(n, sizeof(int));
	int rc = 0;

	for (size_t k = 0; k < n; k++) {
		int pfd[2];
		fds[k] = -1;
		if (pipe2(pfd, O_CLOEXEC) < 0) {
			rc = pod_err_sys(err, "pipe");
			break;
		}
		fflush(NULL);
		pids[k] = fork();
		if (pids[k] < 0) {
			close(pfd[0]);
			close(pfd[1]);
			rc = pod_err_sys(err, "fork");
			break;
		}
		if (pids[k] == 0) {
			struct pod_engine *ce = NULL;
			struct pod_err *ce_err = NULL;
			close(pfd[0]);
			if (pod_cli_engine(play_globals, false, &ce, &ce_err) < 0 ||
			    (stop ? stop_one(ce, ids[k], &ce_err)
				  : start_one(ce, ids[k], false, &ce_err)) < 0) {
				(void) !write(pfd[1], ce_err->msg, strlen(ce_err->msg));
				_exit(1);
			}
			pod_engine_free(ce);
			_exit(0);
		}
		close(pfd[1]);
		fds[k] = pfd[0];
	}
	for (size_t k = 0; k < n; k++) {
		char msg[4096];
		ssize_t got = 0, r;
		int st = 0;
		if (fds[k] < 0)
			continue;
		while (got < (ssize_t) sizeof(msg) - 1 &&
		       (r = read(fds[k], msg + got, sizeof(msg) - 1 - (size_t) got)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				break;
			got += r;
		}
		msg[got] = '\0';
		close(fds[k]);
		while (waitpid(pids[k], &st, 0) < 0 && errno == EINTR)
			;
		if (rc == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
			rc = pod_err_set(err, POD_E_GENERIC, 0, "%s",
					 got ? msg : "a container failed to start or stop");
	}
	free(pids);
	free(fds);
	return rc;
}

/* the pod of exactly that name; *ret is NULL when there is none */
static int
find_pod(struct pod_engine *e, const char *name, struct pod_pod **ret, struct pod_err **err)
{
	struct pod_err *e2 = NULL;

	*ret = NULL;
	if (pod_pod_lookup(e, name, ret, &e2) < 0) {
		if (e2->kind != POD_E_NOTFOUND) {
			*err = e2;
			return -1;
		}
		pod_err_free(&e2);
		return 0;
	}
	if (!STREQ((*ret)->name, name))
		*ret = pod_pod_free(*ret); /* an ID prefix of another pod */
	return 0;
}

/*
 * Removes a pod play made (members, infra, cgroup) and its emptyDir
 * volumes; its ID goes on ids. A pod that is not there is Podman's error
 * unless missing_ok.
 */
static int
remove_pod(struct pod_engine *e, json_t *pod, bool missing_ok, char ***ids, struct pod_err **err)
{
	const char *name = json_string_value(json_object_get(pod, "Name"));
	cleanup_pod struct pod_pod *p = NULL;
	json_t *v;
	size_t i;

	if (find_pod(e, name, &p, err) < 0)
		return -1;
	if (!p && !missing_ok)
		return pod_err_set(err, POD_E_NOTFOUND, 0, "no pod with name or ID %s found: no such "
				   "pod", name);
	if (p) {
		/* the members stop together; the pod's removal then finds them stopped */
		struct pod_ctr **m = NULL;
		size_t n = 0;
		cleanup_strv char **running = NULL;
		if (play_globals && pod_pod_members(e, p, &m, &n, err) == 0) {
			for (size_t k = 0; k < n; k++)
				if (m[k]->state == POD_CTR_RUNNING &&
				    !(p->infra_id && STREQ(m[k]->id, p->infra_id)))
					running = pod_strv_push(running, xstrdup(m[k]->id));
			pod_ctr_list_free(m, n);
			if (pod_strv_len(running) > 1 && each_parallel(running, true, err) < 0)
				return -1;
		} else if (play_globals) {
			return -1;
		}
		if (pod_pod_remove(e, p, true, 0, err) < 0)
			return -1;
		*ids = pod_strv_push(*ids, xstrdup(p->id));
	}
	json_array_foreach (json_object_get(pod, "EmptyDirs"), i, v) {
		struct pod_err *e2 = NULL;
		if (pod_volume_remove(e->store, json_string_value(v), POD_VOLUME_RM_FORCE, &e2) < 0) {
			if (e2->kind != POD_E_NOTFOUND) {
				*err = e2;
				return -1;
			}
			pod_err_free(&e2);
		}
	}
	return 0;
}

/* Podman's report of removed pods */
static void
removed_text(char *const *ids, struct pod_strbuf *out)
{
	if (!ids || !ids[0])
		return;
	pod_strbuf_adds(out, "Pods stopped:\n");
	for (size_t k = 0; ids[k]; k++)
		pod_strbuf_addf(out, "%s\n", ids[k]);
	pod_strbuf_adds(out, "Pods removed:\n");
	for (size_t k = 0; ids[k]; k++)
		pod_strbuf_addf(out, "%s\n", ids[k]);
}

static int
create_members(struct pod_engine *e, struct pod_pod *p, json_t *list, char ***ids,
	       struct pod_err **err)
{
	json_t *x;
	size_t i;

	json_array_foreach (list, i, x) {
		cleanup_json json_t *s = json_deep_copy(x);
		cleanup_ctr struct pod_ctr *c = NULL;
		json_object_set_new(s, "Pod", json_string(p->id));
		if (pod_ctr_create(e, s, &c, err) < 0)
			return -1;
		*ids = pod_strv_push(*ids, xstrdup(c->id));
	}
	return 0;
}

static int
start_ids(struct pod_engine *e, char *const *ids, bool init, struct pod_err **err)
{
	if (!init && pod_strv_len(ids) > 1 && play_globals)
		return each_parallel(ids, false, err);
	for (size_t k = 0; ids && ids[k]; k++)
		if (start_one(e, ids[k], init, err) < 0)
			return -1;
	return 0;
}

static int
play_pod(struct pod_engine *e, json_t *pod, struct pod_strbuf *out, struct pod_err **err)
{
	cleanup_json json_t *ps = json_deep_copy(json_object_get(pod, "NetSettings"));
	cleanup_pod struct pod_pod *p = NULL;
	cleanup_strv char **init_ids = NULL, **ids = NULL;
	json_t *x;
	size_t i;

	json_object_set(ps, "Name", json_object_get(pod, "Name"));
	json_object_set(ps, "Labels", json_object_get(pod, "Labels"));
	json_object_set(ps, "Hostname", json_object_get(pod, "Hostname"));
	json_object_set_new(ps, "Infra", json_true());
	if (pod_pod_create(e, ps, &p, err) < 0)
		return -1;
	json_array_foreach (json_object_get(pod, "EmptyDirs"), i, x) {
		bool created;
		if (ensure_volume(e, json_string_value(x), "local", NULL, NULL, &created, err) < 0)
			goto fail;
	}
	if (create_members(e, p, json_object_get(pod, "InitContainers"), &init_ids, err) < 0 ||
	    create_members(e, p, json_object_get(pod, "Containers"), &ids, err) < 0)
		goto fail;
	if (opt.start) {
		cleanup_ctr struct pod_ctr *infra = NULL;
		if (p->infra_id &&
		    (pod_ctr_load(e, p->infra_id, &infra, err) < 0 ||
		     pod_ctr_start(e, infra, NULL, err) < 0))
			goto fail;
		if (start_ids(e, init_ids, true, err) < 0 || start_ids(e, ids, false, err) < 0)
			goto fail;
	}
	pod_strbuf_addf(out, "Pod:\n%s\n%s\n", p->id,
			pod_strv_len(ids) > 1 ? "Containers:" : "Container:");
	for (size_t k = 0; ids[k]; k++)
		pod_strbuf_addf(out, "%s\n", ids[k]);
	pod_strbuf_adds(out, "\n");
	return 0;
fail:
	/* leave nothing half made */
	{
		struct pod_err *e2 = NULL;
		if (pod_pod_remove(e, p, true, 0, &e2) < 0)
			pod_err_free(&e2);
	}
	return -1;
}

static int
play_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *plan = plan_of(ctx->args[0], false, err);
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_strv char **removed = NULL;
	struct pod_strbuf out = POD_STRBUF_INIT;
	json_t *x;
	size_t i;
	int rc = -1;

	if (!plan)
		return -1;
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	play_globals = &ctx->g;
	json_array_foreach (json_object_get(plan, "Ignored"), i, x)
		pod_info("kube play: %s ignored (only Pod, Deployment, DaemonSet, ConfigMap, Secret "
			 "and PersistentVolumeClaim are played)", json_string_value(x));
	/* every image first: a missing one fails the play before anything is made */
	json_array_foreach (json_object_get(plan, "Pods"), i, x) {
		json_t *c;
		size_t j;
		for (int list = 0; list < 2; list++)
			json_array_foreach (json_object_get(x, list ? "Containers" : "InitContainers"),
					    j, c)
				if (pod_cli_ensure_image(e, json_string_value(json_object_get(c, "Image")),
							 "missing", opt.quiet, err) < 0)
					return -1;
	}
	if (opt.replace) {
		json_array_foreach (json_object_get(plan, "Pods"), i, x)
			if (remove_pod(e, x, true, &removed, err) < 0)
				return -1;
		removed_text(removed, &out);
	}
	json_array_foreach (json_object_get(plan, "HostPaths"), i, x)
		if (host_path(x, err) < 0)
			goto out;
	json_array_foreach (json_object_get(plan, "Volumes"), i, x) {
		bool created;
		const char *name = json_string_value(json_object_get(x, "Name"));
		if (ensure_volume(e, name, json_string_value(json_object_get(x, "Driver")),
				  json_object_get(x, "Labels"), json_object_get(x, "Options"), &created,
				  err) < 0)
			goto out;
		if (i == 0)
			pod_strbuf_adds(&out, "Volumes:\n");
		pod_strbuf_addf(&out, "%s\n", name);
	}
	json_array_foreach (json_object_get(plan, "DataVolumes"), i, x)
		if (data_volume(e, x, err) < 0)
			goto out;
	json_array_foreach (json_object_get(plan, "Pods"), i, x)
		if (play_pod(e, x, &out, err) < 0)
			goto out;
	rc = 0;
out:
	if (rc == 0 && ctx->g.dispatched) {
		fputs(out.buf, stdout);
	} else if (rc == 0) {
		json_array_foreach (json_object_get(plan, "Pods"), i, x) {
			cleanup_pod struct pod_pod *p = NULL;
			cleanup_json json_t *r = NULL;
			if (find_pod(e, json_string_value(json_object_get(x, "Name")), &p, err) < 0 ||
			    !p) {
				rc = -1;
				break;
			}
			r = json_pack("{s:s, s:s, s:s}", "Type", "pod", "Id", p->id, "Name", p->name);
			if (pod_json_print_line(stdout, r, err) < 0) {
				rc = -1;
				break;
			}
		}
	}
	pod_strbuf_release(&out);
	return rc;
}

static int
down_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_json json_t *plan = plan_of(ctx->args[0], true, err);
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_strv char **ids = NULL;
	struct pod_strbuf out = POD_STRBUF_INIT;
	json_t *x;
	size_t i;
	int rc = 0;

	if (!plan)
		return -1;
	if (pod_cli_engine(&ctx->g, false, &e, err) < 0)
		return -1;
	play_globals = &ctx->g;
	json_array_foreach (json_object_get(plan, "Pods"), i, x)
		if (remove_pod(e, x, false, &ids, err) < 0) {
			rc = -1;
			break;
		}
	if (ctx->g.dispatched) {
		removed_text(ids, &out);
		fputs(out.buf, stdout);
	} else {
		for (size_t k = 0; ids && ids[k]; k++) {
			cleanup_json json_t *r = json_pack("{s:s, s:s}", "Type", "pod", "Id", ids[k]);
			if (pod_json_print_line(stdout, r, err) < 0) {
				rc = -1;
				break;
			}
		}
	}
	pod_strbuf_release(&out);
	return rc;
}

/* ---- generate ---- */

static const char *
gen_type(void)
{
	return opt.type ? opt.type : "pod";
}

/* the documents of one pod: its members but the infra, with the infra's ports */
static int
pod_gen(struct pod_engine *e, struct pod_pod *p, json_t **docs, struct pod_err **err)
{
	struct pod_ctr **m = NULL;
	size_t n = 0;
	cleanup_json json_t *ctrs = json_array(), *more = NULL, *ports = NULL;
	const char *host = json_string_value(json_object_get(p->settings, "Hostname"));

	if (pod_pod_members(e, p, &m, &n, err) < 0)
		return -1;
	for (size_t k = 0; k < n; k++) {
		if (p->infra_id && STREQ(m[k]->id, p->infra_id)) {
			ports = json_incref(json_object_get(m[k]->settings, "PortBindings"));
			continue;
		}
		json_array_append_new(ctrs, json_pack("{s:s, s:s, s:o}", "Name", m[k]->name,
						      "Image", pod_ctr_str(m[k], "ImageName") ?: "",
						      "Settings", json_deep_copy(m[k]->settings)));
	}
	pod_ctr_list_free(m, n);
	if (!json_array_size(ctrs))
		return pod_err_set(err, POD_E_INVALID, 0, "pod %s has no containers besides its "
				   "infra container", p->name);
	if (ports)
		json_object_set(json_object_get(json_array_get(ctrs, 0), "Settings"),
				"PortBindings", ports);
	struct pod_kube_gen g = {
		.name = p->name, .labels = json_object_get(p->settings, "Labels"),
		.hostname = host && *host && !STREQ(host, p->name) ? host : NULL,
		.ctrs = ctrs, .deployment = STREQ(gen_type(), "deployment"),
		.replicas = opt.replicas, .service = opt.service,
		.default_caps = e->conf ? e->conf->default_capabilities : NULL,
	};
	more = pod_kube_generate(&g, err);
	if (!more)
		return -1;
	json_array_extend(*docs, more);
	return 0;
}

static int
generate_run(struct pod_ctx *ctx, struct pod_err **err)
{
	cleanup_engine struct pod_engine *e = NULL;
	cleanup_json json_t *ctrs = json_array(), *docs = json_array();
	struct pod_strbuf out = POD_STRBUF_INIT;
	cleanup_free char *name = NULL;
	const char *type = gen_type();
	json_t *d;
	size_t i;
	int rc = -1;

	if (!STREQ(type, "pod") && !STREQ(type, "deployment"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid generation type - only pods and "
				   "deployments are currently supported");
	if (opt.replicas < 1)
		return pod_err_set(err, POD_E_INVALID, 0, "--replicas must be at least 1");
	if (pod_cli_engine(&ctx->g, true, &e, err) < 0)
		return -1;
	for (i = 0; ctx->args[i]; i++) {
		cleanup_ctr struct pod_ctr *c = NULL;
		cleanup_pod struct pod_pod *p = NULL;
		struct pod_err *e2 = NULL;
		const char *pod_id;

		if (pod_ctr_lookup(e, ctx->args[i], &c, &e2) < 0) {
			if (e2->kind != POD_E_NOTFOUND) {
				*err = e2;
				return -1;
			}
			pod_err_free(&e2);
			if (pod_pod_lookup(e, ctx->args[i], &p, &e2) < 0) {
				pod_err_free(&e2);
				return pod_err_set(err, POD_E_NOTFOUND, 0, "name or ID \"%s\" not "
						   "found", ctx->args[i]);
			}
			if (pod_gen(e, p, &docs, err) < 0)
				return -1;
			continue;
		}
		pod_id = pod_ctr_setting_str(c, "Pod");
		if (pod_id && *pod_id)
			return pod_err_set(err, POD_E_INVALID, 0, "container %s is associated with "
					   "pod %s: use generate on the pod itself", c->id, pod_id);
		json_array_append_new(ctrs, json_pack("{s:s, s:s, s:O}", "Name", c->name, "Image",
						      pod_ctr_str(c, "ImageName") ?: "", "Settings",
						      c->settings));
		if (!name)
			name = xasprintf("%s-pod", c->name);
	}
	if (json_array_size(ctrs)) {
		struct pod_kube_gen g = {
			.name = name, .ctrs = ctrs, .deployment = STREQ(gen_type(), "deployment"),
			.replicas = opt.replicas, .service = opt.service,
			.default_caps = e->conf ? e->conf->default_capabilities : NULL,
		};
		cleanup_json json_t *more = pod_kube_generate(&g, err);
		if (!more)
			return -1;
		json_array_extend(docs, more);
	}
	pod_strbuf_adds(&out, "# Save the output of this file and use kubectl create -f to import\n"
			      "# it into Kubernetes.\n#\n# Created with podutils-" POD_VERSION "\n");
	json_array_foreach (docs, i, d) {
		pod_strbuf_adds(&out, "---\n");
		pod_yaml_emit(d, &out);
		if (out.len && out.buf[out.len - 1] != '\n')
			pod_strbuf_addch(&out, '\n');
	}
	if (opt.filename) {
		cleanup_close int fd = open(opt.filename, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
					    0644);
		if (fd < 0) {
			if (errno == EEXIST)
				pod_err_set(err, POD_E_EXISTS, 0, "cannot write to \"%s\": file exists",
					    opt.filename);
			else
				pod_err_sys(err, "opening %s", opt.filename);
			goto out;
		}
		if (write(fd, out.buf, out.len) != (ssize_t) out.len) {
			pod_err_sys(err, "writing %s", opt.filename);
			goto out;
		}
	} else {
		fputs(out.buf, stdout);
	}
	rc = 0;
out:
	pod_strbuf_release(&out);
	return rc;
}

/* ---- the tools ---- */

static const struct pod_opt play_options[] = {
	POD_OPT_STRV(0, "configmap", "PATHNAME", &opt.configmaps,
		     "Pathname of a YAML file containing a kubernetes configmap"),
	POD_OPT_STRING(0, "log-driver", "STRING", &opt.log_driver,
		       "Logging driver for the container"),
	POD_OPT_STRV(0, "network", "NETWORK", &opt.networks,
		     "Connect pod to network(s) or network mode"),
	POD_OPT_BOOL('q', "quiet", &opt.quiet, "Suppress output information when pulling images"),
	POD_OPT_BOOL(0, "replace", &opt.replace, "Delete and recreate pods defined in the YAML file"),
	POD_OPT_BOOL(0, "start", &opt.start, "Start the pod after creating it"),
	POD_OPT_END
};

static const struct pod_opt no_options[] = { POD_OPT_END };

static const struct pod_opt generate_options[] = {
	POD_OPT_STRING('f', "filename", "FILE", &opt.filename, "Write output to the specified path"),
	POD_OPT_INT('r', "replicas", "INT", &opt.replicas,
		    "Set the replica number for Deployment kind"),
	POD_OPT_BOOL('s', "service", &opt.service,
		     "Generate YAML for a Kubernetes service object"),
	POD_OPT_STRING('t', "type", "TYPE", &opt.type,
		       "Generate YAML for the given Kubernetes kind (pod or deployment)"),
	POD_OPT_END
};

static const struct pod_tool play_tool = {
	.name = "pod-kube play",
	.verb = "kube play",
	.summary = "Play a pod or volume based on Kubernetes YAML",
	.description = "Reads Kubernetes YAML (a file, - for stdin, or an http(s) URL) and "
		       "creates the pods, containers and volumes it describes: Pod, Deployment "
		       "(one pod per replica, NAME-pod-N), DaemonSet, ConfigMap, Secret and "
		       "PersistentVolumeClaim documents; other kinds (Service, ...) are "
		       "ignored. Containers are named POD-CONTAINER.",
	.usage = "[options] KUBEFILE|-|URL",
	.examples = "podman kube play nginx.yml\ncat nginx.yml | podman kube play -\n"
		    "podman kube play --configmap configmap.yml --replace app.yml",
	.options = play_options,
	.min_args = 1,
	.max_args = 1,
	.run = play_run,
};

static const struct pod_tool down_tool = {
	.name = "pod-kube down",
	.verb = "kube down",
	.summary = "Remove pods based on Kubernetes YAML",
	.description = "Stops and removes the pods and containers that `kube play` made from "
		       "the same YAML. Volumes are kept.",
	.usage = "KUBEFILE|-|URL",
	.examples = "podman kube down nginx.yml",
	.options = no_options,
	.min_args = 1,
	.max_args = 1,
	.run = down_run,
};

static const struct pod_tool generate_tool = {
	.name = "pod-kube generate",
	.verb = "kube generate",
	.summary = "Generate Kubernetes YAML based on containers, pods or volumes",
	.description = "Prints Kubernetes YAML (a v1 Pod, or an apps/v1 Deployment with "
		       "--type deployment, and a Service with -s) for the containers, from "
		       "their real settings: command, environment, ports, volumes, resources "
		       "and security context. `kube play` of the output recreates them.",
	.usage = "[options] CONTAINER... | POD...",
	.examples = "podman kube generate ctrID\npodman kube generate -s -f pod.yaml ctr1 ctr2",
	.options = generate_options,
	.min_args = 1,
	.max_args = -1,
	.run = generate_run,
};

static const struct pod_subverb subverbs[] = {
	{ "down", NULL, &down_tool },
	{ "generate", NULL, &generate_tool },
	{ "play", NULL, &play_tool },
	{ NULL, NULL, NULL },
};

static int
noun_run(struct pod_ctx *ctx, struct pod_err **err)
{
	printf("Play containers, pods or volumes from a structured file\n\nUsage:\n  %s "
	       "COMMAND\n\nAvailable Commands:\n",
	       ctx->g.dispatched ? "podman kube" : "pod-kube");
	for (const struct pod_subverb *sv = subverbs; sv->name; sv++)
		printf("  %-10s %s\n", sv->name, sv->tool->summary);
	fflush(stdout);
	return pod_err_set(err, POD_E_INVALID, 0, "missing command '%s COMMAND'",
			   ctx->g.dispatched ? "podman kube" : "pod-kube");
}

static const struct pod_tool tool = {
	.name = "pod-kube",
	.verb = "kube",
	.summary = "Play containers, pods or volumes from a structured file",
	.description = "Kubernetes YAML: `kube play` creates what a file describes, `kube down` "
		       "removes it, `kube generate` writes YAML for existing containers.",
	.usage = "COMMAND [options]",
	.examples = "podman kube play app.yaml\npodman kube down app.yaml\n"
		    "podman kube generate -s ctr > app.yaml",
	.options = no_options,
	.subverbs = subverbs,
	.run = noun_run,
};

int
main(int argc, char **argv)
{
	/* layers: igzip inflates two to three times faster than zlib, OpenSSL hashes with SHA-NI */
	pod_image_use_fast_engines();
	return pod_tool_main(&tool, argc, argv);
}
