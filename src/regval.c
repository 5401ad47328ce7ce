/* Raw registry values: construction, comparison, decoding for display. */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "regval.h"
#include "tlshive.h"

void
regval_free(struct regval *v)
{
	free(v->data);
	v->data = NULL;
	v->len = 0;
}

void
regval_copy(struct regval *dst, const struct regval *src)
{
	dst->type = src->type;
	dst->len = src->len;
	dst->data = xmalloc(src->len);
	memcpy(dst->data, src->data, src->len);
}

void
regval_dword(struct regval *v, uint32_t d)
{
	v->type = REGT_DWORD;
	v->len = 4;
	v->data = xmalloc(4);
	v->data[0] = d & 0xff;
	v->data[1] = (d >> 8) & 0xff;
	v->data[2] = (d >> 16) & 0xff;
	v->data[3] = (d >> 24) & 0xff;
}

/*
 * The conversion descriptors, opened once per thread and kept: iconv_open
 * loads glibc's conversion modules and maps its module cache on first
 * use, which a contained worker under --memory-limit may no longer do
 * (regval_init opens them before it starts), and the lazy reader compares
 * thousands of UTF-16 names.  A descriptor is not shared between threads.
 */
#define NCONV 8
static __thread struct conv {
	const char *to, *from;
	iconv_t cd;
} convs[NCONV];

/*
 * A thread's descriptors are closed when it ends: the commit streams two
 * hives on two threads (commit_hives), and what a thread opened is
 * reachable from it alone.  The key's value only marks a thread that
 * holds some; main's stay until the process ends.
 */
static pthread_key_t conv_key;
static pthread_once_t conv_once = PTHREAD_ONCE_INIT;

static void
conv_close(void *unused)
{
	(void)unused;
	for (size_t i = 0; i < NCONV; i++)
		if (convs[i].to != NULL) {
			iconv_close(convs[i].cd);
			convs[i].to = convs[i].from = NULL;
		}
}

static void
conv_key_make(void)
{
	(void)pthread_key_create(&conv_key, conv_close);
}

static iconv_t
conv_get(const char *to, const char *from, int *cached)
{
	struct conv *free_slot = NULL;

	for (size_t i = 0; i < NCONV; i++) {
		struct conv *c = &convs[i];
		if (c->to == NULL) {
			if (free_slot == NULL)
				free_slot = c;
			continue;
		}
		if (strcmp(c->to, to) == 0 && strcmp(c->from, from) == 0) {
			/* back to the initial shift state */
			iconv(c->cd, NULL, NULL, NULL, NULL);
			*cached = 1;
			return c->cd;
		}
	}
	*cached = 0;
	{
		iconv_t cd = iconv_open(to, from);
		if (cd != (iconv_t)-1 && free_slot != NULL) {
			free_slot->to = to;
			free_slot->from = from;
			free_slot->cd = cd;
			*cached = 1;
			pthread_once(&conv_once, conv_key_make);
			(void)pthread_setspecific(conv_key, convs);
		}
		return cd;
	}
}

void
regval_init(void)
{
	static const char *const pairs[][2] = {
		{ "UTF-8", "UTF-16LE" }, { "UTF-16LE", "UTF-8" },
		{ "UTF-8", "WINDOWS-1252" }, { "UTF-16LE", "WINDOWS-1252" },
		{ "WINDOWS-1252", "UTF-16LE" },
	};
	int cached;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		iconv_t cd = conv_get(pairs[i][0], pairs[i][1], &cached);
		if (cd != (iconv_t)-1 && !cached)
			iconv_close(cd);
	}
}

char *
regval_recode(const char *to, const char *from, const char *in, size_t inlen,
    size_t *outlen)
{
	int cached;
	iconv_t cd = conv_get(to, from, &cached);
	size_t cap = inlen * 4 + 8, left = cap;
	char *out, *op, *ip = (char *)in;

	if (cd == (iconv_t)-1)
		return NULL;
	out = op = xmalloc(cap);
	if (iconv(cd, &ip, &inlen, &op, &left) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &op, &left) == (size_t)-1) {
		if (!cached)
			iconv_close(cd);
		free(out);
		return NULL;
	}
	if (!cached)
		iconv_close(cd);
	*outlen = cap - left;
	out = xrealloc(out, *outlen + 1);
	out[*outlen] = '\0';
	return out;
}

static int
append_utf16(struct regval *v, const char *utf8)
{
	size_t n;
	char *u = regval_recode("UTF-16LE", "UTF-8", utf8, strlen(utf8), &n);

	if (u == NULL) {
		tlsh_seterr("\"%s\": not valid UTF-8", utf8);
		return -1;
	}
	v->data = xrealloc(v->data, v->len + n + 2);
	memcpy(v->data + v->len, u, n);
	v->data[v->len + n] = v->data[v->len + n + 1] = 0;
	v->len += n + 2;
	free(u);
	return 0;
}

int
regval_sz(struct regval *v, const char *utf8)
{
	v->type = REGT_SZ;
	v->len = 0;
	v->data = NULL;
	if (append_utf16(v, utf8) == -1) {
		regval_free(v);
		return -1;
	}
	return 0;
}

int
regval_multi_sz(struct regval *v, char *const *utf8, size_t n)
{
	v->type = REGT_MULTI_SZ;
	v->len = 0;
	v->data = NULL;
	for (size_t i = 0; i < n; i++)
		if (append_utf16(v, utf8[i]) == -1) {
			regval_free(v);
			return -1;
		}
	if (append_utf16(v, "") == -1)
		return -1;
	return 0;
}

int
regval_equal(const struct regval *a, const struct regval *b)
{
	return a->type == b->type && a->len == b->len &&
	    (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int
regval_get_dword(const struct regval *v, uint32_t *d)
{
	if (v->type != REGT_DWORD || v->len != 4)
		return 0;
	*d = (uint32_t)v->data[0] | (uint32_t)v->data[1] << 8 |
	    (uint32_t)v->data[2] << 16 | (uint32_t)v->data[3] << 24;
	return 1;
}

/* Length in bytes of the UTF-16LE string at p (up to NUL or end). */
static size_t
u16len(const unsigned char *p, size_t max)
{
	size_t i;

	for (i = 0; i + 1 < max; i += 2)
		if (p[i] == 0 && p[i + 1] == 0)
			break;
	return i > max ? max : i;
}

static char *
utf16_to_utf8(const unsigned char *p, size_t len)
{
	size_t n;
	char *s = regval_recode("UTF-8", "UTF-16LE", (const char *)p, len & ~1u, &n);

	if (s == NULL)
		return NULL;
	s = xrealloc(s, n + 1);
	s[n] = '\0';
	return s;
}

char *
regval_get_sz(const struct regval *v)
{
	if (v->type != REGT_SZ && v->type != REGT_EXPAND_SZ)
		return NULL;
	return utf16_to_utf8(v->data, u16len(v->data, v->len));
}

char **
regval_get_multi_sz(const struct regval *v, size_t *n)
{
	char **out = NULL;
	size_t off = 0;

	*n = 0;
	if (v->type != REGT_MULTI_SZ)
		return NULL;
	while (off + 1 < v->len) {
		size_t l = u16len(v->data + off, v->len - off);
		char *s;

		if (l == 0)
			break;
		if ((s = utf16_to_utf8(v->data + off, l)) == NULL) {
			strv_free(out, *n);
			*n = 0;
			return NULL;
		}
		out = xrealloc(out, (*n + 2) * sizeof(*out));
		out[(*n)++] = s;
		out[*n] = NULL;
		off += l + 2;
	}
	if (out == NULL)
		out = xcalloc(1, sizeof(*out));
	return out;
}

void
strv_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *
regval_type_name(uint32_t type)
{
	switch (type) {
	case REGT_NONE: return "REG_NONE";
	case REGT_SZ: return "REG_SZ";
	case REGT_EXPAND_SZ: return "REG_EXPAND_SZ";
	case REGT_BINARY: return "REG_BINARY";
	case REGT_DWORD: return "REG_DWORD";
	case REGT_DWORD_BE: return "REG_DWORD_BIG_ENDIAN";
	case REGT_LINK: return "REG_LINK";
	case REGT_MULTI_SZ: return "REG_MULTI_SZ";
	case REGT_QWORD: return "REG_QWORD";
	default: return "REG_UNKNOWN";
	}
}

char *
regval_format(const struct regval *v)
{
	struct strbuf sb = { 0 };
	uint32_t d;
	char *s, **m;
	size_t n;

	if (regval_get_dword(v, &d))
		return xasprintf("0x%08x (%u)", d, d);
	if ((s = regval_get_sz(v)) != NULL) {
		sb_add(&sb, "%s\"%s\"", v->type == REGT_SZ ? "" :
		    "REG_EXPAND_SZ ", s);
		free(s);
		return sb_take(&sb);
	}
	if ((m = regval_get_multi_sz(v, &n)) != NULL) {
		sb_add(&sb, "[");
		for (size_t i = 0; i < n; i++)
			sb_add(&sb, "%s\"%s\"", i ? ", " : "", m[i]);
		sb_add(&sb, "]");
		strv_free(m, n);
		return sb_take(&sb);
	}
	sb_add(&sb, "%s hex:", regval_type_name(v->type));
	for (size_t i = 0; i < v->len && i < 32; i++)
		sb_add(&sb, "%s%02x", i ? "," : "", v->data[i]);
	if (v->len > 32)
		sb_add(&sb, ",... (%zu bytes)", v->len);
	return sb_take(&sb);
}
