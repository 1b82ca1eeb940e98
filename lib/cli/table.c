/*
 * table.c - a byte-exact rendition of Go's text/tabwriter with Podman's
 * settings (minwidth 12, padding 2, pad with spaces, no flags).
 *
 * Go formats column by column, recursing into runs of consecutive lines
 * that have a cell in the current column. Such a run is exactly a maximal
 * run of lines whose count of tab-terminated cells exceeds the column
 * index (a line with a cell in column j has one in every column left of
 * it), so we find the runs with one pass over the lines and an array of
 * open runs per column: linear time and no recursion, whatever the input.
 */
#include "cli/table.h"
#include "cli/internal.h"

#include <errno.h>
#include <limits.h>

#define TW_ESCAPE '\xff'

struct tw_cell {
	size_t off;  /* text in t->buf */
	size_t size; /* bytes */
	long width;  /* runes, escapes excluded */
	long colw;   /* width of its column block; only for tab-terminated cells */
};

struct tw_line {
	struct tw_cell *cells;
	size_t n, alloc;
	bool section_end; /* terminated by '\f' */
};

struct pod_table {
	struct pod_strbuf buf;
	struct tw_line *lines;
	size_t nlines, alloc;
	size_t cell_off; /* start of the current cell in buf */
	long escapes;	 /* escape sequences closed in the current cell */
	bool in_escape;
};

struct pod_table *
pod_table_new(void)
{
	struct pod_table *t = xcalloc(1, sizeof(*t));

	pod_strbuf_init(&t->buf);
	t->alloc = 16;
	t->lines = xcalloc(t->alloc, sizeof(*t->lines));
	t->nlines = 1;
	return t;
}

static void
table_reset(struct pod_table *t)
{
	for (size_t i = 0; i < t->nlines; i++) {
		free(t->lines[i].cells);
		memset(&t->lines[i], 0, sizeof(t->lines[i]));
	}
	t->nlines = 1;
	pod_strbuf_reset(&t->buf);
	t->cell_off = 0;
	t->escapes = 0;
	t->in_escape = false;
}

struct pod_table *
pod_table_free(struct pod_table *t)
{
	if (!t)
		return NULL;
	table_reset(t);
	free(t->lines[0].cells);
	free(t->lines);
	pod_strbuf_release(&t->buf);
	free(t);
	return NULL;
}

void
pod_table_freep(struct pod_table **t)
{
	*t = pod_table_free(*t);
}

static void
terminate_cell(struct pod_table *t)
{
	struct tw_line *l = &t->lines[t->nlines - 1];
	struct tw_cell *c;
	size_t size = t->buf.len - t->cell_off;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->cells = xrealloc(l->cells, l->alloc * sizeof(*l->cells));
	}
	c = &l->cells[l->n++];
	c->off = t->cell_off;
	c->size = size;
	c->width = (long) pod_utf8_count(t->buf.buf + t->cell_off, size) - 2 * t->escapes;
	c->colw = 0;
	t->cell_off = t->buf.len;
	t->escapes = 0;
}

static void
add_line(struct pod_table *t, bool section_end)
{
	t->lines[t->nlines - 1].section_end = section_end;
	if (t->nlines == t->alloc) {
		t->alloc *= 2;
		t->lines = xrealloc(t->lines, t->alloc * sizeof(*t->lines));
	}
	memset(&t->lines[t->nlines], 0, sizeof(t->lines[0]));
	t->nlines++;
}

void
pod_table_add(struct pod_table *t, const char *text, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		char ch = text[i];

		if (t->in_escape) {
			if (ch == TW_ESCAPE) {
				t->in_escape = false;
				t->escapes++;
			}
			continue;
		}
		switch (ch) {
		case '\t':
		case '\v':
		case '\n':
		case '\f':
			pod_strbuf_add(&t->buf, text + start, i - start);
			start = i + 1;
			terminate_cell(t);
			if (ch == '\n' || ch == '\f')
				add_line(t, ch == '\f');
			break;
		case TW_ESCAPE:
			t->in_escape = true;
			break;
		default:
			break;
		}
	}
	pod_strbuf_add(&t->buf, text + start, len - start);
}

void
pod_table_add_text(struct pod_table *t, const char *text)
{
	pod_table_add(t, text, strlen(text));
}

/* columns of a line: its tab-terminated cells (the last cell is not one) */
static size_t
line_columns(const struct tw_line *l)
{
	return l->n ? l->n - 1 : 0;
}

static void
close_block(struct pod_table *t, size_t col, size_t start, size_t end, long maxw)
{
	long w = maxw > LONG_MIN + POD_TABLE_PADDING ? maxw + POD_TABLE_PADDING : maxw;

	if (w < POD_TABLE_MINWIDTH)
		w = POD_TABLE_MINWIDTH;
	for (size_t k = start; k < end; k++)
		t->lines[k].cells[col].colw = w;
}

static void
compute_widths(struct pod_table *t)
{
	size_t maxcols = 0, cur = 0, i, j;

	for (i = 0; i < t->nlines; i++)
		if (line_columns(&t->lines[i]) > maxcols)
			maxcols = line_columns(&t->lines[i]);
	if (!maxcols)
		return;

	cleanup_free size_t *start = xcalloc(maxcols, sizeof(*start));
	cleanup_free long *maxw = xcalloc(maxcols, sizeof(*maxw));

	for (i = 0; i <= t->nlines; i++) {
		size_t h = i < t->nlines ? line_columns(&t->lines[i]) : 0;

		/* a form feed ends every column block */
		if (i > 0 && t->lines[i - 1].section_end)
			h = 0;
		while (cur > h) {
			cur--;
			close_block(t, cur, start[cur], i, maxw[cur]);
		}
		if (i == t->nlines)
			break;
		h = line_columns(&t->lines[i]);
		for (; cur < h; cur++) {
			start[cur] = i;
			maxw[cur] = LONG_MIN;
		}
		for (j = 0; j < h; j++)
			if (t->lines[i].cells[j].width > maxw[j])
				maxw[j] = t->lines[i].cells[j].width;
	}
}

void
pod_table_render(struct pod_table *t, struct pod_strbuf *out)
{
	size_t i, j;

	if (t->in_escape || t->buf.len > t->cell_off) {
		if (t->in_escape) {
			t->in_escape = false;
			t->escapes++;
		}
		terminate_cell(t);
	}
	compute_widths(t);
	for (i = 0; i < t->nlines; i++) {
		const struct tw_line *l = &t->lines[i];
		size_t cols = line_columns(l);

		for (j = 0; j < l->n; j++) {
			const struct tw_cell *c = &l->cells[j];

			pod_strbuf_add(out, t->buf.buf + c->off, c->size);
			if (j < cols && c->colw > c->width) {
				size_t pad = (size_t) (c->colw - c->width);

				pod_strbuf_grow(out, pad);
				memset(out->buf + out->len, ' ', pad);
				out->len += pad;
				out->buf[out->len] = '\0';
			}
		}
		if (i + 1 < t->nlines)
			pod_strbuf_addch(out, '\n');
	}
	table_reset(t);
}

int
pod_table_flush(struct pod_table *t, FILE *out, struct pod_err **err)
{
	cleanup_strbuf struct pod_strbuf sb = POD_STRBUF_INIT;

	pod_table_render(t, &sb);
	if (sb.len && fwrite(sb.buf, 1, sb.len, out) != sb.len)
		return pod_err_set(err, POD_E_IO, errno, "write error: %s", pod_strerror(errno));
	if (fflush(out) != 0)
		return pod_err_set(err, POD_E_IO, errno, "write error: %s", pod_strerror(errno));
	return 0;
}
