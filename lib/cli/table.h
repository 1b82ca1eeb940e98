/*
 * table.h - column alignment as Go's text/tabwriter does it for Podman,
 * and the one call that prints records through --format.
 *
 * Podman prints tables through tabwriter.NewWriter(w, 12, 2, 2, ' ', 0):
 * cells are tab-terminated, the text after a line's last tab is not part of
 * any column, a column's width is the widest cell (in runes) of a run of
 * consecutive lines that have a cell in that column plus 2 of padding, and
 * never less than 12. pod_table reproduces that byte for byte, including
 * '\v' (soft tab), '\f' (line break that also ends all columns) and the
 * 0xff escape that hides tabs and newlines from alignment.
 *
 * Lifecycle: pod_table_new(), any number of pod_table_add_text(), then
 * pod_table_flush() writes everything and empties the table (it can be
 * reused); pod_table_free() releases it. Text is copied.
 */
#ifndef POD_CLI_TABLE_H
#define POD_CLI_TABLE_H

#include <jansson.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"

struct pod_table;

/* Podman's tabwriter settings */
#define POD_TABLE_MINWIDTH 12
#define POD_TABLE_PADDING 2

struct pod_table *pod_table_new(void);
/* text may hold many lines and tabs: the output of a template for a row */
void pod_table_add_text(struct pod_table *t, const char *text);
void pod_table_add(struct pod_table *t, const char *text, size_t len);
/* format all text added so far and append it to out; the table is emptied */
void pod_table_render(struct pod_table *t, struct pod_strbuf *out);
/* the same, written to a stream; a write error is POD_E_IO */
int pod_table_flush(struct pod_table *t, FILE *out, struct pod_err **err);
struct pod_table *pod_table_free(struct pod_table *t);
void pod_table_freep(struct pod_table **t);

/*
 * Print records (a JSON array of objects) the way Podman's listing
 * commands print them for a --format value:
 *
 *  - "json" (also "{{json .}}", "{{ json }}", with surrounding spaces): the
 *    whole array as json.MarshalIndent(..., "", "    ") does, "[]" when
 *    empty;
 *  - "table ...": a header row (from headers, see
 *    pod_template_exec_header(); omitted when noheading) and one row per
 *    record, aligned through the tabwriter;
 *  - any other template: each record's output as it is, not aligned
 *    (Podman writes user templates without "table" straight to stdout,
 *    containers/common report.Formatter with OriginUser). A template that
 *    contains "{{range .}}...{{end}}" itself is executed once with the
 *    whole array as dot, as Podman does.
 *
 * name is the template name used in error messages (Podman passes the
 * command name: "ps", "images"); headers may be NULL.
 */
int pod_format_records(const char *name, const char *format, json_t *records, json_t *headers,
		       bool noheading, FILE *out, struct pod_err **err);
/* the same, appending to a buffer */
int pod_format_records_buf(const char *name, const char *format, json_t *records,
			   json_t *headers, bool noheading, struct pod_strbuf *out,
			   struct pod_err **err);
/* report.IsJSON: is this --format value a request for plain JSON? */
bool pod_format_is_json(const char *format);

/*
 * The same output one record at a time, for listings too long to hold as
 * one array (ps and inspect over thousands of containers):
 *  - pod_record_out_new() parses format and prints nothing yet;
 *  - pod_record_out_render() appends the text one record prints to a
 *    buffer (for "json" the array element as indented inside the array;
 *    otherwise the template's output, a table row included), which the
 *    caller may keep to sort records before printing them;
 *  - pod_record_out_put() prints such a text, in output order (a table's
 *    rows are kept until the end: its columns need every row);
 *  - pod_record_out_end() prints what is left (the array's close, the
 *    aligned table) and flushes.
 * The bytes are those pod_format_records() prints for the array of the
 * same records. A template that ranges over the whole list needs the list:
 * pod_record_out_whole() says so, and the caller uses pod_format_records().
 * POD_RECORD_OUT_JANSSON prints "json" as pod_json_dumps_pretty() prints
 * the array (inspect's form) instead of Go's encoding/json.
 */
enum pod_record_out_flags {
	POD_RECORD_OUT_JANSSON = 1 << 0,
};
struct pod_record_out;
struct pod_record_out *pod_record_out_new(const char *name, const char *format, json_t *headers,
					  bool noheading, unsigned flags, FILE *out,
					  struct pod_err **err);
bool pod_record_out_whole(const struct pod_record_out *o);
int pod_record_out_render(struct pod_record_out *o, json_t *rec, struct pod_strbuf *sb,
			  struct pod_err **err);
int pod_record_out_put(struct pod_record_out *o, const char *text, size_t len,
		       struct pod_err **err);
int pod_record_out_end(struct pod_record_out *o, struct pod_err **err);
struct pod_record_out *pod_record_out_free(struct pod_record_out *o);
void pod_record_out_freep(struct pod_record_out **o);

#endif
