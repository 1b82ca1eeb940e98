/* rlimit.c - process.rlimits and oomScoreAdj */
#include "runtime/oci-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

int
pod_rt_rlimits_apply(const struct pod_oci_process *p, struct pod_err **err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct pod_oci_rlimit *rl = &p->rlimits[i];
		const char *name = pod_oci_rlimit_name(rl->resource);
		struct rlimit cur, want = { .rlim_cur = rl->soft, .rlim_max = rl->hard };

		if (getrlimit(rl->resource, &cur) < 0)
			return pod_err_sys(err, "getrlimit %s", name);
		/* never above what the caller has: clamp instead of failing */
		if (cur.rlim_max != RLIM_INFINITY &&
		    (want.rlim_max == RLIM_INFINITY || want.rlim_max > cur.rlim_max)) {
			pod_rt_debug("rlimit %s: hard limit %llu clamped to %llu", name,
				  (unsigned long long) want.rlim_max,
				  (unsigned long long) cur.rlim_max);
			want.rlim_max = cur.rlim_max;
		}
		if (want.rlim_cur > want.rlim_max) {
			pod_rt_debug("rlimit %s: soft limit %llu clamped to %llu", name,
				  (unsigned long long) want.rlim_cur,
				  (unsigned long long) want.rlim_max);
			want.rlim_cur = want.rlim_max;
		}
		if (setrlimit(rl->resource, &want) < 0)
			return pod_err_sys(err, "setting rlimit %s to %llu:%llu", name,
					   (unsigned long long) want.rlim_cur,
					   (unsigned long long) want.rlim_max);
	}
	return 0;
}

int
pod_rt_oom_score_adj(const struct pod_oci_process *p, struct pod_err **err)
{
	cleanup_close int fd = -1;
	char buf[32];
	int n;

	if (!p->has_oom_score_adj)
		return 0;
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pod_err_sys(err, "opening /proc/self/oom_score_adj");
	n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
	if (write(fd, buf, (size_t) n) != n)
		return pod_err_sys(err, "writing %d to /proc/self/oom_score_adj", p->oom_score_adj);
	return 0;
}
