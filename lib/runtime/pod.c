/* pod.c - pods: the row, members, state, create, lifecycle (see pod.h) */
#include "runtime/pod.h"
#include "core/fs.h"
#include "core/id.h"
#include "core/json.h"
#include "core/log.h"
#include "core/names.h"
#include "runtime/cgroup.h"
#include "runtime/ctr-internal.h"
#include "runtime/ctr_exec.h"
#include "runtime/ctr_net.h"
#include "runtime/ctr_ns.h"
#include "store/events.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#define POD_COLUMNS "id, name, infra_id, created, data"

/* Podman's pod events: ID and name, no image, no attributes */
static void
pod_event(struct pod_engine *e, const struct pod_pod *p, const char *status)
{
	struct pod_event ev = { .type = "pod", .status = status, .id = p->id, .name = p->name };

	pod_event_emit_runroot(e->runroot, &ev);
}

struct pod_pod *
pod_pod_free(struct pod_pod *p)
{
	if (!p)
		return NULL;
	free(p->id);
	free(p->name);
	free(p->infra_id);
	json_decref(p->data);
	free(p);
	return NULL;
}

void
pod_pod_freep(struct pod_pod **p)
{
	*p = pod_pod_free(*p);
}

void
pod_pod_list_free(struct pod_pod **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pod_pod_free(v[i]);
	free(v);
}

static char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t && *t ? xstrdup((const char *) t) : NULL;
}

static int
pod_from_row(sqlite3_stmt *st, struct pod_pod **ret, struct pod_err **err)
{
	struct pod_pod *p = xcalloc(1, sizeof(*p));
	const char *data = (const char *) sqlite3_column_text(st, 4);

	p->id = col_text(st, 0);
	p->name = col_text(st, 1);
	p->infra_id = col_text(st, 2);
	p->created_ns = sqlite3_column_int64(st, 3);
	p->data = json_loads(data ? data : "{}", 0, NULL);
	if (!json_is_object(p->data)) {
		pod_err_set(err, POD_E_GENERIC, 0, "pod %s: corrupt data in the database", p->id);
		pod_pod_free(p);
		return -1;
	}
	p->settings = json_object_get(p->data, "Settings");
	if (!json_is_object(p->settings)) {
		p->settings = json_object();
		json_object_set_new(p->data, "Settings", p->settings);
	}
	*ret = p;
	return 0;
}

static int
pod_load(struct pod_engine *e, const char *id, struct pod_pod **ret, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(e->store, "SELECT " POD_COLUMNS " FROM pods WHERE id = ?", err);
	int r;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		return pod_err_set(err, POD_E_NOTFOUND, 0,
				   "no pod with name or ID %s found: no such pod", id);
	if (r != SQLITE_ROW)
		return pod_store_sqlite_err(e->store, err, "reading pod %s", id);
	return pod_from_row(st, ret, err);
}

int
pod_pod_lookup(struct pod_engine *e, const char *name_or_id, struct pod_pod **ret,
	       struct pod_err **err)
{
	cleanup_free char *id = NULL;

	if (pod_store_resolve(e->store, POD_OBJ_POD, name_or_id, &id, err) < 0)
		return -1;
	return pod_load(e, id, ret, err);
}

int
pod_pod_list(struct pod_engine *e, struct pod_pod ***ret, size_t *ret_n, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		e->store, "SELECT " POD_COLUMNS " FROM pods ORDER BY created DESC, id", err);
	struct pod_pod **v = xcalloc(1, sizeof(*v));
	size_t n = 0;
	int r;

	if (!st) {
		free(v);
		return -1;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct pod_pod *p;
		if (pod_from_row(st, &p, err) < 0) {
			pod_pod_list_free(v, n);
			return -1;
		}
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = p;
		v[n] = NULL;
	}
	if (r != SQLITE_DONE) {
		pod_pod_list_free(v, n);
		return pod_store_sqlite_err(e->store, err, "listing pods");
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static bool is_infra(const struct pod_pod *p, const struct pod_ctr *c);

/* brief: only the infra container keeps its data (see pod_pod_members_brief) */
static int
members_load(struct pod_engine *e, const struct pod_pod *p, bool sync, bool brief,
	     struct pod_ctr ***ret, size_t *ret_n, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(
		e->store, "SELECT id FROM containers WHERE pod_id = ? ORDER BY created, rowid", err);
	cleanup_strv char **ids = xcalloc(1, sizeof(char *));
	struct pod_ctr **v = NULL;
	size_t n = 0;
	int r;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		ids = pod_strv_push(ids, xstrdup((const char *) sqlite3_column_text(st, 0)));
	if (r != SQLITE_DONE)
		return pod_store_sqlite_err(e->store, err, "listing the containers of pod %s",
					    p->id);
	pod_stmt_finalizep(&st);
	v = xcalloc(pod_strv_len(ids) + 1, sizeof(*v));
	for (size_t i = 0; ids[i]; i++) {
		struct pod_ctr *c = NULL;
		struct pod_err *e2 = NULL;
		if (pod_ctr_load(e, ids[i], &c, &e2) < 0) {
			/* removed meanwhile */
			if (e2->kind == POD_E_NOTFOUND) {
				pod_err_free(&e2);
				continue;
			}
			*err = e2;
			pod_ctr_list_free(v, n);
			return -1;
		}
		if (sync && pod_ctr_sync(e, c, err) < 0) {
			pod_ctr_free(c);
			pod_ctr_list_free(v, n);
			return -1;
		}
		if (brief && !is_infra(p, c)) {
			json_decref(c->data);
			c->data = NULL;
			c->settings = NULL;
		}
		v[n++] = c;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

char *
pod_pod_name_of(struct pod_engine *e, const char *pod_id)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	struct pod_err *e2 = NULL;

	if (!pod_id || !*pod_id)
		return NULL;
	st = pod_store_prepare(e->store, "SELECT name FROM pods WHERE id = ?", &e2);
	if (!st) {
		pod_err_free(&e2);
		return NULL;
	}
	sqlite3_bind_text(st, 1, pod_id, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_ROW ? col_text(st, 0) : NULL;
}

int
pod_pod_members(struct pod_engine *e, const struct pod_pod *p, struct pod_ctr ***ret,
		size_t *ret_n, struct pod_err **err)
{
	return members_load(e, p, true, false, ret, ret_n, err);
}

int
pod_pod_members_brief(struct pod_engine *e, const struct pod_pod *p, struct pod_ctr ***ret,
		      size_t *ret_n, struct pod_err **err)
{
	return members_load(e, p, true, true, ret, ret_n, err);
}

const char *
pod_pod_state(struct pod_ctr *const *m, size_t n)
{
	size_t running = 0, paused = 0, stopped = 0, exited = 0, errored = 0;

	if (n == 0)
		return "Created";
	for (size_t i = 0; i < n; i++) {
		switch (m[i]->state) {
		case POD_CTR_RUNNING:
			running++;
			break;
		case POD_CTR_PAUSED:
			paused++;
			break;
		case POD_CTR_STOPPED:
		case POD_CTR_STOPPING:
			stopped++;
			break;
		case POD_CTR_EXITED:
			exited++;
			break;
		case POD_CTR_CREATED:
		case POD_CTR_CONFIGURED:
			break;
		default:
			errored++;
			break;
		}
	}
	if (running == n)
		return "Running";
	if (running > 0)
		return "Degraded";
	if (paused == n)
		return "Paused";
	if (stopped == n)
		return "Exited";
	if (stopped > 0)
		return "Stopped";
	if (exited > 0)
		return "Exited";
	if (errored > 0)
		return "Error";
	return "Created";
}

static bool
is_infra(const struct pod_pod *p, const struct pod_ctr *c)
{
	return p->infra_id && STREQ(p->infra_id, c->id);
}

static bool
ctr_active(const struct pod_ctr *c)
{
	return c->state == POD_CTR_RUNNING || c->state == POD_CTR_PAUSED ||
	       c->state == POD_CTR_STOPPING;
}

/* --- cgroup ------------------------------------------------------------ */

char *
pod_pod_cgroup_parent(const struct pod_pod *p)
{
	const char *cp = json_string_value(json_object_get(p->settings, "CgroupParent"));

	if (!cp || !*cp)
		return xstrdup("/libpod_parent");
	return cp[0] == '/' ? xstrdup(cp) : xasprintf("/%s", cp);
}

char *
pod_pod_cgroup_path(const struct pod_pod *p)
{
	cleanup_free char *parent = pod_pod_cgroup_parent(p);

	return xasprintf("%s/%s", STREQ(parent, "/") ? "" : parent, p->id);
}

/* memory plus swap: --memory-swap (-1: unlimited), else twice --memory as Podman; 0: none */
static json_int_t
pod_swap(json_t *s)
{
	json_t *v = json_object_get(s, "MemorySwap");
	json_int_t mem = json_integer_value(json_object_get(s, "Memory"));

	if (json_is_integer(v))
		return json_integer_value(v);
	return mem > 0 ? 2 * mem : 0;
}

/* --share-parent=false: no cgroup of the pod's own, its containers go in the parent */
static bool
share_parent(const struct pod_pod *p)
{
	return !json_is_false(json_object_get(p->settings, "ShareParent"));
}

/* the cgroup parent of the pod's containers */
static char *
members_cgroup(const struct pod_pod *p)
{
	return share_parent(p) ? pod_pod_cgroup_path(p) : pod_pod_cgroup_parent(p);
}

static json_t *
pod_resources(const struct pod_pod *p)
{
	json_t *s = p->settings, *r = json_object(), *mem = json_object(), *cpu = json_object();
	json_int_t m = json_integer_value(json_object_get(s, "Memory")), swap = pod_swap(s);
	json_int_t quota = json_integer_value(json_object_get(s, "CpuQuota"));
	json_int_t period = json_integer_value(json_object_get(s, "CpuPeriod"));
	json_t *v;

	if (m > 0)
		json_object_set_new(mem, "limit", json_integer(m));
	if (swap != 0)
		json_object_set_new(mem, "swap", json_integer(swap));
	if (quota > 0) {
		json_object_set_new(cpu, "quota", json_integer(quota));
		json_object_set_new(cpu, "period", json_integer(period > 0 ? period : 100000));
	}
	if (json_is_integer(v = json_object_get(s, "CpuShares")) && json_integer_value(v) > 0)
		json_object_set(cpu, "shares", v);
	if (json_is_string(v = json_object_get(s, "CpusetCpus")))
		json_object_set(cpu, "cpus", v);
	if (json_is_string(v = json_object_get(s, "CpusetMems")))
		json_object_set(cpu, "mems", v);
	{
		json_t *bio = json_object();
		if (json_is_integer(v = json_object_get(s, "BlkioWeight")))
			json_object_set(bio, "weight", v);
		if (json_array_size(v = json_object_get(s, "ThrottleReadBpsDevice")))
			json_object_set(bio, "throttleReadBpsDevice", v);
		if (json_array_size(v = json_object_get(s, "ThrottleWriteBpsDevice")))
			json_object_set(bio, "throttleWriteBpsDevice", v);
		if (json_object_size(bio))
			json_object_set_new(r, "blockIO", bio);
		else
			json_decref(bio);
	}
	if (json_object_size(mem))
		json_object_set_new(r, "memory", mem);
	else
		json_decref(mem);
	if (json_object_size(cpu))
		json_object_set_new(r, "cpu", cpu);
	else
		json_decref(cpu);
	return r;
}

static void
cgroup_remove(const struct pod_pod *p)
{
	cleanup_free char *path = pod_pod_cgroup_path(p);
	struct pod_cgroup *cg = NULL;
	struct pod_err *e = NULL;

	if (pod_cgroup_load(path, &cg, &e) == 0) {
		if (pod_cgroup_destroy(cg, &e) < 0) {
			pod_warn("removing the cgroup of pod %s: %s", p->id, e->msg);
			pod_err_free(&e);
		}
		pod_cgroup_free(cg);
	}
	pod_err_free(&e);
}

/* --- create ------------------------------------------------------------ */

static bool
valid_name(const char *n)
{
	if (!*n || !((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') ||
		     (n[0] >= '0' && n[0] <= '9')))
		return false;
	for (const char *q = n; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		      (*q >= '0' && *q <= '9') || *q == '_' || *q == '.' || *q == '-'))
			return false;
	return true;
}

static int
pod_name_used(struct pod_engine *e, const char *name, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st =
		pod_store_prepare(e->store, "SELECT 1 FROM pods WHERE name = ?", err);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_ROW ? 1 : 0;
}

static int
pod_exec(struct pod_engine *e, const char *sql, const char *a, const char *b,
	 struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = pod_store_prepare(e->store, sql, err);

	if (!st)
		return -1;
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return pod_store_sqlite_err(e->store, err, "updating pods");
	return 0;
}

/* the network keys of ctr_net.h the infra container takes from the pod */
static const char *const net_keys[] = {
	"Network",   "Networks",   "NetworkAliases", "StaticIP", "StaticIP6", "StaticMAC",
	"PortMappings", "PublishAll", "Dns",	"DnsSearch", "DnsOptions", "AddHosts",
	"NoHosts",   NULL,
};

/* --sysctl, --security-opt, --device, --pid, --uts of pod create: the infra's own */
static const char *const infra_keys[] = {
	"Sysctls", "NoNewPrivileges", "SeccompProfile", "Devices", "PidNS", "UtsNS", NULL,
};

static json_t *
infra_settings(const struct pod_pod *p, const char *image)
{
	json_t *s = json_object(), *ps = p->settings, *v;
	const char *iname = json_string_value(json_object_get(ps, "InfraName"));
	const char *host = json_string_value(json_object_get(ps, "Hostname"));
	char sid[POD_ID_SHORT_LEN + 1];
	cleanup_free char *name = NULL, *cg = members_cgroup(p);

	pod_id_short(p->id, sid);
	name = iname && *iname ? xstrdup(iname) : xasprintf("%s-infra", sid);
	json_object_set_new(s, "Image", pod_json_string(image));
	json_object_set_new(s, "Name", pod_json_string(name));
	json_object_set_new(s, "Command", json_array());
	json_object_set_new(s, "Env", json_array());
	if ((v = json_object_get(ps, "InfraCommand")) && json_array_size(v))
		json_object_set(s, "Entrypoint", v);
	json_object_set_new(s, "Hostname", pod_json_string(host && *host ? host : p->name));
	json_object_set_new(s, "Pod", json_string(p->id));
	json_object_set_new(s, "PodInfra", json_true());
	json_object_set_new(s, "CgroupParent", json_string(cg));
	json_object_set_new(s, "Tty", json_false());
	json_object_set_new(s, "Interactive", json_false());
	json_object_set_new(s, "Init", json_false());
	json_object_set_new(s, "Rm", json_false());
	json_object_set_new(s, "Labels", json_object());
	json_object_set_new(s, "Annotations", json_object());
	for (size_t i = 0; net_keys[i]; i++)
		if ((v = json_object_get(ps, net_keys[i])))
			json_object_set(s, net_keys[i], v);
	for (size_t i = 0; infra_keys[i]; i++)
		if ((v = json_object_get(ps, infra_keys[i])))
			json_object_set(s, infra_keys[i], v);
	if (!json_object_get(s, "Network"))
		json_object_set_new(s, "Network", json_string("bridge"));
	/* a pod that does not share its network: the infra needs none of its own */
	{
		bool net = false;
		size_t i;
		json_array_foreach(json_object_get(ps, "Share"), i, v)
			net |= STREQ(json_string_value(v), "net");
		if (!net) {
			json_object_set_new(s, "Network", json_string("none"));
			json_object_del(s, "PortMappings");
			json_object_del(s, "Networks");
		}
	}
	return s;
}

int
pod_pod_create(struct pod_engine *e, json_t *settings, struct pod_pod **ret,
	       struct pod_err **err)
{
	cleanup_json json_t *s = json_deep_copy(settings), *data = json_object();
	cleanup_free char *name = NULL, *text = NULL, *image = NULL;
	cleanup_pod struct pod_pod *p = NULL;
	cleanup_ctr struct pod_ctr *infra = NULL;
	cleanup_stmt sqlite3_stmt *st = NULL;
	char id[POD_ID_LEN + 1];
	int r;

	if (json_is_string(json_object_get(s, "Name")) &&
	    *json_string_value(json_object_get(s, "Name"))) {
		name = xstrdup(json_string_value(json_object_get(s, "Name")));
		if (!valid_name(name))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid "
					   "argument");
		r = pod_name_used(e, name, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return pod_err_set(err, POD_E_EXISTS, 0, "adding pod to state: name \"%s\" "
					   "is in use: pod already exists", name);
	} else {
		for (int tries = 0; tries < 100; tries++) {
			free(name);
			name = pod_name_random();
			r = pod_name_used(e, name, err);
			if (r < 0)
				return -1;
			if (r == 0)
				break;
		}
	}
	json_object_set_new(s, "Name", pod_json_string(name));
	if (!json_object_get(s, "Share"))
		json_object_set_new(s, "Share", json_pack("[s,s,s]", "ipc", "net", "uts"));
	if (!json_object_get(s, "Infra"))
		json_object_set_new(s, "Infra", json_true());
	if (!json_object_get(s, "ExitPolicy"))
		json_object_set_new(s, "ExitPolicy", json_string("continue"));
	if (json_is_true(json_object_get(s, "Infra"))) {
		const char *img = json_string_value(json_object_get(s, "InfraImage"));
		if (img && *img)
			image = xstrdup(img);
		else if (pod_pod_infra_image(e, &image, err) < 0)
			return -1;
	}

	pod_id_new(id);
	json_object_set(data, "Settings", s);
	text = json_dumps(data, JSON_COMPACT);
	st = pod_store_prepare(e->store,
			       "INSERT INTO pods (id, name, state, created, data) "
			       "VALUES (?, ?, 'created', ?, ?)", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, pod_now_ns());
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(pod_store_db(e->store)) == SQLITE_CONSTRAINT_UNIQUE)
			return pod_err_set(err, POD_E_EXISTS, 0, "adding pod to state: name \"%s\" "
					   "is in use: pod already exists", name);
		return pod_store_sqlite_err(e->store, err, "creating pod %s", name);
	}
	pod_stmt_finalizep(&st);
	if (pod_load(e, id, &p, err) < 0)
		return -1;

	{
		cleanup_json json_t *res = pod_resources(p);
		if (json_object_size(res) && share_parent(p)) {
			cleanup_free char *path = pod_pod_cgroup_path(p);
			struct pod_cgroup *cg = NULL;
			if (pod_cgroup_create(path, res, 0, &cg, err) < 0)
				goto fail;
			pod_cgroup_free(cg);
		}
	}
	if (image) {
		cleanup_json json_t *is = infra_settings(p, image);
		if (pod_ctr_create(e, is, &infra, err) < 0)
			goto fail;
		if (pod_exec(e, "UPDATE pods SET infra_id = ?1 WHERE id = ?2", infra->id, p->id,
			     err) < 0) {
			struct pod_err *e2 = NULL;
			if (pod_ctr_remove(e, infra, true, 0, &e2) < 0)
				pod_err_free(&e2);
			goto fail;
		}
		p->infra_id = xstrdup(infra->id);
	}
	pod_event(e, p, "create");
	*ret = TAKE_PTR(p);
	return 0;

fail:
	cgroup_remove(p);
	{
		struct pod_err *e2 = NULL;
		if (pod_exec(e, "DELETE FROM pods WHERE id = ?1", id, NULL, &e2) < 0)
			pod_err_free(&e2);
	}
	return -1;
}

/* --- members joining the pod ------------------------------------------- */

static const struct {
	const char *share, *key;
} share_keys[] = {
	{ "net", "Network" }, { "ipc", "IpcNS" }, { "uts", "UtsNS" },
	{ "pid", "PidNS" },   { "cgroup", "CgroupNS" },
};

static bool
pod_shares(const struct pod_pod *p, const char *what)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(p->settings, "Share"), i, v)
		if (STREQ(json_string_value(v), what))
			return true;
	return false;
}

/* a member gets the pod's devices, as Podman passes the infra's down; its own win */
static void
member_devices(const struct pod_pod *p, json_t *s)
{
	json_t *pd = json_object_get(p->settings, "Devices"), *d, *x;
	json_t *own = json_object_get(s, "Devices");
	json_t *out = json_array();
	size_t i, k;

	if (!json_array_size(pd)) {
		json_decref(out);
		return;
	}
	json_array_foreach(pd, i, d) {
		const char *path = json_string_value(json_object_get(d, "PathInContainer"));
		bool mine = false;
		json_array_foreach(own, k, x)
			mine |= STREQ(json_string_value(json_object_get(x, "PathInContainer")) ?: "",
				      path ?: "");
		if (!mine)
			json_array_append(out, d);
	}
	json_array_extend(out, own);
	json_object_set_new(s, "Devices", out);
}

int
pod_pod_ctr_settings(struct pod_engine *e, json_t *s, struct pod_err **err)
{
	const char *ref = json_string_value(json_object_get(s, "Pod"));
	cleanup_pod struct pod_pod *p = NULL;
	cleanup_free char *cg = NULL;
	json_t *v;

	if (!ref || json_is_true(json_object_get(s, "PodInfra")))
		return 0;
	if (pod_str_has_prefix(ref, "new:")) {
		cleanup_json json_t *ps = json_pack("{s:s}", "Name", ref + 4);
		/* Podman moves the container's network and ports to the new pod */
		for (size_t i = 0; net_keys[i]; i++)
			if ((v = json_object_get(s, net_keys[i]))) {
				json_object_set(ps, net_keys[i], v);
				json_object_del(s, net_keys[i]);
			}
		json_object_del(s, "PortBindings");
		if (pod_pod_create(e, ps, &p, err) < 0)
			return -1;
	} else if (pod_pod_lookup(e, ref, &p, err) < 0) {
		return -1;
	}
	json_object_set_new(s, "Pod", json_string(p->id));
	if (p->infra_id) {
		for (size_t k = 0; k < ARRAY_SIZE(share_keys); k++) {
			const char *cur = json_string_value(json_object_get(s, share_keys[k].key));
			cleanup_free char *m = NULL;
			if (!pod_shares(p, share_keys[k].share))
				continue;
			if (STREQ(share_keys[k].share, "net")) {
				if (json_array_size(json_object_get(s, "PortMappings")) ||
				    json_array_size(json_object_get(s, "Networks")) ||
				    (cur && !STREQ(cur, "bridge") && !STREQ(cur, "private")))
					return pod_err_set(err, POD_E_INVALID, 0,
							   "invalid config provided: networks and "
							   "ports must be defined when the pod is "
							   "created: network cannot be configured when "
							   "it is shared with a pod");
				json_object_del(s, "PortBindings");
				json_object_del(s, "PublishAll");
			} else if (cur && !STREQ(cur, "private")) {
				/* the container's own choice wins over the pod's */
				continue;
			}
			m = xasprintf("container:%s", p->infra_id);
			json_object_set_new(s, share_keys[k].key, json_string(m));
		}
	}
	if (!json_string_value(json_object_get(s, "CgroupParent")) ||
	    !*json_string_value(json_object_get(s, "CgroupParent"))) {
		cg = members_cgroup(p);
		json_object_set_new(s, "CgroupParent", json_string(cg));
	}
	if (json_array_size(json_object_get(p->settings, "Volumes"))) {
		json_t *vols = json_deep_copy(json_object_get(p->settings, "Volumes"));
		json_array_extend(vols, json_object_get(s, "Volumes"));
		json_object_set_new(s, "Volumes", vols);
	}
	if (p->infra_id)
		member_devices(p, s);
	return 0;
}

/* a member's settings, made fresh for another pod */
static json_t *
member_clone_settings(const struct pod_pod *p, const struct pod_ctr *c, const char *new_pod)
{
	json_t *s = json_deep_copy(c->settings), *req, *v;
	cleanup_free char *join = xasprintf("container:%s", p->infra_id ? p->infra_id : "");
	cleanup_free char *name = xasprintf("%s-clone", c->name);
	cleanup_free char *cg = members_cgroup(p);
	size_t npv = json_array_size(json_object_get(p->settings, "Volumes")), i;

	for (size_t k = 0; k < ARRAY_SIZE(share_keys); k++) {
		const char *cur = json_string_value(json_object_get(s, share_keys[k].key));
		if (cur && STREQ(cur, join))
			json_object_del(s, share_keys[k].key);
	}
	if ((req = json_object_get(s, "Requires"))) {
		json_array_foreach(req, i, v)
			if (p->infra_id && STREQ(json_string_value(v), p->infra_id)) {
				json_array_remove(req, i);
				break;
			}
	}
	if (STREQ(json_string_value(json_object_get(s, "CgroupParent")) ?: "", cg))
		json_object_del(s, "CgroupParent");
	/* the pod's own volumes come again from the new pod */
	for (i = 0; i < npv && json_array_size(json_object_get(s, "Volumes")); i++)
		json_array_remove(json_object_get(s, "Volumes"), 0);
	json_object_del(s, "PortBindings");
	json_object_set_new(s, "Name", pod_json_string(name));
	json_object_set_new(s, "Pod", json_string(new_pod));
	return s;
}

int
pod_pod_clone(struct pod_engine *e, const struct pod_pod *p, json_t *overrides,
	      struct pod_pod **ret, struct pod_err **err)
{
	cleanup_json json_t *s = json_deep_copy(p->settings);
	cleanup_pod struct pod_pod *np = NULL;
	struct pod_ctr **m = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_pod_members(e, p, &m, &n, err) < 0)
		return -1;
	{
		cleanup_free char *name = xasprintf("%s-clone", p->name);
		json_object_set_new(s, "Name", pod_json_string(name));
	}
	for (size_t i = 0; i < n; i++)
		if (is_infra(p, m[i])) {
			cleanup_free char *in = xasprintf("%s-clone", m[i]->name);
			json_object_set_new(s, "InfraName", pod_json_string(in));
		}
	json_object_update(s, overrides);
	if (pod_pod_create(e, s, &np, err) < 0) {
		pod_ctr_list_free(m, n);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		cleanup_json json_t *cs = NULL;
		cleanup_ctr struct pod_ctr *c = NULL;
		if (is_infra(p, m[i]))
			continue;
		cs = member_clone_settings(p, m[i], np->id);
		if (pod_ctr_create(e, cs, &c, err) < 0)
			rc = pod_err_wrap(err, "cloning container %s", m[i]->name);
	}
	pod_ctr_list_free(m, n);
	if (rc < 0) {
		struct pod_err *e2 = NULL;
		if (pod_pod_remove(e, np, true, 0, &e2) < 0)
			pod_err_free(&e2);
		return -1;
	}
	*ret = TAKE_PTR(np);
	return 0;
}

int
pod_pod_remove_by_infra(struct pod_engine *e, struct pod_ctr *c, bool force, int64_t timeout,
			struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;
	cleanup_pod struct pod_pod *p = NULL;
	cleanup_free char *pid = NULL;

	st = pod_store_prepare(e->store, "SELECT id FROM pods WHERE infra_id = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		pid = xstrdup((const char *) sqlite3_column_text(st, 0));
	pod_stmt_finalizep(&st);
	if (!pid)
		return pod_ctr_remove(e, c, force, timeout, err);
	if (pod_load(e, pid, &p, err) < 0)
		return -1;
	return pod_pod_remove(e, p, force, timeout, err);
}

int
pod_pod_check_not_infra(struct pod_engine *e, const struct pod_ctr *c, struct pod_err **err)
{
	cleanup_stmt sqlite3_stmt *st = NULL;

	if (!pod_ctr_setting_bool(c, "PodInfra"))
		return 0;
	st = pod_store_prepare(e->store, "SELECT id FROM pods WHERE infra_id = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		return pod_err_set(err, POD_E_GENERIC, 0,
				   "container %s is the infra container of pod %s and cannot be "
				   "removed without removing the pod", c->id,
				   (const char *) sqlite3_column_text(st, 0));
	return 0;
}

/* --- lifecycle ----------------------------------------------------------- */

int
pod_pod_start(struct pod_engine *e, const struct pod_pod *p, struct pod_err **err)
{
	struct pod_ctr **m = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_pod_members(e, p, &m, &n, err) < 0)
		return -1;
	/* the infra first: the others join its namespaces */
	for (int pass = 0; pass < 2 && rc == 0; pass++)
		for (size_t i = 0; i < n && rc == 0; i++) {
			if ((pass == 0) != is_infra(p, m[i]))
				continue;
			if (m[i]->state == POD_CTR_RUNNING || m[i]->state == POD_CTR_PAUSED)
				continue;
			if (pod_ctr_start(e, m[i], NULL, err) < 0)
				rc = pod_err_wrap(err, "starting container %s", m[i]->id);
		}
	pod_ctr_list_free(m, n);
	if (rc == 0)
		pod_event(e, p, "start");
	return rc;
}

int
pod_pod_stop(struct pod_engine *e, const struct pod_pod *p, int64_t timeout,
	     struct pod_err **err)
{
	struct pod_ctr **m = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_pod_members(e, p, &m, &n, err) < 0)
		return -1;
	/* newest first, the infra last */
	for (int pass = 0; pass < 2 && rc == 0; pass++)
		for (size_t i = n; i-- > 0 && rc == 0;) {
			if ((pass == 1) != is_infra(p, m[i]))
				continue;
			if (pod_ctr_stop(e, m[i], timeout, err) < 0)
				rc = pod_err_wrap(err, "stopping container %s", m[i]->id);
		}
	pod_ctr_list_free(m, n);
	if (rc == 0)
		pod_event(e, p, "stop");
	return rc;
}

int
pod_pod_kill(struct pod_engine *e, const struct pod_pod *p, int sig, struct pod_err **err)
{
	struct pod_ctr **m = NULL;
	size_t n = 0, killed = 0;
	int rc = 0;

	if (pod_pod_members(e, p, &m, &n, err) < 0)
		return -1;
	for (size_t i = n; i-- > 0 && rc == 0;) {
		if (!ctr_active(m[i]))
			continue;
		if (pod_ctr_kill(e, m[i], sig, err) < 0)
			rc = pod_err_wrap(err, "killing container %s", m[i]->id);
		killed++;
	}
	pod_ctr_list_free(m, n);
	if (rc == 0 && killed == 0)
		return pod_err_set(err, POD_E_STATE, 0, "pod %s has no running containers: "
				   "container state improper", p->id);
	if (rc == 0)
		pod_event(e, p, "kill");
	return rc;
}

int
pod_pod_pause(struct pod_engine *e, const struct pod_pod *p, bool pause, struct pod_err **err)
{
	struct pod_ctr **m = NULL;
	size_t n = 0, done = 0;
	int rc = 0;

	if (pod_pod_members(e, p, &m, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (m[i]->state != (pause ? POD_CTR_RUNNING : POD_CTR_PAUSED))
			continue;
		if (pod_ctr_pause(e, m[i], pause, err) < 0)
			rc = pod_err_wrap(err, "%s container %s", pause ? "pausing" : "unpausing",
					  m[i]->id);
		done++;
	}
	pod_ctr_list_free(m, n);
	if (rc == 0 && done == 0)
		return pod_err_set(err, POD_E_STATE, 0, "pod %s has no %s containers: container "
				   "state improper", p->id, pause ? "running" : "paused");
	if (rc == 0)
		pod_event(e, p, pause ? "pause" : "unpause");
	return rc;
}

int
pod_pod_remove(struct pod_engine *e, const struct pod_pod *p, bool force, int64_t timeout,
	       struct pod_err **err)
{
	struct pod_ctr **m = NULL;
	size_t n = 0;
	int rc = 0;

	if (pod_pod_members(e, p, &m, &n, err) < 0)
		return -1;
	if (!force)
		for (size_t i = 0; i < n; i++)
			if (ctr_active(m[i])) {
				pod_err_set(err, POD_E_STATE, 0,
					    "removing container %s from pod %s: cannot remove "
					    "container %s as it is running - running or paused "
					    "containers cannot be removed without force: container "
					    "state improper", m[i]->id, p->id, m[i]->id);
				pod_ctr_list_free(m, n);
				return -1;
			}
	for (size_t i = n; i-- > 0 && rc == 0;) {
		if (is_infra(p, m[i]))
			continue;
		if (pod_ctr_remove(e, m[i], force, timeout, err) < 0 &&
		    (*err)->kind != POD_E_NOTFOUND)
			rc = pod_err_wrap(err, "removing container %s", m[i]->id);
		pod_err_free(err);
	}
	if (rc == 0 && p->infra_id) {
		struct pod_ctr *infra = NULL;
		for (size_t i = 0; i < n; i++)
			if (is_infra(p, m[i]))
				infra = m[i];
		if (pod_exec(e, "UPDATE pods SET infra_id = ?1 WHERE id = ?2", NULL, p->id, err) < 0)
			rc = -1;
		else if (infra && pod_ctr_remove(e, infra, true, timeout, err) < 0 &&
			 (*err)->kind != POD_E_NOTFOUND)
			rc = pod_err_wrap(err, "removing the infra container %s", infra->id);
		if (rc == 0)
			pod_err_free(err);
	}
	pod_ctr_list_free(m, n);
	if (rc < 0)
		return -1;
	cgroup_remove(p);
	if (pod_exec(e, "DELETE FROM pods WHERE id = ?1", p->id, NULL, err) < 0)
		return -1;
	pod_event(e, p, "remove");
	return 0;
}

/*
 * A member that stops leaves the /etc/hosts it shares with the pod, as
 * Podman's cleanup does; its start puts the line back (ctr_run.c).
 */
static void
hosts_forget(struct pod_engine *e, const struct pod_ctr *c)
{
	const char *net = pod_ctr_setting_str(c, "Network");
	cleanup_free char *id = NULL, *rundir = NULL;
	struct pod_err *e2 = NULL;

	if (!net || !pod_str_has_prefix(net, "container:"))
		return;
	id = xstrdup(net + 10);
	/* the container that owns the namespace, as the start found it (ctr_ns.c) */
	for (int depth = 0; depth < 8; depth++) {
		cleanup_ctr struct pod_ctr *t = NULL;
		const char *m;
		if (pod_ctr_load(e, id, &t, &e2) < 0) {
			pod_err_free(&e2);
			break;
		}
		m = pod_ctr_setting_str(t, "Network");
		if (!m || !pod_str_has_prefix(m, "container:"))
			break;
		free(id);
		id = xstrdup(m + 10);
	}
	rundir = pod_ctr_rundir(e, id);
	if (pod_ctr_ns_hosts_remove(rundir, c->name, &e2) < 0) {
		pod_warn("removing %s from the hosts file of its pod: %s", c->name, e2->msg);
		pod_err_free(&e2);
	}
}

void
pod_pod_member_exited(struct pod_engine *e, const struct pod_ctr *c)
{
	const char *pid = pod_ctr_setting_str(c, "Pod");
	const char *policy;
	cleanup_pod struct pod_pod *p = NULL;
	cleanup_ctr struct pod_ctr *infra = NULL;
	struct pod_ctr **m = NULL;
	struct pod_err *e2 = NULL;
	size_t n = 0;
	bool others = false;

	if (!pid || pod_ctr_setting_bool(c, "PodInfra"))
		return;
	hosts_forget(e, c);
	if (pod_load(e, pid, &p, &e2) < 0 || !p->infra_id)
		goto out;
	policy = json_string_value(json_object_get(p->settings, "ExitPolicy"));
	if (!policy || !STREQ(policy, "stop"))
		goto out;
	/* no sync: another member's cleanup may hold its lock and wait for ours */
	if (members_load(e, p, false, false, &m, &n, &e2) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!is_infra(p, m[i]) && !STREQ(m[i]->id, c->id) && ctr_active(m[i]) &&
		    pod_ctr_process_alive(m[i]))
			others = true;
	pod_ctr_list_free(m, n);
	if (others || pod_ctr_load(e, p->infra_id, &infra, &e2) < 0)
		goto out;
	if (ctr_active(infra) && pod_ctr_stop(e, infra, -1, &e2) < 0)
		goto out;
out:
	if (e2) {
		pod_warn("pod exit policy: %s", e2->msg);
		pod_err_free(&e2);
	}
}

/* --- records -------------------------------------------------------------- */

static json_t *
or_null(json_t *a)
{
	return json_array_size(a) ? json_deep_copy(a) : json_null();
}

static json_t *
shared_ns(const struct pod_pod *p)
{
	static const char *const order[] = { "cgroup", "ipc", "net", "pid", "uts" };
	json_t *a = json_array();

	if (!p->infra_id)
		return a;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (pod_shares(p, order[i]))
			json_array_append_new(a, json_string(order[i]));
	return a;
}

json_t *
pod_pod_inspect_json(struct pod_engine *e, const struct pod_pod *p,
		     struct pod_ctr *const *m, size_t n)
{
	json_t *o = json_object(), *s = p->settings, *ctrs = json_array();
	cleanup_free char *created = pod_time_rfc3339(p->created_ns);
	cleanup_free char *cgp = pod_pod_cgroup_parent(p), *cgpath = pod_pod_cgroup_path(p);
	const char *host = json_string_value(json_object_get(s, "Hostname"));
	json_int_t quota = json_integer_value(json_object_get(s, "CpuQuota"));
	json_int_t period = json_integer_value(json_object_get(s, "CpuPeriod"));
	json_int_t mem = json_integer_value(json_object_get(s, "Memory"));
	const struct pod_ctr *infra = NULL;

	for (size_t i = 0; i < n; i++) {
		if (is_infra(p, m[i]))
			infra = m[i];
		json_array_append_new(ctrs, json_pack("{s:s, s:s, s:s}", "Id", m[i]->id, "Name",
						      m[i]->name, "State",
						      pod_ctr_state_name(m[i]->state)));
	}
	json_object_set_new(o, "Id", json_string(p->id));
	json_object_set_new(o, "Name", json_string(p->name));
	json_object_set_new(o, "Created", json_string(created));
	json_object_set_new(o, "CreateCommand", or_null(json_object_get(s, "CreateCommand")));
	json_object_set_new(o, "ExitPolicy", json_string(
		json_string_value(json_object_get(s, "ExitPolicy")) ?: "continue"));
	json_object_set_new(o, "State", json_string(pod_pod_state(m, n)));
	json_object_set_new(o, "Hostname", pod_json_string(host ? host : ""));
	if (json_object_size(json_object_get(s, "Labels")))
		json_object_set(o, "Labels", json_object_get(s, "Labels"));
	json_object_set_new(o, "CreateCgroup", json_boolean(share_parent(p)));
	json_object_set_new(o, "CgroupParent", json_string(cgp));
	if (share_parent(p))
		json_object_set_new(o, "CgroupPath", json_string(cgpath));
	json_object_set_new(o, "CreateInfra", json_boolean(p->infra_id != NULL));
	if (p->infra_id)
		json_object_set_new(o, "InfraContainerID", json_string(p->infra_id));
	if (infra) {
		json_t *is = infra->settings;
		const char *mode = pod_ctr_net_mode(infra);
		json_t *ic = json_object();
		json_object_set_new(ic, "PortBindings", pod_ctr_net_port_bindings(e, infra));
		json_object_set_new(ic, "HostNetwork", json_boolean(STREQ(mode, "host")));
		json_object_set_new(ic, "StaticIP", json_string(
			json_string_value(json_object_get(is, "StaticIP")) ?: ""));
		json_object_set_new(ic, "StaticMAC", json_string(
			json_string_value(json_object_get(is, "StaticMAC")) ?: ""));
		json_object_set_new(ic, "NoManageResolvConf", json_false());
		json_object_set_new(ic, "DNSServer", or_null(json_object_get(is, "Dns")));
		json_object_set_new(ic, "DNSSearch", or_null(json_object_get(is, "DnsSearch")));
		json_object_set_new(ic, "DNSOption", or_null(json_object_get(is, "DnsOptions")));
		json_object_set_new(ic, "NoManageHosts",
				    json_boolean(pod_ctr_setting_bool(infra, "NoHosts")));
		json_object_set_new(ic, "HostAdd", or_null(json_object_get(is, "AddHosts")));
		json_object_set_new(ic, "Networks", pod_ctr_net_ps_networks(e, infra));
		json_object_set_new(ic, "NetworkOptions", json_null());
		if (quota > 0) {
			json_object_set_new(ic, "cpu_period", json_integer(period ? period : 100000));
			json_object_set_new(ic, "cpu_quota", json_integer(quota));
		}
		json_object_set_new(ic, "pid_ns", pod_json_string(pod_ctr_ns_mode(infra, "PidNS")));
		json_object_set_new(ic, "userns", json_string("host"));
		json_object_set_new(ic, "uts_ns", pod_json_string(pod_ctr_ns_mode(infra, "UtsNS")));
		json_object_set_new(o, "InfraConfig", ic);
	}
	json_object_set_new(o, "SharedNamespaces", shared_ns(p));
	json_object_set_new(o, "NumContainers", json_integer((json_int_t) n));
	json_object_set_new(o, "Containers", ctrs);
	if (quota > 0) {
		json_object_set_new(o, "cpu_period", json_integer(period ? period : 100000));
		json_object_set_new(o, "cpu_quota", json_integer(quota));
	}
	if (json_integer_value(json_object_get(s, "CpuShares")) > 0)
		json_object_set(o, "cpu_shares", json_object_get(s, "CpuShares"));
	if (json_is_string(json_object_get(s, "CpusetCpus")))
		json_object_set(o, "cpuset_cpus", json_object_get(s, "CpusetCpus"));
	if (json_is_string(json_object_get(s, "CpusetMems")))
		json_object_set(o, "cpuset_mems", json_object_get(s, "CpusetMems"));
	if (json_array_size(json_object_get(s, "SecurityOpt")))
		json_object_set(o, "security_opt", json_object_get(s, "SecurityOpt"));
	if (mem > 0)
		json_object_set_new(o, "memory_limit", json_integer(mem));
	if (pod_swap(s) != 0)
		json_object_set_new(o, "memory_swap", json_integer(pod_swap(s)));
	if (json_is_integer(json_object_get(s, "BlkioWeight")))
		json_object_set(o, "blkio_weight", json_object_get(s, "BlkioWeight"));
	return o;
}

json_t *
pod_pod_ps_json(struct pod_engine *e, const struct pod_pod *p, struct pod_ctr *const *m,
		size_t n)
{
	json_t *o = json_object(), *ctrs = json_array();
	cleanup_free char *created = pod_time_rfc3339(p->created_ns);
	cleanup_free char *cgp = pod_pod_cgroup_parent(p);
	const struct pod_ctr *infra = NULL;

	for (size_t i = 0; i < n; i++) {
		if (is_infra(p, m[i]))
			infra = m[i];
		json_array_append_new(ctrs, json_pack("{s:s, s:s, s:s}", "Id", m[i]->id, "Names",
						      m[i]->name, "Status",
						      pod_ctr_state_name(m[i]->state)));
	}
	json_object_set_new(o, "Cgroup", json_string(cgp));
	json_object_set_new(o, "Containers", ctrs);
	json_object_set_new(o, "Created", json_string(created));
	json_object_set_new(o, "Id", json_string(p->id));
	json_object_set_new(o, "InfraId", json_string(p->infra_id ? p->infra_id : ""));
	json_object_set_new(o, "Name", json_string(p->name));
	json_object_set_new(o, "Namespace", json_string(""));
	json_object_set_new(o, "Networks", infra ? pod_ctr_net_ps_networks(e, infra) :
						  json_array());
	json_object_set_new(o, "Status", json_string(pod_pod_state(m, n)));
	json_object_set_new(o, "Labels", json_object_size(json_object_get(p->settings, "Labels")) ?
					     json_deep_copy(json_object_get(p->settings, "Labels")) :
					     json_object());
	return o;
}
