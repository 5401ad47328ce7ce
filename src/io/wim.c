/* WIM images through wimlib: hives out into memory and back, descriptors kept. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wimlib.h>

#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/device.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/logging.h>
#include <ntfs-3g/security.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

#include "io/wim.h"
#include "tlshive.h"
#include "trace.h"

extern char **environ;

struct entry {
	int index;
	char *path;
	struct sfile *mem;		/* the hive's bytes, changed in place */
	unsigned char *orig;
	size_t origlen;
	char *sd;			/* its security descriptor, or NULL */
	size_t sdlen;
	uint32_t attributes;
	uint64_t times[3];		/* FILETIMEs: created, written, read */
};

struct wim {
	char *path;
	WIMStruct *w;
	int lockfd, writable, integrity;
	struct entry **e;
	size_t n;
	char *doing;		/* what wimlib's progress is about */
};

static enum wimlib_progress_status
progress(enum wimlib_progress_msg msg, union wimlib_progress_info *info,
    void *ctx)
{
	struct wim *m = ctx;

	if (m->doing == NULL)
		return WIMLIB_PROGRESS_STATUS_CONTINUE;
	if (msg == WIMLIB_PROGRESS_MSG_EXTRACT_STREAMS)
		tlsh_progress(m->doing, info->extract.completed_bytes,
		    info->extract.total_bytes);
	else if (msg == WIMLIB_PROGRESS_MSG_WRITE_STREAMS)
		tlsh_progress(m->doing, info->write_streams.completed_bytes,
		    info->write_streams.total_bytes);
	return WIMLIB_PROGRESS_STATUS_CONTINUE;
}

static int
wfail(const char *path, const char *what, int code)
{
	tlsh_seterr("%s: %s: %s", path, what, wimlib_get_error_string(code));
	return -1;
}

struct wim *
wim_open(const char *path, int writable)
{
	struct wim *m = xcalloc(1, sizeof(*m));
	struct wimlib_wim_info info;
	int r;

	m->path = xstrdup(path);
	m->writable = writable;
	m->lockfd = -1;
	/*
	 * Another tlshive changing the same WIM would overwrite it from the
	 * same old header and lose one run's changes.  wimlib takes flock()
	 * while it overwrites, so this is the other kind of lock, which
	 * does not meet it.
	 */
	{
		struct flock fl = { .l_type = writable ? F_WRLCK : F_RDLCK,
		    .l_whence = SEEK_SET };
		if ((m->lockfd = open(path, (writable ? O_RDWR : O_RDONLY) |
		    O_CLOEXEC)) == -1 || fcntl(m->lockfd, F_OFD_SETLK, &fl) ==
		    -1) {
			int held = m->lockfd != -1 && (errno == EAGAIN ||
			    errno == EACCES);
			tlsh_seterrc(held ? TLSH_E_LOCKED : TLSH_E_IO, "%s: %s",
			    path, held ? "another process is changing this "
			    "WIM" : strerror(errno));
			goto fail;
		}
	}
	wimlib_global_init(0);
	if ((r = wimlib_open_wim(path, writable ? WIMLIB_OPEN_FLAG_WRITE_ACCESS :
	    0, &m->w)) != 0) {
		wfail(path, "cannot open the WIM", r);
		goto fail;
	}
	wimlib_get_wim_info(m->w, &info);
	m->integrity = info.has_integrity_table;
	wimlib_register_progress_function(m->w, progress, m);
	return m;
fail:
	wim_close(m);
	return NULL;
}

int
wim_images(const struct wim *m)
{
	struct wimlib_wim_info info;

	wimlib_get_wim_info(m->w, &info);
	return (int)info.image_count;
}

const char *
wim_image_name(const struct wim *m, int index)
{
	return wimlib_get_image_name(m->w, index);
}

struct found {
	char *sd;
	size_t sdlen;
	uint32_t attributes;
	uint64_t times[3];
	int is_file;
	uint64_t size;		/* of its data, as the WIM records it */
};

/* A WIM time as a FILETIME: 100 ns units since 1601, 11644473600 seconds
 * before 1970.  A 32-bit time_t gets the high half from wimlib apart. */
static uint64_t
filetime(const struct wimlib_timespec *ts, int32_t high)
{
	int64_t sec = (int64_t)ts->tv_sec;

	if (sizeof(ts->tv_sec) < 8)
		sec = (int64_t)((uint64_t)(uint32_t)ts->tv_sec |
		    (uint64_t)(uint32_t)high << 32);
	return (uint64_t)(sec + 11644473600LL) * 10000000ULL +
	    (uint64_t)ts->tv_nsec / 100;
}

static int
stat_cb(const struct wimlib_dir_entry *de, void *ctx)
{
	struct found *f = ctx;

	if (de->security_descriptor && de->security_descriptor_size) {
		f->sd = xmalloc(de->security_descriptor_size);
		memcpy(f->sd, de->security_descriptor,
		    de->security_descriptor_size);
		f->sdlen = de->security_descriptor_size;
	}
	f->attributes = de->attributes;
	f->times[0] = filetime(&de->creation_time, de->creation_time_high);
	f->times[1] = filetime(&de->last_write_time, de->last_write_time_high);
	f->times[2] = filetime(&de->last_access_time,
	    de->last_access_time_high);
	f->is_file = !(de->attributes & WIMLIB_FILE_ATTRIBUTE_DIRECTORY);
	f->size = de->streams[0].resource.uncompressed_size;
	return 0;
}

/* What the handed-out file does: the entry's memory file, never closed
 * before wim_commit. */
static int p_pread(struct sfile *f, void *b, size_t l, uint64_t o)
{ return sfile_read(((struct entry *)sfile_priv(f))->mem, b, l, o); }
static int p_pwrite(struct sfile *f, const void *b, size_t l, uint64_t o)
{ return sfile_write(((struct entry *)sfile_priv(f))->mem, b, l, o); }
static int p_size(struct sfile *f, uint64_t *l)
{ return sfile_size(((struct entry *)sfile_priv(f))->mem, l); }
static int p_truncate(struct sfile *f, uint64_t l)
{ return sfile_truncate(((struct entry *)sfile_priv(f))->mem, l); }
static int p_sync(struct sfile *f)
{ (void)f; return 0; }
static struct sfile *p_sibling(struct sfile *f, const char *s, int fl)
{ return sfile_sibling(((struct entry *)sfile_priv(f))->mem, s, fl); }
static unsigned char *p_view(struct sfile *f, size_t l)
{ return sfile_view(((struct entry *)sfile_priv(f))->mem, l); }
static void p_view_free(struct sfile *f, unsigned char *p, size_t l)
{ sfile_view_free(((struct entry *)sfile_priv(f))->mem, p, l); }
static const char *p_open_path(struct sfile *f)
{ return sfile_open_path(((struct entry *)sfile_priv(f))->mem); }
static void p_close(struct sfile *f)
{ (void)f; }

static const struct sfile_ops proxy_ops = {
	p_pread, p_pwrite, p_size, p_truncate, p_sync, p_sync, p_sibling,
	p_view, p_view_free, p_open_path, p_close
};

struct sfile *
wim_file(struct wim *m, int index, const char *path)
{
	const char *leaf = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *tmpl = tmp_path("tlshive-wim-XXXXXX"), *out = NULL, *shown;
	const char *paths[1] = { path };
	struct found fd = { 0 };
	struct entry *e;
	struct span sp;
	unsigned char *data;
	size_t len;
	int r, dslot, fslot;

	shown = xasprintf("%s[%d]:%s", m->path, index, path);
	r = wimlib_iterate_dir_tree(m->w, index, path, 0, stat_cb, &fd);
	if (r != 0 || !fd.is_file) {
		tlsh_seterr("%s: %s", shown, r == WIMLIB_ERR_PATH_DOES_NOT_EXIST ||
		    r == 0 ? strerror(ENOENT) : wimlib_get_error_string(r));
		free(fd.sd);
		free(shown);
		free(tmpl);
		errno = ENOENT;
		return NULL;
	}
	/* A reparse point (a symbolic link, a junction) would be extracted as
	 * a link on this host and read through: a WIM could show or copy any
	 * host file, or /dev/zero.  A hive is never one. */
	if (fd.attributes & WIMLIB_FILE_ATTRIBUTE_REPARSE_POINT) {
		tlsh_seterr("%s: a reparse point (a link), not a file: tlshive "
		    "does not follow links inside an image", shown);
		goto fail;
	}
	if (fd.size > STORE_FILE_MAX) {
		tlsh_seterr("%s: %llu bytes, more than a hive or its log can be "
		    "(Windows keeps hives under 2 GB)", shown,
		    (unsigned long long)fd.size);
		goto fail;
	}
	tmp_block();
	if (mkdtemp(tmpl) == NULL) {
		tmp_unblock();
		tlsh_seterr("%s: cannot make a directory to extract into: %s",
		    shown, strerror(errno));
		goto fail;
	}
	dslot = tmp_hold(AT_FDCWD, tmpl, 1);
	/* held before wimlib creates it: a large SOFTWARE takes seconds to
	 * write, and a signal then must not leave it behind */
	out = xasprintf("%s/%s", tmpl, leaf);
	fslot = tmp_hold(AT_FDCWD, out, 0);
	tmp_unblock();
	/* the bytes only: this process may not set Windows ACLs here */
	m->doing = xasprintf("%s: extracting", shown);
	/* wimlib says nothing before a small file is done */
	tlsh_progress(m->doing, 0, fd.size);
	trace_begin(&sp);
	r = wimlib_extract_paths(m->w, index, tmpl, paths, 1,
	    WIMLIB_EXTRACT_FLAG_NO_ACLS | WIMLIB_EXTRACT_FLAG_NO_PRESERVE_DIR_STRUCTURE |
	    WIMLIB_EXTRACT_FLAG_NO_ATTRIBUTES);
	tlsh_progress(m->doing, fd.size, fd.size);
	free(m->doing);
	m->doing = NULL;
	if (r == 0) {
		/* what was extracted, never through a link */
		struct sfile *x = sfile_open(out, 0);
		data = x ? sfile_slurp(x, &len) : NULL;
		sfile_close(x);
	} else
		data = NULL;
	trace_end(&sp, "hive-load", shown);
	unlink(out);
	rmdir(tmpl);
	tmp_release(fslot);
	tmp_release(dslot);
	if (data == NULL) {
		if (r)
			wfail(shown, "cannot extract it", r);
		goto fail;
	}
	e = xcalloc(1, sizeof(*e));
	m->e = xrealloc(m->e, (m->n + 1) * sizeof(*m->e));
	m->e[m->n++] = e;
	e->index = index;
	e->path = xstrdup(path);
	e->mem = sfile_memory(shown, data, len);
	e->orig = data;
	e->origlen = len;
	e->sd = fd.sd;
	e->sdlen = fd.sdlen;
	e->attributes = fd.attributes;
	memcpy(e->times, fd.times, sizeof(e->times));
	free(out);
	free(tmpl);
	{
		struct sfile *sf = sfile_new(&proxy_ops, e, shown);
		free(shown);
		return sf;
	}
fail:
	free(fd.sd);
	free(out);
	free(shown);
	free(tmpl);
	return NULL;
}

static int
changed(const struct entry *e)
{
	size_t len;
	const unsigned char *p = sfile_memory_data(e->mem, &len);

	return len != e->origlen || memcmp(p, e->orig, len) != 0;
}

/* mkntfs makes the scratch volume; libntfs-3g has no mkfs of its own. */
static int
mkntfs(const char *file)
{
	char *argv[] = { "mkntfs", "-F", "-Q", "-q", "-L", "tlshive",
	    (char *)file, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, "mkntfs", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		tlsh_seterr("mkntfs (ntfs-3g) is needed to put a hive back into "
		    "a WIM with its security descriptor: %s", strerror(r));
		return -1;
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		tlsh_seterr("%s: mkntfs failed", file);
		return -1;
	}
	return 0;
}

/*
 * A hive added to a WIM from a Linux file loses its security descriptor,
 * attributes and times: the new bytes go into a scratch NTFS volume as a
 * file with the original descriptor, attributes and times, the volume is
 * added to the image, the file renamed over the hive, the rest deleted.
 * A file created there without a descriptor inherits the volume root's
 * (mkntfs: Everyone, full control, inherited by everything below), and
 * wimlib would capture that for a hive the WIM kept none for (an image
 * captured with --no-acls, or from a Linux directory): such hives come
 * from a second add of the same volume without descriptors.
 */
static int
put_back(struct wim *m, int index)
{
	char *file = tmp_path("tlshive-wimvol-XXXXXX");
	static const char *const staged[2] = { "/.tlshive-new",
	    "/.tlshive-new-bare" };
	struct wimlib_update_command *c;
	size_t nc = 0, need = 16u << 20;
	int bare[2] = { 0, 0 };
	ntfs_volume *v = NULL;
	ntfs_inode *root = NULL;
	int fd, rc = -1, r, slot = -1;

	for (size_t i = 0; i < m->n; i++)
		if (m->e[i]->index == index) {
			size_t len;
			sfile_memory_data(m->e[i]->mem, &len);
			need += len * 2;
		}
	tmp_block();
	if ((fd = mkstemp(file)) != -1)
		slot = tmp_hold(AT_FDCWD, file, 0);
	tmp_unblock();
	if (fd == -1 || ftruncate(fd, (off_t)need) == -1) {
		tlsh_seterr("%s: cannot make a scratch volume: %s", m->path,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(file);
		}
		tmp_release(slot);
		free(file);
		return -1;
	}
	close(fd);
	if (mkntfs(file) == -1)
		goto out;
	ntfs_log_set_handler(ntfs_log_handler_null);
	if ((v = ntfs_mount(file, 0)) == NULL ||
	    (root = ntfs_inode_open(v, FILE_root)) == NULL) {
		tlsh_seterr("%s: cannot open the scratch volume: %s", file,
		    strerror(errno));
		goto out;
	}
	c = xcalloc(m->n + 4, sizeof(*c));
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i]->index == index && changed(m->e[i]))
			bare[m->e[i]->sd == NULL] = 1;
	for (int b = 0; b < 2; b++) {
		if (!bare[b])
			continue;
		c[nc].op = WIMLIB_UPDATE_OP_ADD;
		c[nc].add.fs_source_path = file;
		c[nc].add.wim_target_path = (char *)staged[b];
		c[nc++].add.add_flags = WIMLIB_ADD_FLAG_NTFS |
		    (b ? WIMLIB_ADD_FLAG_NO_ACLS : 0);
	}
	for (size_t i = 0; i < m->n; i++) {
		struct entry *e = m->e[i];
		const char *leaf = strrchr(e->path, '/') + 1;
		struct SECURITY_CONTEXT scx;
		ntfschar *u = NULL;
		ntfs_inode *ni;
		ntfs_attr *na;
		const unsigned char *data;
		size_t len;
		int ul;

		if (e->index != index || !changed(e))
			continue;
		data = sfile_memory_data(e->mem, &len);
		ul = ntfs_mbstoucs(leaf, &u);
		ni = ul > 0 ? ntfs_create(root, const_cpu_to_le32(0), u, (u8)ul,
		    S_IFREG) : NULL;
		free(u);
		na = ni ? ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0) : NULL;
		if (na == NULL || ntfs_attr_truncate(na, (s64)len) == -1 ||
		    ntfs_attr_pwrite(na, 0, (s64)len, data) != (s64)len) {
			tlsh_seterr("%s: cannot stage %s: %s", file, leaf,
			    strerror(errno));
			if (na)
				ntfs_attr_close(na);
			if (ni)
				ntfs_inode_close_in_dir(ni, root);
			free(c);
			goto out;
		}
		ntfs_attr_close(na);
		memset(&scx, 0, sizeof(scx));
		scx.vol = v;
		if (e->sd && ntfs_set_ntfs_acl(&scx, ni, e->sd, e->sdlen, 0) ==
		    -1) {
			tlsh_seterr("%s: cannot give %s its security descriptor: "
			    "%s", file, leaf, strerror(errno));
			ntfs_inode_close_in_dir(ni, root);
			free(c);
			goto out;
		}
		ni->flags = cpu_to_le32(e->attributes & (FILE_ATTR_READONLY |
		    FILE_ATTR_HIDDEN | FILE_ATTR_SYSTEM | FILE_ATTR_ARCHIVE |
		    FILE_ATTR_NOT_CONTENT_INDEXED));
		/* set last: the writes above stamp the scratch file's times;
		 * a WIM has no MFT change time, wimlib ignores it */
		ni->creation_time = cpu_to_sle64(e->times[0]);
		ni->last_data_change_time = cpu_to_sle64(e->times[1]);
		ni->last_mft_change_time = cpu_to_sle64(e->times[1]);
		ni->last_access_time = cpu_to_sle64(e->times[2]);
		NInoSetDirty(ni);
		NInoFileNameSetDirty(ni);
		ntfs_inode_close_in_dir(ni, root);
		c[nc].op = WIMLIB_UPDATE_OP_RENAME;
		c[nc].rename.wim_source_path = xasprintf("%s/%s",
		    staged[e->sd == NULL], leaf);
		c[nc++].rename.wim_target_path = e->path;
	}
	ntfs_inode_close(root);
	root = NULL;
	if (ntfs_umount(v, FALSE) == -1) {
		v = NULL;
		tlsh_seterr("%s: %s", file, strerror(errno));
		goto free_c;
	}
	v = NULL;
	for (int b = 0; b < 2; b++) {
		if (!bare[b])
			continue;
		c[nc].op = WIMLIB_UPDATE_OP_DELETE;
		c[nc].delete_.wim_path = (char *)staged[b];
		c[nc++].delete_.delete_flags = WIMLIB_DELETE_FLAG_RECURSIVE;
	}
	if ((r = wimlib_update_image(m->w, index, c, nc, 0)) != 0) {
		wfail(m->path, "cannot update the image", r);
		goto free_c;
	}
	rc = 0;
free_c:
	for (size_t i = 0; i < nc; i++)
		if (c[i].op == WIMLIB_UPDATE_OP_RENAME)
			free(c[i].rename.wim_source_path);
	free(c);
out:
	if (root)
		ntfs_inode_close(root);
	if (v)
		ntfs_umount(v, FALSE);
	unlink(file);
	tmp_release(slot);
	free(file);
	return rc;
}

int
wim_commit(struct wim *m, int rebuild)
{
	int any = 0, r;

	for (int index = 1; index <= wim_images(m); index++) {
		int here = 0;
		for (size_t i = 0; i < m->n; i++)
			here |= m->e[i]->index == index && changed(m->e[i]);
		if (!here)
			continue;
		if (put_back(m, index) == -1)
			return -1;
		any++;
	}
	if (!any)
		return 0;
	/* one overwrite: wimlib appends and then rewrites the header
	 * last, fsynced, so a crash leaves the old WIM whole */
	m->doing = xasprintf("%s: writing the WIM", m->path);
	tlsh_progress(m->doing, 0, 0);
	r = wimlib_overwrite(m->w, WIMLIB_WRITE_FLAG_FSYNC |
	    (m->integrity ? WIMLIB_WRITE_FLAG_CHECK_INTEGRITY : 0) |
	    (rebuild ? WIMLIB_WRITE_FLAG_REBUILD : 0), 0);
	tlsh_progress(m->doing, 1, 1);
	free(m->doing);
	m->doing = NULL;
	if (r != 0)
		return wfail(m->path, "cannot write the WIM", r);
	return any;
}

void
wim_close(struct wim *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		sfile_close(m->e[i]->mem);
		free(m->e[i]->orig);
		free(m->e[i]->sd);
		free(m->e[i]->path);
		free(m->e[i]);
	}
	free(m->e);
	if (m->w)
		wimlib_free(m->w);
	if (m->lockfd != -1)
		close(m->lockfd);
	free(m->path);
	free(m);
}
