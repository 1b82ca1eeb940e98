/*
 * auth.c - credentials files and WWW-Authenticate parsing.
 */
#include "image/auth.h"
#include "core/fs.h"
#include "image/internal.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- WWW-Authenticate --- */

static bool
is_tchar(char c)
{
	return isalnum((unsigned char) c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool
is_token68_char(char c)
{
	return isalnum((unsigned char) c) || (c && strchr("-._~+/", c));
}

static void
skip_ows(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

static char *
lower_ndup(const char *s, size_t n)
{
	char *r = xstrndup(s, n);

	for (size_t i = 0; i < n; i++)
		r[i] = (char) tolower((unsigned char) r[i]);
	return r;
}

void
pod_auth_challenges_free(struct pod_auth_challenge *c, size_t n)
{
	size_t i, k;

	if (!c)
		return;
	for (i = 0; i < n; i++) {
		free(c[i].scheme);
		for (k = 0; k < c[i].n_params; k++) {
			free(c[i].params[k].key);
			free(c[i].params[k].value);
		}
		free(c[i].params);
	}
	free(c);
}

const char *
pod_auth_challenge_param(const struct pod_auth_challenge *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n_params; i++)
		if (strcasecmp(c->params[i].key, key) == 0)
			return c->params[i].value;
	return NULL;
}

static int
bad_header(const char *start, const char *p, const char *why, struct pod_err **err)
{
	return pod_err_set(err, POD_E_INVALID, 0, "invalid WWW-Authenticate header: %s at byte %zu",
			   why, (size_t) (p - start));
}

/* quoted-string at *p (which is '"'); unescaped value into sb */
static int
read_quoted(const char *start, const char **p, struct pod_strbuf *sb, struct pod_err **err)
{
	const char *q = *p + 1;

	for (;;) {
		unsigned char c = (unsigned char) *q;

		if (c == '\0')
			return bad_header(start, q, "unterminated quoted string", err);
		if (c == '"')
			break;
		if (c == '\\') {
			q++;
			c = (unsigned char) *q;
			if (c == '\0' || (c < 0x20 && c != '\t') || c == 0x7f)
				return bad_header(start, q, "bad escape in quoted string", err);
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			return bad_header(start, q, "control character in quoted string", err);
		}
		pod_strbuf_addch(sb, (char) c);
		q++;
	}
	*p = q + 1;
	return 0;
}

static void
add_param(struct pod_auth_challenge *ch, char *key, char *value)
{
	ch->params = xrealloc(ch->params, (ch->n_params + 1) * sizeof(*ch->params));
	ch->params[ch->n_params].key = key;
	ch->params[ch->n_params].value = value;
	ch->n_params++;
}

static int
parse_params(const char *start, const char **pp, struct pod_auth_challenge *ch,
	     struct pod_err **err)
{
	const char *p = *pp;
	bool first = true;

	for (;;) {
		const char *tok, *r;
		size_t tlen;

		skip_ows(&p);
		if (*p == '\0')
			break;
		if (*p == ',') {
			p++;
			first = false;
			continue;
		}
		tok = p;
		while (is_tchar(*p))
			p++;
		tlen = (size_t) (p - tok);
		r = p;
		skip_ows(&r);
		if (tlen > 0 && *r == '=' && r[1] != '=') {
			/* auth-param: token BWS "=" BWS ( token / quoted-string ) */
			cleanup_strbuf struct pod_strbuf v = POD_STRBUF_INIT;
			const char *after_eq = r + 1;
			bool trailing_eq_only;

			skip_ows(&after_eq);
			trailing_eq_only = *after_eq == '\0' || *after_eq == ',';
			if (!(first && trailing_eq_only && p == r)) {
				char *key = lower_ndup(tok, tlen);

				if (pod_auth_challenge_param(ch, key)) {
					free(key);
					return bad_header(start, tok, "duplicate parameter", err);
				}
				if (ch->n_params >= POD_WWW_AUTH_MAX_PARAMS) {
					free(key);
					return bad_header(start, tok, "too many parameters", err);
				}
				p = after_eq;
				if (*p == '"') {
					if (read_quoted(start, &p, &v, err) < 0) {
						free(key);
						return -1;
					}
				} else {
					const char *vs = p;

					while (is_tchar(*p))
						p++;
					if (p == vs) {
						free(key);
						return bad_header(start, p, "missing parameter value",
								  err);
					}
					pod_strbuf_add(&v, vs, (size_t) (p - vs));
				}
				add_param(ch, key, pod_strbuf_detach(&v));
				skip_ows(&p);
				if (*p != ',' && *p != '\0')
					return bad_header(start, p, "expected ','", err);
				first = false;
				continue;
			}
		}
		if (first) {
			/* token68: credentials-like blob directly after the scheme */
			p = tok;
			while (is_token68_char(*p))
				p++;
			if (p == tok)
				return bad_header(start, p, "unexpected character", err);
			while (*p == '=')
				p++;
			add_param(ch, xstrdup("token68"), xstrndup(tok, (size_t) (p - tok)));
			skip_ows(&p);
			if (*p != ',' && *p != '\0')
				return bad_header(start, p, "expected ','", err);
			first = false;
			continue;
		}
		if (tlen == 0)
			return bad_header(start, tok, "unexpected character", err);
		/* a token without "=" after a comma starts the next challenge */
		p = tok;
		break;
	}
	*pp = p;
	return 0;
}

int
pod_www_auth_parse(const char *header, struct pod_auth_challenge **ret, size_t *ret_n,
		   struct pod_err **err)
{
	struct pod_auth_challenge *chs = NULL;
	size_t n = 0;
	const char *p = header;

	if (strlen(header) > POD_WWW_AUTH_MAX)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid WWW-Authenticate header: too long");
	for (;;) {
		const char *s;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		s = p;
		while (is_tchar(*p))
			p++;
		if (p == s) {
			bad_header(header, p, "expected an auth scheme", err);
			goto fail;
		}
		if (*p != ' ' && *p != '\t' && *p != ',' && *p != '\0') {
			bad_header(header, p, "unexpected character after the auth scheme", err);
			goto fail;
		}
		if (n >= POD_WWW_AUTH_MAX_CHALLENGES) {
			bad_header(header, s, "too many challenges", err);
			goto fail;
		}
		chs = xrealloc(chs, (n + 1) * sizeof(*chs));
		memset(&chs[n], 0, sizeof(*chs));
		chs[n].scheme = lower_ndup(s, (size_t) (p - s));
		n++;
		if (parse_params(header, &p, &chs[n - 1], err) < 0)
			goto fail;
	}
	if (n == 0)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid WWW-Authenticate header: no challenge");
	*ret = chs;
	*ret_n = n;
	return 0;
fail:
	pod_auth_challenges_free(chs, n);
	return -1;
}

/* --- credential files --- */

char *
pod_auth_normalize_key(const char *key)
{
	bool had_scheme = false;
	char *r, *slash;
	size_t n;

	if (pod_str_has_prefix(key, "https://")) {
		key += 8;
		had_scheme = true;
	} else if (pod_str_has_prefix(key, "http://")) {
		key += 7;
		had_scheme = true;
	}
	r = xstrdup(key);
	if (had_scheme && (slash = strchr(r, '/')))
		*slash = '\0';
	n = strlen(r);
	while (n > 0 && r[n - 1] == '/')
		r[--n] = '\0';
	slash = strchr(r, '/');
	n = slash ? (size_t) (slash - r) : strlen(r);
	if ((n == 15 && memcmp(r, "index.docker.io", 15) == 0) ||
	    (n == 20 && memcmp(r, "registry-1.docker.io", 20) == 0)) {
		char *d = xasprintf("docker.io%s", r + n);

		free(r);
		r = d;
	}
	return r;
}

/* 1 + the file's root object, 0 when the file does not exist */
static int
read_auth_file(const char *path, json_t **ret, struct pod_err **err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	json_error_t jerr;
	json_t *root;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return pod_err_sys(err, "opening %s", path);
	}
	if (fstat(fd, &st) < 0)
		return pod_err_sys(err, "stat %s", path);
	if (st.st_size > POD_AUTH_FILE_MAX)
		return pod_err_set(err, POD_E_INVALID, 0, "%s: file too large", path);
	root = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return pod_err_set(err, POD_E_INVALID, 0, "reading JSON file \"%s\": %s", path,
				   jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "reading JSON file \"%s\": not a JSON object", path);
	}
	*ret = root;
	return 1;
}

static int
decode_entry(json_t *entry, const char *path, const char *key, char **ret_user,
	     char **ret_pass, struct pod_err **err)
{
	json_t *auth = json_is_object(entry) ? json_object_get(entry, "auth") : NULL;
	cleanup_free char *plain = NULL;
	size_t len = 0;
	char *colon;

	if (!auth || !json_is_string(auth) || !*json_string_value(auth))
		return 0;
	plain = pod_img_base64_decode(json_string_value(auth), &len);
	if (!plain || strlen(plain) != len)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "reading credentials for %s in %s: invalid base64", key, path);
	colon = strchr(plain, ':');
	if (!colon)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "reading credentials for %s in %s: missing \":\"", key, path);
	*ret_user = xstrndup(plain, (size_t) (colon - plain));
	*ret_pass = xstrdup(colon + 1);
	explicit_bzero(plain, len);
	return 1;
}

int
pod_auth_lookup(char *const *auth_paths, const char *registry_or_repo, char **ret_user,
		char **ret_pass, struct pod_err **err)
{
	cleanup_free char *want = pod_auth_normalize_key(registry_or_repo);
	size_t i;

	for (i = 0; auth_paths && auth_paths[i]; i++) {
		cleanup_jsonp json_t *root = NULL;
		cleanup_free char *cand = xstrdup(want);
		json_t *auths, *best = NULL;
		int r = read_auth_file(auth_paths[i], &root, err);

		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		auths = json_object_get(root, "auths");
		if (!auths || !json_is_object(auths))
			continue;
		/* longest match: "host/ns/repo", "host/ns", "host" */
		for (;;) {
			const char *k;
			json_t *v;
			char *slash;

			json_object_foreach (auths, k, v) {
				cleanup_free char *nk = pod_auth_normalize_key(k);

				if (STREQ(nk, cand)) {
					best = v;
					break;
				}
			}
			if (best)
				break;
			slash = strrchr(cand, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
		if (best) {
			r = decode_entry(best, auth_paths[i], cand, ret_user, ret_pass, err);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

static int
mkdir_parents(const char *path, struct pod_err **err)
{
	cleanup_free char *dir = xstrdup(path);
	char *p;

	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return pod_err_sys(err, "creating %s", dir);
		*p = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return pod_err_sys(err, "creating %s", dir);
	return 0;
}

static int
write_atomic(const char *path, json_t *root, struct pod_err **err)
{
	cleanup_free char *text = json_dumps(root, JSON_INDENT(1));
	cleanup_free char *line = NULL;

	if (!text)
		abort();
	if (mkdir_parents(path, err) < 0)
		return -1;
	line = xasprintf("%s\n", text);
	return pod_write_file_atomic(path, line, strlen(line), 0600, err);
}

static int
load_for_update(const char *path, json_t **ret_root, json_t **ret_auths, struct pod_err **err)
{
	json_t *root = NULL, *auths;
	int r = read_auth_file(path, &root, err);

	if (r < 0)
		return -1;
	if (r == 0)
		root = json_object();
	auths = json_object_get(root, "auths");
	if (!auths || !json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(root, "auths", auths);
	}
	*ret_root = root;
	*ret_auths = auths;
	return r;
}

int
pod_auth_store(const char *path, const char *key, const char *user, const char *pass,
	       struct pod_err **err)
{
	cleanup_jsonp json_t *root = NULL;
	cleanup_free char *plain = xasprintf("%s:%s", user, pass);
	cleanup_free char *enc = pod_img_base64_encode(plain, strlen(plain));
	json_t *auths;

	explicit_bzero(plain, strlen(plain));
	if (load_for_update(path, &root, &auths, err) < 0)
		return -1;
	json_object_set_new(auths, key, json_pack("{s:s}", "auth", enc));
	return write_atomic(path, root, err);
}

int
pod_auth_remove(const char *path, const char *key, struct pod_err **err)
{
	cleanup_jsonp json_t *root = NULL;
	cleanup_free char *want = pod_auth_normalize_key(key);
	json_t *auths, *v;
	const char *k;
	void *tmp;
	int r = load_for_update(path, &root, &auths, err), removed = 0;

	if (r <= 0)
		return r;
	json_object_foreach_safe (auths, tmp, k, v) {
		cleanup_free char *nk = pod_auth_normalize_key(k);

		if (STREQ(nk, want)) {
			json_object_del(auths, k);
			removed = 1;
		}
	}
	if (!removed)
		return 0;
	if (write_atomic(path, root, err) < 0)
		return -1;
	return 1;
}

int
pod_auth_remove_all(const char *path, struct pod_err **err)
{
	cleanup_jsonp json_t *root = NULL;
	json_t *auths;
	int r = load_for_update(path, &root, &auths, err);

	if (r <= 0)
		return r;
	json_object_clear(auths);
	return write_atomic(path, root, err);
}
