/*
 * filter.h - the --filter key=value flags of the listing tools.
 *
 * Podman semantics: every flag is split at its first '=' ("label!=x" is
 * the key "label!", Podman's negated label filter); values given for one
 * key are OR-ed, different keys AND-ed, except label values, which must all
 * match (pod_filter_match_labels()). What a key means is the tool's
 * business; this module parses, validates keys and offers the matchers
 * Podman uses.
 *
 * Lifecycle: struct pod_filters f = POD_FILTERS_INIT; pod_filters_add()
 * per flag; pod_filters_release(). Strings are copied.
 */
#ifndef POD_CLI_FILTER_H
#define POD_CLI_FILTER_H

#include <jansson.h>

#include "core/err.h"
#include "core/util.h"

struct pod_filter_key {
	char *key;
	char **values; /* NULL-terminated */
};

struct pod_filters {
	struct pod_filter_key *keys; /* in the order first seen */
	size_t n;
};

#define POD_FILTERS_INIT { .keys = NULL, .n = 0 }

/*
 * Add one --filter argument. allowed_keys (NULL-terminated, may be NULL
 * for "any") lists the keys the tool supports; include "label!" to accept
 * negated labels. Errors (POD_E_INVALID), in Podman's words:
 * "invalid filter \"x\"" without '=', "x is an invalid filter" for a key
 * not allowed.
 */
int pod_filters_add(struct pod_filters *f, const char *arg, const char *const *allowed_keys,
		    struct pod_err **err);
/* the values of key (NULL-terminated), or NULL when the key was not given */
char *const *pod_filters_get(const struct pod_filters *f, const char *key);
bool pod_filters_empty(const struct pod_filters *f);
void pod_filters_release(struct pod_filters *f);

/* one label filter: "key" (any value; also "key=") or "key=value" */
bool pod_filter_match_label(json_t *labels, const char *value);
/* all of values match (label=); NULL values match */
bool pod_filter_match_labels(json_t *labels, char *const *values);
/* none of values match (label!=) */
bool pod_filter_match_labels_negated(json_t *labels, char *const *values);
/*
 * Unanchored regular expression search, as Go's regexp.MatchString that
 * Podman uses for name= and id=; an invalid pattern matches nothing.
 * Patterns are POSIX extended with Go's \d \w \s (and capitals) added.
 */
bool pod_filter_match_regex(const char *name, const char *pattern);
/* any value matches by regex */
bool pod_filter_match_regex_any(const char *name, char *const *patterns);
/* shell glob (fnmatch), for reference= style filters */
bool pod_filter_match_glob(const char *name, const char *pattern);

/*
 * A time for until=/since=/before= as Podman's timetype.GetTimestamp
 * reads it, relative to now (ns since the epoch):
 *  - a Go duration ("10m", "1h30m", "1.5h"): now minus it, in whole seconds;
 *  - RFC3339 and its shorter forms: 2006-01-02, 2006-01-02T15,
 *    2006-01-02T15:04, 2006-01-02T15:04:05[.999999999], each with an
 *    optional Z or +07:00 zone (local time without one);
 *  - unix seconds with an optional fraction ("1600000000.5").
 * Errors are POD_E_INVALID.
 */
int pod_parse_timestamp(const char *s, int64_t now_ns, int64_t *ret_ns, struct pod_err **err);
/* until=: exactly one value ("specify exactly one timestamp for until") */
int pod_filter_until(char *const *values, int64_t now_ns, int64_t *ret_ns, struct pod_err **err);
/* Go's time.ParseDuration, in ns */
int pod_parse_go_duration(const char *s, int64_t *ret_ns, struct pod_err **err);

#endif
