/*
 * template.h - the Go text/template subset that --format values use,
 * evaluated over jansson values.
 *
 * Supported: text and {{actions}} with {{- -}} trim markers, comments,
 * fields (.A.B), dot, $ and variables ($x := ..., $x = ...), pipelines
 * (a | f), parenthesised pipelines, string/raw string/char/number/bool/nil
 * literals, {{if}}/{{else if}}/{{else}}/{{end}}, {{with}}, {{range}} over
 * arrays and objects (keys in sorted order) with {{else}}, {{break}} and
 * {{continue}}; Go's functions and, or, not, len, index, print, printf,
 * println, eq, ne, lt, le, gt, ge; Podman's json, join, lower, upper, title,
 * truncate, pad, split. {{define}}, {{template}} and {{block}} are rejected.
 *
 * Values follow Go's map[string]interface{} rules: a missing key (or a
 * JSON null) prints "<no value>", strings print raw, integers as integers,
 * other numbers as Go's %v, arrays as [a b], objects as map[k:v] sorted.
 * Messages follow Go: "template: NAME:LINE: function \"foo\" not defined",
 * "template: NAME:LINE:COL: executing \"NAME\" at <.A.B>: ...".
 *
 * Podman normalisation (the default, see pod_template_parse()):
 *  - a template that starts with "table " is a table: that word goes, every
 *    "table " elsewhere goes too and every space becomes a tab (Podman's
 *    tableReplacer); otherwise only the two-character sequences \t and \n
 *    become a tab and a newline;
 *  - a newline is appended unless the text already ends with one, so every
 *    record's output ends with a newline unless the template trims it
 *    ("{{.ID -}}" eats the appended newline, as in Podman);
 *  - error columns on line 1 count the "{{range .}}" that Podman wraps
 *    user templates in, so messages match Podman's byte for byte.
 *
 * Bounds: one execution writes at most POD_TEMPLATE_MAX_OUTPUT bytes and
 * performs at most POD_TEMPLATE_MAX_STEPS steps; nesting is limited to
 * POD_TEMPLATE_MAX_DEPTH. Past a bound, execution fails with POD_E_INVALID.
 *
 * Lifecycle: pod_template_parse() -> pod_template_exec*() any number of
 * times -> pod_template_free(). A parsed template is immutable; data is
 * borrowed for the duration of a call.
 */
#ifndef POD_CLI_TEMPLATE_H
#define POD_CLI_TEMPLATE_H

#include <jansson.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"

#define POD_TEMPLATE_MAX_OUTPUT (16u << 20)
#define POD_TEMPLATE_MAX_STEPS 10000000
#define POD_TEMPLATE_MAX_DEPTH 200

struct pod_template;

enum pod_template_flags {
	/* plain Go text/template: no table detection, no \t \n rewriting,
	 * no appended newline */
	POD_TEMPLATE_RAW = 1 << 0,
};

/* name is used in messages; Podman uses the command name ("ps") */
struct pod_template *pod_template_parse(const char *name, const char *src, unsigned flags,
					struct pod_err **err);
struct pod_template *pod_template_free(struct pod_template *t);
void pod_template_freep(struct pod_template **t);

/* the source started with "table " */
bool pod_template_is_table(const struct pod_template *t);
/* the normalised text ends with a newline (always true unless RAW) */
bool pod_template_ends_with_newline(const struct pod_template *t);
/*
 * A non-table template that itself contains "{{range .}}...{{end}}":
 * Podman runs it once over the whole list instead of once per record.
 */
bool pod_template_ranges_over_list(const struct pod_template *t);

/* execute with data as dot and $; output is appended to out */
int pod_template_exec(const struct pod_template *t, json_t *data, struct pod_strbuf *out,
		      struct pod_err **err);

/*
 * Render the header row: every field is looked up in headers (an object
 * of field name -> column title, may be NULL); a field not there gets
 * Podman's default title, the field name split at camelCase boundaries and
 * upper-cased ("CreatedAt" -> "CREATED AT"). In this mode the functions
 * json, join, split, lower, upper, title, truncate, pad and index return
 * their first argument, a field of a title is the title itself and a range
 * over a title runs once, so "{{json .Labels}}" heads its column with
 * "LABELS" instead of failing.
 */
int pod_template_exec_header(const struct pod_template *t, json_t *headers,
			     struct pod_strbuf *out, struct pod_err **err);

/* Podman's default column title for a field name, newly allocated */
char *pod_template_default_header(const char *field);

#endif
