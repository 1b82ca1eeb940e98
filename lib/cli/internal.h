/*
 * internal.h - helpers private to lib/cli: Go-compatible UTF-8 decoding,
 * number and string formatting, and JSON encoding.
 *
 * Podman is written in Go, so its --format output follows Go's fmt,
 * strconv and encoding/json rules; these helpers reproduce the parts our
 * templates and tables need. All output goes to a caller-owned pod_strbuf.
 */
#ifndef POD_CLI_INTERNAL_H
#define POD_CLI_INTERNAL_H

#include <jansson.h>

#include "core/strbuf.h"
#include "core/util.h"

#define POD_RUNE_ERROR 0xFFFD

/*
 * Decode one rune from s[0..len) as Go's utf8.DecodeRune does: an invalid
 * or truncated sequence yields POD_RUNE_ERROR and a size of 1.
 * len must be > 0.
 */
int32_t pod_utf8_decode(const char *s, size_t len, size_t *ret_size);
/* utf8.RuneCount: every invalid byte counts as one rune */
size_t pod_utf8_count(const char *s, size_t len);
/* append r encoded as UTF-8 (invalid runes become U+FFFD) */
void pod_utf8_append(struct pod_strbuf *sb, int32_t r);

/* strconv.Quote; ascii_only gives strconv.QuoteToASCII (%+q) */
void pod_go_quote(struct pod_strbuf *sb, const char *s, size_t len, bool ascii_only);
/* strconv.QuoteRune ('x') */
void pod_go_quote_rune(struct pod_strbuf *sb, int32_t r);

/*
 * strconv.FormatFloat(v, fmt, prec, 64) for fmt 'e', 'E', 'f', 'g', 'G';
 * prec -1 means the shortest representation that reads back exactly.
 */
void pod_go_format_float(struct pod_strbuf *sb, double v, char fmt, int prec);

enum pod_go_json_flags {
	POD_GO_JSON_ESCAPE_HTML = 1 << 0, /* json.Marshal escapes < > & */
	POD_GO_JSON_INDENT = 1 << 1,	  /* json.MarshalIndent(v, "", "    ") */
};
/* encoding/json output for a jansson value; objects keep their key order */
void pod_go_json(struct pod_strbuf *sb, const json_t *v, unsigned flags);
/* the same for a value nested depth levels deep (indented as inside them) */
void pod_go_json_at(struct pod_strbuf *sb, const json_t *v, unsigned flags, int depth);


/*
 * Template internals, shared by template-parse.c and template-exec.c.
 * A parsed template lives in one arena: the parser can abandon a half-built
 * tree on a syntax error by dropping the arena.
 */
struct tarena_block;
struct tarena {
	struct tarena_block *head;
};

void *pod_tarena_alloc(struct tarena *a, size_t size);
char *pod_tarena_strndup(struct tarena *a, const char *s, size_t n);
void pod_tarena_release(struct tarena *a);

enum targ_type {
	TA_FIELD,  /* .A.B: fields applied to dot */
	TA_VAR,	   /* $x.A.B: name and optional fields */
	TA_DOT,	   /* . */
	TA_NIL,	   /* nil */
	TA_BOOL,   /* true, false */
	TA_NUMBER, /* 1, 0x1f, 1.5, 'a' */
	TA_STRING, /* "x", `x` */
	TA_IDENT,  /* a function name */
	TA_CHAIN,  /* (pipeline).A.B */
	TA_PIPE,   /* (pipeline) */
};

struct tpipe;
struct tfunc;

struct targ {
	enum targ_type type;
	size_t pos;
	struct targ *next;
	const char *text;     /* TA_VAR name, TA_IDENT name, TA_NUMBER/TA_STRING source */
	const char **fields;  /* TA_FIELD, TA_VAR, TA_CHAIN */
	size_t nfields;
	bool b;		      /* TA_BOOL */
	bool is_int;	      /* TA_NUMBER: has an integer value (1, 'a', 1.0) */
	bool is_float;	      /* TA_NUMBER: written as a float (1.0, 1e3): a float64 */
	int64_t ival;
	double fval;
	const char *str;      /* TA_STRING: unquoted value */
	size_t slen;
	const struct tfunc *func; /* TA_IDENT */
	struct tpipe *pipe;	  /* TA_PIPE, and TA_CHAIN when its base is a pipeline */
	struct targ *base;	  /* TA_CHAIN */
};

struct tcmd {
	size_t pos;
	struct targ *args;
	size_t nargs;
	struct tcmd *next;
};

struct tpipe {
	size_t pos;
	const char *decl[2];
	size_t ndecl;
	bool is_assign;
	struct tcmd *cmds;
	size_t ncmds;
};

enum tnode_type { TN_TEXT, TN_ACTION, TN_IF, TN_RANGE, TN_WITH, TN_BREAK, TN_CONTINUE };

struct tnode {
	enum tnode_type type;
	size_t pos;
	struct tnode *next;
	const char *text; /* TN_TEXT */
	size_t len;
	struct tpipe *pipe;
	struct tnode *list; /* first node of the body */
	struct tnode *else_list;
};

enum tparam {
	TP_ANY,	   /* interface{} */
	TP_STRING, /* string */
	TP_INT,	   /* int */
	TP_STRV,   /* []string */
};

struct texec;
struct tfunc {
	const char *name;
	int (*fn)(struct texec *s, json_t **args, size_t nargs, json_t **ret);
	enum tparam params[3];
	int nparams;	     /* fixed parameters */
	bool variadic;	     /* more of params[nparams - 1]... (TP_ANY) */
	bool header_ident;   /* returns its first argument in header mode */
	bool lazy;	     /* and, or: arguments evaluated by the caller one by one */
};

const struct tfunc *pod_tfunc_lookup(const char *name);

struct pod_template {
	char *name;
	char *text; /* normalised source */
	size_t len;
	size_t col_bias; /* added to columns on line 1 (Podman's "{{range .}}" wrap) */
	bool is_table;
	bool ends_nl;
	bool list_mode;
	struct tnode *root;
	struct tarena arena;
};

/* Go's Node.String() of an argument, command and pipeline */
void pod_targ_string(struct pod_strbuf *sb, const struct targ *a);
void pod_tcmd_string(struct pod_strbuf *sb, const struct tcmd *c);
void pod_tpipe_string(struct pod_strbuf *sb, const struct tpipe *p);

/* ---- lexer (template-lex.c) ---- */

enum itype {
	I_ERROR,
	I_BOOL,
	I_CHAR,
	I_CHARCONST,
	I_ASSIGN,
	I_DECLARE,
	I_EOF,
	I_FIELD,
	I_IDENT,
	I_LEFT,
	I_LPAREN,
	I_NUMBER,
	I_PIPE,
	I_RAW,
	I_RIGHT,
	I_RPAREN,
	I_SPACE,
	I_STRING,
	I_TEXT,
	I_VAR,
	I_KEYWORD, /* keywords follow */
	I_BLOCK,
	I_BREAK,
	I_CONTINUE,
	I_DOT,
	I_DEFINE,
	I_ELSE,
	I_END,
	I_IF,
	I_NIL,
	I_RANGE,
	I_TEMPLATE,
	I_WITH,
};

struct item {
	enum itype type;
	size_t pos;
	const char *val;
	size_t len;
};

enum lstate { L_TEXT, L_LEFT, L_ACTION, L_DONE };

struct lexer {
	const char *in;
	size_t len, pos;
	enum lstate state;
	int paren_depth;
	struct tarena *arena;
};

/* Podman's NormalizeFormat; sets *ret_table for a "table " template */
void pod_tnormalize(const char *src, bool *ret_table, struct pod_strbuf *out);
/* Podman's EnforceRange test: does the text contain {{range .}}...{{end}}? */
bool pod_thas_list_range(const char *s);
/* the next item; after an error or EOF it keeps returning it */
void pod_tlex_next(struct lexer *l, struct item *it);

/* ---- execution (template-exec.c, template-funcs.c) ---- */

struct tvar {
	const char *name;
	json_t *value;
};

enum tflow { FLOW_NONE, FLOW_BREAK, FLOW_CONTINUE };

enum tat { AT_NONE, AT_ARG, AT_CMD, AT_PIPE };

struct texec {
	const struct pod_template *t;
	struct pod_strbuf *out;
	size_t out_start;
	struct tvar *vars;
	size_t nvars, vars_cap;
	bool header;
	json_t *header_root;
	uint64_t steps;
	enum tat at_kind;
	const void *at;
	size_t at_pos;
	enum tflow flow;
	struct pod_err **err;
	char *fn_err; /* set by a function that fails */
};

/* Go's view of JSON values */
bool pod_tval_all_strings(const json_t *v);
const char *pod_tval_type(const json_t *v); /* "string", "int", "[]string", ... */
bool pod_tval_truth(const json_t *v);	    /* NULL is false */
/* object keys sorted bytewise (Go's map order); free only the array */
const char **pod_tval_sorted_keys(const json_t *o, size_t *ret_n);
void pod_tval_print(struct pod_strbuf *sb, const json_t *v); /* fmt's %v */

#endif
