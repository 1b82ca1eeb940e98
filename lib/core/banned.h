/*
 * banned.h - functions we never call (force-included into every unit).
 * Use pod_strbuf, snprintf, pod_parse_int64, localtime_r, mkstemp instead.
 */
#ifndef POD_CORE_BANNED_H
#define POD_CORE_BANNED_H

#define POD_BANNED(f) sorry_##f##_is_banned_in_podutils

#undef strcpy
#define strcpy(a, b) POD_BANNED(strcpy)
#undef strcat
#define strcat(a, b) POD_BANNED(strcat)
#undef sprintf
#define sprintf(...) POD_BANNED(sprintf)
#undef strtok
#define strtok(a, b) POD_BANNED(strtok)
#undef atoi
#define atoi(a) POD_BANNED(atoi)
#undef localtime
#define localtime(a) POD_BANNED(localtime)
#undef mktemp
#define mktemp(a) POD_BANNED(mktemp)

#endif
