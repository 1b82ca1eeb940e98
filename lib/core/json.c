/* json.c - JSON strings, record output and the stdin target reader */
#include "core/json.h"
#include "core/strbuf.h"

#include <errno.h>

void
pod_json_decrefp(json_t **j)
{
	if (j && *j) {
		json_decref(*j);
		*j = NULL;
	}
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is invalid. */
static size_t
utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (avail < n)
		return 0;
	/* the second byte's range excludes overlongs, surrogates and > U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

json_t *
pod_json_stringn(const char *maybe_non_utf8, size_t len)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *) maybe_non_utf8;
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	size_t i = 0, n;
	json_t *j;

	if (!s)
		len = 0;
	while (i < len && (n = utf8_seq_len(s + i, len - i)) > 0)
		i += n;
	if (i == len) {
		j = json_stringn_nocheck(len ? maybe_non_utf8 : "", len);
		if (!j)
			abort();
		return j;
	}
	/* one U+FFFD per bad byte, as Go's encoding/json does */
	pod_strbuf_add(&sb, s, i);
	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		if (n == 0) {
			pod_strbuf_add(&sb, replacement, sizeof(replacement) - 1);
			i++;
		} else {
			pod_strbuf_add(&sb, s + i, n);
			i += n;
		}
	}
	j = json_stringn_nocheck(sb.buf, sb.len);
	if (!j)
		abort();
	return j;
}

json_t *
pod_json_string(const char *maybe_non_utf8)
{
	return pod_json_stringn(maybe_non_utf8, maybe_non_utf8 ? strlen(maybe_non_utf8) : 0);
}

json_t *
pod_json_strv(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, pod_json_string(v[i]));
	return a;
}

int
pod_json_print_line(FILE *f, json_t *obj, struct pod_err **err)
{
	cleanup_free char *text = NULL;
	size_t len;

	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (!text)
		return pod_err_set(err, POD_E_GENERIC, 0, "encoding JSON record");
	len = strlen(text);
	errno = 0;
	if (fwrite(text, 1, len, f) != len || putc('\n', f) == EOF || fflush(f) == EOF ||
	    ferror(f))
		return pod_err_set(err, POD_E_IO, errno, "writing output: %s",
				   pod_strerror(errno ? errno : EIO));
	return 0;
}

char *
pod_json_dumps_pretty(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	if (!text)
		abort(); /* jansson fails only on allocation or an invalid value */
	return text;
}

void
pod_record_reader_init(struct pod_record_reader *r, FILE *f, const char *name)
{
	r->f = f;
	r->name = xstrdup(name ? name : "stdin");
	r->line = 0;
	r->eof = false;
}

void
pod_record_reader_release(struct pod_record_reader *r)
{
	free(r->name);
	r->name = NULL;
	r->f = NULL;
}

bool
pod_record_is_name(const char *s)
{
	size_t i;

	if (!s || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
		    (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (i = 1; s[i]; i++) {
		char c = s[i];

		if (i >= POD_RECORD_NAME_MAX)
			return false;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (!strchr("_.:/@-", c))
			return false;
	}
	return true;
}

/*
 * Reads one line into sb without its newline. Returns 1 for a line, 0 at
 * EOF with nothing read, -1 (after consuming the rest of the line) when it
 * is longer than POD_RECORD_LINE_MAX; *has_nul is set when it holds a NUL.
 */
static int
read_line(struct pod_record_reader *r, struct pod_strbuf *sb, bool *has_nul, struct pod_err **err)
{
	bool too_long = false;
	int c;

	pod_strbuf_reset(sb);
	*has_nul = false;
	if (r->eof)
		return 0;
	for (;;) {
		c = getc_unlocked(r->f);
		if (c == EOF) {
			if (ferror(r->f))
				return pod_err_set(err, POD_E_GENERIC, errno, "reading %s: %s",
						   r->name, pod_strerror(errno ? errno : EIO));
			r->eof = true;
			if (sb->len == 0 && !too_long)
				return 0;
			break;
		}
		if (c == '\n')
			break;
		if (too_long)
			continue;
		if (sb->len >= POD_RECORD_LINE_MAX) {
			too_long = true;
			pod_strbuf_reset(sb);
			continue;
		}
		if (c == '\0')
			*has_nul = true;
		pod_strbuf_addch(sb, (char) c);
	}
	r->line++;
	if (too_long)
		return pod_err_set(err, POD_E_INVALID, 0, "%s:%zu: line is longer than %d bytes",
				   r->name, r->line, POD_RECORD_LINE_MAX);
	return 1;
}

static const char *
record_target(json_t *obj)
{
	static const char *const keys[] = { "Id", "ID", "id", "Name", "name" };
	json_t *v, *names;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		v = json_object_get(obj, keys[i]);
		if (json_is_string(v) && json_string_length(v) > 0)
			return json_string_value(v);
	}
	names = json_object_get(obj, "Names");
	if (json_is_array(names)) {
		v = json_array_get(names, 0);
		if (json_is_string(v) && json_string_length(v) > 0)
			return json_string_value(v);
	}
	return NULL;
}

static int
parse_record(struct pod_record_reader *r, const char *text, size_t len, const char *want_type,
	     char **ret_target, struct pod_err **err)
{
	cleanup_json json_t *obj = NULL;
	json_error_t jerr;
	json_t *type;
	const char *target;

	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return pod_err_set(err, POD_E_INVALID, 0, "%s:%zu: invalid JSON: %s", r->name,
				   r->line, jerr.text);
	if (!json_is_object(obj))
		return pod_err_set(err, POD_E_INVALID, 0, "%s:%zu: JSON record is not an object",
				   r->name, r->line);
	type = json_object_get(obj, "Type");
	if (type && !json_is_string(type))
		return pod_err_set(err, POD_E_INVALID, 0, "%s:%zu: record \"Type\" is not a string",
				   r->name, r->line);
	if (type && want_type && !STREQ(json_string_value(type), want_type))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s:%zu: record of type \"%s\" where a %s was expected", r->name,
				   r->line, json_string_value(type), want_type);
	target = record_target(obj);
	if (!target)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s:%zu: record has no \"Id\" or \"Name\"", r->name, r->line);
	if (!pod_record_is_name(target))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "%s:%zu: record has an invalid name or ID", r->name, r->line);
	*ret_target = xstrdup(target);
	return 1;
}

int
pod_record_reader_next(struct pod_record_reader *r, const char *want_type, char **ret_target,
		       struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;
	bool has_nul;
	size_t start, end;
	int rc;

	for (;;) {
		rc = read_line(r, &sb, &has_nul, err);
		if (rc <= 0)
			return rc;
		start = 0;
		end = sb.len;
		while (start < end && strchr(" \t\r\f\v", sb.buf[start]) && sb.buf[start])
			start++;
		while (end > start && strchr(" \t\r\f\v", sb.buf[end - 1]) && sb.buf[end - 1])
			end--;
		if (start == end)
			continue;
		if (has_nul)
			break;
		if (sb.buf[start] == '{')
			return parse_record(r, sb.buf + start, end - start, want_type, ret_target,
					    err);
		sb.buf[end] = '\0';
		if (!pod_record_is_name(sb.buf + start))
			break;
		*ret_target = xstrdup(sb.buf + start);
		return 1;
	}
	return pod_err_set(err, POD_E_INVALID, 0,
			   "%s:%zu: line is neither a JSON record nor a name", r->name, r->line);
}
