/* The files an image's header names besides itself: pread only, all bounded. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#include <sys/ioctl.h>
#endif

#include "io/imghdr.h"
#include "le.h"
#include "tlshive.h"

/*
 * A descriptor, a name, a locator: none is anywhere near this.  qemu reads
 * a VMDK descriptor of at most 1 MiB - 1 bytes (block/vmdk.c,
 * vmdk_read_desc), and MS-VHDX 2.6.1.2 caps a metadata item at 1 MiB.
 */
#define CAP (1u << 20)

struct hdr {
	int fd;
	const char *shown;
	const char *base;	/* shown's last component */
	uint64_t size;
	struct imgrefs *out;
	size_t seen;		/* references found, a repeat counted too */
};

/*
 * n bytes at off, all inside the file: a header whose field points past
 * the end is damaged, and says so in its own words ("where: what runs
 * past the end of the file").
 */
static int
get(struct hdr *h, void *buf, size_t n, uint64_t off, const char *where,
    const char *what)
{
	size_t done = 0;

	if (off > h->size || n > h->size - off) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: %s: %s runs past the end of the file",
		    h->shown, where, what);
		return -1;
	}
	while (done < n) {
		ssize_t r = pread(h->fd, (char *)buf + done, n - done,
		    (off_t)(off + done));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			tlsh_seterr("%s: %s", h->shown, strerror(errno));
			return -1;
		}
		if (r == 0) {		/* the file shrank under us */
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: %s: %s runs past the end of the "
			    "file", h->shown, where, what);
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

/*
 * Up to n bytes at off, the rest zero: what qemu's block layer hands its
 * drivers for a read past the end of the file.
 */
static int
get_zeroed(struct hdr *h, void *buf, size_t n, uint64_t off,
    const char *where, const char *what)
{
	size_t have = off >= h->size ? 0 :
	    h->size - off < n ? (size_t)(h->size - off) : n;

	memset(buf, 0, n);
	return have ? get(h, buf, have, off, where, what) : 0;
}

/* The length of a well-formed UTF-8 sequence at p (RFC 3629), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

/*
 * A name from the header, printable: control characters, NULs and bytes
 * that are not UTF-8 become \xNN, and *clean says whether any did.
 */
static char *
render(const unsigned char *s, size_t n, int *clean)
{
	char *out = xmalloc(4 * n + 1), *o = out;
	size_t i = 0, k;

	*clean = 1;
	while (i < n) {
		if (s[i] < 0x20 || s[i] == 0x7f ||
		    (k = utf8_len(s + i, n - i)) == 0) {
			o += sprintf(o, "\\x%02x", s[i++]);
			*clean = 0;
			continue;
		}
		memcpy(o, s + i, k);
		o += k;
		i += k;
	}
	*o = '\0';
	return out;
}

/*
 * UTF-16 (VHD's parent name is big-endian, its W2ru and W2ku locators and
 * VHDX's key/value pairs little-endian) as UTF-8, trailing NULs dropped.
 * A control character or an unpaired surrogate is written as the \xNN of
 * its two bytes, and *clean is then 0.
 */
static char *
render16(const unsigned char *p, size_t n, int be, int *clean)
{
	size_t units = n / 2, i = 0;
	char *out = xmalloc(4 * n + 1), *o = out;

	*clean = (n % 2) == 0;
	while (units > 0 && p[2 * units - 2] == 0 && p[2 * units - 1] == 0)
		units--;
	while (i < units) {
		uint32_t c = be ? get_be16(p + 2 * i) : get_le16(p + 2 * i);

		i++;
		if (c >= 0xd800 && c <= 0xdbff && i < units) {
			uint32_t lo = be ? get_be16(p + 2 * i) :
			    get_le16(p + 2 * i);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
				i++;
			}
		}
		if (c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff)) {
			o += sprintf(o, "\\x%02x\\x%02x", c >> 8, c & 0xff);
			*clean = 0;
		} else if (c < 0x80) {
			*o++ = (char)c;
		} else if (c < 0x800) {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (char)(0xe0 | c >> 12);
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (char)(0xf0 | c >> 18);
			*o++ = (char)(0x80 | (c >> 12 & 0x3f));
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	return out;
}

/*
 * A plain local file name.  qemu takes a name with a ':' before its first
 * '/' for a protocol ("nbd:", "http:", "file:", "json:"; util/cutils.c,
 * path_has_protocol), and a Windows drive "C:" is no file here either.
 */
static int
is_local(const char *name, int clean)
{
	return clean && name[0] != '\0' && name[strcspn(name, ":/")] != ':';
}

/* Takes name (and format); a reference listed already is listed once. */
static void
add(struct hdr *h, const char *what, char *name, int clean, char *format)
{
	struct imgrefs *o = h->out;
	struct imgref *r;

	h->seen++;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].what, what) == 0 &&
		    strcmp(o->v[i].name, name) == 0 &&
		    (o->v[i].format == NULL) == (format == NULL) &&
		    (format == NULL || strcmp(o->v[i].format, format) == 0)) {
			free(name);
			free(format);
			return;
		}
	o->v = xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
	r = &o->v[o->n++];
	r->what = what;
	r->name = name;
	r->format = format;
	r->local = is_local(name, clean);
}

static void
add_bytes(struct hdr *h, const char *what, const void *s, size_t n)
{
	int clean;
	char *name = render(s, n, &clean);

	add(h, what, name, clean, NULL);
}

/* ---- qcow2: docs/interop/qcow2.txt in qemu's tree ---- */

#define QCOW2_EXT_END 0x00000000u
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_DATA_FILE 0x44415441u
#define QCOW2_INCOMPAT_DATA_FILE (UINT64_C(1) << 2)

#define QCOW2_INCOMPAT_EXTL2 (UINT64_C(1) << 4)
#define QCOW2_OFFSET_MASK UINT64_C(0x00fffffffffffe00)
#define QCOW2_COMPRESSED (UINT64_C(1) << 62)

/*
 * Every cluster the active tables place, inside the file.  A qcow2 cut
 * short (a copy that stopped, a full disk) opens in qemu, which reads the
 * missing clusters as zeros: the guest's NTFS or its hives would look
 * damaged instead of the image.  Snapshots' tables are not walked.
 */
static int
qcow2_extent(struct hdr *h, const unsigned char *b, uint32_t cbits,
    uint64_t incompat)
{
	uint64_t csize = UINT64_C(1) << cbits, l1off = get_be64(b + 40);
	uint64_t rtoff = get_be64(b + 48), far = 0, at = 0, what = 0;
	uint32_t l1n = get_be32(b + 36), rtc = get_be32(b + 56);
	size_t esz = incompat & QCOW2_INCOMPAT_EXTL2 ? 16 : 8;
	unsigned char *l1 = NULL, *l2 = NULL;
	int rc = -1;
	static const char *const whats[] = { "", "its L1 table",
	    "its refcount table", "an L2 table", "a data cluster" };

#define REACH(o, len, w) do { \
	if ((len) > 0 && ((o) > UINT64_MAX - (len) || (o) + (len) > far)) { \
		far = (o) > UINT64_MAX - (len) ? UINT64_MAX : (o) + (len); \
		at = (o); \
		what = (w); \
	} \
} while (0)
	/* qemu's own limit: an L1 table of at most 32 MiB */
	if (l1n > (32u << 20) / 8) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: qcow2 header: an L1 table of %u entries",
		    h->shown, l1n);
		return -1;
	}
	REACH(l1off, (uint64_t)l1n * 8, 1);
	REACH(rtoff, (uint64_t)rtc << cbits, 2);
	if (far > h->size)
		goto truncated;
	l1 = xmalloc(l1n ? (size_t)l1n * 8 : 1);
	l2 = xmalloc((size_t)csize);
	if (l1n && get(h, l1, (size_t)l1n * 8, l1off, "qcow2", "the L1 "
	    "table") == -1)
		goto out;
	for (uint32_t i = 0; i < l1n; i++) {
		uint64_t l2off = get_be64(l1 + 8 * i) & QCOW2_OFFSET_MASK;

		if (l2off == 0)
			continue;
		REACH(l2off, csize, 3);
		if (l2off + csize > h->size)
			goto truncated;
		if (get(h, l2, (size_t)csize, l2off, "qcow2", "an L2 table") ==
		    -1)
			goto out;
		for (size_t j = 0; j + esz <= csize; j += esz) {
			uint64_t e = get_be64(l2 + j), off;

			if (e & QCOW2_COMPRESSED)
				off = e & ((UINT64_C(1) << (62 - (cbits - 8))) - 1);
			else
				off = e & QCOW2_OFFSET_MASK;
			/* a cluster begins in the file; a compressed one or
			 * the last may end short of a whole cluster */
			if (off != 0)
				REACH(off, 1, 4);
		}
	}
	if (far <= h->size) {
		rc = 0;
		goto out;
	}
truncated:
	tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
	    "%s: a damaged or truncated qcow2: its header and tables "
	    "put %s at byte %llu, but the file has %llu bytes (qemu-img check "
	    "tells more)", h->shown, whats[what], (unsigned long long)at,
	    (unsigned long long)h->size);
out:
#undef REACH
	free(l1);
	free(l2);
	return rc;
}

static int
qcow2_refs(struct hdr *h)
{
	unsigned char b[104], e[8];
	uint32_t version, bsize, cbits, hlen;
	uint64_t boff, csize, incompat = 0, off, end;
	char *backing = NULL, *format = NULL;
	int data_named = 0, clean = 1;

	/* "Header": 72 bytes for version 2, at least 104 for 3 */
	if (get(h, b, 72, 0, "qcow2 header", "the header") == -1)
		return -1;
	version = get_be32(b + 4);
	if (version != 2 && version != 3) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: qcow2 header: version %u is not 2 or 3",
		    h->shown, version);
		return -1;
	}
	boff = get_be64(b + 8);
	bsize = get_be32(b + 16);
	cbits = get_be32(b + 20);
	/* at least 512-byte clusters; qemu opens none over 2 MiB */
	if (cbits < 9 || cbits > 21) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: qcow2 header: cluster_bits %u is not "
		    "between 9 and 21", h->shown, cbits);
		return -1;
	}
	csize = UINT64_C(1) << cbits;
	hlen = 72;
	if (version == 3) {
		if (get(h, b, 104, 0, "qcow2 header", "the header") == -1)
			return -1;
		incompat = get_be64(b + 72);
		hlen = get_be32(b + 100);
		if (hlen < 104 || hlen > csize) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: qcow2 header: header_length %u is "
			    "not between 104 and the cluster size", h->shown,
			    hlen);
			return -1;
		}
	}
	/*
	 * The backing file name lives in the first cluster, after the
	 * header extensions, and "must not be longer than 1023 bytes".  An
	 * offset with an empty name is no backing file to qemu.
	 */
	if (boff > csize) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: qcow2 header: backing file offset %llu is "
		    "past the first cluster", h->shown,
		    (unsigned long long)boff);
		return -1;
	}
	if (boff != 0 && (bsize > 1023 || bsize > csize - boff)) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: qcow2 header: backing file name of %u bytes "
		    "is longer than 1023 bytes or its cluster", h->shown,
		    bsize);
		return -1;
	}
	if (boff != 0 && bsize > 0) {
		unsigned char name[1023];
		if (get(h, name, bsize, boff, "qcow2 header",
		    "backing file name") == -1)
			return -1;
		backing = render(name, bsize, &clean);
	}
	/*
	 * "Header extensions": directly after the header up to the backing
	 * file name (or the end of the first cluster); each is type, length
	 * and data padded to 8 bytes, type 0 ends them.  qemu reads past the
	 * end of the file as zeros, that is as the end of the extensions.
	 */
	end = boff != 0 ? boff : csize;
	for (off = hlen; off < end; ) {
		uint32_t type, len;

		if (get_zeroed(h, e, 8, off, "qcow2 header",
		    "header extension") == -1)
			goto fail;
		type = get_be32(e);
		len = get_be32(e + 4);
		off += 8;
		if (type == QCOW2_EXT_END)
			break;
		if (off > end || len > end - off) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: qcow2 header: header extension "
			    "0x%08x runs past the header area", h->shown, type);
			goto fail;
		}
		/*
		 * A format name longer than 15 bytes fails qemu's open; a
		 * file name longer than 4096 bytes is none on Linux.
		 */
		if ((type == QCOW2_EXT_BACKING_FORMAT && len > 15) ||
		    (type == QCOW2_EXT_DATA_FILE && len > 4096)) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: qcow2 header: %s name of %u bytes is "
			    "too long", h->shown, type ==
			    QCOW2_EXT_DATA_FILE ? "external data file" :
			    "backing format", len);
			goto fail;
		}
		if (type == QCOW2_EXT_BACKING_FORMAT ||
		    type == QCOW2_EXT_DATA_FILE) {
			unsigned char s[4096];
			int c;

			if (get(h, s, len, off, "qcow2 header",
			    type == QCOW2_EXT_DATA_FILE ?
			    "external data file name" :
			    "backing format name") == -1)
				goto fail;
			if (type == QCOW2_EXT_BACKING_FORMAT) {
				free(format);
				format = render(s, len, &c);
			} else if (len > 0) {
				/*
				 * "String header extensions"; listed with
				 * or without incompatible bit 2, which
				 * qemu needs to open it
				 */
				add_bytes(h, "external data file", s, len);
				data_named = 1;
			}
		}
		off += ((uint64_t)len + 7) & ~(uint64_t)7;
	}
	if (backing != NULL)
		add(h, "backing file", backing, clean, format);
	else
		free(format);
	/*
	 * Incompatible feature bit 2: the guest's clusters are in an
	 * external data file, which the name extension "may" name; without
	 * one qemu takes the file from its command line.
	 */
	if ((incompat & QCOW2_INCOMPAT_DATA_FILE) && !data_named)
		add(h, "external data file", xstrdup("(unnamed)"), 0, NULL);
	/* the clusters are in the external file, which is refused anyway */
	if (!(incompat & QCOW2_INCOMPAT_DATA_FILE) &&
	    qcow2_extent(h, b, cbits, incompat) == -1)
		return -1;
	return 0;
fail:
	free(backing);
	free(format);
	return -1;
}

/* ---- VMDK: VMware's Virtual Disk Format 1.1 and qemu's block/vmdk.c ---- */

/* C's isspace in the "C" locale: what sscanf skips. */
static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

static void
skip_ws(const char **p)
{
	while (is_ws((unsigned char)**p))
		(*p)++;
}

/* sscanf's %Ns: leading white space, then 1 to max other characters. */
static size_t
scan_word(const char **p, char *out, size_t max)
{
	size_t n = 0;

	skip_ws(p);
	while (**p != '\0' && !is_ws((unsigned char)**p) && n < max)
		out[n++] = *(*p)++;
	out[n] = '\0';
	return n;
}

/* sscanf's %ld: leading white space, a sign, at least one digit. */
static int
scan_num(const char **p)
{
	const char *q;

	skip_ws(p);
	if (**p == '+' || **p == '-')
		(*p)++;
	for (q = *p; **p >= '0' && **p <= '9'; (*p)++)
		;
	return *p > q;
}

/* Is this extent file the image itself (a descriptor inside its extent)? */
static int
is_self(struct hdr *h, const char *name, size_t n)
{
	if (n > 2 && name[0] == '.' && name[1] == '/')
		name += 2, n -= 2;
	return memchr(name, '/', n) == NULL && strlen(h->base) == n &&
	    memcmp(name, h->base, n) == 0;
}

/*
 * The extent lines of a descriptor ("Extent Descriptions": access,
 * sectors, type, "file name", offset).  qemu tries every line with
 * sscanf("%10s %ld %10s \"%511[^\n\r\"]\" %ld") (vmdk_parse_extents), so
 * this does what that sscanf does rather than what the specification
 * draws: white space, newlines too, may stand between the fields and is
 * not needed after a number or a 10-character word ("RW 8FLAT",
 * "VMFSSPARSE\"x\""), the name ends at a quote, CR or LF or after 511
 * bytes, and its closing quote may be missing.  qemu opens RW extents
 * only; RDONLY and NOACCESS ones are listed as well, ZERO ones name no
 * file.
 */
static void
vmdk_extents(struct hdr *h, const char *text)
{
	for (const char *line = text; *line != '\0'; ) {
		const char *p = line, *q;
		char access[11], type[11];

		line += strcspn(line, "\n");
		if (*line == '\n')
			line++;
		if (scan_word(&p, access, 10) == 0 || !scan_num(&p) ||
		    scan_word(&p, type, 10) == 0)
			continue;
		skip_ws(&p);
		if (*p++ != '"')
			continue;
		for (q = p; *q != '\0' && *q != '\n' && *q != '\r' &&
		    *q != '"' && q - p < 511; q++)
			;
		if (q == p || strcmp(type, "ZERO") == 0 ||
		    (strcmp(access, "RW") != 0 &&
		    strcmp(access, "RDONLY") != 0 &&
		    strcmp(access, "NOACCESS") != 0) ||
		    is_self(h, p, (size_t)(q - p)))
			continue;
		add_bytes(h, "extent", p, (size_t)(q - p));
	}
}

/*
 * parentFileNameHint="NAME" ("Parent-Child Disks"; qemu's
 * vmdk_parent_open): qemu finds the text anywhere, comments included,
 * skips 20 bytes from its start and takes the name up to the next quote;
 * an empty name is no parent.  Every occurrence is listed; one qemu could
 * not take apart is listed with the rest of its line, as not local.
 */
static void
vmdk_hint(struct hdr *h, const char *text)
{
	static const char key[] = "parentFileNameHint";
	const char *p, *q, *e;
	size_t n;
	int clean;

	for (p = text; (p = strstr(p, key)) != NULL; p += sizeof(key) - 1) {
		q = p + sizeof(key) - 1;
		if (q[0] != '\0' && q[1] != '\0' &&
		    (e = strchr(q + 2, '"')) != NULL) {
			if (e > q + 2)
				add_bytes(h, "parent", q + 2,
				    (size_t)(e - q - 2));
			continue;
		}
		n = strcspn(q, "\n");
		add(h, "parent", render((const unsigned char *)q,
		    n < 1024 ? n : 1024, &clean), 0, NULL);
	}
}

/*
 * A createType that puts the disk on a host device, not in files
 * ("Descriptor File": fullDevice, partitionedDevice, the VMFS raw device
 * mappings); qemu refuses them, but they are a place on the host the
 * image asks for all the same.
 */
static void
vmdk_create_type(struct hdr *h, const char *text)
{
	static const char *const dev[] = {
		"fullDevice", "partitionedDevice", "vmfsRaw", "vmfsRDM",
		"vmfsRawDeviceMap", "vmfsPassthroughRawDeviceMap"
	};
	const char *p = strstr(text, "createType"), *e;

	/* qemu's vmdk_parse_description: past createType=" to a quote */
	if (p == NULL || p[10] == '\0' || p[11] == '\0' ||
	    (e = strchr(p + 12, '"')) == NULL)
		return;
	for (size_t i = 0; i < sizeof(dev) / sizeof(*dev); i++)
		if ((size_t)(e - p - 12) == strlen(dev[i]) &&
		    memcmp(p + 12, dev[i], strlen(dev[i])) == 0)
			add(h, "device", xstrdup(dev[i]), 0, NULL);
}

/*
 * The descriptor text at off: up to its first NUL, as qemu reads it, and
 * no more than 1 MiB - 1 bytes, qemu's own bound; past that it is no
 * descriptor.  NULL with a message.
 */
static char *
vmdk_text(struct hdr *h, uint64_t off)
{
	size_t n, len;
	char *t;

	if (off >= h->size) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vmdk header: the descriptor offset is past "
		    "the end of the file", h->shown);
		return NULL;
	}
	n = h->size - off < CAP - 1 ? (size_t)(h->size - off) : CAP - 1;
	t = xmalloc(n + 1);
	if (get(h, t, n, off, "vmdk descriptor", "the descriptor") == -1) {
		free(t);
		return NULL;
	}
	t[n] = '\0';
	len = strlen(t);
	if (len == CAP - 1 && h->size - off > CAP - 1) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vmdk descriptor: larger than 1 MiB",
		    h->shown);
		free(t);
		return NULL;
	}
	return t;
}

/* A descriptor whose extents qemu opens: a text file's, or a KDMV's with
 * no capacity of its own. */
static int
vmdk_descriptor(struct hdr *h, uint64_t off)
{
	char *t = vmdk_text(h, off);

	if (t == NULL)
		return -1;
	/* qemu refuses a descriptor without one (vmdk_open_desc_file) */
	if (strstr(t, "createType") == NULL) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vmdk descriptor: no createType", h->shown);
		free(t);
		return -1;
	}
	vmdk_create_type(h, t);
	vmdk_extents(h, t);
	vmdk_hint(h, t);
	free(t);
	return 0;
}

/*
 * qemu looks for parentFileNameHint in the 10 KiB at byte 512 of a sparse
 * extent (vmdk_open sets desc_offset to 0x200, vmdk_parent_open reads 20
 * sectors there), whatever the header's descriptorOffset says.
 */
static int
vmdk_hint_window(struct hdr *h)
{
	char t[20 * 512 + 1];

	if (get_zeroed(h, t, sizeof(t) - 1, 512, "vmdk header",
	    "the descriptor") == -1)
		return -1;
	t[sizeof(t) - 1] = '\0';
	vmdk_hint(h, t);
	return 0;
}

static int
vmdk_refs(struct hdr *h)
{
	unsigned char b[512];
	uint64_t cap, doff, dsize;

	if (h->size < 4) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vmdk header: the file is too short",
		    h->shown);
		return -1;
	}
	if (get(h, b, 4, 0, "vmdk header", "the header") == -1)
		return -1;
	/*
	 * What is not a sparse extent is a descriptor file to qemu (vmdk_open
	 * tries no other test).  "COWD" is the older sparse extent of ESX:
	 * nothing but the parent hint there names another file.
	 */
	if (memcmp(b, "KDMV", 4) != 0 && memcmp(b, "COWD", 4) != 0)
		return vmdk_descriptor(h, 0);
	if (memcmp(b, "COWD", 4) == 0)
		return vmdk_hint_window(h);
	/* "Hosted Sparse Extent Header": 512 bytes, little-endian */
	if (get(h, b, sizeof(b), 0, "vmdk header", "the header") == -1)
		return -1;
	cap = get_le64(b + 12);
	doff = get_le64(b + 28);
	dsize = get_le64(b + 36);
	/*
	 * No capacity but a descriptor: qemu reads the file as a descriptor
	 * file at descriptorOffset, up to 1 MiB whatever descriptorSize says,
	 * and opens its extents (vmdk_open_vmdk4).
	 */
	if (cap == 0 && doff != 0) {
		if (doff > h->size / 512) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: vmdk header: the descriptor offset "
			    "is past the end of the file", h->shown);
			return -1;
		}
		if (vmdk_descriptor(h, doff * 512) == -1)
			return -1;
		return vmdk_hint_window(h);
	}
	/*
	 * A sparse extent with a capacity is the disk itself: qemu opens no
	 * extent of its embedded descriptor (it names the file, maybe under
	 * an old name), only its parent.
	 */
	if (doff != 0 && dsize != 0) {
		char *t;

		if (doff > h->size / 512 || dsize > CAP / 512 ||
		    dsize * 512 > h->size - doff * 512) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: vmdk header: the descriptor (%llu "
			    "sectors at sector %llu) runs past the end of the "
			    "file or 1 MiB", h->shown,
			    (unsigned long long)dsize,
			    (unsigned long long)doff);
			return -1;
		}
		t = xmalloc(dsize * 512 + 1);
		if (get(h, t, dsize * 512, doff * 512, "vmdk descriptor",
		    "the descriptor") == -1) {
			free(t);
			return -1;
		}
		t[dsize * 512] = '\0';
		vmdk_hint(h, t);
		free(t);
	}
	return vmdk_hint_window(h);
}

/* ---- VHD: Microsoft's Virtual Hard Disk Image Format Specification ---- */

#define VHD_DYNAMIC 3
#define VHD_DIFFERENCING 4
#define VHD_LOCATOR_MAX 65536u	/* a UTF-16 Windows path is under 64 KiB */

struct locator {
	const char *code, *what;
	int utf16;
};

/*
 * "Dynamic Disk Header Format", Parent Locator Entries: where a
 * differencing disk's parent may be, by platform.  W2ru and W2ku are
 * UTF-16LE relative and absolute Windows paths, Wi2r and Wi2k their
 * deprecated ANSI forms, MacX a UTF-8 file URL, Mac an alias record.
 */
static const struct locator locators[] = {
	{ "W2ru", "parent locator W2ru", 1 },
	{ "W2ku", "parent locator W2ku", 1 },
	{ "Wi2r", "parent locator Wi2r", 0 },
	{ "Wi2k", "parent locator Wi2k", 0 },
	{ "MacX", "parent locator MacX", 0 },
	{ "Mac ", "parent locator Mac", 0 },
};

static int
vhd_dynamic(struct hdr *h, uint64_t off, int differencing)
{
	unsigned char d[1024];
	size_t before = h->seen;
	char *name;
	int clean;

	if (get(h, d, sizeof(d), off, "vhd dynamic header",
	    "the dynamic header") == -1)
		return -1;
	if (memcmp(d, "cxsparse", 8) != 0) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhd dynamic header: no cxsparse cookie at "
		    "offset %llu", h->shown, (unsigned long long)off);
		return -1;
	}
	/* Parent Unicode Name: 512 bytes of UTF-16BE */
	name = render16(d + 64, 512, 1, &clean);
	if (name[0] != '\0')
		add(h, "parent", name, clean, NULL);
	else
		free(name);
	/* eight entries of 24 bytes: code, space, length, reserved, offset */
	for (int i = 0; i < 8; i++) {
		const unsigned char *e = d + 576 + 24 * i;
		uint32_t len = get_be32(e + 8);
		uint64_t at = get_be64(e + 16);
		const struct locator *l = NULL;
		unsigned char *data;

		if (get_be32(e) == 0)
			continue;
		for (size_t k = 0; k < sizeof(locators) / sizeof(*locators);
		    k++)
			if (memcmp(e, locators[k].code, 4) == 0)
				l = &locators[k];
		if (len > VHD_LOCATOR_MAX) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: vhd dynamic header: parent locator "
			    "%d is %u bytes, over 64 KiB", h->shown, i + 1,
			    len);
			return -1;
		}
		data = xmalloc(len ? len : 1);
		if (get(h, data, len, at, "vhd dynamic header",
		    "parent locator data") == -1) {
			free(data);
			return -1;
		}
		if (l == NULL)
			add(h, "parent locator", xasprintf("(platform code "
			    "0x%08x)", get_be32(e)), 0, NULL);
		else if (memcmp(e, "Mac ", 4) == 0)
			add(h, l->what, xstrdup("(Mac OS alias)"), 0, NULL);
		else if (l->utf16) {
			name = render16(data, len, 0, &clean);
			if (name[0] != '\0')
				add(h, l->what, name, clean, NULL);
			else
				free(name);
		} else if (len > 0) {
			size_t n = len;
			while (n > 0 && data[n - 1] == 0)
				n--;
			if (n > 0)
				add_bytes(h, l->what, data, n);
		}
		free(data);
	}
	if (differencing && h->seen == before)
		add(h, "parent", xstrdup("(unnamed)"), 0, NULL);
	return 0;
}

/*
 * "Hard Disk Footer Format": the last 512 bytes, and for dynamic and
 * differencing disks a copy at offset 0.  Both are read, and a parent in
 * either is listed.  qemu takes a footer at offset 0 for a dynamic disk's
 * whatever its Disk Type (block/vpc.c, vpc_open), so its dynamic header
 * is always read.
 */
static int
vhd_refs(struct hdr *h)
{
	unsigned char f[2][512];
	int have[2];

	if (h->size < 512) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhd footer: the file is shorter than its "
		    "footer", h->shown);
		return -1;
	}
	if (get(h, f[0], 512, 0, "vhd footer", "the footer") == -1 ||
	    get(h, f[1], 512, h->size - 512, "vhd footer",
	    "the footer") == -1)
		return -1;
	for (int i = 0; i < 2; i++)
		have[i] = memcmp(f[i], "conectix", 8) == 0;
	if (!have[0] && !have[1]) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhd footer: no conectix cookie at either "
		    "end", h->shown);
		return -1;
	}
	/* Disk Type, and Data Offset: where the dynamic header is */
	for (int i = 0; i < 2; i++) {
		uint32_t type = get_be32(f[i] + 60);

		if (have[i] && (i == 0 || type == VHD_DYNAMIC ||
		    type == VHD_DIFFERENCING) && vhd_dynamic(h,
		    get_be64(f[i] + 16), type == VHD_DIFFERENCING) == -1)
			return -1;
	}
	return 0;
}

/* ---- VHDX: MS-VHDX, Virtual Hard Disk v2 (VHDX) File Format ---- */

#define VHDX_HEADER1 (64 * 1024)
#define VHDX_HEADER_SIZE 4096
#define VHDX_REGION1 (192 * 1024)
#define VHDX_REGION2 (256 * 1024)
#define VHDX_TABLE_SIZE (64 * 1024)
#define VHDX_HAS_PARENT 0x2u

/* GUIDs as MS-VHDX writes them, the first three fields little-endian. */
static const unsigned char guid_metadata[16] = {	/* 2.2.3.2 */
	0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,		/* 8B7CA206- */
	0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e		/* ...886E */
};
static const unsigned char guid_file_params[16] = {	/* 2.6.2.1 */
	0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa, 0x43, 0x4d,		/* CAA16737- */
	0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b		/* ...E76B */
};
static const unsigned char guid_parent_locator[16] = {	/* 2.6.2.6 */
	0x2d, 0x5f, 0xd3, 0xa8, 0x0b, 0xb3, 0x4d, 0x45,		/* A8D35F2D- */
	0xab, 0xf7, 0xd3, 0xd8, 0x48, 0x34, 0xab, 0x0c		/* ...AB0C */
};

/* CRC-32C (Castagnoli, reflected), over the block with its checksum 0. */
static uint32_t
crc32c(const unsigned char *p, size_t n, size_t zero_at)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= i >= zero_at && i < zero_at + 4 ? 0 : p[i];
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0x82f63b78u & -(c & 1));
	}
	return ~c;
}

/*
 * 2.6.2.6.3 VHDX Parent Locator: the parent is found by relative_path,
 * volume_path or absolute_win32_path (parent_linkage is its GUID).  The
 * keys are case-sensitive; any case is taken here, in case a reader is
 * less strict.
 */
static const char *const vhdx_keys[][2] = {
	{ "relative_path", "parent relative_path" },
	{ "volume_path", "parent volume_path" },
	{ "absolute_win32_path", "parent absolute_win32_path" },
};

static int
vhdx_locator(struct hdr *h, uint64_t off, uint32_t len)
{
	unsigned char *b;
	unsigned count;
	int ret = -1;

	/* 2.6.2.6.1: the type GUID, 2 reserved bytes, the pair count */
	if (len < 20) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx parent locator: %u bytes, shorter than "
		    "its header", h->shown, len);
		return -1;
	}
	b = xmalloc(len);
	if (get(h, b, len, off, "vhdx parent locator",
	    "the parent locator") == -1)
		goto out;
	count = get_le16(b + 18);
	if (20 + 12 * (uint64_t)count > len) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx parent locator: %u entries run past the "
		    "item", h->shown, count);
		goto out;
	}
	/* 2.6.2.6.2: key offset, value offset, key length, value length */
	for (unsigned i = 0; i < count; i++) {
		const unsigned char *e = b + 20 + 12 * i;
		uint32_t ko = get_le32(e), vo = get_le32(e + 4);
		uint16_t kl = get_le16(e + 8), vl = get_le16(e + 10);
		char *key, *val;
		int kc, vc;

		if (ko > len || kl > len - ko || vo > len || vl > len - vo) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: vhdx parent locator: entry %u runs "
			    "past the item", h->shown, i + 1);
			goto out;
		}
		key = render16(b + ko, kl, 0, &kc);
		for (size_t k = 0; k < sizeof(vhdx_keys) / sizeof(*vhdx_keys);
		    k++) {
			if (strcasecmp(key, vhdx_keys[k][0]) != 0)
				continue;
			val = render16(b + vo, vl, 0, &vc);
			if (val[0] != '\0')
				add(h, vhdx_keys[k][1], val, vc, NULL);
			else
				free(val);
		}
		free(key);
	}
	ret = 0;
out:
	free(b);
	return ret;
}

/* 2.6.1: the metadata table at the start of the metadata region. */
static int
vhdx_metadata(struct hdr *h, uint64_t roff, uint32_t rlen)
{
	unsigned char *t = xmalloc(VHDX_TABLE_SIZE);
	unsigned count;
	uint32_t params = 0;
	int has_params = 0, ret = -1;
	size_t before = h->seen;

	if (rlen < VHDX_TABLE_SIZE) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx region table: the metadata region is "
		    "shorter than its table", h->shown);
		goto out;
	}
	if (get(h, t, VHDX_TABLE_SIZE, roff, "vhdx metadata",
	    "the metadata table") == -1)
		goto out;
	if (memcmp(t, "metadata", 8) != 0) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx metadata: no metadata signature",
		    h->shown);
		goto out;
	}
	count = get_le16(t + 10);
	if (count > 2047) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx metadata: %u entries, over 2047",
		    h->shown, count);
		goto out;
	}
	/* 2.6.1.2: item GUID, offset and length in the region, flags */
	for (unsigned i = 0; i < count; i++) {
		const unsigned char *e = t + 32 + 32 * i;
		uint32_t off = get_le32(e + 16), len = get_le32(e + 20);

		if (len > CAP || off > rlen || len > rlen - off) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: vhdx metadata: item %u runs past its "
			    "region or 1 MiB", h->shown, i + 1);
			goto out;
		}
		if (memcmp(e, guid_file_params, 16) == 0) {
			unsigned char p[8];
			if (len < 8) {
				tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
				    "%s: vhdx metadata: the file "
				    "parameters are %u bytes", h->shown, len);
				goto out;
			}
			if (get(h, p, 8, roff + off, "vhdx metadata",
			    "the file parameters") == -1)
				goto out;
			params = get_le32(p + 4);
			has_params = 1;
		} else if (memcmp(e, guid_parent_locator, 16) == 0) {
			if (vhdx_locator(h, roff + off, len) == -1)
				goto out;
		}
	}
	if (!has_params) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx metadata: no file parameters", h->shown);
		goto out;
	}
	/* 2.6.2.1 HasParent: a differencing file, whose parent is elsewhere */
	if ((params & VHDX_HAS_PARENT) && h->seen == before)
		add(h, "parent", xstrdup("(unnamed)"), 0, NULL);
	ret = 0;
out:
	free(t);
	return ret;
}

/*
 * 2.2.3: two copies of the region table, each 64 KiB with a CRC-32C; a
 * copy with a good checksum is used (qemu uses the first one only, and
 * only with a good checksum), and both when both are good.
 */
static int
vhdx_refs(struct hdr *h)
{
	unsigned char *rt = xmalloc(VHDX_TABLE_SIZE);
	unsigned char hd[VHDX_HEADER_SIZE];
	uint64_t done = UINT64_MAX;
	int good = 0, ret = -1;

	/* 2.2.1 File Type Identifier */
	if (get(h, hd, 8, 0, "vhdx header", "the file identifier") == -1)
		goto out;
	if (memcmp(hd, "vhdxfile", 8) != 0) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx header: no vhdxfile signature",
		    h->shown);
		goto out;
	}
	/*
	 * 2.2.2: at least one of the two headers must be good.  The log it
	 * names is not replayed here: qemu refuses a differencing VHDX
	 * after replaying it (block/vhdx.c, vhdx_parse_metadata), so a
	 * parent the log would add opens nothing either.
	 */
	for (int i = 0; i < 2; i++) {
		if (get(h, hd, sizeof(hd), VHDX_HEADER1 * (uint64_t)(i + 1),
		    "vhdx header", "the header") == -1)
			goto out;
		if (memcmp(hd, "head", 4) == 0 && get_le16(hd + 66) == 1 &&
		    crc32c(hd, sizeof(hd), 4) == get_le32(hd + 4))
			good = 1;
	}
	if (!good) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx header: neither header is valid",
		    h->shown);
		goto out;
	}
	good = 0;
	for (int i = 0; i < 2; i++) {
		unsigned count;

		if (get(h, rt, VHDX_TABLE_SIZE, i == 0 ? VHDX_REGION1 :
		    VHDX_REGION2, "vhdx region table", "the region table") ==
		    -1)
			goto out;
		if (memcmp(rt, "regi", 4) != 0 || crc32c(rt, VHDX_TABLE_SIZE,
		    4) != get_le32(rt + 4))
			continue;
		count = get_le32(rt + 8);
		if (count > 2047) {
			tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
			    "%s: vhdx region table: %u entries, over "
			    "2047", h->shown, count);
			goto out;
		}
		good = 1;
		for (unsigned k = 0; k < count; k++) {
			const unsigned char *e = rt + 16 + 32 * k;
			uint64_t off = get_le64(e + 16);

			if (memcmp(e, guid_metadata, 16) != 0 || off == done)
				continue;
			if (vhdx_metadata(h, off, get_le32(e + 24)) == -1)
				goto out;
			done = off;
		}
	}
	if (!good) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx region table: neither copy is valid",
		    h->shown);
		goto out;
	}
	if (done == UINT64_MAX) {
		tlsh_seterrc(TLSH_E_IMAGE_FORMAT,
		    "%s: vhdx region table: no metadata region",
		    h->shown);
		goto out;
	}
	ret = 0;
out:
	free(rt);
	return ret;
}

int
imghdr_refs(int fd, const char *shown, enum blk_format fmt,
    struct imgrefs *out)
{
	struct hdr h = { .fd = fd, .shown = shown, .out = out };
	struct stat st;
	const char *slash = strrchr(shown, '/');
	int r;

	out->v = NULL;
	out->n = 0;
	/* raw has no header; a WIM is wimlib's, which opens nothing else */
	if (fmt == BLK_RAW || fmt == BLK_WIM)
		return 0;
	if (fstat(fd, &st) == -1) {
		tlsh_seterr("%s: %s", shown, strerror(errno));
		return -1;
	}
	h.size = (uint64_t)st.st_size;
#ifdef BLKGETSIZE64
	if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &h.size) == -1) {
		tlsh_seterr("%s: %s", shown, strerror(errno));
		return -1;
	}
#endif
	h.base = slash != NULL ? slash + 1 : shown;
	switch (fmt) {
	case BLK_QCOW2:
		r = qcow2_refs(&h);
		break;
	case BLK_VMDK:
		r = vmdk_refs(&h);
		break;
	case BLK_VPC:
		r = vhd_refs(&h);
		break;
	case BLK_VHDX:
		r = vhdx_refs(&h);
		break;
	default:
		r = 0;
		break;
	}
	if (r == -1)
		imgrefs_free(out);
	return r;
}

void
imgrefs_free(struct imgrefs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].format);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}
