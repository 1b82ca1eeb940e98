/*
 * reference.c - Docker image references.
 *
 * The regular grammar of distribution/reference is matched by hand: the
 * string splits unambiguously at the first '@' (digest), then at a last ':'
 * that has no '/' after it (tag), then at the first '/' when what precedes
 * it is a domain.
 */
#include "image/reference.h"
#include "image/internal.h"

#include <ctype.h>

#define TAG_MAX 128

static bool
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum(char c)
{
	return isalnum((unsigned char) c) != 0;
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* over s[0..n) */
static bool
match_path_component(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]))
		return false;
	while (i < n) {
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i == n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool
match_path(const char *s, size_t n)
{
	size_t start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (!match_path_component(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

/* dcomp(\.dcomp)*(:[0-9]+)?  with dcomp = [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])? */
static bool
match_domain(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t host = colon ? (size_t) (colon - s) : n, i, start = 0;

	if (colon) {
		if (colon + 1 == s + n)
			return false;
		for (i = host + 1; i < n; i++)
			if (!isdigit((unsigned char) s[i]))
				return false;
	}
	for (i = 0; i <= host; i++) {
		if (i == host || s[i] == '.') {
			size_t len = i - start;

			if (len == 0 || !is_alnum(s[start]) || !is_alnum(s[i - 1]))
				return false;
			start = i + 1;
		} else if (!is_alnum(s[i]) && s[i] != '-') {
			return false;
		}
	}
	return true;
}

static bool
match_tag(const char *s)
{
	size_t i;

	if (!*s || !(is_alnum(s[0]) || s[0] == '_'))
		return false;
	for (i = 1; s[i]; i++)
		if (!(is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return i <= TAG_MAX;
}

/* [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,} */
static bool
match_digest(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t i, n;

	if (!colon)
		return false;
	n = (size_t) (colon - s);
	for (i = 0; i < n; i++) {
		if (!isalpha((unsigned char) s[i]))
			return false;
		i++;
		while (i < n && is_alnum(s[i]))
			i++;
		if (i < n && !strchr("-_+.", s[i]))
			return false;
		if (i + 1 == n)
			return false;
	}
	if (n == 0)
		return false;
	for (i = 1; colon[i]; i++)
		if (!isxdigit((unsigned char) colon[i]))
			return false;
	return i - 1 >= 32;
}

/*
 * Docker's splitDockerDomain test: the part before the first '/' is a
 * domain when it has '.' or ':', is "localhost", or has upper case.
 */
static bool
looks_like_domain(const char *s, size_t n)
{
	size_t i;

	if (n == 9 && memcmp(s, "localhost", 9) == 0)
		return true;
	for (i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == ':' || isupper((unsigned char) s[i]))
			return true;
	return false;
}

struct split {
	const char *domain, *path, *tag, *digest;
	size_t domain_len, path_len;
};

/* splits s (not copying) and checks the grammar; false when it does not match */
static bool
split_and_match(const char *s, struct split *sp)
{
	const char *at = strchr(s, '@'), *end, *colon, *slash;

	memset(sp, 0, sizeof(*sp));
	end = at ? at : s + strlen(s);
	if (at) {
		if (strchr(at + 1, '@') || !match_digest(at + 1))
			return false;
		sp->digest = at + 1;
	}
	colon = memrchr(s, ':', (size_t) (end - s));
	if (colon && !memchr(colon, '/', (size_t) (end - colon))) {
		sp->tag = colon + 1;
		/* the tag ends where the digest begins */
		if ((size_t) (end - sp->tag) > TAG_MAX || end == sp->tag)
			return false;
		{
			char buf[TAG_MAX + 1];

			memcpy(buf, sp->tag, (size_t) (end - sp->tag));
			buf[end - sp->tag] = '\0';
			if (!match_tag(buf))
				return false;
		}
		end = colon;
	}
	slash = memchr(s, '/', (size_t) (end - s));
	if (slash && looks_like_domain(s, (size_t) (slash - s))) {
		sp->domain = s;
		sp->domain_len = (size_t) (slash - s);
		if (!match_domain(sp->domain, sp->domain_len))
			return false;
		sp->path = slash + 1;
	} else {
		sp->path = s;
	}
	sp->path_len = (size_t) (end - sp->path);
	return match_path(sp->path, sp->path_len);
}

static char *
lower_dup(const char *s)
{
	char *r = xstrdup(s), *p;

	for (p = r; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	return r;
}

static int
err_lowercase(struct pod_err **err)
{
	return pod_err_set(err, POD_E_INVALID, 0,
			   "invalid reference format: repository name must be lowercase");
}

static int
check_digest(const char *d, struct pod_err **err)
{
	const char *colon = strchr(d, ':');
	size_t want, i;

	if ((size_t) (colon - d) == 6 && memcmp(d, "sha256", 6) == 0)
		want = 64;
	else if ((size_t) (colon - d) == 6 && memcmp(d, "sha512", 6) == 0)
		want = 128;
	else
		return pod_err_set(err, POD_E_INVALID, 0, "unsupported digest algorithm");
	if (strlen(colon + 1) != want)
		return pod_err_set(err, POD_E_INVALID, 0, "invalid checksum digest length");
	for (i = 1; colon[i]; i++)
		if (isupper((unsigned char) colon[i]))
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid checksum digest format");
	return 0;
}

static int
parse_split(const char *s, struct pod_ref *ret, struct pod_err **err)
{
	struct split sp;

	if (!*s)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "repository name must have at least one component");
	if (!split_and_match(s, &sp)) {
		cleanup_free char *low = lower_dup(s);
		struct split sl;

		if (split_and_match(low, &sl))
			return err_lowercase(err);
		return pod_err_set(err, POD_E_INVALID, 0, "invalid reference format");
	}
	if (sp.domain_len + (sp.domain ? 1 : 0) + sp.path_len > POD_REF_NAME_MAX)
		return pod_err_set(err, POD_E_INVALID, 0,
				   "repository name must not be more than %d characters",
				   POD_REF_NAME_MAX);
	if (sp.digest && check_digest(sp.digest, err) < 0)
		return -1;
	memset(ret, 0, sizeof(*ret));
	if (sp.domain)
		ret->domain = xstrndup(sp.domain, sp.domain_len);
	ret->path = xstrndup(sp.path, sp.path_len);
	if (sp.tag)
		ret->tag = xstrndup(sp.tag, strcspn(sp.tag, "@"));
	if (sp.digest)
		ret->digest = xstrdup(sp.digest);
	return 0;
}

void
pod_ref_release(struct pod_ref *r)
{
	if (!r)
		return;
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

void
pod_ref_copy(struct pod_ref *dst, const struct pod_ref *src)
{
	dst->domain = src->domain ? xstrdup(src->domain) : NULL;
	dst->path = src->path ? xstrdup(src->path) : NULL;
	dst->tag = src->tag ? xstrdup(src->tag) : NULL;
	dst->digest = src->digest ? xstrdup(src->digest) : NULL;
}

int
pod_ref_parse(const char *s, struct pod_ref *ret, struct pod_err **err)
{
	return parse_split(s, ret, err);
}

static bool
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 64;
}

int
pod_ref_parse_normalized(const char *s, struct pod_ref *ret, struct pod_err **err)
{
	const char *slash = strchr(s, '/'), *remainder = s;
	size_t n;
	struct pod_ref r = { 0 };

	if (is_hex64(s))
		return pod_err_set(err, POD_E_INVALID, 0,
				   "invalid repository name (%s), cannot specify 64-byte "
				   "hexadecimal strings",
				   s);
	if (slash && looks_like_domain(s, (size_t) (slash - s)))
		remainder = slash + 1;
	/* the name before any ':' must be lower case (Docker checks this first) */
	n = strcspn(remainder, ":");
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char) remainder[i]))
			return err_lowercase(err);
	if (parse_split(s, &r, err) < 0)
		return -1;
	if (!r.domain || STREQ(r.domain, "index.docker.io")) {
		free(r.domain);
		r.domain = xstrdup(POD_REF_DEFAULT_DOMAIN);
	}
	if (STREQ(r.domain, POD_REF_DEFAULT_DOMAIN) && !strchr(r.path, '/')) {
		char *p = xasprintf("library/%s", r.path);

		free(r.path);
		r.path = p;
	}
	if (strlen(r.domain) + 1 + strlen(r.path) > POD_REF_NAME_MAX) {
		pod_ref_release(&r);
		return pod_err_set(err, POD_E_INVALID, 0,
				   "repository name must not be more than %d characters",
				   POD_REF_NAME_MAX);
	}
	if (!r.tag && !r.digest)
		r.tag = xstrdup("latest");
	*ret = r;
	return 0;
}

char *
pod_ref_name(const struct pod_ref *r)
{
	if (r->domain)
		return xasprintf("%s/%s", r->domain, r->path);
	return xstrdup(r->path);
}

char *
pod_ref_string(const struct pod_ref *r)
{
	cleanup_free char *name = pod_ref_name(r);

	return xasprintf("%s%s%s%s%s", name, r->tag ? ":" : "", r->tag ? r->tag : "",
			 r->digest ? "@" : "", r->digest ? r->digest : "");
}

char *
pod_ref_familiar(const struct pod_ref *r)
{
	struct pod_ref f = *r;

	if (r->domain && STREQ(r->domain, POD_REF_DEFAULT_DOMAIN)) {
		f.domain = NULL;
		if (pod_str_has_prefix(r->path, "library/") && !strchr(r->path + 8, '/'))
			f.path = r->path + 8;
	}
	return pod_ref_string(&f);
}

bool
pod_ref_is_short_name(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t n, i;

	if (!slash)
		return true;
	n = (size_t) (slash - s);
	if (n == 9 && memcmp(s, "localhost", 9) == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == ':')
			return false;
	return true;
}

bool
pod_ref_looks_like_id(const char *s)
{
	size_t i;

	if (pod_str_has_prefix(s, "sha256:"))
		s += 7;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i >= 3 && i <= 64;
}

static char *
with_user_tag(const struct pod_ref *base, const struct pod_ref *user)
{
	struct pod_ref r = *base;

	r.tag = user->tag;
	r.digest = user->digest;
	if (!r.tag && !r.digest)
		r.tag = "latest";
	return pod_ref_string(&r);
}

int
pod_ref_candidates(const char *name, char *const *search_registries, json_t *aliases,
		   char ***ret, struct pod_err **err)
{
	cleanup_(pod_ref_release) struct pod_ref user = { 0 };
	cleanup_strv char **out = xcalloc(1, sizeof(char *));
	json_t *alias;
	size_t i;

	if (!pod_ref_is_short_name(name)) {
		cleanup_(pod_ref_release) struct pod_ref r = { 0 };

		if (pod_ref_parse_normalized(name, &r, err) < 0)
			return -1;
		out = pod_strv_push(out, pod_ref_string(&r));
		*ret = TAKE_PTR(out);
		return 1;
	}
	if (is_hex64(name))
		return pod_ref_parse_normalized(name, &user, err);
	if (pod_ref_parse(name, &user, err) < 0)
		return -1;
	if (user.domain) {
		/* "Foo/bar": Docker takes an upper-case first part for a domain */
		return err_lowercase(err);
	}
	alias = aliases && json_is_object(aliases) ? json_object_get(aliases, user.path) : NULL;
	if (alias) {
		cleanup_(pod_ref_release) struct pod_ref a = { 0 };
		const char *v = json_string_value(alias);

		if (!v || pod_ref_parse(v, &a, err) < 0)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid alias for short name \"%s\"", user.path);
		if (!a.domain || a.tag || a.digest)
			return pod_err_set(err, POD_E_INVALID, 0,
					   "invalid alias \"%s\" for short name \"%s\": "
					   "must be a fully-qualified name without tag or digest",
					   v, user.path);
		out = pod_strv_push(out, with_user_tag(&a, &user));
		*ret = TAKE_PTR(out);
		return 1;
	}
	for (i = 0; search_registries && search_registries[i]; i++) {
		cleanup_(pod_ref_release) struct pod_ref r = { 0 };
		cleanup_free char *full = xasprintf("%s/%s", search_registries[i], name);

		if (pod_ref_parse_normalized(full, &r, err) < 0)
			return pod_err_wrap(err, "creating reference with unqualified-search "
						 "registry \"%s\"",
					    search_registries[i]);
		out = pod_strv_push(out, pod_ref_string(&r));
	}
	*ret = TAKE_PTR(out);
	return (int) i;
}
