/*
 * registry.c - the distribution API client.
 *
 * Redirects are followed by hand so that credentials never leave the
 * registry's origin and so that only the final 2xx body reaches a caller's
 * stream. Response bodies are buffered only up to a per-request cap; error
 * bodies are cut at ERR_BODY_MAX.
 */
#include "image/registry.h"
#include "image/auth.h"
#include "image/digest.h"
#include "image/internal.h"
#include "image/manifest.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#define ERR_BODY_MAX (64 * 1024)
#define TOKEN_BODY_MAX (1024 * 1024)
#define LIST_BODY_MAX (16 * 1024 * 1024)
#define HEADER_VALUE_MAX (16 * 1024)
#define MAX_REDIRECTS 10
#define MAX_TOKENS 16
#define MAX_PAGES 10000
#define MAX_LIST_ENTRIES 1000000

enum auth_kind { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct scope_token {
	char *scope;
	char *token;
	int64_t expires; /* CLOCK_MONOTONIC ns */
};

struct pod_registry_client {
	char *domain; /* as the user named it, for messages */
	char *host;   /* where requests go */
	char *scheme; /* NULL until pinged */
	bool insecure, skip_verify;
	char *creds;
	char *user_agent;
	long timeout;
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
	enum auth_kind auth;
	char *realm, *service;
	struct scope_token tokens[MAX_TOKENS];
	size_t n_tokens;
	char *ca_blob;
	size_t ca_len;
	char *client_cert, *client_key;
};

struct resp {
	long status;
	char reason[64];
	char *content_type, *digest, *location, *link;
	struct pod_strbuf www_auth;
	int64_t content_length;
	struct pod_strbuf body;
	size_t body_max;
	bool err_body_cut, too_big, sink_failed;
	pod_registry_write_fn sink;
	void *sink_ud;
	struct pod_digester *dg;
	uint64_t got;
	int64_t limit; /* < 0: none */
};

struct upload {
	pod_registry_read_fn read;
	void *ud;
	const char *buf;
	size_t len, off;
	int64_t size;
	struct pod_digester *dg;
	uint64_t sent;
	bool failed;
};

struct req {
	const char *method;
	const char *url;
	const char *accept;
	const char *content_type;
	const char *scope; /* NULL: no credentials */
	struct upload *up;
	bool long_transfer; /* no total timeout (blobs) */
};

/* --- responses --- */

static void
resp_clear_headers(struct resp *r)
{
	free(r->content_type);
	free(r->digest);
	free(r->location);
	free(r->link);
	r->content_type = r->digest = r->location = r->link = NULL;
	pod_strbuf_reset(&r->www_auth);
	r->content_length = -1;
	r->status = 0;
	r->reason[0] = '\0';
}

static void
resp_init(struct resp *r, size_t body_max)
{
	memset(r, 0, sizeof(*r));
	pod_strbuf_init(&r->www_auth);
	pod_strbuf_init(&r->body);
	r->body_max = body_max;
	r->content_length = -1;
	r->limit = -1;
}

/* ready for another attempt of the same request */
static void
resp_reset(struct resp *r)
{
	resp_clear_headers(r);
	pod_strbuf_reset(&r->body);
	r->err_body_cut = r->too_big = r->sink_failed = false;
	r->got = 0;
}

static void
resp_release(struct resp *r)
{
	resp_clear_headers(r);
	pod_strbuf_release(&r->www_auth);
	pod_strbuf_release(&r->body);
	pod_digester_free(r->dg);
	r->dg = NULL;
}

static bool
is_2xx(long s)
{
	return s >= 200 && s < 300;
}

static size_t
header_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	struct resp *r = ud;
	size_t len = size * nitems, n = len, nl;
	const char *colon, *v;
	char **slot = NULL;

	while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n'))
		n--;
	if (n >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		const char *sp = memchr(buf, ' ', n);
		long st = 0;
		size_t i;

		resp_clear_headers(r);
		if (!sp)
			return len;
		for (i = (size_t) (sp - buf) + 1; i < n && isdigit((unsigned char) buf[i]); i++)
			st = st * 10 + (buf[i] - '0');
		r->status = st > 999 ? 0 : st;
		if (i < n && buf[i] == ' ') {
			size_t rl = n - i - 1 < sizeof(r->reason) - 1 ? n - i - 1 : sizeof(r->reason) - 1;

			memcpy(r->reason, buf + i + 1, rl);
			r->reason[rl] = '\0';
			for (size_t k = 0; k < rl; k++)
				if (!isprint((unsigned char) r->reason[k]))
					r->reason[k] = '?';
		}
		return len;
	}
	colon = memchr(buf, ':', n);
	if (!colon)
		return len;
	nl = (size_t) (colon - buf);
	v = colon + 1;
	while (v < buf + n && (*v == ' ' || *v == '\t'))
		v++;
	if ((size_t) (buf + n - v) > HEADER_VALUE_MAX)
		return len;
#define HDR_IS(name) (nl == strlen(name) && strncasecmp(buf, name, nl) == 0)
	if (HDR_IS("Content-Type"))
		slot = &r->content_type;
	else if (HDR_IS("Docker-Content-Digest"))
		slot = &r->digest;
	else if (HDR_IS("Location"))
		slot = &r->location;
	else if (HDR_IS("Link"))
		slot = &r->link;
	else if (HDR_IS("Content-Length")) {
		cleanup_free char *s = xstrndup(v, (size_t) (buf + n - v));
		int64_t cl;

		if (pod_parse_int64(s, &cl) && cl >= 0)
			r->content_length = cl;
	} else if (HDR_IS("WWW-Authenticate")) {
		if (r->www_auth.len)
			pod_strbuf_adds(&r->www_auth, ", ");
		if (r->www_auth.len < POD_WWW_AUTH_MAX * 2)
			pod_strbuf_add(&r->www_auth, v, (size_t) (buf + n - v));
	}
#undef HDR_IS
	if (slot) {
		free(*slot);
		*slot = xstrndup(v, (size_t) (buf + n - v));
	}
	return len;
}

static size_t
write_cb(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct resp *r = ud;
	size_t n = size * nmemb;

	if (!is_2xx(r->status)) {
		if (r->body.len + n > ERR_BODY_MAX) {
			r->err_body_cut = true;
			return 0;
		}
		pod_strbuf_add(&r->body, buf, n);
		return n;
	}
	if (r->sink) {
		if (r->limit >= 0 && r->got + n > (uint64_t) r->limit) {
			r->too_big = true;
			return 0;
		}
		r->got += n;
		if (r->dg)
			pod_digester_update(r->dg, buf, n);
		if (r->sink(buf, n, r->sink_ud) != n) {
			r->sink_failed = true;
			return 0;
		}
		return n;
	}
	if (r->body.len + n > r->body_max) {
		r->too_big = true;
		return 0;
	}
	pod_strbuf_add(&r->body, buf, n);
	return n;
}

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	struct upload *up = ud;
	size_t want = size * nitems, n;

	if (up->buf) {
		n = up->len - up->off < want ? up->len - up->off : want;
		memcpy(buf, up->buf + up->off, n);
		up->off += n;
	} else {
		ssize_t r = up->read(buf, want, up->ud);

		if (r < 0 || (size_t) r > want) {
			up->failed = true;
			return CURL_READFUNC_ABORT;
		}
		n = (size_t) r;
	}
	if (up->size >= 0 && up->sent + n > (uint64_t) up->size) {
		up->failed = true;
		return CURL_READFUNC_ABORT;
	}
	up->sent += n;
	if (up->dg)
		pod_digester_update(up->dg, buf, n);
	return n;
}

/* --- errors --- */

static const char *
status_text(long status, const char *reason)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {
		{ 200, "OK" },
		{ 201, "Created" },
		{ 202, "Accepted" },
		{ 204, "No Content" },
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 409, "Conflict" },
		{ 413, "Request Entity Too Large" },
		{ 416, "Requested Range Not Satisfiable" },
		{ 429, "Too Many Requests" },
		{ 500, "Internal Server Error" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};

	if (reason && *reason)
		return reason;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (t[i].code == status)
			return t[i].text;
	return "";
}

static void
add_sanitized(struct pod_strbuf *sb, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		unsigned char c = (unsigned char) s[i];

		pod_strbuf_addch(sb, c < 0x20 || c == 0x7f ? ' ' : (char) c);
	}
}

char *
pod_registry_error_message(long status, const char *reason, const char *body, size_t len,
			   bool *ret_notfound)
{
	struct pod_strbuf sb = POD_STRBUF_INIT;
	json_t *root = NULL, *errs, *e;
	size_t i, n = 0;
	bool notfound = status == 404;

	if (body && len > 0 && len <= ERR_BODY_MAX)
		root = json_loadb(body, len, 0, NULL);
	errs = root && json_is_object(root) ? json_object_get(root, "errors") : NULL;
	if (errs && json_is_array(errs)) {
		json_array_foreach (errs, i, e) {
			json_t *code = json_is_object(e) ? json_object_get(e, "code") : NULL;
			json_t *msg = json_is_object(e) ? json_object_get(e, "message") : NULL;
			struct pod_strbuf one = POD_STRBUF_INIT;

			if (i >= 16)
				break;
			if (code && json_is_string(code)) {
				const char *c = json_string_value(code);

				for (size_t k = 0; c[k] && k < 64; k++) {
					char ch = c[k] == '_' ? ' ' : (char) tolower((unsigned char) c[k]);

					pod_strbuf_addch(&one, isprint((unsigned char) ch) ? ch : ' ');
				}
				if (pod_str_has_suffix(c, "_UNKNOWN"))
					notfound = true;
			} else {
				pod_strbuf_adds(&one, "unknown");
			}
			if (msg && json_is_string(msg) && *json_string_value(msg)) {
				pod_strbuf_adds(&one, ": ");
				add_sanitized(&one, json_string_value(msg), 1024);
			}
			if (n == 0) {
				pod_strbuf_add(&sb, one.buf, one.len);
			} else {
				if (n == 1) {
					char *first = pod_strbuf_detach(&sb);

					pod_strbuf_addf(&sb, "errors:\n%s\n", first);
					free(first);
				}
				pod_strbuf_addf(&sb, "%s\n", one.buf);
			}
			pod_strbuf_release(&one);
			n++;
		}
	}
	if (root)
		json_decref(root);
	if (n == 0) {
		if (status == 401)
			pod_strbuf_adds(&sb, "unauthorized: authentication required");
		else
			pod_strbuf_addf(&sb, "received unexpected HTTP status: %ld %s", status,
					status_text(status, reason));
	}
	if (ret_notfound)
		*ret_notfound = notfound;
	return pod_strbuf_detach(&sb);
}

/*
 * EAGAIN when the body carries a registry error code that a later try may
 * not get (TOOMANYREQUESTS, UNAVAILABLE, ...): what containers/common
 * retries. Authorization and unknown-name errors are final, and so is a
 * status without a JSON error.
 */
static int
resp_errnum(const struct resp *r)
{
	static const char *const final[] = { "UNAUTHORIZED", "DENIED", "NAME_UNKNOWN",
					     "MANIFEST_UNKNOWN" };
	json_t *root = NULL, *errs, *e;
	size_t i;
	int ret = 0;

	if (r->body.len > 0 && r->body.len <= ERR_BODY_MAX)
		root = json_loadb(r->body.buf, r->body.len, 0, NULL);
	errs = root && json_is_object(root) ? json_object_get(root, "errors") : NULL;
	if (errs && json_is_array(errs) && json_array_size(errs) > 0) {
		ret = EAGAIN;
		json_array_foreach (errs, i, e) {
			json_t *code = json_is_object(e) ? json_object_get(e, "code") : NULL;
			const char *cs = code && json_is_string(code) ? json_string_value(code) : "";

			for (size_t k = 0; k < ARRAY_SIZE(final); k++)
				if (STREQ(cs, final[k]))
					ret = 0;
		}
	}
	if (root)
		json_decref(root);
	return ret;
}

static int
err_from_resp(const struct resp *r, struct pod_err **err)
{
	bool notfound = false;
	cleanup_free char *m =
		pod_registry_error_message(r->status, r->reason, r->body.buf, r->body.len, &notfound);

	return pod_err_set(err, notfound ? POD_E_NOTFOUND : POD_E_GENERIC, resp_errnum(r), "%s",
			   m);
}

/* --- the client --- */

static const char *
go_method(const char *m)
{
	if (STREQ(m, "GET"))
		return "Get";
	if (STREQ(m, "HEAD"))
		return "Head";
	if (STREQ(m, "POST"))
		return "Post";
	if (STREQ(m, "PUT"))
		return "Put";
	if (STREQ(m, "PATCH"))
		return "Patch";
	return m;
}

static char *
read_small_file(const char *path, size_t max, size_t *ret_len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct pod_strbuf sb = POD_STRBUF_INIT;
	char buf[8192];
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (sb.len + (size_t) n > max) {
			pod_strbuf_release(&sb);
			return NULL;
		}
		pod_strbuf_add(&sb, buf, (size_t) n);
	}
	if (n < 0) {
		pod_strbuf_release(&sb);
		return NULL;
	}
	*ret_len = sb.len;
	return pod_strbuf_detach(&sb);
}

static int
load_cert_dir(struct pod_registry_client *c, const char *dir, struct pod_err **err)
{
	static const char *const system_bundles[] = { "/etc/ssl/certs/ca-certificates.crt",
						      "/etc/pki/tls/certs/ca-bundle.crt" };
	DIR *d = opendir(dir);
	struct dirent *de;
	struct pod_strbuf cas = POD_STRBUF_INIT;
	bool any_ca = false;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return pod_err_sys(err, "reading certificate directory %s", dir);
	}
	while ((de = readdir(d))) {
		cleanup_free char *p = xasprintf("%s/%s", dir, de->d_name);

		if (pod_str_has_suffix(de->d_name, ".crt")) {
			size_t len = 0;
			cleanup_free char *pem = read_small_file(p, 1024 * 1024, &len);

			if (!pem) {
				closedir(d);
				pod_strbuf_release(&cas);
				return pod_err_set(err, POD_E_GENERIC, 0,
						   "reading CA certificate %s", p);
			}
			pod_strbuf_add(&cas, pem, len);
			pod_strbuf_addch(&cas, '\n');
			any_ca = true;
		} else if (pod_str_has_suffix(de->d_name, ".cert") && !c->client_cert) {
			cleanup_free char *key = xasprintf("%.*s.key",
							   (int) (strlen(p) - 5), p);

			if (access(key, R_OK) != 0) {
				closedir(d);
				pod_strbuf_release(&cas);
				return pod_err_set(err, POD_E_GENERIC, 0,
						   "missing key %s for client certificate %s", key,
						   p);
			}
			c->client_cert = TAKE_PTR(p);
			c->client_key = TAKE_PTR(key);
		}
	}
	closedir(d);
	if (any_ca) {
		/* certs.d CAs add to the system ones, as in c/image */
		for (size_t i = 0; i < ARRAY_SIZE(system_bundles); i++) {
			size_t len = 0;
			cleanup_free char *pem =
				read_small_file(system_bundles[i], 16 * 1024 * 1024, &len);

			if (pem) {
				pod_strbuf_add(&cas, pem, len);
				break;
			}
		}
		c->ca_len = cas.len;
		c->ca_blob = pod_strbuf_detach(&cas);
	} else {
		pod_strbuf_release(&cas);
	}
	return 0;
}

int
pod_registry_client_new(const char *domain, const struct pod_registry_opts *o,
			struct pod_registry_client **ret, struct pod_err **err)
{
	static const struct pod_registry_opts defaults = { 0 };
	cleanup_(pod_registry_client_freep) struct pod_registry_client *c = NULL;
	static bool curl_ready;

	if (!o)
		o = &defaults;
	if (!domain || !*domain || strpbrk(domain, "/?#@ \t\r\n"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid registry \"%s\"",
				   domain ? domain : "");
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return pod_err_set(err, POD_E_GENERIC, 0, "initializing libcurl");
		curl_ready = true;
	}
	c = xcalloc(1, sizeof(*c));
	c->domain = xstrdup(domain);
	c->host = xstrdup(STREQ(domain, "docker.io") || STREQ(domain, "index.docker.io")
				  ? "registry-1.docker.io"
				  : domain);
	c->insecure = o->insecure;
	c->skip_verify = o->skip_tls_verify;
	c->creds = o->creds ? xstrdup(o->creds) : NULL;
	if (c->creds && !strchr(c->creds, ':'))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "credentials must be \"username:password\"");
	c->user_agent = o->user_agent ? xstrdup(o->user_agent) : xasprintf("podutils/%s", POD_VERSION);
	c->timeout = o->timeout_sec > 0 ? o->timeout_sec : 30;
	if (o->cert_dir && load_cert_dir(c, o->cert_dir, err) < 0)
		return -1;
	c->curl = curl_easy_init();
	if (!c->curl)
		return pod_err_set(err, POD_E_GENERIC, 0, "initializing libcurl");
	*ret = TAKE_PTR(c);
	return 0;
}

static void
drop_token(struct pod_registry_client *c, size_t i)
{
	free(c->tokens[i].scope);
	if (c->tokens[i].token)
		explicit_bzero(c->tokens[i].token, strlen(c->tokens[i].token));
	free(c->tokens[i].token);
	c->tokens[i] = c->tokens[--c->n_tokens];
}

struct pod_registry_client *
pod_registry_client_free(struct pod_registry_client *c)
{
	if (!c)
		return NULL;
	while (c->n_tokens)
		drop_token(c, 0);
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->domain);
	free(c->host);
	free(c->scheme);
	if (c->creds)
		explicit_bzero(c->creds, strlen(c->creds));
	free(c->creds);
	free(c->user_agent);
	free(c->realm);
	free(c->service);
	free(c->ca_blob);
	free(c->client_cert);
	free(c->client_key);
	free(c);
	return NULL;
}

void
pod_registry_client_freep(struct pod_registry_client **c)
{
	if (c)
		*c = pod_registry_client_free(*c);
}

const char *
pod_registry_scheme(const struct pod_registry_client *c)
{
	return c->scheme;
}

/* the errno a Go client would see for a failed transfer: the transient ones only */
static int
curl_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return ETIMEDOUT;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return ECONNRESET;
	default:
		return 0;
	}
}

/* one HTTP exchange, no redirects, no auth logic */
static int
perform(struct pod_registry_client *c, const struct req *q, const char *url,
	const char *authorization, struct resp *r, struct pod_err **err)
{
	struct curl_slist *h = NULL;
	cleanup_free char *accept = NULL, *ctype = NULL;
	CURLcode rc;
	CURL *e = c->curl;

	curl_easy_reset(e);
	c->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, c->timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, c->timeout);
	if (!q->long_transfer)
		curl_easy_setopt(e, CURLOPT_TIMEOUT, c->timeout * 4);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, c->skip_verify ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, c->skip_verify ? 0L : 2L);
	if (c->ca_blob) {
		struct curl_blob blob = { .data = c->ca_blob, .len = c->ca_len,
					  .flags = CURL_BLOB_NOCOPY };

		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (c->client_cert) {
		curl_easy_setopt(e, CURLOPT_SSLCERT, c->client_cert);
		curl_easy_setopt(e, CURLOPT_SSLKEY, c->client_key);
	}
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	if (STREQ(q->method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (STREQ(q->method, "POST")) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) 0);
	} else if (STREQ(q->method, "PUT") || STREQ(q->method, "PATCH")) {
		/* a PATCH body of unknown size (-1) goes out chunked */
		if (STREQ(q->method, "PATCH"))
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PATCH");
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(e, CURLOPT_READDATA, q->up);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
				 (curl_off_t) (q->up ? q->up->size : 0));
	}
	h = curl_slist_append(h, "Expect:");
	if (STREQ(q->method, "POST"))
		h = curl_slist_append(h, "Content-Type:");
	if (q->accept) {
		accept = xasprintf("Accept: %s", q->accept);
		h = curl_slist_append(h, accept);
	}
	if (q->content_type) {
		ctype = xasprintf("Content-Type: %s", q->content_type);
		h = curl_slist_append(h, ctype);
	}
	if (authorization)
		h = curl_slist_append(h, authorization);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(e);
	curl_slist_free_all(h);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	if (rc == CURLE_WRITE_ERROR && r->err_body_cut)
		return 0;
	if (rc == CURLE_WRITE_ERROR && r->too_big)
		return pod_err_set(err, POD_E_GENERIC, 0, "%s \"%s\": response too large",
				   go_method(q->method), url);
	if (rc == CURLE_WRITE_ERROR && r->sink_failed)
		return pod_err_set(err, POD_E_GENERIC, 0, "%s \"%s\": writing the data failed",
				   go_method(q->method), url);
	if (rc == CURLE_ABORTED_BY_CALLBACK || (q->up && q->up->failed))
		return pod_err_set(err, POD_E_GENERIC, 0, "%s \"%s\": reading the data to send failed",
				   go_method(q->method), url);
	if (rc == CURLE_COULDNT_CONNECT) {
		/* Go's words: Get "URL": dial tcp HOST:PORT: connect: connection refused */
		const char *hp = strstr(url, "://");
		long oserr = 0;

		curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &oserr);
		if (oserr > 0 && hp) {
			size_t hl = strcspn(hp + 3, "/?#");
			bool has_port = hl && memchr(hp + 3, ':', hl) &&
					hp[3 + hl - 1] != ']'; /* not a bare [v6] */

			return pod_err_set(err, POD_E_GENERIC, (int) oserr,
					   "%s \"%s\": dial tcp %.*s%s: connect: %s",
					   go_method(q->method), url, (int) hl, hp + 3,
					   has_port ? "" : (pod_str_has_prefix(url, "https") ? ":443" : ":80"),
					   pod_strerror((int) oserr));
		}
	}
	if (rc != CURLE_OK)
		return pod_err_set(err, POD_E_GENERIC, curl_errno(rc), "%s \"%s\": %s",
				   go_method(q->method), url,
				   c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
	return 0;
}

/* learns the challenge of a 401; false when there is none we can use */
static bool
learn_challenge(struct pod_registry_client *c, const struct resp *r)
{
	struct pod_auth_challenge *chs = NULL;
	size_t n = 0, i;
	struct pod_err *e = NULL;
	bool found = false;

	if (!r->www_auth.len || pod_www_auth_parse(r->www_auth.buf, &chs, &n, &e) < 0) {
		pod_err_free(&e);
		return false;
	}
	for (i = 0; i < n && !found; i++) {
		if (STREQ(chs[i].scheme, "bearer")) {
			const char *realm = pod_auth_challenge_param(&chs[i], "realm");
			const char *service = pod_auth_challenge_param(&chs[i], "service");

			if (!realm || !(pod_str_has_prefix(realm, "https://") ||
					pod_str_has_prefix(realm, "http://")))
				continue;
			free(c->realm);
			free(c->service);
			c->realm = xstrdup(realm);
			c->service = service ? xstrdup(service) : NULL;
			c->auth = AUTH_BEARER;
			found = true;
		}
	}
	for (i = 0; i < n && !found; i++)
		if (STREQ(chs[i].scheme, "basic")) {
			c->auth = AUTH_BASIC;
			found = true;
		}
	pod_auth_challenges_free(chs, n);
	return found;
}

static int
try_ping(struct pod_registry_client *c, const char *scheme, struct pod_err **err)
{
	cleanup_free char *url = xasprintf("%s://%s/v2/", scheme, c->host);
	struct req q = { .method = "GET", .url = url };
	struct resp r;
	int ret = 0;

	resp_init(&r, ERR_BODY_MAX);
	if (perform(c, &q, url, NULL, &r, err) < 0) {
		ret = -1;
	} else if (r.status == 200 || r.status == 401) {
		free(c->scheme);
		c->scheme = xstrdup(scheme);
		if (r.status == 401)
			learn_challenge(c, &r);
	} else {
		ret = pod_err_set(err, POD_E_GENERIC, 0,
				  "invalid status code from registry %ld (%s)", r.status,
				  status_text(r.status, r.reason));
	}
	resp_release(&r);
	return ret;
}

int
pod_registry_ping(struct pod_registry_client *c, struct pod_err **err)
{
	struct pod_err *first = NULL;

	if (c->scheme)
		return 0;
	if (try_ping(c, "https", &first) == 0)
		return 0;
	if (c->insecure) {
		pod_err_free(&first);
		if (try_ping(c, "http", &first) == 0)
			return 0;
	}
	pod_err_set(err, first->kind, first->errnum, "pinging container registry %s: %s", c->domain,
		    first->msg);
	pod_err_free(&first);
	return -1;
}

static char *
basic_header(const char *creds)
{
	cleanup_free char *b = pod_img_base64_encode(creds, strlen(creds));

	return xasprintf("Authorization: Basic %s", b);
}

static void
split_creds(const char *creds, char **user)
{
	*user = xstrndup(creds, strcspn(creds, ":"));
}

/* GET realm?service=&scope=...; scopes are space-separated */
static int
fetch_token(struct pod_registry_client *c, const char *scopes, char **ret_token,
	    int64_t *ret_expires, struct pod_err **err)
{
	cleanup_free char *url = NULL, *auth = NULL, *scopes_copy = xstrdup(scopes);
	CURLU *u = curl_url();
	struct req q = { .method = "GET" };
	struct resp r;
	json_t *root = NULL, *tok, *exp;
	int ret = -1;
	char *save = NULL, *s;
	int64_t expires_in = 60;

	if (curl_url_set(u, CURLUPART_URL, c->realm, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return pod_err_set(err, POD_E_GENERIC, 0, "invalid auth realm \"%s\"", c->realm);
	}
	if (c->service) {
		cleanup_free char *p = xasprintf("service=%s", c->service);

		curl_url_set(u, CURLUPART_QUERY, p, CURLU_APPENDQUERY | CURLU_URLENCODE);
	}
	for (s = strtok_r(scopes_copy, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
		cleanup_free char *p = xasprintf("scope=%s", s);

		curl_url_set(u, CURLUPART_QUERY, p, CURLU_APPENDQUERY | CURLU_URLENCODE);
	}
	if (c->creds) {
		cleanup_free char *user = NULL, *p = NULL;

		split_creds(c->creds, &user);
		p = xasprintf("account=%s", user);
		curl_url_set(u, CURLUPART_QUERY, p, CURLU_APPENDQUERY | CURLU_URLENCODE);
		auth = basic_header(c->creds);
	}
	{
		char *tmp = NULL;

		if (curl_url_get(u, CURLUPART_URL, &tmp, 0) != CURLUE_OK) {
			curl_url_cleanup(u);
			return pod_err_set(err, POD_E_GENERIC, 0, "invalid auth realm \"%s\"",
					   c->realm);
		}
		url = xstrdup(tmp);
		curl_free(tmp);
	}
	curl_url_cleanup(u);
	q.url = url;
	resp_init(&r, TOKEN_BODY_MAX);
	if (perform(c, &q, url, auth, &r, err) < 0)
		goto out;
	if (r.status != 200) {
		err_from_resp(&r, err);
		if (r.status == 401)
			pod_err_wrap(err, "unable to retrieve auth token: invalid username/password");
		else
			pod_err_wrap(err, "requesting bearer token");
		goto out;
	}
	root = json_loadb(r.body.buf, r.body.len, JSON_REJECT_DUPLICATES, NULL);
	tok = root && json_is_object(root) ? json_object_get(root, "token") : NULL;
	if (!tok || !json_is_string(tok) || !*json_string_value(tok))
		tok = root && json_is_object(root) ? json_object_get(root, "access_token") : NULL;
	if (!tok || !json_is_string(tok) || !*json_string_value(tok) ||
	    strlen(json_string_value(tok)) > 64 * 1024) {
		pod_err_set(err, POD_E_GENERIC, 0, "requesting bearer token: no token in the response");
		goto out;
	}
	exp = json_object_get(root, "expires_in");
	if (exp && json_is_integer(exp) && json_integer_value(exp) > 60 &&
	    json_integer_value(exp) < 365LL * 86400)
		expires_in = json_integer_value(exp);
	*ret_token = xstrdup(json_string_value(tok));
	/* renew a little early so a token does not expire mid-request */
	*ret_expires = pod_mono_ns() + (expires_in - 5) * 1000000000LL;
	ret = 0;
out:
	if (root)
		json_decref(root);
	resp_release(&r);
	return ret;
}

/* the Authorization header line for scope, NULL when none applies */
static int
auth_header(struct pod_registry_client *c, const char *scope, char **ret, struct pod_err **err)
{
	size_t i;
	char *token = NULL;
	int64_t expires = 0;

	*ret = NULL;
	if (!scope)
		return 0;
	if (c->auth == AUTH_BASIC) {
		if (c->creds)
			*ret = basic_header(c->creds);
		return 0;
	}
	if (c->auth != AUTH_BEARER)
		return 0;
	for (i = 0; i < c->n_tokens; i++)
		if (STREQ(c->tokens[i].scope, scope)) {
			if (c->tokens[i].expires > pod_mono_ns()) {
				*ret = xasprintf("Authorization: Bearer %s", c->tokens[i].token);
				return 0;
			}
			drop_token(c, i);
			break;
		}
	if (fetch_token(c, scope, &token, &expires, err) < 0)
		return -1;
	if (c->n_tokens == MAX_TOKENS)
		drop_token(c, 0);
	c->tokens[c->n_tokens].scope = xstrdup(scope);
	c->tokens[c->n_tokens].token = token;
	c->tokens[c->n_tokens].expires = expires;
	c->n_tokens++;
	*ret = xasprintf("Authorization: Bearer %s", token);
	return 0;
}

static void
forget_token(struct pod_registry_client *c, const char *scope)
{
	for (size_t i = 0; i < c->n_tokens; i++)
		if (STREQ(c->tokens[i].scope, scope)) {
			drop_token(c, i);
			return;
		}
}

/* scheme://host:port of url, lower case, with the default port made explicit */
static char *
origin_of(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *ret = NULL;

	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		ret = xasprintf("%s://%s:%s", scheme, host, port);
		for (char *p = ret; *p; p++)
			*p = (char) tolower((unsigned char) *p);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ret;
}

/* location resolved against base; NULL when it is not an http(s) URL */
static char *
resolve_url(const char *base, const char *location)
{
	CURLU *u = curl_url();
	char *tmp = NULL, *ret = NULL;

	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &tmp, 0) == CURLUE_OK &&
	    (pod_str_has_prefix(tmp, "https://") || pod_str_has_prefix(tmp, "http://")))
		ret = xstrdup(tmp);
	curl_free(tmp);
	curl_url_cleanup(u);
	return ret;
}

static char *
append_query(const char *url, const char *kv)
{
	CURLU *u = curl_url();
	char *tmp = NULL, *ret = NULL;

	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_QUERY, kv, CURLU_APPENDQUERY | CURLU_URLENCODE) ==
		    CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &tmp, 0) == CURLUE_OK)
		ret = xstrdup(tmp);
	curl_free(tmp);
	curl_url_cleanup(u);
	return ret;
}

/*
 * A request with auth (one retry after a 401 that brings a challenge) and,
 * for GET/HEAD, redirects. *ret_url (may be NULL) is the final URL.
 */
static int
request(struct pod_registry_client *c, const struct req *q, struct resp *r, char **ret_url,
	struct pod_err **err)
{
	cleanup_free char *url = xstrdup(q->url), *home = NULL;
	bool same_origin = true;
	int redirects;

	if (pod_registry_ping(c, err) < 0)
		return -1;
	home = origin_of(url);
	for (redirects = 0;; redirects++) {
		int attempt;

		for (attempt = 0; attempt < 2; attempt++) {
			cleanup_free char *authz = NULL;

			if (same_origin && auth_header(c, q->scope, &authz, err) < 0)
				return -1;
			resp_reset(r);
			if (perform(c, q, url, authz, r, err) < 0)
				return -1;
			if (r->status != 401 || attempt > 0 || !same_origin || !q->scope ||
			    (q->up && q->up->sent > 0))
				break;
			/* a new or changed challenge: fetch a fresh token once */
			if (!learn_challenge(c, r) || (c->auth == AUTH_BASIC && !c->creds))
				break;
			forget_token(c, q->scope);
		}
		if (r->status >= 300 && r->status < 400 && r->status != 304 && r->location &&
		    (STREQ(q->method, "GET") || STREQ(q->method, "HEAD"))) {
			char *next = resolve_url(url, r->location);
			cleanup_free char *origin = NULL;

			if (!next)
				return pod_err_set(err, POD_E_GENERIC, 0,
						   "invalid redirect location \"%s\"", r->location);
			if (redirects >= MAX_REDIRECTS) {
				free(next);
				return pod_err_set(err, POD_E_GENERIC, 0, "%s \"%s\": stopped after %d redirects",
						   go_method(q->method), q->url, MAX_REDIRECTS);
			}
			origin = origin_of(next);
			same_origin = origin && home && STREQ(origin, home);
			free(url);
			url = next;
			continue;
		}
		break;
	}
	if (ret_url)
		*ret_url = TAKE_PTR(url);
	return 0;
}

static bool
valid_repo(const char *repo)
{
	size_t i;

	if (!repo || !*repo || repo[0] == '/' || strlen(repo) > 255 || strstr(repo, ".."))
		return false;
	for (i = 0; repo[i]; i++)
		if (!(islower((unsigned char) repo[i]) || isdigit((unsigned char) repo[i]) ||
		      strchr("._-/", repo[i])))
			return false;
	return repo[i - 1] != '/';
}

static bool
valid_ref(const char *ref)
{
	size_t i;

	if (!ref || !*ref || strlen(ref) > 200)
		return false;
	for (i = 0; ref[i]; i++)
		if (!(isalnum((unsigned char) ref[i]) || strchr("._-:+", ref[i])))
			return false;
	return true;
}

static char *
repo_url(const struct pod_registry_client *c, const char *repo, const char *kind, const char *ref)
{
	return xasprintf("%s://%s/v2/%s/%s%s%s", c->scheme, c->host, repo, kind, ref ? "/" : "",
			 ref ? ref : "");
}

static char *
pull_scope(const char *repo)
{
	return xasprintf("repository:%s:pull", repo);
}

static char *
push_scope(const char *repo)
{
	return xasprintf("repository:%s:pull,push", repo);
}

static char *
content_type_base(const char *ct)
{
	size_t n;

	if (!ct)
		return NULL;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	return n ? xstrndup(ct, n) : NULL;
}

int
pod_registry_manifest_digest(struct pod_registry_client *c, const char *repo,
			     const char *tag_or_digest, char **ret_digest, struct pod_err **err)
{
	cleanup_free char *url = NULL, *scope = NULL, *body = NULL;
	struct req q = { .method = "HEAD", .accept = POD_MANIFEST_ACCEPT };
	struct resp r;
	int ret = -1;

	if (!valid_repo(repo) || !valid_ref(tag_or_digest))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid repository or reference \"%s:%s\"",
				   repo ? repo : "", tag_or_digest ? tag_or_digest : "");
	if (pod_registry_ping(c, err) < 0)
		return -1;
	url = repo_url(c, repo, "manifests", tag_or_digest);
	scope = pull_scope(repo);
	q.url = url;
	q.scope = scope;
	resp_init(&r, POD_MANIFEST_MAX);
	if (request(c, &q, &r, NULL, err) < 0)
		goto out;
	if (r.status == 200 && r.digest && pod_digest_is_sha256(r.digest)) {
		*ret_digest = xstrdup(r.digest);
		ret = 0;
	} else if (r.status == 200) {
		/* no Docker-Content-Digest: the body tells */
		resp_release(&r);
		return pod_registry_get_manifest(c, repo, tag_or_digest, &body, NULL, NULL,
						 ret_digest, err);
	} else {
		err_from_resp(&r, err);
	}
out:
	resp_release(&r);
	if (ret < 0)
		pod_err_wrap(err, "reading manifest %s in %s/%s", tag_or_digest, c->domain, repo);
	return ret;
}

int
pod_registry_get_manifest(struct pod_registry_client *c, const char *repo,
			  const char *tag_or_digest, char **ret_body, size_t *ret_len,
			  char **ret_media_type, char **ret_digest, struct pod_err **err)
{
	cleanup_free char *url = NULL, *scope = NULL;
	char digest[POD_DIGEST_BUF];
	bool by_digest = strchr(tag_or_digest ? tag_or_digest : "", ':') != NULL;
	struct req q = { .method = "GET", .accept = POD_MANIFEST_ACCEPT };
	struct resp r;
	int ret = -1;

	if (!valid_repo(repo) || !valid_ref(tag_or_digest))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid repository or reference \"%s:%s\"",
				   repo ? repo : "", tag_or_digest ? tag_or_digest : "");
	if (by_digest && !pod_digest_is_sha256(tag_or_digest))
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported digest \"%s\"", tag_or_digest);
	if (pod_registry_ping(c, err) < 0)
		return -1;
	url = repo_url(c, repo, "manifests", tag_or_digest);
	scope = pull_scope(repo);
	q.url = url;
	q.scope = scope;
	resp_init(&r, POD_MANIFEST_MAX);
	if (request(c, &q, &r, NULL, err) < 0)
		goto out;
	if (r.status != 200) {
		err_from_resp(&r, err);
		goto out;
	}
	pod_digest_buf(r.body.buf, r.body.len, digest);
	if (by_digest && !STREQ(digest, tag_or_digest)) {
		pod_err_set(err, POD_E_GENERIC, 0,
			    "digest mismatch: manifest content hashes to %s, expected %s", digest,
			    tag_or_digest);
		goto out;
	}
	if (r.digest && pod_str_has_prefix(r.digest, "sha256:") && !STREQ(r.digest, digest)) {
		pod_err_set(err, POD_E_GENERIC, 0,
			    "digest mismatch: manifest content hashes to %s, but the registry "
			    "sent Docker-Content-Digest %s",
			    digest, r.digest);
		goto out;
	}
	if (ret_len)
		*ret_len = r.body.len;
	if (ret_media_type)
		*ret_media_type = content_type_base(r.content_type);
	if (ret_digest)
		*ret_digest = xstrdup(digest);
	*ret_body = pod_strbuf_detach(&r.body);
	ret = 0;
out:
	resp_release(&r);
	if (ret < 0)
		pod_err_wrap(err, "reading manifest %s in %s/%s", tag_or_digest, c->domain, repo);
	return ret;
}

int
pod_registry_get_blob(struct pod_registry_client *c, const char *repo, const char *digest,
		      int64_t expected_size, pod_registry_write_fn write, void *ud,
		      struct pod_err **err)
{
	cleanup_free char *url = NULL, *scope = NULL;
	char got[POD_DIGEST_BUF];
	struct req q = { .method = "GET", .long_transfer = true };
	struct resp r;
	int ret = -1;

	if (!valid_repo(repo) || !pod_digest_valid(digest))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid repository or digest \"%s@%s\"",
				   repo ? repo : "", digest ? digest : "");
	if (!pod_digest_is_sha256(digest))
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported digest algorithm in \"%s\"",
				   digest);
	if (pod_registry_ping(c, err) < 0)
		return -1;
	url = repo_url(c, repo, "blobs", digest);
	scope = pull_scope(repo);
	q.url = url;
	q.scope = scope;
	resp_init(&r, 0);
	r.sink = write;
	r.sink_ud = ud;
	r.limit = expected_size;
	r.dg = pod_digester_new();
	if (request(c, &q, &r, NULL, err) < 0) {
		if (r.too_big) {
			pod_err_free(err);
			pod_err_set(err, POD_E_GENERIC, 0,
				    "size mismatch: the blob is larger than the expected %lld bytes",
				    (long long) expected_size);
		}
		goto out;
	}
	if (r.status != 200) {
		err_from_resp(&r, err);
		goto out;
	}
	if (expected_size >= 0 && r.got != (uint64_t) expected_size) {
		pod_err_set(err, POD_E_GENERIC, 0, "size mismatch: got %llu bytes, expected %lld",
			    (unsigned long long) r.got, (long long) expected_size);
		goto out;
	}
	pod_digester_final(r.dg, got);
	if (!STREQ(got, digest)) {
		pod_err_set(err, POD_E_GENERIC, 0, "digest mismatch: blob content hashes to %s, expected %s",
			    got, digest);
		goto out;
	}
	ret = 0;
out:
	resp_release(&r);
	if (ret < 0)
		pod_err_wrap(err, "reading blob %s in %s/%s", digest, c->domain, repo);
	return ret;
}

static int
head_blob(struct pod_registry_client *c, const char *repo, const char *digest, const char *scope,
	  int64_t *ret_size, struct pod_err **err)
{
	cleanup_free char *url = repo_url(c, repo, "blobs", digest);
	struct req q = { .method = "HEAD", .url = url, .scope = scope };
	struct resp r;
	int ret;

	resp_init(&r, ERR_BODY_MAX);
	if (request(c, &q, &r, NULL, err) < 0) {
		ret = -1;
	} else if (r.status == 200) {
		if (ret_size)
			*ret_size = r.content_length;
		ret = 1;
	} else if (r.status == 404) {
		ret = 0;
	} else {
		ret = err_from_resp(&r, err);
	}
	resp_release(&r);
	return ret;
}

int
pod_registry_blob_exists(struct pod_registry_client *c, const char *repo, const char *digest,
			 int64_t *ret_size, struct pod_err **err)
{
	cleanup_free char *scope = NULL;
	int r;

	if (!valid_repo(repo) || !pod_digest_valid(digest))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid repository or digest \"%s@%s\"",
				   repo ? repo : "", digest ? digest : "");
	if (pod_registry_ping(c, err) < 0)
		return -1;
	scope = pull_scope(repo);
	r = head_blob(c, repo, digest, scope, ret_size, err);
	if (r < 0)
		pod_err_wrap(err, "checking whether blob %s exists in %s/%s", digest, c->domain, repo);
	return r;
}

/* POST an upload (or a mount); 1 mounted, 0 with *ret_location set */
static int
start_upload(struct pod_registry_client *c, const char *repo, const char *digest,
	     const char *mount_from, char **ret_location, struct pod_err **err)
{
	cleanup_free char *base = repo_url(c, repo, "blobs/uploads/", NULL), *url = NULL;
	cleanup_free char *scope = NULL, *final_url = NULL;
	struct req q = { .method = "POST" };
	struct resp r;
	int ret = -1;

	if (mount_from) {
		cleanup_free char *m = xasprintf("mount=%s", digest);
		cleanup_free char *with_mount = append_query(base, m);
		cleanup_free char *f = xasprintf("from=%s", mount_from);

		url = with_mount ? append_query(with_mount, f) : NULL;
		scope = xasprintf("repository:%s:pull,push repository:%s:pull", repo, mount_from);
	} else {
		url = xstrdup(base);
		scope = push_scope(repo);
	}
	if (!url)
		return pod_err_set(err, POD_E_GENERIC, 0, "building upload URL");
	q.url = url;
	q.scope = scope;
	resp_init(&r, ERR_BODY_MAX);
	if (request(c, &q, &r, &final_url, err) < 0)
		goto out;
	if (mount_from && r.status == 201) {
		ret = 1;
		goto out;
	}
	if (r.status != 202) {
		err_from_resp(&r, err);
		goto out;
	}
	if (!r.location) {
		pod_err_set(err, POD_E_GENERIC, 0, "upload response without a Location header");
		goto out;
	}
	*ret_location = resolve_url(final_url, r.location);
	if (!*ret_location) {
		pod_err_set(err, POD_E_GENERIC, 0, "invalid upload location \"%s\"", r.location);
		goto out;
	}
	ret = 0;
out:
	resp_release(&r);
	return ret;
}

static int
put_blob_upload(struct pod_registry_client *c, const char *repo, const char *digest,
		struct upload *up, const char *mount_from, struct pod_err **err)
{
	cleanup_free char *scope = NULL, *location = NULL, *put_url = NULL, *dq = NULL;
	cleanup_free char *loc_origin = NULL, *home = NULL;
	char sent_digest[POD_DIGEST_BUF];
	struct req q = { .method = "PUT", .content_type = "application/octet-stream",
			 .long_transfer = true };
	struct resp r;
	int ret = -1, e;

	if (!valid_repo(repo) || !pod_digest_is_sha256(digest) || up->size < 0 ||
	    (mount_from && !valid_repo(mount_from)))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid blob upload to \"%s\" of \"%s\"",
				   repo ? repo : "", digest ? digest : "");
	if (pod_registry_ping(c, err) < 0)
		return -1;
	scope = push_scope(repo);
	e = head_blob(c, repo, digest, scope, NULL, err);
	if (e != 0)
		return e;
	if (mount_from) {
		e = start_upload(c, repo, digest, mount_from, &location, err);
		if (e != 0)
			return e;
	} else if (start_upload(c, repo, digest, NULL, &location, err) < 0) {
		return -1;
	}
	dq = xasprintf("digest=%s", digest);
	put_url = append_query(location, dq);
	if (!put_url)
		return pod_err_set(err, POD_E_GENERIC, 0, "invalid upload location \"%s\"", location);
	/* an upload location elsewhere gets no credentials, as with redirects */
	loc_origin = origin_of(put_url);
	home = xasprintf("%s://%s", c->scheme, c->host);
	{
		cleanup_free char *home_origin = origin_of(home);

		q.scope = loc_origin && home_origin && STREQ(loc_origin, home_origin) ? scope : NULL;
	}
	q.url = put_url;
	q.up = up;
	up->dg = pod_digester_new();
	resp_init(&r, ERR_BODY_MAX);
	if (request(c, &q, &r, NULL, err) < 0)
		goto out;
	if (r.status != 201) {
		err_from_resp(&r, err);
		goto out;
	}
	pod_digester_final(up->dg, sent_digest);
	if (up->sent != (uint64_t) up->size || !STREQ(sent_digest, digest)) {
		pod_err_set(err, POD_E_GENERIC, 0,
			    "digest mismatch: sent %llu bytes hashing to %s, expected %lld bytes "
			    "hashing to %s",
			    (unsigned long long) up->sent, sent_digest, (long long) up->size, digest);
		goto out;
	}
	ret = 0;
out:
	up->dg = pod_digester_free(up->dg);
	resp_release(&r);
	return ret;
}

int
pod_registry_put_blob(struct pod_registry_client *c, const char *repo, const char *digest,
		      int64_t size, pod_registry_read_fn read, void *ud, const char *mount_from,
		      struct pod_err **err)
{
	struct upload up = { .read = read, .ud = ud, .size = size };
	int r = put_blob_upload(c, repo, digest, &up, mount_from, err);

	if (r < 0)
		pod_err_wrap(err, "uploading blob %s to %s/%s", digest ? digest : "", c->domain,
			     repo ? repo : "");
	return r;
}

int
pod_registry_put_blob_buf(struct pod_registry_client *c, const char *repo, const void *buf,
			  size_t len, char **ret_digest, struct pod_err **err)
{
	char digest[POD_DIGEST_BUF];
	struct upload up = { .buf = buf, .len = len, .size = (int64_t) len };
	int r;

	pod_digest_buf(buf, len, digest);
	r = put_blob_upload(c, repo, digest, &up, NULL, err);
	if (r < 0)
		return pod_err_wrap(err, "uploading blob %s to %s/%s", digest, c->domain,
				    repo ? repo : "");
	if (ret_digest)
		*ret_digest = xstrdup(digest);
	return r;
}

int
pod_registry_put_manifest(struct pod_registry_client *c, const char *repo, const char *ref,
			  const char *body, size_t len, const char *media_type, char **ret_digest,
			  struct pod_err **err)
{
	cleanup_free char *url = NULL, *scope = NULL;
	char digest[POD_DIGEST_BUF];
	struct upload up = { .buf = body, .len = len, .size = (int64_t) len };
	struct req q = { .method = "PUT", .content_type = media_type, .up = &up };
	struct resp r;
	int ret = -1;

	if (!valid_repo(repo) || !valid_ref(ref) || !media_type || strpbrk(media_type, "\r\n"))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid manifest upload to \"%s:%s\"",
				   repo ? repo : "", ref ? ref : "");
	if (len > POD_MANIFEST_MAX)
		return pod_err_set(err, POD_E_INVALID, 0, "manifest too large: %zu bytes", len);
	pod_digest_buf(body, len, digest);
	if (strchr(ref, ':') && !STREQ(ref, digest))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "digest mismatch: manifest hashes to %s, not %s", digest, ref);
	if (pod_registry_ping(c, err) < 0)
		return -1;
	url = repo_url(c, repo, "manifests", ref);
	scope = push_scope(repo);
	q.url = url;
	q.scope = scope;
	resp_init(&r, ERR_BODY_MAX);
	if (request(c, &q, &r, NULL, err) < 0)
		goto out;
	if (r.status != 201 && r.status != 200 && r.status != 202) {
		err_from_resp(&r, err);
		goto out;
	}
	if (r.digest && pod_str_has_prefix(r.digest, "sha256:") && !STREQ(r.digest, digest)) {
		pod_err_set(err, POD_E_GENERIC, 0,
			    "digest mismatch: the registry stored %s, the manifest hashes to %s",
			    r.digest, digest);
		goto out;
	}
	if (ret_digest)
		*ret_digest = xstrdup(digest);
	ret = 0;
out:
	resp_release(&r);
	if (ret < 0)
		pod_err_wrap(err, "uploading manifest %s to %s/%s", ref, c->domain, repo);
	return ret;
}

/* `<url>; rel="next"` from a Link header, NULL when there is none */
static char *
next_link(const char *link)
{
	const char *p = link;

	while (p && *p) {
		const char *lt = strchr(p, '<'), *gt, *end;

		if (!lt || !(gt = strchr(lt, '>')))
			return NULL;
		end = strchr(gt, ',');
		if (!end)
			end = gt + strlen(gt);
		{
			cleanup_free char *params = xstrndup(gt + 1, (size_t) (end - gt - 1));

			if (strstr(params, "rel=\"next\"") || strstr(params, "rel=next"))
				return xstrndup(lt + 1, (size_t) (gt - lt - 1));
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

static int
list_pages(struct pod_registry_client *c, const char *first_url, const char *scope,
	   const char *field, char ***ret, struct pod_err **err)
{
	cleanup_free char *url = xstrdup(first_url);
	cleanup_strv char **out = xcalloc(1, sizeof(char *));
	size_t count = 0;
	int page;

	for (page = 0; url; page++) {
		struct req q = { .method = "GET", .url = url, .scope = scope };
		struct resp r;
		cleanup_free char *final_url = NULL;
		json_t *root = NULL, *arr, *e;
		size_t i;
		char *next;

		if (page >= MAX_PAGES)
			return pod_err_set(err, POD_E_GENERIC, 0, "too many pages");
		resp_init(&r, LIST_BODY_MAX);
		if (request(c, &q, &r, &final_url, err) < 0) {
			resp_release(&r);
			return -1;
		}
		if (r.status != 200) {
			err_from_resp(&r, err);
			resp_release(&r);
			return -1;
		}
		root = json_loadb(r.body.buf, r.body.len, JSON_REJECT_DUPLICATES, NULL);
		arr = root && json_is_object(root) ? json_object_get(root, field) : NULL;
		if (!root || !json_is_object(root) || (arr && !json_is_null(arr) && !json_is_array(arr))) {
			if (root)
				json_decref(root);
			resp_release(&r);
			return pod_err_set(err, POD_E_GENERIC, 0, "invalid %s list from the registry",
					   field);
		}
		json_array_foreach (arr, i, e) {
			if (!json_is_string(e) || count >= MAX_LIST_ENTRIES)
				continue;
			out = pod_strv_push(out, xstrdup(json_string_value(e)));
			count++;
		}
		json_decref(root);
		next = r.link ? next_link(r.link) : NULL;
		free(url);
		url = next ? resolve_url(final_url, next) : NULL;
		free(next);
		resp_release(&r);
	}
	*ret = TAKE_PTR(out);
	return 0;
}

int
pod_registry_tags(struct pod_registry_client *c, const char *repo, char ***ret,
		  struct pod_err **err)
{
	cleanup_free char *url = NULL, *scope = NULL;

	if (!valid_repo(repo))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid repository \"%s\"", repo ? repo : "");
	if (pod_registry_ping(c, err) < 0)
		return -1;
	url = repo_url(c, repo, "tags/list", NULL);
	scope = pull_scope(repo);
	if (list_pages(c, url, scope, "tags", ret, err) < 0)
		return pod_err_wrap(err, "reading tags for %s/%s", c->domain, repo);
	return 0;
}

int
pod_registry_catalog(struct pod_registry_client *c, char ***ret, struct pod_err **err)
{
	cleanup_free char *url = NULL;

	if (pod_registry_ping(c, err) < 0)
		return -1;
	url = xasprintf("%s://%s/v2/_catalog", c->scheme, c->host);
	if (list_pages(c, url, "registry:catalog:*", "repositories", ret, err) < 0)
		return pod_err_wrap(err, "reading the catalog of %s", c->domain);
	return 0;
}

/* --- streamed uploads (push) --- */

/* the URL for a request to an upload location, and the scope it may carry */
static char *
upload_url(struct pod_registry_client *c, const char *location, const char *query,
	   const char *scope, const char **ret_scope)
{
	cleanup_free char *url = query ? append_query(location, query) : xstrdup(location);
	cleanup_free char *loc_origin = NULL, *home = NULL, *home_origin = NULL;

	if (!url)
		return NULL;
	/* an upload location elsewhere gets no credentials, as with redirects */
	loc_origin = origin_of(url);
	home = xasprintf("%s://%s", c->scheme, c->host);
	home_origin = origin_of(home);
	*ret_scope = loc_origin && home_origin && STREQ(loc_origin, home_origin) ? scope : NULL;
	return TAKE_PTR(url);
}

int
pod_registry_put_blob_stream(struct pod_registry_client *c, const char *repo,
			     pod_registry_read_fn read, void *ud, char ret_digest[POD_DIGEST_BUF],
			     int64_t *ret_size, struct pod_err **err)
{
	cleanup_free char *scope = NULL, *location = NULL, *url = NULL, *final_url = NULL;
	cleanup_free char *dq = NULL, *next = NULL;
	struct upload up = { .read = read, .ud = ud, .size = -1 };
	struct upload empty = { .buf = "", .len = 0, .size = 0 };
	struct req q = { .method = "PATCH", .content_type = "application/octet-stream",
			 .long_transfer = true };
	char digest[POD_DIGEST_BUF];
	struct resp r;
	int ret = -1;

	if (!valid_repo(repo))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid repository \"%s\"",
				   repo ? repo : "");
	if (pod_registry_ping(c, err) < 0)
		return -1;
	scope = push_scope(repo);
	if (start_upload(c, repo, NULL, NULL, &location, err) < 0)
		goto wrap;
	url = upload_url(c, location, NULL, scope, &q.scope);
	if (!url) {
		pod_err_set(err, POD_E_GENERIC, 0, "invalid upload location \"%s\"", location);
		goto wrap;
	}
	q.url = url;
	q.up = &up;
	up.dg = pod_digester_new();
	resp_init(&r, ERR_BODY_MAX);
	if (request(c, &q, &r, &final_url, err) < 0)
		goto out;
	if (r.status != 202 && r.status != 204) {
		err_from_resp(&r, err);
		goto out;
	}
	pod_digester_final(up.dg, digest);
	/* the registry may move the upload; without a Location it stays */
	free(location);
	location = r.location ? resolve_url(final_url, r.location) : xstrdup(final_url);
	if (!location) {
		pod_err_set(err, POD_E_GENERIC, 0, "invalid upload location \"%s\"", r.location);
		goto out;
	}
	dq = xasprintf("digest=%s", digest);
	free(url);
	url = upload_url(c, location, dq, scope, &q.scope);
	if (!url) {
		pod_err_set(err, POD_E_GENERIC, 0, "invalid upload location \"%s\"", location);
		goto out;
	}
	q.method = "PUT";
	q.url = url;
	q.up = &empty;
	resp_release(&r);
	resp_init(&r, ERR_BODY_MAX);
	if (request(c, &q, &r, NULL, err) < 0)
		goto out;
	if (r.status != 201) {
		err_from_resp(&r, err);
		goto out;
	}
	if (r.digest && pod_str_has_prefix(r.digest, "sha256:") && !STREQ(r.digest, digest)) {
		pod_err_set(err, POD_E_GENERIC, 0,
			    "digest mismatch: the registry stored %s, we sent %s", r.digest, digest);
		goto out;
	}
	memcpy(ret_digest, digest, POD_DIGEST_BUF);
	*ret_size = (int64_t) up.sent;
	ret = 0;
out:
	up.dg = pod_digester_free(up.dg);
	resp_release(&r);
wrap:
	if (ret < 0)
		pod_err_wrap(err, "uploading a blob to %s/%s", c->domain, repo);
	return ret;
}

int
pod_registry_mount_blob(struct pod_registry_client *c, const char *repo, const char *digest,
			const char *from, struct pod_err **err)
{
	cleanup_free char *location = NULL;
	int r;

	if (!valid_repo(repo) || !valid_repo(from) || !pod_digest_is_sha256(digest))
		return pod_err_set(err, POD_E_INVALID, 0, "invalid blob mount of \"%s\" from \"%s\"",
				   digest ? digest : "", from ? from : "");
	if (pod_registry_ping(c, err) < 0)
		return -1;
	r = start_upload(c, repo, digest, from, &location, err);
	if (r < 0)
		return pod_err_wrap(err, "mounting blob %s from %s/%s", digest, c->domain, from);
	/* 202: the registry opened an upload instead; it expires unused */
	return r;
}

int
pod_registry_check_login(struct pod_registry_client *c, struct pod_err **err)
{
	cleanup_free char *url = NULL;
	struct req q = { .method = "GET", .scope = "" };
	struct resp r;
	int ret = -1;

	if (pod_registry_ping(c, err) < 0)
		return -1;
	url = xasprintf("%s://%s/v2/", c->scheme, c->host);
	q.url = url;
	resp_init(&r, ERR_BODY_MAX);
	if (request(c, &q, &r, NULL, err) < 0)
		goto out;
	if (r.status != 200) {
		if (r.status == 401)
			pod_err_set(err, POD_E_GENERIC, 0, "invalid username/password");
		else
			err_from_resp(&r, err);
		goto out;
	}
	ret = 0;
out:
	resp_release(&r);
	return ret;
}

int
pod_registry_v1_search(struct pod_registry_client *c, const char *term, int64_t limit,
		       char **ret_body, size_t *ret_len, struct pod_err **err)
{
	cleanup_free char *base = NULL, *q = NULL, *n = NULL, *with_q = NULL, *url = NULL;
	struct req r_q = { .method = "GET", .accept = "application/json" };
	struct resp r;
	int ret = -1;

	*ret_body = NULL;
	if (pod_registry_ping(c, err) < 0)
		return -1;
	/* Docker Hub answers searches on the index, not on the registry host */
	if (STREQ(c->host, "registry-1.docker.io"))
		base = xstrdup("https://index.docker.io/v1/search");
	else
		base = xasprintf("%s://%s/v1/search", c->scheme, c->host);
	q = xasprintf("q=%s", term);
	n = xasprintf("n=%lld", (long long) (limit > 0 ? limit : 25));
	with_q = append_query(base, q);
	url = with_q ? append_query(with_q, n) : NULL;
	if (!url)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid search term \"%s\"", term);
	r_q.url = url;
	resp_init(&r, LIST_BODY_MAX);
	if (request(c, &r_q, &r, NULL, err) < 0)
		goto out;
	/* no v1 search here (404, 401, ...): the caller falls back to the catalog */
	if (r.status == 200) {
		*ret_len = r.body.len;
		*ret_body = pod_strbuf_detach(&r.body);
	}
	ret = 0;
out:
	resp_release(&r);
	return ret;
}
