/* version.c - what `podman version` reports (apart from sysinfo.c so that
 * tools printing only the version do not link the store) */
#include "cli/sysinfo.h"

#include <sys/utsname.h>
#include <time.h>

#include "pod-build-info.h"

const char *
pod_goarch(void)
{
	static char arch[65];
	struct utsname u;

	if (arch[0])
		return arch;
	if (uname(&u) < 0)
		snprintf(arch, sizeof(arch), "unknown");
	else if (STREQ(u.machine, "x86_64"))
		snprintf(arch, sizeof(arch), "amd64");
	else if (STREQ(u.machine, "aarch64"))
		snprintf(arch, sizeof(arch), "arm64");
	else if (pod_str_has_prefix(u.machine, "armv"))
		snprintf(arch, sizeof(arch), "arm");
	else if (u.machine[0] == 'i' && STREQ(u.machine + 2, "86"))
		snprintf(arch, sizeof(arch), "386");
	else
		snprintf(arch, sizeof(arch), "%s", u.machine);
	return arch;
}

json_t *
pod_version_json(void)
{
	char built[64] = "";
	time_t t = (time_t) POD_BUILT;
	struct tm tm;

	/* Go's time.ANSIC layout, "Mon Jan _2 15:04:05 2006", local time */
	if (localtime_r(&t, &tm))
		strftime(built, sizeof(built), "%a %b %e %H:%M:%S %Y", &tm);
	cleanup_free char *osarch = xasprintf("linux/%s", pod_goarch());
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "APIVersion", "4.3.1",
			 "Version", POD_VERSION, "GoVersion", "none (C, " __VERSION__ ")",
			 "GitCommit", POD_GIT_COMMIT, "BuiltTime", built, "Built",
			 (json_int_t) POD_BUILT, "OsArch", osarch, "Os", "linux");
}
