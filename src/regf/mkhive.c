/*
 * A minimal hive, byte by byte, following Maxim Suhanov's "Windows registry
 * file format specification".  hivex can edit a hive but cannot create one,
 * so fixtures and the sample image start here and grow through hive.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "regf/mkhive.h"
#include "regf/regf.h"
#include "tlshive.h"

#define BASE 4096		/* cell offsets count from the first hive bin */
#define NK_OFF 0x20		/* first cell, right after the bin header */

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

/* SID S-1-5-<subs...>; returns its length. */
static size_t
put_sid(unsigned char *p, const uint32_t *subs, int n)
{
	p[0] = 1;
	p[1] = (unsigned char)n;
	memset(p + 2, 0, 6);
	p[7] = 5;		/* SECURITY_NT_AUTHORITY */
	for (int i = 0; i < n; i++)
		put_le32(p + 8 + 4 * i, subs[i]);
	return 8 + 4 * (size_t)n;
}

/*
 * Self-relative security descriptor like a stock HKLM hive root: owner
 * Administrators, group SYSTEM; SYSTEM and Administrators full control,
 * Users read; inherited by subkeys (hivex gives new keys the parent's).
 */
static size_t
put_sd(unsigned char *sd)
{
	static const uint32_t system[] = { 18 }, admins[] = { 32, 544 },
	    users[] = { 32, 545 };
	static const struct {
		const uint32_t *sid;
		int n;
		uint32_t mask;
	} aces[] = {
		{ system, 1, 0x000f003f },	/* KEY_ALL_ACCESS */
		{ admins, 2, 0x000f003f },
		{ users, 2, 0x00020019 },	/* KEY_READ */
	};
	size_t off = 20, acl = 20, n;

	sd[0] = 1;				/* revision */
	put16(sd + 2, 0x8004);			/* SELF_RELATIVE | DACL_PRESENT */
	off = acl + 8;
	for (size_t i = 0; i < 3; i++) {
		unsigned char *ace = sd + off;
		ace[0] = 0;			/* ACCESS_ALLOWED_ACE_TYPE */
		ace[1] = 0x02;			/* CONTAINER_INHERIT_ACE */
		put_le32(ace + 4, aces[i].mask);
		n = 8 + put_sid(ace + 8, aces[i].sid, aces[i].n);
		put16(ace + 2, (uint16_t)n);
		off += n;
	}
	sd[acl] = 2;				/* ACL_REVISION */
	put16(sd + acl + 2, (uint16_t)(off - acl));
	put16(sd + acl + 4, 3);
	put_le32(sd + 16, (uint32_t)acl);		/* DACL */
	put_le32(sd + 4, (uint32_t)off);		/* owner */
	off += put_sid(sd + off, admins, 2);
	put_le32(sd + 8, (uint32_t)off);		/* group */
	off += put_sid(sd + off, system, 1);
	return off;
}

static size_t
align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

int
mkhive_build(unsigned char *buf, const char *root_name, uint64_t filetime)
{
	size_t namelen = strlen(root_name), nk_size, sk_off, sk_size, sd_len,
	    free_off;
	unsigned char *bin = buf + BASE, *nk, *sk;
	uint32_t sum = 0;

	if (namelen == 0 || namelen > 255) {
		tlsh_seterr("root key name must be 1 to 255 characters");
		return -1;
	}
	memset(buf, 0, MKHIVE_SIZE);

	/* hive bin header */
	memcpy(bin, "hbin", 4);
	put_le32(bin + 4, 0);			/* offset of this bin */
	put_le32(bin + 8, 4096);			/* size of this bin */
	put64(bin + 20, filetime);

	/* root key node */
	nk_size = align8(4 + 76 + namelen);
	sk_off = NK_OFF + nk_size;
	nk = bin + NK_OFF;
	put_le32(nk, (uint32_t)-(int32_t)nk_size);	/* negative: allocated */
	nk += 4;
	memcpy(nk, "nk", 2);
	put16(nk + 2, 0x002c);	/* HIVE_ENTRY | NO_DELETE | COMP_NAME */
	put64(nk + 4, filetime);
	put_le32(nk + 16, 0);			/* parent: none */
	put_le32(nk + 28, 0xffffffff);		/* no subkey list */
	put_le32(nk + 32, 0xffffffff);		/* no volatile subkey list */
	put_le32(nk + 40, 0xffffffff);		/* no value list */
	put_le32(nk + 44, (uint32_t)sk_off);	/* security */
	put_le32(nk + 48, 0xffffffff);		/* no class name */
	put16(nk + 72, (uint16_t)namelen);
	memcpy(nk + 76, root_name, namelen);

	/* security cell: a one-entry list pointing to itself */
	sk = bin + sk_off;
	sd_len = put_sd(sk + 4 + 20);
	sk_size = align8(4 + 20 + sd_len);
	put_le32(sk, (uint32_t)-(int32_t)sk_size);
	memcpy(sk + 4, "sk", 2);
	put_le32(sk + 8, (uint32_t)sk_off);	/* flink */
	put_le32(sk + 12, (uint32_t)sk_off);	/* blink */
	put_le32(sk + 16, 1);			/* reference count */
	put_le32(sk + 20, (uint32_t)sd_len);

	/* the rest of the bin is one free cell (positive size) */
	free_off = sk_off + sk_size;
	put_le32(bin + free_off, (uint32_t)(4096 - free_off));

	/* base block */
	memcpy(buf, "regf", 4);
	put_le32(buf + 4, 1);			/* primary sequence number */
	put_le32(buf + 8, 1);			/* secondary: equal, so clean */
	put64(buf + 12, filetime);
	put_le32(buf + 20, 1);			/* major version */
	put_le32(buf + 24, 5);			/* minor: 1.5, XP and later */
	put_le32(buf + 28, 0);			/* primary file */
	put_le32(buf + 32, 1);			/* direct memory load */
	put_le32(buf + 36, NK_OFF);		/* root cell */
	put_le32(buf + 40, 4096);			/* hive bins data size */
	put_le32(buf + 44, 1);			/* clustering factor */
	for (size_t i = 0; i < namelen && i < 31; i++)
		buf[48 + 2 * i] = (unsigned char)root_name[i];
	sum = regf_checksum(buf);
	put_le32(buf + 508, sum);
	return 0;
}

int
mkhive_write(const char *path, const char *root_name, uint64_t filetime)
{
	unsigned char buf[MKHIVE_SIZE];
	ssize_t w;
	int fd;

	if (mkhive_build(buf, root_name, filetime) == -1)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		return -1;
	}
	w = write(fd, buf, sizeof(buf));
	if (w != (ssize_t)sizeof(buf) || fsync(fd) == -1) {
		tlsh_seterr("%s: %s", path, w == -1 || w == sizeof(buf) ?
		    strerror(errno) : "short write");
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) == -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}
