/* imghdr.c: what a header names, from headers written here byte by byte. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "io/blk.h"
#include "io/imghdr.h"
#include "le.h"
#include "tlshive.h"

#define KB 1024u
#define MB (1024u * 1024u)

static void
put_be16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void
put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static void
put_le16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* ASCII as UTF-16, big- or little-endian; the byte count. */
static size_t
put_utf16(unsigned char *p, const char *s, int be)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (be)
			put_be16(p + 2 * i, (unsigned char)s[i]);
		else
			put_le16(p + 2 * i, (unsigned char)s[i]);
	}
	return 2 * i;
}

/* The image as a file named name in dir; the path. */
static char *
image(const char *dir, const char *name, const void *b, size_t len)
{
	char *p = xasprintf("%s/%s", dir, name);

	assert_int_equal(fixture_write(p, b, len), 0);
	return p;
}

/* imghdr_refs on a fresh descriptor, whose offset it must leave alone. */
static int
refs(const char *path, enum blk_format f, struct imgrefs *r)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	assert_true(fd >= 0);
	ret = imghdr_refs(fd, path, f, r);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
	close(fd);
	return ret;
}

static void
want(const struct imgrefs *r, size_t i, const char *what, const char *name,
    int local)
{
	assert_true(i < r->n);
	assert_string_equal(r->v[i].what, what);
	assert_string_equal(r->v[i].name, name);
	assert_int_equal(r->v[i].local, local);
}

/* -1, out empty, and a message naming the file and saying what. */
static void
refused(const char *path, enum blk_format f, const char *says)
{
	struct imgrefs r;

	assert_int_equal(refs(path, f, &r), -1);
	assert_int_equal(r.n, 0);
	assert_null(r.v);
	assert_non_null(strstr(tlsh_errmsg(), path));
	if (strstr(tlsh_errmsg(), says) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", tlsh_errmsg(), says);
}

/* ---- qcow2 (docs/interop/qcow2.txt) ---- */

/* the header, the refcount table, a spare cluster, the L1 table */
#define QSIZE (4 * 64 * KB)

/* A qcow2 header of 64 KiB clusters; *ext is where extensions go. */
static unsigned char *
qcow2(int version, size_t *ext)
{
	unsigned char *b = xcalloc(1, QSIZE);

	memcpy(b, "QFI\xfb", 4);
	put_be32(b + 4, (uint32_t)version);
	put_be32(b + 20, 16);			/* cluster_bits */
	put_be64(b + 24, 16 * MB);		/* size */
	put_be32(b + 36, 1);			/* l1_size */
	put_be64(b + 40, 3 * 64 * KB);		/* l1_table_offset */
	put_be64(b + 48, 64 * KB);		/* refcount_table_offset */
	put_be32(b + 56, 1);			/* refcount_table_clusters */
	*ext = 72;
	if (version == 3) {
		put_be32(b + 96, 4);		/* refcount_order */
		put_be32(b + 100, 104);		/* header_length */
		*ext = 104;
	}
	return b;
}

static void
qcow2_ext(unsigned char *b, size_t *off, uint32_t type, const char *data)
{
	size_t len = strlen(data);

	put_be32(b + *off, type);
	put_be32(b + *off + 4, (uint32_t)len);
	memcpy(b + *off + 8, data, len);
	*off += 8 + ((len + 7) & ~(size_t)7);
}

/* The backing file name at 4096, past the extensions, as qemu puts it. */
static void
qcow2_backing(unsigned char *b, const char *name)
{
	put_be64(b + 8, 4096);
	put_be32(b + 16, (uint32_t)strlen(name));
	memcpy(b + 4096, name, strlen(name));
}

static void
test_imghdr_qcow2__clean_has_no_refs(void **state)
{
	char *dir = fixture_dir(), *p2, *p3;
	unsigned char *b2, *b3;
	struct imgrefs r;
	size_t e;

	b2 = qcow2(2, &e);
	b3 = qcow2(3, &e);
	qcow2_ext(b3, &e, 0x6803f857, "feature table, skipped");
	p2 = image(dir, "v2.qcow2", b2, QSIZE);
	p3 = image(dir, "v3.qcow2", b3, QSIZE);
	assert_int_equal(refs(p2, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(refs(p3, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 0);
	/* qemu reads past the end as zeros: the end of the extensions (a
	 * header alone, with no tables to be cut off) */
	put_be32(b3 + 36, 0);
	put_be32(b3 + 56, 0);
	fixture_write(p3, b3, 104);
	assert_int_equal(refs(p3, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 0);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(b2);
	free(b3);
	free(p2);
	free(p3);
	free(dir);
}

static void
test_imghdr_qcow2__backing_file_and_its_format(void **state)
{
	char *dir = fixture_dir(), *p;
	struct imgrefs r;
	unsigned char *b;
	size_t e;

	b = qcow2(3, &e);
	qcow2_ext(b, &e, 0xe2792aca, "qcow2");
	qcow2_backing(b, "base.qcow2");
	p = image(dir, "ov.qcow2", b, QSIZE);
	assert_int_equal(refs(p, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "backing file", "base.qcow2", 1);
	assert_string_equal(r.v[0].format, "qcow2");
	imgrefs_free(&r);
	free(b);
	free(p);
	/* version 2: extensions right after the 72-byte header */
	b = qcow2(2, &e);
	qcow2_backing(b, "/srv/images/base.raw");
	p = image(dir, "v2.qcow2", b, QSIZE);
	assert_int_equal(refs(p, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "backing file", "/srv/images/base.raw", 1);
	assert_null(r.v[0].format);
	imgrefs_free(&r);
	/* an offset with an empty name is no backing file */
	put_be32(b + 16, 0);
	fixture_write(p, b, QSIZE);
	assert_int_equal(refs(p, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 0);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

static void
test_imghdr_qcow2__protocols_and_odd_names_are_not_local(void **state)
{
	static const struct {
		const char *name, *shown;
		int local;
	} cases[] = {
		{ "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\","
		    "\"filename\":\"/etc/shadow\"}}", NULL, 0 },
		{ "nbd://127.0.0.1:10809/export", NULL, 0 },
		{ "nbd:unix:/run/x.sock", NULL, 0 },
		{ "http://example.org/disk.qcow2", NULL, 0 },
		{ "file:/etc/shadow", NULL, 0 },
		{ "C:\\vms\\base.qcow2", NULL, 0 },
		{ "base\x01.qcow2", "base\\x01.qcow2", 0 },
		{ "base\xff.qcow2", "base\\xff.qcow2", 0 },
		{ "dir/with:colon.qcow2", NULL, 1 },
		{ "../up/base.qcow2", NULL, 1 },
		{ "b\xc3\xa4se.qcow2", NULL, 1 },
	};
	char *dir = fixture_dir(), *p;
	struct imgrefs r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		unsigned char *b;
		size_t e;

		b = qcow2(3, &e);
		qcow2_backing(b, cases[i].name);
		p = image(dir, "x.qcow2", b, QSIZE);
		assert_int_equal(refs(p, BLK_QCOW2, &r), 0);
		assert_int_equal(r.n, 1);
		want(&r, 0, "backing file", cases[i].shown ? cases[i].shown :
		    cases[i].name, cases[i].local);
		imgrefs_free(&r);
		free(b);
		free(p);
	}
	fixture_rmrf(dir);
	free(dir);
}

/* Tables or clusters placed past the end: a qcow2 cut short. */
static void
test_imghdr_qcow2__truncated_refused(void **state)
{
	char *dir = fixture_dir(), *p;
	unsigned char *b;
	size_t e;

	b = qcow2(3, &e);
	p = image(dir, "t.qcow2", b, 3 * 64 * KB);
	refused(p, BLK_QCOW2, "a damaged or truncated qcow2: its header and "
	    "tables put its L1 table at byte 196608, but the file has 196608 "
	    "bytes");
	/* an L2 table past the end */
	put_be64(b + 3 * 64 * KB, UINT64_C(1) << 63 | 4 * 64 * KB);
	fixture_write(p, b, QSIZE);
	refused(p, BLK_QCOW2, "put an L2 table at byte 262144, but the file "
	    "has 262144 bytes");
	/* an L2 table inside (the spare cluster), its data cluster not */
	put_be64(b + 3 * 64 * KB, UINT64_C(1) << 63 | 2 * 64 * KB);
	put_be64(b + 2 * 64 * KB, UINT64_C(1) << 63 | 16 * 64 * KB);
	fixture_write(p, b, QSIZE);
	refused(p, BLK_QCOW2, "put a data cluster at byte 1048576, but the "
	    "file has 262144 bytes");
	/* and inside: whole */
	put_be64(b + 2 * 64 * KB, UINT64_C(1) << 63 | 1 * 64 * KB);
	fixture_write(p, b, QSIZE);
	{
		struct imgrefs r;
		assert_int_equal(refs(p, BLK_QCOW2, &r), 0);
		imgrefs_free(&r);
	}
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

static void
test_imghdr_qcow2__external_data_file(void **state)
{
	char *dir = fixture_dir(), *p;
	struct imgrefs r;
	unsigned char *b;
	size_t e;

	b = qcow2(3, &e);
	put_be64(b + 72, 1u << 2);		/* incompatible: data file */
	qcow2_ext(b, &e, 0x44415441, "data.raw");
	p = image(dir, "df.qcow2", b, QSIZE);
	assert_int_equal(refs(p, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "external data file", "data.raw", 1);
	imgrefs_free(&r);
	free(b);
	/* the bit alone: qemu takes the file from elsewhere */
	b = qcow2(3, &e);
	put_be64(b + 72, 1u << 2);
	fixture_write(p, b, QSIZE);
	assert_int_equal(refs(p, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "external data file", "(unnamed)", 0);
	imgrefs_free(&r);
	free(b);
	/* a data file and a backing file, one over nbd */
	b = qcow2(3, &e);
	put_be64(b + 72, 1u << 2);
	qcow2_ext(b, &e, 0x44415441, "nbd+unix:///x?socket=/run/s");
	qcow2_backing(b, "base.qcow2");
	fixture_write(p, b, QSIZE);
	assert_int_equal(refs(p, BLK_QCOW2, &r), 0);
	assert_int_equal(r.n, 2);
	want(&r, 0, "external data file", "nbd+unix:///x?socket=/run/s", 0);
	want(&r, 1, "backing file", "base.qcow2", 1);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

static void
test_imghdr_qcow2__damaged_headers_refused(void **state)
{
	char *dir = fixture_dir(), *p;
	unsigned char *b;
	size_t e;

	b = qcow2(3, &e);
	p = image(dir, "short.qcow2", b, 50);
	refused(p, BLK_QCOW2, "qcow2 header: the header runs past the end");
	free(p);
	/* the name's length and offset past the end of the file */
	qcow2_backing(b, "base.qcow2");
	p = image(dir, "trunc.qcow2", b, 4100);
	refused(p, BLK_QCOW2, "qcow2 header: backing file name runs past "
	    "the end of the file");
	free(p);
	put_be32(b + 16, 2000);
	p = image(dir, "long.qcow2", b, QSIZE);
	refused(p, BLK_QCOW2, "longer than 1023 bytes");
	put_be32(b + 16, 10);
	put_be64(b + 8, 64 * KB + 1);		/* past the first cluster */
	fixture_write(p, b, QSIZE);
	refused(p, BLK_QCOW2, "past the first cluster");
	free(b);
	free(p);
	/* an extension longer than the header area */
	b = qcow2(3, &e);
	put_be32(b + e, 0x44415441);
	put_be32(b + e + 4, 0xfffffff0u);
	p = image(dir, "ext.qcow2", b, QSIZE);
	refused(p, BLK_QCOW2, "runs past the header area");
	put_be32(b + e + 4, 5000);		/* in the cluster, not a name */
	fixture_write(p, b, QSIZE);
	refused(p, BLK_QCOW2, "external data file name of 5000 bytes");
	free(b);
	b = qcow2(3, &e);
	put_be32(b + 20, 40);
	fixture_write(p, b, QSIZE);
	refused(p, BLK_QCOW2, "cluster_bits 40");
	put_be32(b + 20, 16);
	put_be32(b + 100, 56);
	fixture_write(p, b, QSIZE);
	refused(p, BLK_QCOW2, "header_length 56");
	put_be32(b + 4, 4);
	fixture_write(p, b, QSIZE);
	refused(p, BLK_QCOW2, "version 4");
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

/* ---- VMDK (Virtual Disk Format 1.1; qemu's block/vmdk.c) ---- */

#define VSIZE (64 * KB)
#define DESC_HEAD "# Disk DescriptorFile\nversion=1\nCID=fffffffe\n" \
	"parentCID=ffffffff\n"

/* A hosted sparse extent: the header, the descriptor at sector 1. */
static unsigned char *
vmdk_sparse(uint64_t capacity, const char *desc)
{
	unsigned char *b = xcalloc(1, VSIZE);

	memcpy(b, "KDMV", 4);
	put_le32(b + 4, 1);			/* version */
	put_le32(b + 8, 3);			/* flags */
	put_le64(b + 12, capacity);
	put_le64(b + 20, 128);			/* grainSize */
	put_le64(b + 28, 1);			/* descriptorOffset */
	put_le64(b + 36, 20);			/* descriptorSize */
	put_le32(b + 44, 512);			/* numGTEsPerGT */
	put_le64(b + 56, 21);			/* gdOffset */
	put_le64(b + 64, 128);			/* overHead */
	memcpy(b + 73, "\n \r\n", 4);
	assert_true(strlen(desc) <= 20 * 512);
	memcpy(b + 512, desc, strlen(desc));
	return b;
}

static void
test_imghdr_vmdk__sparse_naming_itself_has_no_refs(void **state)
{
	char *dir = fixture_dir(), *p, *q;
	unsigned char *b = vmdk_sparse(2048, DESC_HEAD
	    "createType=\"monolithicSparse\"\n\n# Extent description\n"
	    "RW 2048 SPARSE \"disk.vmdk\"\n\nddb.adapterType = \"ide\"\n");
	struct imgrefs r;

	p = image(dir, "disk.vmdk", b, VSIZE);
	assert_int_equal(refs(p, BLK_VMDK, &r), 0);
	assert_int_equal(r.n, 0);
	/* renamed: qemu opens no extent of an embedded descriptor */
	q = image(dir, "renamed.vmdk", b, VSIZE);
	assert_int_equal(refs(q, BLK_VMDK, &r), 0);
	assert_int_equal(r.n, 0);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(q);
	free(dir);
}

static void
test_imghdr_vmdk__parent_hint(void **state)
{
	char *dir = fixture_dir(), *p;
	unsigned char *b = vmdk_sparse(2048, DESC_HEAD
	    "parentFileNameHint=\"base.vmdk\"\n"
	    "createType=\"monolithicSparse\"\nRW 2048 SPARSE \"child.vmdk\"\n");
	struct imgrefs r;

	p = image(dir, "child.vmdk", b, VSIZE);
	assert_int_equal(refs(p, BLK_VMDK, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "parent", "base.vmdk", 1);
	imgrefs_free(&r);
	free(b);
	/*
	 * qemu reads the hint 512 bytes in whatever descriptorOffset says,
	 * and in a comment too
	 */
	b = vmdk_sparse(2048, "# parentFileNameHint=\"nbd://evil/x\"\n");
	put_le64(b + 28, 40);
	fixture_write(p, b, VSIZE);
	assert_int_equal(refs(p, BLK_VMDK, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "parent", "nbd://evil/x", 0);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

static void
test_imghdr_vmdk__two_extents_one_another_host_file(void **state)
{
	char *dir = fixture_dir(), *p;
	/* no capacity: qemu opens the descriptor's extents, itself too */
	unsigned char *b = vmdk_sparse(0, DESC_HEAD
	    "createType=\"monolithicFlat\"\n"
	    "RW 64 SPARSE \"disk.vmdk\"\n"
	    "RW 2048 FLAT \"/etc/shadow\" 0\n");
	const char *text = DESC_HEAD "createType=\"twoGbMaxExtentSparse\"\n"
	    "RW 4194304 SPARSE \"d-s001.vmdk\"\n"
	    "RW 2048 SPARSE \"./d.vmdk\"\n"
	    "RW 2097152 SPARSE \"d-s002.vmdk\"\n";
	struct imgrefs r;

	p = image(dir, "disk.vmdk", b, VSIZE);
	assert_int_equal(refs(p, BLK_VMDK, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "extent", "/etc/shadow", 1);
	imgrefs_free(&r);
	free(p);
	p = image(dir, "d.vmdk", text, strlen(text));
	assert_int_equal(refs(p, BLK_VMDK, &r), 0);
	assert_int_equal(r.n, 2);
	want(&r, 0, "extent", "d-s001.vmdk", 1);
	want(&r, 1, "extent", "d-s002.vmdk", 1);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

/* Each line qemu's sscanf takes for an extent, and those naming no file. */
static void
test_imghdr_vmdk__extent_lines_as_qemu_reads_them(void **state)
{
	const char *text = DESC_HEAD "createType=\"monolithicFlat\"\n"
	    "RW 2048 ZERO\n"
	    "RW 2048 ZERO \"zero.raw\"\n"
	    "# RW 2048 FLAT \"comment.raw\" 0\n"
	    "RDONLY 2048 FLAT \"ro.raw\" 0\n"
	    "NOACCESS 2048 FLAT \"na.raw\" 0\n"
	    "RW 2048FLAT \"glued.raw\" 0\n"
	    "RW 2048 VMFSSPARSE\"ten.vmdk\"\n"
	    "RW\n2048\nFLAT\n\"split.raw\"\n0\n"
	    "RW 2048 SPARSE \"open.vmdk\n"
	    "RW 2048 FLAT \"nbd://evil:10809/x\" 0\n"
	    "RW 2048 FLAT \"tab\there.raw\" 0\n"
	    "ddb.geometry.cylinders = \"16383\"\n";
	char *dir = fixture_dir(), *p = image(dir, "x.vmdk", text,
	    strlen(text));
	struct imgrefs r;

	assert_int_equal(refs(p, BLK_VMDK, &r), 0);
	assert_int_equal(r.n, 8);
	want(&r, 0, "extent", "ro.raw", 1);
	want(&r, 1, "extent", "na.raw", 1);
	want(&r, 2, "extent", "glued.raw", 1);
	want(&r, 3, "extent", "ten.vmdk", 1);
	want(&r, 4, "extent", "split.raw", 1);
	want(&r, 5, "extent", "open.vmdk", 1);
	want(&r, 6, "extent", "nbd://evil:10809/x", 0);
	want(&r, 7, "extent", "tab\\x09here.raw", 0);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_imghdr_vmdk__device_create_type(void **state)
{
	const char *text = DESC_HEAD "createType=\"fullDevice\"\n"
	    "RW 2048 FLAT \"/dev/sda\" 0\n";
	char *dir = fixture_dir(), *p = image(dir, "dev.vmdk", text,
	    strlen(text));
	struct imgrefs r;

	assert_int_equal(refs(p, BLK_VMDK, &r), 0);
	assert_int_equal(r.n, 2);
	want(&r, 0, "device", "fullDevice", 0);
	want(&r, 1, "extent", "/dev/sda", 1);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(p);
	free(dir);
}

static void
test_imghdr_vmdk__damaged_refused(void **state)
{
	const char *bare = DESC_HEAD "RW 2048 FLAT \"x.raw\" 0\n";
	char *dir = fixture_dir(), *p, *big;
	unsigned char *b;

	p = image(dir, "bare.vmdk", bare, strlen(bare));
	refused(p, BLK_VMDK, "vmdk descriptor: no createType");
	free(p);
	p = image(dir, "tiny.vmdk", "RW", 2);
	refused(p, BLK_VMDK, "too short");
	free(p);
	/* text past 1 MiB with no NUL is no descriptor */
	big = xmalloc(MB + 10);
	memset(big, '#', MB + 10);
	memcpy(big, "createType=\"monolithicFlat\"\n", 28);
	p = image(dir, "big.vmdk", big, MB + 10);
	refused(p, BLK_VMDK, "larger than 1 MiB");
	free(big);
	free(p);
	b = vmdk_sparse(0, DESC_HEAD "createType=\"monolithicFlat\"\n");
	put_le64(b + 28, 1000);			/* past the 128 sectors */
	p = image(dir, "off.vmdk", b, VSIZE);
	refused(p, BLK_VMDK, "descriptor offset is past the end");
	put_le64(b + 12, 2048);
	put_le64(b + 28, 1);
	put_le64(b + 36, 5000);			/* 2.5 MB of descriptor */
	fixture_write(p, b, VSIZE);
	refused(p, BLK_VMDK, "runs past the end of the file or 1 MiB");
	free(p);
	p = image(dir, "head.vmdk", b, 300);	/* half a header */
	refused(p, BLK_VMDK, "vmdk header: the header runs past the end");
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

/* ---- VHD (Virtual Hard Disk Image Format Specification) ---- */

static void
vhd_footer(unsigned char *f, uint32_t type, uint64_t data_offset)
{
	uint32_t sum = 0;

	memset(f, 0, 512);
	memcpy(f, "conectix", 8);
	put_be32(f + 8, 2);			/* features */
	put_be32(f + 12, 0x10000);		/* version */
	put_be64(f + 16, data_offset);
	memcpy(f + 28, "tlsh", 4);
	memcpy(f + 36, "Wi2k", 4);
	put_be64(f + 40, 4 * MB);
	put_be64(f + 48, 4 * MB);
	put_be32(f + 56, 120u << 16 | 4u << 8 | 17u);
	put_be32(f + 60, type);
	for (int i = 0; i < 512; i++)
		sum += f[i];
	put_be32(f + 64, ~sum);
}

/*
 * A dynamic or differencing VHD: footer copy, dynamic header at 512, a
 * BAT of two entries at 1536, locator data from 2048, the footer last.
 */
#define VHD_SIZE (8 * KB)

static unsigned char *
vhd_dynamic(uint32_t type)
{
	unsigned char *b = xcalloc(1, VHD_SIZE), *d = b + 512;

	vhd_footer(b, type, 512);
	memcpy(b + VHD_SIZE - 512, b, 512);
	memcpy(d, "cxsparse", 8);
	put_be64(d + 8, UINT64_MAX);
	put_be64(d + 16, 1536);
	put_be32(d + 24, 0x10000);
	put_be32(d + 28, 2);
	put_be32(d + 32, 2 * MB);
	memset(b + 1536, 0xff, 8);
	return b;
}

static void
vhd_locator(unsigned char *b, int i, const char *code, uint64_t at,
    const char *path)
{
	unsigned char *e = b + 512 + 576 + 24 * i;
	size_t len = put_utf16(b + at, path, 0);

	memcpy(e, code, 4);
	put_be32(e + 4, 512);
	put_be32(e + 8, (uint32_t)len);
	put_be64(e + 16, at);
}

static void
test_imghdr_vhd__fixed_and_dynamic_have_no_refs(void **state)
{
	char *dir = fixture_dir(), *p, *q;
	unsigned char *fixed = xcalloc(1, 4 * KB), *dyn = vhd_dynamic(3);
	struct imgrefs r;

	vhd_footer(fixed + 4 * KB - 512, 2, UINT64_MAX);
	p = image(dir, "fixed.vhd", fixed, 4 * KB);
	q = image(dir, "dyn.vhd", dyn, VHD_SIZE);
	assert_int_equal(refs(p, BLK_VPC, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(refs(q, BLK_VPC, &r), 0);
	assert_int_equal(r.n, 0);
	fixture_rmrf(dir);
	free(fixed);
	free(dyn);
	free(p);
	free(q);
	free(dir);
}

static void
test_imghdr_vhd__differencing_parent_and_locators(void **state)
{
	char *dir = fixture_dir(), *p;
	unsigned char *b = vhd_dynamic(4);
	struct imgrefs r;

	put_utf16(b + 512 + 64, "base.vhd", 1);
	vhd_locator(b, 0, "W2ru", 2048, ".\\base.vhd");
	vhd_locator(b, 1, "W2ku", 2560, "C:\\vms\\base.vhd");
	p = image(dir, "diff.vhd", b, VHD_SIZE);
	assert_int_equal(refs(p, BLK_VPC, &r), 0);
	assert_int_equal(r.n, 3);
	want(&r, 0, "parent", "base.vhd", 1);
	want(&r, 1, "parent locator W2ru", ".\\base.vhd", 1);
	want(&r, 2, "parent locator W2ku", "C:\\vms\\base.vhd", 0);
	imgrefs_free(&r);
	free(b);
	/* differencing, but naming nothing */
	b = vhd_dynamic(4);
	fixture_write(p, b, VHD_SIZE);
	assert_int_equal(refs(p, BLK_VPC, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "parent", "(unnamed)", 0);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

static void
test_imghdr_vhd__damaged_refused(void **state)
{
	char *dir = fixture_dir(), *p;
	unsigned char *b = vhd_dynamic(4);

	vhd_locator(b, 0, "W2ru", 2048, "base.vhd");
	put_be64(b + 512 + 576 + 16, VHD_SIZE - 4);	/* data past the end */
	p = image(dir, "loc.vhd", b, VHD_SIZE);
	refused(p, BLK_VPC, "vhd dynamic header: parent locator data runs "
	    "past the end of the file");
	put_be32(b + 512 + 576 + 8, 100000);
	fixture_write(p, b, VHD_SIZE);
	refused(p, BLK_VPC, "over 64 KiB");
	free(b);
	b = vhd_dynamic(4);
	memcpy(b + 512, "notspars", 8);
	fixture_write(p, b, VHD_SIZE);
	refused(p, BLK_VPC, "no cxsparse cookie");
	vhd_footer(b, 4, 1u << 30);		/* header past the end */
	memcpy(b + VHD_SIZE - 512, b, 512);
	fixture_write(p, b, VHD_SIZE);
	refused(p, BLK_VPC, "the dynamic header runs past the end");
	memset(b, 0, VHD_SIZE);
	fixture_write(p, b, VHD_SIZE);
	refused(p, BLK_VPC, "no conectix cookie");
	fixture_write(p, b, 100);
	refused(p, BLK_VPC, "shorter than its footer");
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

/* ---- VHDX (MS-VHDX) ---- */

#define XSIZE (2 * MB)
#define XMETA (1 * MB)

/* CRC-32C by a table, not imghdr.c's loop: the two must agree. */
static uint32_t
crc32c(const unsigned char *p, size_t n)
{
	static uint32_t t[256];
	uint32_t c = 0xffffffffu;

	if (t[1] == 0)
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t v = i;
			for (int k = 0; k < 8; k++)
				v = v & 1 ? v >> 1 ^ 0x82f63b78u : v >> 1;
			t[i] = v;
		}
	while (n--)
		c = t[(c ^ *p++) & 0xff] ^ c >> 8;
	return ~c;
}

/* "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE" as MS-VHDX stores it. */
static void
guid(unsigned char *g, const char *s)
{
	unsigned v[16];

	assert_int_equal(sscanf(s, "%2x%2x%2x%2x-%2x%2x-%2x%2x-%2x%2x-"
	    "%2x%2x%2x%2x%2x%2x", &v[3], &v[2], &v[1], &v[0], &v[5], &v[4],
	    &v[7], &v[6], &v[8], &v[9], &v[10], &v[11], &v[12], &v[13],
	    &v[14], &v[15]), 16);
	for (int i = 0; i < 16; i++)
		g[i] = (unsigned char)v[i];
}

static void
vhdx_seal(unsigned char *blk, size_t n)
{
	put_le32(blk + 4, 0);
	put_le32(blk + 4, crc32c(blk, n));
}

/* A metadata table entry: item, offset in the region, length, flags. */
static void
vhdx_item(unsigned char *b, int i, const char *id, uint32_t off,
    uint32_t len, uint32_t flags)
{
	unsigned char *e = b + XMETA + 32 + 32 * i;

	guid(e, id);
	put_le32(e + 16, off);
	put_le32(e + 20, len);
	put_le32(e + 24, flags);
}

#define FILE_PARAMS "CAA16737-FA36-4D43-B3B6-33F0AA44E76B"
#define PARENT_LOCATOR "A8D35F2D-B30B-454D-ABF7-D3D84834AB0C"

/* A VHDX whose metadata region (at 1 MiB) has the five required items. */
static unsigned char *
vhdx(uint32_t params)
{
	unsigned char *b = xcalloc(1, XSIZE), *m = b + XMETA;

	memcpy(b, "vhdxfile", 8);
	put_utf16(b + 8, "tlshive test", 0);
	for (int i = 0; i < 2; i++) {
		unsigned char *h = b + (size_t)(i + 1) * 64 * KB;

		memcpy(h, "head", 4);
		put_le64(h + 8, (uint64_t)i + 1);	/* sequence */
		put_le16(h + 66, 1);			/* version */
		put_le32(h + 68, MB);			/* log length */
		put_le64(h + 72, 2 * MB);		/* log offset */
		vhdx_seal(h, 4 * KB);
	}
	for (int i = 0; i < 2; i++) {
		unsigned char *t = b + (size_t)(i + 3) * 64 * KB;

		memcpy(t, "regi", 4);
		put_le32(t + 8, 2);
		guid(t + 16, "2DC27766-F623-4200-9D64-115E9BFD4A08");
		put_le64(t + 32, 3 * MB);		/* BAT: not read */
		put_le32(t + 40, MB);
		put_le32(t + 44, 1);
		guid(t + 48, "8B7CA206-4790-4B9A-B8FE-575F050F886E");
		put_le64(t + 64, XMETA);
		put_le32(t + 72, MB);
		put_le32(t + 76, 1);
		vhdx_seal(t, 64 * KB);
	}
	memcpy(m, "metadata", 8);
	put_le16(m + 10, 5);
	vhdx_item(b, 0, FILE_PARAMS, 64 * KB, 8, 4);
	vhdx_item(b, 1, "2FA54224-CD1B-4876-B211-5DBED83BF4B8", 64 * KB + 8,
	    8, 6);
	vhdx_item(b, 2, "BECA12AB-B2E6-4523-93EF-C309E000C746", 64 * KB + 16,
	    16, 6);
	vhdx_item(b, 3, "8141BF1D-A96F-4709-BA47-F233A8FAAB5F", 64 * KB + 32,
	    4, 6);
	vhdx_item(b, 4, "CDA348C7-445D-4471-9CC9-E9885251C556", 64 * KB + 36,
	    4, 6);
	put_le32(m + 64 * KB, 32 * MB);			/* block size */
	put_le32(m + 64 * KB + 4, params);
	put_le64(m + 64 * KB + 8, 64 * MB);		/* disk size */
	put_le32(m + 64 * KB + 32, 512);
	put_le32(m + 64 * KB + 36, 4096);
	return b;
}

/* A parent locator item of key/value pairs at 128 KiB in the region. */
static void
vhdx_locator(unsigned char *b, const char *const *kv, int pairs)
{
	unsigned char *m = b + XMETA, *l = m + 128 * KB;
	uint32_t at = 20 + 12 * (uint32_t)pairs;

	put_le16(m + 10, 6);
	guid(l, "B04AEFB7-D19E-4A81-B789-25B8E9445913");
	put_le16(l + 18, (uint16_t)pairs);
	for (int i = 0; i < pairs; i++) {
		unsigned char *e = l + 20 + 12 * i;
		size_t kl = put_utf16(l + at, kv[2 * i], 0);
		size_t vl = put_utf16(l + at + kl, kv[2 * i + 1], 0);

		put_le32(e, at);
		put_le32(e + 4, at + (uint32_t)kl);
		put_le16(e + 8, (uint16_t)kl);
		put_le16(e + 10, (uint16_t)vl);
		at += (uint32_t)(kl + vl);
	}
	vhdx_item(b, 5, PARENT_LOCATOR, 128 * KB, at, 4);
}

static void
test_imghdr_vhdx__clean_has_no_refs(void **state)
{
	char *dir = fixture_dir(), *p;
	unsigned char *b = vhdx(0);
	struct imgrefs r;

	assert_int_equal(crc32c((const unsigned char *)"123456789", 9),
	    0xe3069283u);
	p = image(dir, "base.vhdx", b, XSIZE);
	assert_int_equal(refs(p, BLK_VHDX, &r), 0);
	assert_int_equal(r.n, 0);
	/* one region table damaged: the other copy serves */
	b[192 * KB + 100] ^= 1;
	fixture_write(p, b, XSIZE);
	assert_int_equal(refs(p, BLK_VHDX, &r), 0);
	assert_int_equal(r.n, 0);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

static void
test_imghdr_vhdx__parent_locator_paths(void **state)
{
	static const char *const kv[] = {
		"parent_linkage", "{83ed0ec3-24c8-49a6-a959-5e4bf1288bfb}",
		"relative_path", "..\\base.vhdx",
		"volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-"
		    "806e6f6e6963}\\vms\\base.vhdx",
		"absolute_win32_path", "\\\\?\\d:\\vms\\base.vhdx",
	};
	char *dir = fixture_dir(), *p;
	unsigned char *b = vhdx(2);
	struct imgrefs r;

	vhdx_locator(b, kv, 4);
	p = image(dir, "diff.vhdx", b, XSIZE);
	assert_int_equal(refs(p, BLK_VHDX, &r), 0);
	assert_int_equal(r.n, 3);
	want(&r, 0, "parent relative_path", "..\\base.vhdx", 1);
	want(&r, 1, "parent volume_path", kv[5], 1);
	want(&r, 2, "parent absolute_win32_path", kv[7], 0);
	imgrefs_free(&r);
	free(b);
	/* HasParent and no path to the parent */
	b = vhdx(2);
	vhdx_locator(b, kv, 1);
	fixture_write(p, b, XSIZE);
	assert_int_equal(refs(p, BLK_VHDX, &r), 0);
	assert_int_equal(r.n, 1);
	want(&r, 0, "parent", "(unnamed)", 0);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

static void
test_imghdr_vhdx__damaged_refused(void **state)
{
	static const char *const kv[] = { "relative_path", "base.vhdx" };
	char *dir = fixture_dir(), *p;
	unsigned char *b = vhdx(2);

	vhdx_locator(b, kv, 1);
	put_le16(b + XMETA + 128 * KB + 20 + 10, 60000);  /* value length */
	p = image(dir, "loc.vhdx", b, XSIZE);
	refused(p, BLK_VHDX, "vhdx parent locator: entry 1 runs past the "
	    "item");
	put_le16(b + XMETA + 128 * KB + 18, 9000);	/* pairs */
	fixture_write(p, b, XSIZE);
	refused(p, BLK_VHDX, "9000 entries run past the item");
	free(b);
	/* the metadata region past the end of the file */
	b = vhdx(0);
	fixture_write(p, b, XMETA + 4 * KB);
	refused(p, BLK_VHDX, "vhdx metadata: the metadata table runs past "
	    "the end of the file");
	vhdx_item(b, 0, FILE_PARAMS, 2 * MB, 8, 4);	/* past the region */
	fixture_write(p, b, XSIZE);
	refused(p, BLK_VHDX, "item 1 runs past its region");
	free(b);
	b = vhdx(0);
	b[192 * KB + 100] ^= 1;
	b[256 * KB + 100] ^= 1;
	fixture_write(p, b, XSIZE);
	refused(p, BLK_VHDX, "vhdx region table: neither copy is valid");
	free(b);
	b = vhdx(0);
	b[64 * KB + 100] ^= 1;
	b[128 * KB + 100] ^= 1;
	fixture_write(p, b, XSIZE);
	refused(p, BLK_VHDX, "vhdx header: neither header is valid");
	memcpy(b, "vhdxfilx", 8);
	fixture_write(p, b, XSIZE);
	refused(p, BLK_VHDX, "no vhdxfile signature");
	memcpy(b, "vhdxfile", 8);
	fixture_write(p, b, 1000);
	refused(p, BLK_VHDX, "runs past the end of the file");
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

static void
test_imghdr_raw_and_wim__no_header_no_refs(void **state)
{
	char *dir = fixture_dir(), *p;
	size_t e;
	unsigned char *b = qcow2(3, &e);
	struct imgrefs r;

	/* a raw image is what it says, whatever its bytes look like */
	qcow2_backing(b, "base.qcow2");
	p = image(dir, "disk.raw", b, QSIZE);
	assert_int_equal(refs(p, BLK_RAW, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(refs(p, BLK_WIM, &r), 0);
	assert_int_equal(r.n, 0);
	imgrefs_free(&r);
	fixture_rmrf(dir);
	free(b);
	free(p);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imghdr_qcow2__clean_has_no_refs),
		cmocka_unit_test(
		    test_imghdr_qcow2__backing_file_and_its_format),
		cmocka_unit_test(
		    test_imghdr_qcow2__protocols_and_odd_names_are_not_local),
		cmocka_unit_test(test_imghdr_qcow2__truncated_refused),
		cmocka_unit_test(test_imghdr_qcow2__external_data_file),
		cmocka_unit_test(test_imghdr_qcow2__damaged_headers_refused),
		cmocka_unit_test(
		    test_imghdr_vmdk__sparse_naming_itself_has_no_refs),
		cmocka_unit_test(test_imghdr_vmdk__parent_hint),
		cmocka_unit_test(
		    test_imghdr_vmdk__two_extents_one_another_host_file),
		cmocka_unit_test(
		    test_imghdr_vmdk__extent_lines_as_qemu_reads_them),
		cmocka_unit_test(test_imghdr_vmdk__device_create_type),
		cmocka_unit_test(test_imghdr_vmdk__damaged_refused),
		cmocka_unit_test(
		    test_imghdr_vhd__fixed_and_dynamic_have_no_refs),
		cmocka_unit_test(
		    test_imghdr_vhd__differencing_parent_and_locators),
		cmocka_unit_test(test_imghdr_vhd__damaged_refused),
		cmocka_unit_test(test_imghdr_vhdx__clean_has_no_refs),
		cmocka_unit_test(test_imghdr_vhdx__parent_locator_paths),
		cmocka_unit_test(test_imghdr_vhdx__damaged_refused),
		cmocka_unit_test(test_imghdr_raw_and_wim__no_header_no_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
