/* capset.c - capabilities, user and groups of the container process (libcap) */
#include "runtime/oci-internal.h"

#include <errno.h>
#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

static int
last_cap(void)
{
	int n = (int) cap_max_bits();

	if (n <= 0 || n > 64)
		n = CAP_LAST_CAP + 1;
	return n - 1;
}

static const char *
cap_label(int c, char *buf, size_t len)
{
	char *n = cap_to_name(c);
	size_t i;

	snprintf(buf, len, "%s", n ? n : "?");
	cap_free(n);
	for (i = 0; buf[i]; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char) (buf[i] - 'a' + 'A');
	return buf;
}

int
pod_rt_caps_drop_bounding(uint64_t keep, struct pod_err **err)
{
	int last = last_cap();

	for (int c = 0; c <= last; c++) {
		char name[64];

		if (keep & (UINT64_C(1) << c))
			continue;
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) <= 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return pod_err_sys(err, "dropping %s from the bounding set",
					   cap_label(c, name, sizeof(name)));
	}
	return 0;
}

int
pod_rt_caps_apply(const struct pod_oci_process *p, struct pod_err **err)
{
	cap_t caps = cap_init();
	int last = last_cap();
	int r = 0;

	if (!caps)
		return pod_err_sys(err, "cap_init");
	for (int c = 0; c <= last; c++) {
		cap_value_t v = c;
		uint64_t bit = UINT64_C(1) << c;

		if (p->caps[POD_OCI_CAP_EFFECTIVE] & bit)
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
		if (p->caps[POD_OCI_CAP_PERMITTED] & bit)
			cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
		if (p->caps[POD_OCI_CAP_INHERITABLE] & bit)
			cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
	}
	if (cap_set_proc(caps) < 0)
		r = pod_err_sys(err, "setting capabilities");
	cap_free(caps);
	if (r < 0)
		return r;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return pod_err_sys(err, "clearing ambient capabilities");
	for (int c = 0; c <= last; c++) {
		char name[64];

		if (!(p->caps[POD_OCI_CAP_AMBIENT] & (UINT64_C(1) << c)))
			continue;
		/* the kernel needs the cap in both permitted and inheritable */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			pod_rt_debug("cannot raise ambient capability %s: %s",
				  cap_label(c, name, sizeof(name)), pod_strerror(errno));
	}
	return 0;
}

int
pod_rt_set_identity(const struct pod_oci_process *p, struct pod_err **err)
{
	if (p->has_caps && pod_rt_caps_drop_bounding(p->caps[POD_OCI_CAP_BOUNDING], err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return pod_err_sys(err, "prctl(PR_SET_KEEPCAPS)");
	if (setgroups(p->n_additional_gids, p->additional_gids) < 0) {
		/* a user namespace with setgroups denied: only an empty list is fine */
		if (errno != EPERM || p->n_additional_gids > 0)
			return pod_err_sys(err, "setgroups");
	}
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return pod_err_sys(err, "setresgid(%u)", (unsigned) p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return pod_err_sys(err, "setresuid(%u)", (unsigned) p->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return pod_err_sys(err, "prctl(PR_SET_KEEPCAPS)");
	if (p->has_caps && pod_rt_caps_apply(p, err) < 0)
		return -1;
	return 0;
}

json_t *
pod_rt_caps_names(void)
{
	json_t *a = json_array();

	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		char name[64];

		cap_label(c, name, sizeof(name));
		if (pod_str_has_prefix(name, "CAP_"))
			json_array_append_new(a, json_string(name));
	}
	return a;
}
