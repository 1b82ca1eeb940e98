/* ctr_json.c - Podman's inspect and ps JSON for a container */
#include "core/fs.h"
#include "core/human.h"
#include "core/id.h"
#include "core/json.h"
#include "runtime/ctr_ns.h"
#include "runtime/pod.h"
#include "core/strbuf.h"
#include "runtime/caps.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_exec.h"
#include "runtime/ctr_net.h"
#include "runtime/specgen.h"

#include <dirent.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>

#define CONFIG_MAX (16u << 20)

char *
pod_time_rfc3339(int64_t ns)
{
	time_t secs;
	struct tm tm;
	char date[64], frac[16] = "", zone[48];
	long off;
	int64_t nsec;

	if (ns <= 0)
		return xstrdup("0001-01-01T00:00:00Z");
	secs = (time_t) (ns / 1000000000);
	nsec = ns % 1000000000;
	if (!localtime_r(&secs, &tm))
		return xstrdup("0001-01-01T00:00:00Z");
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (nsec) {
		int len;
		snprintf(frac, sizeof(frac), ".%09" PRId64, nsec);
		len = (int) strlen(frac);
		while (len > 1 && frac[len - 1] == '0')
			frac[--len] = '\0';
	}
	off = tm.tm_gmtoff;
	if (off == 0)
		snprintf(zone, sizeof(zone), "Z");
	else
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
			 (off < 0 ? -off : off) / 3600, ((off < 0 ? -off : off) % 3600) / 60);
	return xasprintf("%s%s%s", date, frac, zone);
}

static json_t *
jtime(int64_t ns)
{
	char *s = pod_time_rfc3339(ns);
	json_t *j = json_string(s);

	free(s);
	return j;
}

static json_t *
or_empty_array(json_t *v)
{
	return json_is_array(v) ? json_incref(v) : json_array();
}

static json_t *
or_null(json_t *v)
{
	return v ? json_incref(v) : json_null();
}

static const char *
nz(const char *s)
{
	return s ? s : "";
}

static json_t *
read_config(struct pod_engine *e, const struct pod_ctr *c)
{
	cleanup_free char *bundle = pod_ctr_bundle(e, c->id);
	cleanup_free char *path = pod_path_join(bundle, "config.json");
	json_error_t je;

	return json_load_file(path, 0, &je);
}

static json_t *
labels_of(const struct pod_ctr *c)
{
	json_t *img = json_object_get(json_object_get(c->data, "ImageConfig"), "Labels");
	json_t *own = json_object_get(c->settings, "Labels");
	json_t *out = json_object();

	if (json_is_object(img))
		json_object_update(out, img);
	if (json_is_object(own))
		json_object_update(out, own);
	return out;
}

/* Podman's units.HumanSize of --log-opt max-size ("0B" when unset); static buffer */
static const char *
log_size_text(int64_t n)
{
	static char buf[32];
	cleanup_free char *h = NULL;

	if (n <= 0)
		return "0B";
	h = pod_human_size_prec(n, 4, false);
	snprintf(buf, sizeof(buf), "%s", h);
	return buf;
}

static json_t *
mounts_json(const struct pod_ctr *c)
{
	json_t *out = json_array(), *v;
	size_t i;
	static const char *const keys[] = { "Volumes", "Mounts", "Tmpfs" };

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		json_array_foreach(json_object_get(c->settings, keys[k]), i, v) {
			struct pod_err *e = NULL;
			json_t *m = k == 0 ? pod_specgen_parse_volume(json_string_value(v), &e) :
				    k == 1 ? pod_specgen_parse_mount(json_string_value(v), &e) :
					     pod_specgen_parse_tmpfs(json_string_value(v), &e);
			json_t *opts, *o, *kept = json_array();
			const char *prop = "";
			bool rw = true;
			size_t j;
			if (!m) {
				pod_err_free(&e);
				continue;
			}
			if (k == 2 || STREQ(json_string_value(json_object_get(m, "type")), "volume")) {
				json_decref(m);
				json_decref(kept);
				continue;
			}
			opts = json_object_get(m, "options");
			json_array_foreach(opts, j, o) {
				const char *s = json_string_value(o);
				if (STREQ(s, "ro"))
					rw = false;
				else if (strstr(s, "private") || strstr(s, "shared") ||
					 strstr(s, "slave") || strstr(s, "bindable"))
					prop = s;
				else if (!STREQ(s, "rw"))
					json_array_append(kept, o);
			}
			json_array_append_new(
				out, json_pack("{s:s, s:O, s:O, s:s, s:s, s:o, s:b, s:s}", "Type",
					       "bind", "Source", json_object_get(m, "source"),
					       "Destination", json_object_get(m, "destination"),
					       "Driver", "", "Mode", "", "Options", kept, "RW", rw,
					       "Propagation", prop));
			json_decref(m);
		}
	}
	return out;
}

static json_t *
caps_of(json_t *spec, const char *set, const struct pod_ctr *c)
{
	json_t *caps = json_object_get(json_object_get(json_object_get(spec, "process"),
						       "capabilities"), set);
	cleanup_strv char **computed = NULL;
	struct pod_err *e = NULL;

	if (json_is_array(caps))
		return json_incref(caps);
	/* not started yet: what start will give a root process */
	{
		cleanup_strv char **dflt = pod_caps_default();
		cleanup_strv char **add = NULL, **drop = NULL;
		json_t *v;
		size_t i;
		json_array_foreach(json_object_get(c->settings, "CapAdd"), i, v)
			add = pod_strv_push(add, xstrdup(json_string_value(v)));
		json_array_foreach(json_object_get(c->settings, "CapDrop"), i, v)
			drop = pod_strv_push(drop, xstrdup(json_string_value(v)));
		if (pod_caps_compute(dflt, add, drop, pod_ctr_setting_bool(c, "Privileged"),
				     &computed, &e) < 0) {
			pod_err_free(&e);
			return json_array();
		}
	}
	json_t *out = json_array();
	for (size_t i = 0; computed && computed[i]; i++)
		json_array_append_new(out, json_string(computed[i]));
	return out;
}

static json_t *
env_of(json_t *spec, const struct pod_ctr *c)
{
	json_t *env = json_object_get(json_object_get(spec, "process"), "env");
	json_t *out, *v;
	size_t i;

	if (json_is_array(env))
		return json_incref(env);
	out = json_array();
	json_array_foreach(json_object_get(json_object_get(c->data, "ImageConfig"), "Env"), i, v)
		json_array_append(out, v);
	json_array_append_new(out, json_string("container=podman"));
	json_array_foreach(json_object_get(c->settings, "Env"), i, v)
		json_array_append(out, v);
	return out;
}

static json_t *
join_array(json_t *a)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	json_t *v, *out;
	size_t i;

	json_array_foreach(a, i, v) {
		if (i)
			pod_strbuf_addch(&sb, ' ');
		pod_strbuf_adds(&sb, nz(json_string_value(v)));
	}
	out = pod_json_string(sb.buf ? sb.buf : "");
	pod_strbuf_release(&sb);
	return out;
}

static const char *
restart_name(const struct pod_ctr *c)
{
	const char *p = pod_ctr_setting_str(c, "RestartPolicy");
	return p && *p ? p : "";
}

static const char *
netmode(const struct pod_ctr *c)
{
	return pod_ctr_net_mode(c);
}

json_t *
pod_ctr_inspect_json(struct pod_engine *e, const struct pod_ctr *c)
{
	cleanup_json json_t *spec = read_config(e, c);
	cleanup_json json_t *args = pod_specgen_args(c->settings,
						     json_object_get(c->data, "ImageConfig"));
	cleanup_free char *rundir = pod_ctr_rundir(e, c->id);
	cleanup_free char *dir = pod_ctr_dir(e, c->id);
	cleanup_free char *bundle = pod_ctr_bundle(e, c->id);
	cleanup_free char *rootfs = pod_ctr_rootfs(e, c);
	cleanup_free char *logpath = pod_ctr_log_path(e, c);
	cleanup_free char *cgpath = pod_ctr_cgroups_path(c);
	cleanup_free char *hostname = NULL;
	json_t *imgconf = json_object_get(c->data, "ImageConfig");
	json_t *mp = json_object_get(c->data, "MonitorPid");
	json_t *rc = json_object_get(c->data, "RestartCount");
	const char *driver = nz(pod_ctr_str(c, "Driver"));
	bool running = c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED;
	json_t *state, *o, *config, *host, *gd;
	struct pod_specgen_ctx sc = { .id = c->id, .settings = c->settings };

	hostname = pod_specgen_hostname(&sc);

	state = json_object();
	json_object_set_new(state, "OciVersion", json_string("1.0.2-dev"));
	json_object_set_new(state, "Status", json_string(pod_ctr_state_name(c->state)));
	json_object_set_new(state, "Running", json_boolean(c->state == POD_CTR_RUNNING));
	json_object_set_new(state, "Paused", json_boolean(c->state == POD_CTR_PAUSED));
	json_object_set_new(state, "Restarting", json_false());
	json_object_set_new(state, "OOMKilled",
			    json_boolean(json_is_true(json_object_get(c->data, "OOMKilled"))));
	json_object_set_new(state, "Dead", json_false());
	json_object_set_new(state, "Pid", json_integer(running ? c->pid : 0));
	json_object_set_new(state, "ConmonPid",
			    json_integer(running && json_is_integer(mp) ? json_integer_value(mp) : 0));
	json_object_set_new(state, "ExitCode", json_integer(c->has_exit_code ? c->exit_code : 0));
	json_object_set_new(state, "Error", json_string(nz(pod_ctr_str(c, "Error"))));
	json_object_set_new(state, "StartedAt", jtime(c->started_ns));
	json_object_set_new(state, "FinishedAt", jtime(c->finished_ns));
	json_object_set_new(state, "Health", pod_ctr_health_inspect(c));
	json_object_set_new(state, "CgroupPath", json_string(running && cgpath ? cgpath : ""));
	json_object_set_new(state, "CheckpointedAt", jtime(0));
	json_object_set_new(state, "RestoredAt", jtime(0));

	o = json_object();
	json_object_set_new(o, "Id", json_string(c->id));
	json_object_set_new(o, "Created", jtime(c->created_ns));
	json_object_set_new(o, "Path", or_null(json_array_get(args, 0)));
	{
		json_t *rest = json_array();
		for (size_t i = 1; i < json_array_size(args); i++)
			json_array_append(rest, json_array_get(args, i));
		json_object_set_new(o, "Args", rest);
	}
	json_object_set_new(o, "State", state);
	json_object_set_new(o, "Image", json_string(nz(c->image_id)));
	json_object_set_new(o, "ImageName", pod_json_string(pod_ctr_str(c, "ImageName")));
	json_object_set_new(o, "Rootfs", json_string(""));
	json_object_set_new(o, "Pod", json_string(nz(pod_ctr_setting_str(c, "Pod"))));
	{
		cleanup_free char *r = pod_path_join(rundir, "resolv.conf");
		cleanup_free char *h = pod_path_join(rundir, "hostname");
		cleanup_free char *hs = pod_path_join(rundir, "hosts");
		cleanup_free char *cfg = pod_path_join(bundle, "config.json");
		cleanup_free char *cp = pod_path_join(rundir, "conmon.pid");
		cleanup_free char *pf = pod_path_join(rundir, "pidfile");
		bool started = c->started_ns > 0;
		json_object_set_new(o, "ResolvConfPath", json_string(started ? r : ""));
		json_object_set_new(o, "HostnamePath", json_string(started ? h : ""));
		json_object_set_new(o, "HostsPath", json_string(started ? hs : ""));
		json_object_set_new(o, "StaticDir", json_string(bundle));
		json_object_set_new(o, "OCIConfigPath", json_string(cfg));
		json_object_set_new(o, "OCIRuntime", json_string(nz(pod_ctr_str(c, "OCIRuntime"))));
		json_object_set_new(o, "ConmonPidFile", json_string(cp));
		json_object_set_new(o, "PidFile", json_string(pf));
	}
	json_object_set_new(o, "Name", json_string(c->name));
	json_object_set_new(o, "RestartCount", json_integer(json_is_integer(rc) ?
								json_integer_value(rc) : 0));
	json_object_set_new(o, "Driver", json_string(driver));
	json_object_set_new(o, "MountLabel", json_string(""));
	json_object_set_new(o, "ProcessLabel", json_string(""));
	json_object_set_new(o, "AppArmorProfile", json_string(""));
	json_object_set_new(o, "EffectiveCaps", caps_of(spec, "effective", c));
	json_object_set_new(o, "BoundingCaps", caps_of(spec, "bounding", c));
	json_object_set_new(o, "ExecIDs", pod_ctr_exec_ids(e, c));
	gd = json_object();
	if (STREQ(driver, "vfs")) {
		json_object_set_new(gd, "Name", json_string("vfs"));
		json_object_set_new(gd, "Data", json_null());
	} else {
		cleanup_strv char **lowers = NULL;
		struct pod_err *e2 = NULL;
		cleanup_free char *upper = pod_path_join(dir, "upper");
		cleanup_free char *work = pod_path_join(dir, "work");
		json_t *data = json_object();
		if (c->image_id && pod_ctr_image_layer_dirs(e, c->image_id, &lowers, &e2) == 0) {
			struct pod_strbuf sb = POD_STRBUF_INIT;
			for (size_t i = 0; lowers[i]; i++) {
				if (i)
					pod_strbuf_addch(&sb, ':');
				pod_strbuf_adds(&sb, lowers[i]);
			}
			json_object_set_new(data, "LowerDir", json_string(sb.buf ? sb.buf : ""));
			pod_strbuf_release(&sb);
		}
		pod_err_free(&e2);
		json_object_set_new(data, "MergedDir", json_string(rootfs));
		json_object_set_new(data, "UpperDir", json_string(upper));
		json_object_set_new(data, "WorkDir", json_string(work));
		json_object_set_new(gd, "Name", json_string("overlay"));
		json_object_set_new(gd, "Data", data);
	}
	json_object_set_new(o, "GraphDriver", gd);
	{
		json_t *mounts = pod_ctr_volumes_inspect(e, c);
		json_t *binds = mounts_json(c);
		json_array_extend(mounts, binds);
		json_decref(binds);
		json_object_set_new(o, "Mounts", mounts);
	}
	json_object_set_new(o, "Dependencies", json_array());
	json_object_set_new(o, "NetworkSettings", pod_ctr_net_inspect(e, c));
	json_object_set_new(o, "Namespace", json_string(""));
	json_object_set_new(o, "IsInfra", json_false());
	json_object_set_new(o, "IsService", json_false());

	config = json_object();
	json_object_set_new(config, "Hostname", pod_json_string(hostname));
	json_object_set_new(config, "Domainname", json_string(""));
	json_object_set_new(config, "User", pod_json_string(
		nz(pod_ctr_setting_str(c, "User"))[0] ? pod_ctr_setting_str(c, "User") :
		nz(json_string_value(json_object_get(imgconf, "User")))));
	json_object_set_new(config, "AttachStdin", json_boolean(pod_ctr_setting_bool(c,
										 "Interactive")));
	json_object_set_new(config, "AttachStdout", json_false());
	json_object_set_new(config, "AttachStderr", json_false());
	json_object_set_new(config, "Tty", json_boolean(pod_ctr_setting_bool(c, "Tty")));
	json_object_set_new(config, "OpenStdin", json_boolean(pod_ctr_setting_bool(c,
									       "Interactive")));
	json_object_set_new(config, "StdinOnce", json_false());
	json_object_set_new(config, "Env", env_of(spec, c));
	{
		json_t *cmd = json_object_get(c->settings, "Command");
		json_object_set_new(config, "Cmd",
				    json_array_size(cmd) ? json_incref(cmd) :
				    json_object_get(c->settings, "Entrypoint") ?
							   json_null() :
							   or_null(json_object_get(imgconf, "Cmd")));
	}
	json_object_set_new(config, "Image", pod_json_string(pod_ctr_str(c, "ImageName")));
	json_object_set_new(config, "Volumes", json_null());
	json_object_set_new(config, "WorkingDir", pod_json_string(
		nz(pod_ctr_setting_str(c, "WorkingDir"))[0] ? pod_ctr_setting_str(c, "WorkingDir") :
		nz(json_string_value(json_object_get(imgconf, "WorkingDir")))[0] ?
			json_string_value(json_object_get(imgconf, "WorkingDir")) : "/"));
	{
		json_t *ep = json_object_get(c->settings, "Entrypoint");
		if (!ep)
			ep = json_object_get(imgconf, "Entrypoint");
		json_object_set_new(config, "Entrypoint", join_array(ep));
	}
	json_object_set_new(config, "OnBuild", json_null());
	json_object_set_new(config, "Labels", labels_of(c));
	{
		json_t *ann = json_object_get(spec, "annotations");
		json_object_set_new(config, "Annotations", json_is_object(ann) ? json_incref(ann) :
				    json_is_object(json_object_get(c->settings, "Annotations")) ?
				    json_incref(json_object_get(c->settings, "Annotations")) :
				    json_object());
	}
	json_object_set_new(config, "StopSignal", json_integer(pod_ctr_setting_int(c, "StopSignal",
										   15)));
	{
		cleanup_json json_t *hc = pod_ctr_health_config(c);
		const char *act = pod_ctr_setting_str(c, "HealthOnFailure");
		if (hc) {
			/* Podman leaves out what is zero (a disabled interval, no start period) */
			static const char *const keys[] = { "Interval", "StartPeriod" };
			for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
				if (json_integer_value(json_object_get(hc, keys[i])) == 0)
					json_object_del(hc, keys[i]);
			json_object_set(config, "Healthcheck", hc);
		}
		json_object_set_new(config, "HealthcheckOnFailureAction",
				    json_string(act ? act : "none"));
	}
	json_object_set_new(config, "CreateCommand",
			    or_empty_array(json_object_get(c->settings, "CreateCommand")));
	json_object_set_new(config, "Umask", json_string(
		nz(pod_ctr_setting_str(c, "Umask"))[0] ? pod_ctr_setting_str(c, "Umask") : "0022"));
	json_object_set_new(config, "Timeout", json_integer(0));
	json_object_set_new(config, "StopTimeout",
			    json_integer(pod_ctr_setting_int(c, "StopTimeout", 10)));
	json_object_set_new(config, "Passwd", json_true());
	json_object_set_new(o, "Config", config);

	host = json_object();
	{
		json_t *binds = pod_ctr_volumes_binds(c), *v;
		size_t i;
		json_array_foreach(json_object_get(c->settings, "Volumes"), i, v) {
			const char *vs = json_string_value(v);
			if (vs[0] == '/' && strchr(vs, ':')) /* volumes are listed above */
				json_array_append(binds, v);
		}
		json_object_set_new(host, "Binds", binds);
	}
	json_object_set_new(host, "CgroupManager", json_string("cgroupfs"));
	json_object_set_new(host, "CgroupMode", json_string("private"));
	json_object_set_new(host, "ContainerIDFile",
			    json_string(nz(pod_ctr_setting_str(c, "Cidfile"))));
	json_object_set_new(host, "LogConfig",
			    json_pack("{s:s, s:n, s:s, s:s, s:s}", "Type",
				      nz(pod_ctr_setting_str(c, "LogDriver"))[0] ?
					      pod_ctr_setting_str(c, "LogDriver") : "k8s-file",
				      "Config", "Path", logpath, "Tag", "", "Size",
				      log_size_text(pod_ctr_setting_int(c, "LogSizeMax", 0))));
	json_object_set_new(host, "NetworkMode", json_string(netmode(c)));
	json_object_set_new(host, "PortBindings", pod_ctr_net_port_bindings(e, c));
	json_object_set_new(host, "RestartPolicy",
			    json_pack("{s:s, s:I}", "Name", restart_name(c), "MaximumRetryCount",
				      (json_int_t) pod_ctr_setting_int(c, "RestartRetries", 0)));
	json_object_set_new(host, "AutoRemove", json_boolean(pod_ctr_setting_bool(c, "Rm")));
	json_object_set_new(host, "VolumeDriver", json_string(""));
	json_object_set_new(host, "VolumesFrom", json_null());
	json_object_set_new(host, "CapAdd", or_empty_array(json_object_get(c->settings, "CapAdd")));
	json_object_set_new(host, "CapDrop",
			    or_empty_array(json_object_get(c->settings, "CapDrop")));
	json_object_set_new(host, "Dns", or_empty_array(json_object_get(c->settings, "Dns")));
	json_object_set_new(host, "DnsOptions",
			    or_empty_array(json_object_get(c->settings, "DnsOptions")));
	json_object_set_new(host, "DnsSearch",
			    or_empty_array(json_object_get(c->settings, "DnsSearch")));
	json_object_set_new(host, "ExtraHosts",
			    or_empty_array(json_object_get(c->settings, "AddHosts")));
	json_object_set_new(host, "GroupAdd",
			    or_empty_array(json_object_get(c->settings, "GroupAdd")));
	json_object_set_new(host, "IpcMode", json_string(pod_ctr_ns_mode(c, "IpcNS")));
	json_object_set_new(host, "Cgroup", json_string(""));
	json_object_set_new(host, "Cgroups", json_string(
		nz(pod_ctr_setting_str(c, "Cgroups"))[0] ? pod_ctr_setting_str(c, "Cgroups") :
		"default"));
	json_object_set_new(host, "Links", json_null());
	json_object_set_new(host, "OomScoreAdj", json_integer(0));
	json_object_set_new(host, "PidMode", json_string(pod_ctr_ns_mode(c, "PidNS")));
	json_object_set_new(host, "Privileged", json_boolean(pod_ctr_setting_bool(c,
										"Privileged")));
	json_object_set_new(host, "PublishAllPorts",
			    json_boolean(pod_ctr_setting_bool(c, "PublishAll")));
	json_object_set_new(host, "ReadonlyRootfs", json_boolean(pod_ctr_setting_bool(c,
										    "ReadOnly")));
	{
		json_t *so = json_array();
		const char *sp = pod_ctr_setting_str(c, "SeccompProfile");
		if (sp && *sp)
			json_array_append_new(so, pod_json_string(sp));
		if (pod_ctr_setting_bool(c, "NoNewPrivileges"))
			json_array_append_new(so, json_string("no-new-privileges"));
		json_object_set_new(host, "SecurityOpt", so);
	}
	{
		json_t *tm = json_object(), *v;
		size_t i;
		json_array_foreach(json_object_get(c->settings, "Tmpfs"), i, v) {
			const char *s = json_string_value(v), *colon = strchr(s, ':');
			cleanup_free char *d = colon ? xstrndup(s, (size_t) (colon - s)) : xstrdup(s);
			json_object_set_new(tm, d, json_string(colon ? colon + 1 : ""));
		}
		json_object_set_new(host, "Tmpfs", tm);
	}
	json_object_set_new(host, "UTSMode", json_string(pod_ctr_ns_mode(c, "UtsNS")));
	json_object_set_new(host, "UsernsMode", json_string(""));
	json_object_set_new(host, "ShmSize",
			    json_integer(pod_ctr_setting_int(c, "ShmSize",
							     e->conf ? e->conf->shm_size_bytes :
								       65536000)));
	json_object_set_new(host, "Runtime", json_string("oci"));
	json_object_set_new(host, "ConsoleSize", json_pack("[i,i]", 0, 0));
	json_object_set_new(host, "Isolation", json_string(""));
	json_object_set_new(host, "CpuShares", json_integer(pod_ctr_setting_int(c, "CpuShares",
										0)));
	json_object_set_new(host, "Memory", json_integer(pod_ctr_setting_int(c, "Memory", 0)));
	json_object_set_new(host, "NanoCpus", json_integer(pod_ctr_setting_int(c, "NanoCpus", 0)));
	json_object_set_new(host, "CgroupParent",
			    json_string(nz(pod_ctr_setting_str(c, "CgroupParent"))));
	json_object_set_new(host, "BlkioWeight", json_integer(0));
	json_object_set_new(host, "CpuPeriod", json_integer(pod_ctr_setting_int(c, "CpuPeriod",
										0)));
	json_object_set_new(host, "CpuQuota", json_integer(pod_ctr_setting_int(c, "CpuQuota", 0)));
	json_object_set_new(host, "CpuRealtimePeriod", json_integer(0));
	json_object_set_new(host, "CpuRealtimeRuntime", json_integer(0));
	json_object_set_new(host, "CpusetCpus",
			    json_string(nz(pod_ctr_setting_str(c, "CpusetCpus"))));
	json_object_set_new(host, "CpusetMems",
			    json_string(nz(pod_ctr_setting_str(c, "CpusetMems"))));
	/* Podman's shape is the setting's: PathOnHost, PathInContainer, CgroupPermissions */
	json_object_set_new(host, "Devices",
			    json_is_array(json_object_get(c->settings, "Devices")) ?
				    json_deep_copy(json_object_get(c->settings, "Devices")) :
				    json_array());
	json_object_set_new(host, "MemoryReservation",
			    json_integer(pod_ctr_setting_int(c, "MemoryReservation", 0)));
	json_object_set_new(host, "MemorySwap",
			    json_integer(pod_ctr_setting_int(c, "MemorySwap", 0)));
	json_object_set_new(host, "MemorySwappiness", json_integer(0));
	json_object_set_new(host, "OomKillDisable", json_false());
	json_object_set_new(host, "PidsLimit",
			    json_integer(pod_ctr_setting_int(c, "PidsLimit",
							     e->conf ? e->conf->pids_limit : 2048)));
	{
		json_t *ul = json_array(), *r;
		size_t i;
		json_array_foreach(json_object_get(json_object_get(spec, "process"), "rlimits"), i,
				   r)
			json_array_append_new(ul, json_pack("{s:O, s:O, s:O}", "Name",
							     json_object_get(r, "type"), "Soft",
							     json_object_get(r, "soft"), "Hard",
							     json_object_get(r, "hard")));
		json_object_set_new(host, "Ulimits", ul);
	}
	json_object_set_new(host, "CpuCount", json_integer(0));
	json_object_set_new(host, "CpuPercent", json_integer(0));
	json_object_set_new(host, "IOMaximumIOps", json_integer(0));
	json_object_set_new(host, "IOMaximumBandwidth", json_integer(0));
	json_object_set_new(host, "CgroupConf", json_null());
	json_object_set_new(o, "HostConfig", host);
	return o;
}

/* disk use of the container's writable layer, in bytes */
static int64_t
dir_size(const char *path)
{
	int64_t total = 0;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) ? (int64_t) st.st_size : 0;
	d = opendir(path);
	if (!d)
		return 0;
	for (struct dirent *de; (de = readdir(d));) {
		cleanup_free char *p = NULL;
		if (STREQ(de->d_name, ".") || STREQ(de->d_name, ".."))
			continue;
		p = pod_path_join(path, de->d_name);
		total += dir_size(p);
	}
	closedir(d);
	return total;
}

json_t *
pod_ctr_ps_json(struct pod_engine *e, const struct pod_ctr *c, bool size, int64_t now_ns)
{
	cleanup_json json_t *args = pod_specgen_args(c->settings,
						     json_object_get(c->data, "ImageConfig"));
	cleanup_free char *ago = pod_human_ago(c->created_ns, now_ns);
	cleanup_free char *status = pod_ctr_status_text(c, now_ns);
	bool exited = c->state == POD_CTR_EXITED || c->state == POD_CTR_STOPPED;
	bool running = c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED;
	json_t *rc = json_object_get(c->data, "RestartCount");
	json_t *o = json_object();

	json_object_set_new(o, "AutoRemove", json_boolean(pod_ctr_setting_bool(c, "Rm")));
	json_object_set_new(o, "Command", json_incref(args));
	json_object_set_new(o, "CreatedAt", json_string(ago));
	json_object_set_new(o, "Exited", json_boolean(exited));
	json_object_set_new(o, "ExitedAt", json_integer(c->finished_ns > 0 ?
								c->finished_ns / 1000000000 :
								-62135596800LL));
	json_object_set_new(o, "ExitCode", json_integer(c->has_exit_code ? c->exit_code : 0));
	json_object_set_new(o, "Id", json_string(c->id));
	json_object_set_new(o, "Image", pod_json_string(pod_ctr_str(c, "ImageName")));
	json_object_set_new(o, "ImageID", json_string(nz(c->image_id)));
	json_object_set_new(o, "IsInfra", json_false());
	json_object_set_new(o, "Labels", labels_of(c));
	{
		json_t *m = json_array(), *v;
		size_t i;
		json_t *binds = mounts_json(c);
		json_array_foreach(json_object_get(c->data, "VolumeMounts"), i, v)
			json_array_append(m, json_object_get(v, "Destination"));
		json_array_foreach(binds, i, v)
			json_array_append(m, json_object_get(v, "Destination"));
		json_decref(binds);
		json_object_set_new(o, "Mounts", m);
	}
	json_object_set_new(o, "Names", json_pack("[s]", c->name));
	json_object_set_new(o, "Namespaces", json_object());
	json_object_set_new(o, "Networks", pod_ctr_net_ps_networks(e, c));
	json_object_set_new(o, "Pid", json_integer(running ? c->pid : 0));
	{
		cleanup_free char *pn = pod_pod_name_of(e, pod_ctr_setting_str(c, "Pod"));
		json_object_set_new(o, "Pod", json_string(nz(pod_ctr_setting_str(c, "Pod"))));
		json_object_set_new(o, "PodName", json_string(pn ? pn : ""));
	}
	json_object_set_new(o, "Ports", pod_ctr_net_ps_ports(e, c));
	json_object_set_new(o, "Restarts", json_integer(json_is_integer(rc) ?
							    json_integer_value(rc) : 0));
	if (size) {
		cleanup_free char *dir = pod_ctr_dir(e, c->id);
		cleanup_free char *upper = pod_path_join(dir, STREQ(nz(pod_ctr_str(c, "Driver")),
								    "vfs") ? "rootfs" : "upper");
		json_object_set_new(o, "Size", json_pack("{s:I, s:I}", "RwSize",
							 (json_int_t) dir_size(upper), "RootFsSize",
							 (json_int_t) dir_size(upper)));
	} else {
		json_object_set_new(o, "Size", json_null());
	}
	json_object_set_new(o, "StartedAt", json_integer(c->started_ns > 0 ?
								 c->started_ns / 1000000000 :
								 -62135596800LL));
	json_object_set_new(o, "State", json_string(pod_ctr_state_name(c->state)));
	json_object_set_new(o, "Status", json_string(status));
	json_object_set_new(o, "Created", json_integer(c->created_ns / 1000000000));
	return o;
}
