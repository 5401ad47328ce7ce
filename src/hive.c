/* Everything that touches hivex, and the regf base-block rules hivex leaves out. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hivex.h>

#include "hive.h"
#include "logs.h"
#include "regf.h"
#include "tlshive.h"

struct hive {
	hive_h *h;
	char *path;
	struct hive_header hdr;
	int tmpfd;
	char *tmp;
	char *replayed;
	int lockfd;
	char *backup;		/* the replaced file, until hive_done */
	int flags;		/* as opened */
	struct strmap *nodes;	/* folded key path -> node, see lookup */
};

/*
 * hivex_node_get_child reads and converts the name of every subkey until
 * it finds the one asked for, so a lookup from the root costs as much as
 * the keys on its way have subkeys (SOFTWARE\Microsoft alone has hundreds),
 * and the plan and the verification ask for the same keys again and again.
 * Found keys are remembered by path.  A node handle is the key's offset in
 * the hive, and hivex keeps a key where it is when its values or subkeys
 * change; only deleting keys frees offsets, so that forgets everything.
 * Past NODE_CACHE_MAX keys (a bulk writer such as the bench's generator)
 * new ones go to hivex every time.
 */
enum { NODE_CACHE_MAX = 65536 };

static void
nodes_forget(struct hive *hv)
{
	sm_free(hv->nodes);
	hv->nodes = NULL;
}

int
hive_lock(const char *path, int wait)
{
	for (int tries = 0; tries < 100; tries++) {
		struct stat a, b;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd == -1) {
			tlsh_seterr("%s: %s", path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == -1) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				tlsh_seterr("%s: another tlshive is changing this "
				    "hive; try again when it is done, or give "
				    "--wait", path);
			else
				tlsh_seterr("%s: cannot lock it: %s", path,
				    strerror(e));
			return -1;
		}
		/* The other writer may have renamed a new file into place
		 * while we waited: the lock must be on the current one. */
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
	tlsh_seterr("%s: the file keeps being replaced; cannot lock it", path);
	return -1;
}

int
hive_read_header(const char *path, struct hive_header *hh)
{
	unsigned char b[4096];
	struct stat st;
	ssize_t got = 0, r;
	int fd;

	memset(hh, 0, sizeof(*hh));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		tlsh_seterr("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		tlsh_seterr("%s: not a regular file", path);
		close(fd);
		return -1;
	}
	while (got < (ssize_t)sizeof(b) &&
	    (r = read(fd, b + got, sizeof(b) - got)) > 0)
		got += r;
	close(fd);
	hh->file_size = (uint64_t)st.st_size;
	if (got < (ssize_t)sizeof(b) || memcmp(b, "regf", 4) != 0) {
		tlsh_seterr("%s: not a registry hive (%s)", path,
		    got < (ssize_t)sizeof(b) ? "shorter than a base block" :
		    "no regf signature");
		return -1;
	}
	hh->seq1 = regf_le32(b + 4);
	hh->seq2 = regf_le32(b + 8);
	hh->major = regf_le32(b + 20);
	hh->minor = regf_le32(b + 24);
	hh->bins_size = regf_le32(b + 40);
	hh->checksum_ok = regf_checksum(b) == regf_le32(b + 508);
	hh->dirty = hh->seq1 != hh->seq2;
	if (regf_le32(b + 28) != 0) {
		tlsh_seterr("%s: this is a transaction log, not a primary hive",
		    path);
		return -1;
	}
	if (hh->major != 1) {
		tlsh_seterr("%s: unsupported hive format version %u.%u", path,
		    hh->major, hh->minor);
		return -1;
	}
	if (hh->checksum_ok && (hh->bins_size % 4096 != 0 ||
	    (uint64_t)hh->bins_size + 4096 > hh->file_size)) {
		tlsh_seterr("%s: truncated or damaged hive: the base block "
		    "claims %u bytes of hive bins, the file holds %llu", path,
		    hh->bins_size, (unsigned long long)(hh->file_size > 4096 ?
		    hh->file_size - 4096 : 0));
		return -1;
	}
	return 0;
}

char *
hive_log_files(const struct hive *hv)
{
	struct strbuf sb = { 0 };
	static const char *const ext[] = { ".LOG", ".LOG1", ".LOG2" };
	char *dir = xstrdup(hv->path), *base = xstrdup(hv->path);
	const char *b = basename(base);

	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s%s", hv->path, ext[i]);
		if (access(p, F_OK) == 0)
			sb_add(&sb, "%s%s%s", sb.len ? ", " : "", b, ext[i]);
		free(p);
	}
	free(dir);
	free(base);
	return sb_take(&sb);
}

/*
 * hivex opens files only, so the recovered hive goes to a temporary file
 * that is unlinked as soon as hivex has it (its mapping or copy lives on).
 */
static hive_h *
open_recovered(struct hive *hv, int flags)
{
	struct recovery r;
	const char *t = getenv("TMPDIR");
	char *tmp = xasprintf("%s/tlshive-replay-XXXXXX", t && *t ? t : "/tmp");
	hive_h *h = NULL;
	int fd;

	if (logs_recover(hv->path, &r) == -1) {
		free(tmp);
		return NULL;
	}
	if ((fd = mkstemp(tmp)) == -1 || write(fd, r.data, r.len) !=
	    (ssize_t)r.len || close(fd) == -1) {
		tlsh_seterr("%s: cannot keep the replayed hive in %s: %s",
		    hv->path, tmp, strerror(errno));
		if (fd != -1)
			unlink(tmp);
		goto out;
	}
	errno = 0;
	h = hivex_open(tmp, (flags & HIVE_WRITE) ? HIVEX_OPEN_WRITE : 0);
	if (h == NULL)
		tlsh_seterr("%s: the hive replayed from its logs does not open: "
		    "%s", hv->path, strerror(errno ? errno : EINVAL));
	unlink(tmp);
	if (h != NULL) {
		hv->replayed = xasprintf("%zu %s from %s, sequence number %u",
		    r.entries, r.format == 6 ? "log entries" : "dirty pages",
		    r.logs, r.seq);
		hv->hdr.seq1 = hv->hdr.seq2 = r.seq;
		hv->hdr.bins_size = (uint32_t)(r.len - 4096);
		hv->hdr.checksum_ok = 1;
		hv->hdr.dirty = 0;
	}
out:
	recovery_free(&r);
	free(tmp);
	return h;
}

struct hive *
hive_open(const char *path, int flags)
{
	struct hive *hv = xcalloc(1, sizeof(*hv));
	int replay;

	hv->path = xstrdup(path);
	hv->tmpfd = -1;
	hv->lockfd = -1;
	if ((flags & (HIVE_WRITE | HIVE_LOCK)) &&
	    (hv->lockfd = hive_lock(path, flags & HIVE_WAIT)) == -1)
		goto fail;
	hv->flags = flags;
	if (hive_read_header(path, &hv->hdr) == -1)
		goto fail;
	replay = (flags & HIVE_REPLAY_LOGS) && (hv->hdr.dirty ||
	    !hv->hdr.checksum_ok);
	if (!hv->hdr.checksum_ok && !replay) {
		tlsh_seterr("%s: the base block checksum is wrong: the hive is "
		    "damaged, or Windows was not shut down cleanly and the "
		    "newest data sits in its .LOG1/.LOG2 files; --replay-logs "
		    "rebuilds it from them", path);
		goto fail;
	}
	if (hv->hdr.dirty && !replay && !(flags & HIVE_DISCARD_LOGS)) {
		char *logs = hive_log_files(hv);
		tlsh_seterr("%s: dirty hive (sequence numbers %u and %u): the "
		    "image was not shut down cleanly and the newest data sits "
		    "in its .LOG1/.LOG2 files%s%s%s; give --replay-logs to "
		    "replay them first, or --discard-logs to use the hive as "
		    "it is and lose that data", path, hv->hdr.seq1,
		    hv->hdr.seq2, *logs ? " (" : " (none found beside it",
		    logs, ")");
		free(logs);
		goto fail;
	}
	if (replay) {
		if ((hv->h = open_recovered(hv, flags)) == NULL)
			goto fail;
	} else {
		errno = 0;
		hv->h = hivex_open(path, (flags & HIVE_WRITE) ?
		    HIVEX_OPEN_WRITE : 0);
	}
	if (hv->h == NULL) {
		if (!replay)
			tlsh_seterr("%s: cannot open the hive: %s", path,
			    errno == ENOTSUP ? "corrupt or not a hive" :
			    strerror(errno ? errno : EINVAL));
		goto fail;
	}
	if (hivex_root(hv->h) == 0) {
		tlsh_seterr("%s: the hive has no usable root key", path);
		goto fail;
	}
	return hv;
fail:
	hive_close(hv);
	return NULL;
}

int
hive_make_writable(struct hive *hv)
{
	hive_h *w;
	int replayed = hv->replayed != NULL;

	if (hv->flags & HIVE_WRITE)
		return 0;
	if (replayed) {
		free(hv->replayed);
		hv->replayed = NULL;
		w = open_recovered(hv, hv->flags | HIVE_WRITE);
	} else {
		errno = 0;
		if ((w = hivex_open(hv->path, HIVEX_OPEN_WRITE)) == NULL)
			tlsh_seterr("%s: cannot open the hive for writing: %s",
			    hv->path, strerror(errno ? errno : EINVAL));
	}
	if (w == NULL)
		return -1;
	hivex_close(hv->h);
	nodes_forget(hv);
	hv->h = w;
	hv->flags |= HIVE_WRITE;
	return 0;
}

const char *
hive_replayed(const struct hive *hv)
{
	return hv->replayed;
}

void
hive_close(struct hive *hv)
{
	if (hv == NULL)
		return;
	hive_unstage(hv);
	hive_done(hv);
	nodes_forget(hv);
	if (hv->h)
		hivex_close(hv->h);
	if (hv->lockfd != -1)
		close(hv->lockfd);
	free(hv->path);
	free(hv->replayed);
	free(hv);
}

const char *
hive_path(const struct hive *hv)
{
	return hv->path;
}

const struct hive_header *
hive_header(const struct hive *hv)
{
	return &hv->hdr;
}

/*
 * hivex_node_get_child returns 0 both for "no such child" (errno left alone)
 * and for a damaged subkey list (errno set), so errno is cleared first.
 * With create, missing keys are added; hivex_node_add_child refuses existing
 * names, which is why creation only follows a failed lookup.
 */
static int
lookup(struct hive *hv, const char *key, int create, hive_node_h *out)
{
	hive_node_h node = hivex_root(hv->h);
	char *copy = xstrdup(key), *comp, *save = NULL;
	char *path = xmalloc(strlen(key) + 1);
	size_t plen = 0;
	int first = 1, r = -1;

	for (comp = strtok_r(copy, "\\", &save); comp != NULL;
	    comp = strtok_r(NULL, "\\", &save), first = 0) {
		hive_node_h child;
		size_t cached;

		if (!first)
			path[plen++] = '\\';
		strcpy(path + plen, comp);
		str_fold(path + plen);
		plen += strlen(comp);
		if (hv->nodes && sm_get(hv->nodes, path, &cached)) {
			node = (hive_node_h)cached;
			continue;
		}
		errno = 0;
		child = hivex_node_get_child(hv->h, node, comp);
		if (child == 0 && errno != 0) {
			tlsh_seterr("%s: cannot read key %s: %s", hv->path, key,
			    strerror(errno));
			goto out;
		}
		if (child == 0 && !create) {
			r = 0;
			goto out;
		}
		if (child == 0) {
			/* A hive file has no CurrentControlSet: it is a link
			 * the running kernel makes.  Creating one would put
			 * settings where Windows never reads them. */
			if (first && strcasecmp(comp, "CurrentControlSet") == 0) {
				tlsh_seterr("%s: refusing to create a key "
				    "named CurrentControlSet", hv->path);
				goto out;
			}
			errno = 0;
			child = hivex_node_add_child(hv->h, node, comp);
			if (child == 0) {
				tlsh_seterr("%s: cannot create key %s: %s",
				    hv->path, key, strerror(errno ? errno :
				    EINVAL));
				goto out;
			}
		}
		if (hv->nodes == NULL)
			hv->nodes = sm_new();
		if (sm_count(hv->nodes) < NODE_CACHE_MAX)
			sm_put(hv->nodes, path, child);
		node = child;
	}
	*out = node;
	r = 1;
out:
	free(copy);
	free(path);
	return r;
}

int
hive_key_exists(struct hive *hv, const char *key)
{
	hive_node_h n;

	return lookup(hv, key, 0, &n);
}

int
hive_get(struct hive *hv, const char *key, const char *name,
    struct regval *out)
{
	hive_node_h node;
	hive_value_h v;
	hive_type t;
	size_t len;
	char *data;
	int r;

	if ((r = lookup(hv, key, 0, &node)) <= 0)
		return r;
	errno = 0;
	v = hivex_node_get_value(hv->h, node, name);
	if (v == 0) {
		if (errno == 0)
			return 0;
		tlsh_seterr("%s: cannot read %s\\%s: %s", hv->path, key, name,
		    strerror(errno));
		return -1;
	}
	errno = 0;
	if ((data = hivex_value_value(hv->h, v, &t, &len)) == NULL) {
		tlsh_seterr("%s: cannot read %s\\%s: %s", hv->path, key, name,
		    strerror(errno ? errno : EINVAL));
		return -1;
	}
	out->type = (uint32_t)t;
	out->len = len;
	out->data = (unsigned char *)data;
	return 1;
}

int
hive_mkkey(struct hive *hv, const char *key)
{
	hive_node_h node;

	return lookup(hv, key, 1, &node) == -1 ? -1 : 0;
}

int
hive_delete_key(struct hive *hv, const char *key)
{
	hive_node_h node;
	int r;

	if ((r = lookup(hv, key, 0, &node)) <= 0)
		return r;
	if (node == hivex_root(hv->h)) {
		tlsh_seterr("%s: refusing to delete the root key", hv->path);
		return -1;
	}
	nodes_forget(hv);
	errno = 0;
	if (hivex_node_delete_child(hv->h, node) == -1) {
		tlsh_seterr("%s: cannot delete key %s: %s", hv->path, key,
		    strerror(errno ? errno : EINVAL));
		return -1;
	}
	return 0;
}

/* The values of a node as hivex_node_set_values wants them. */
static hive_set_value *
node_values(struct hive *hv, hive_node_h node, const char *key, size_t *n)
{
	hive_value_h *vals;
	hive_set_value *sv;
	size_t i;

	errno = 0;
	if ((vals = hivex_node_values(hv->h, node)) == NULL) {
		tlsh_seterr("%s: cannot read the values of %s: %s", hv->path,
		    key, strerror(errno ? errno : EINVAL));
		return NULL;
	}
	for (i = 0; vals[i]; i++)
		;
	sv = xcalloc(i + 1, sizeof(*sv));
	for (i = 0; vals[i]; i++) {
		hive_type t;
		size_t len;

		sv[i].key = hivex_value_key(hv->h, vals[i]);
		sv[i].value = hivex_value_value(hv->h, vals[i], &t, &len);
		if (sv[i].key == NULL || sv[i].value == NULL) {
			tlsh_seterr("%s: cannot read a value of %s", hv->path,
			    key);
			*n = i + 1;
			free(vals);
			return sv;	/* caller frees; *n marks the failure */
		}
		sv[i].t = t;
		sv[i].len = len;
	}
	*n = i;
	free(vals);
	return sv;
}

static void
free_values(hive_set_value *sv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(sv[i].key);
		free(sv[i].value);
	}
	free(sv);
}

char *
hive_value_name(struct hive *hv, const char *key, const char *name)
{
	hive_node_h node;
	hive_value_h v;

	if (lookup(hv, key, 0, &node) != 1 ||
	    (v = hivex_node_get_value(hv->h, node, name)) == 0)
		return NULL;
	return hivex_value_key(hv->h, v);
}

/*
 * hivex rebuilds a key's whole value list whenever one value is set, so a
 * key's values are set in one go: setting them one by one costs as many
 * rebuilds as there are values, each as long as the list.  As
 * hivex_node_set_value does it, a value whose name matches (case-blind)
 * takes the old one's place under the new name, others go at the end, and
 * the key's other values come back with the same names, types and data.
 */
int
hive_set_values(struct hive *hv, const char *key, size_t n,
    const char *const names[], const struct regval *const vals[])
{
	struct strmap *at = sm_new();
	hive_set_value *sv;
	hive_node_h node;
	size_t have, k;
	int r = -1;

	if (lookup(hv, key, 1, &node) == -1 ||
	    (sv = node_values(hv, node, key, &have)) == NULL)
		goto out;
	sv = xrealloc(sv, (have + n + 1) * sizeof(*sv));
	for (k = 0; k < have; k++) {
		char *id;
		if (sv[k].key == NULL || sv[k].value == NULL)
			goto fail;
		sm_put(at, id = str_fold(xstrdup(sv[k].key)), k);
		free(id);
	}
	for (size_t i = 0; i < n; i++) {
		char *id = str_fold(xstrdup(names[i]));
		size_t j;
		if (sm_get(at, id, &j)) {
			free(sv[j].key);
			free(sv[j].value);
		} else
			sm_put(at, id, j = k++);
		free(id);
		sv[j].key = xstrdup(names[i]);
		sv[j].t = (hive_type)vals[i]->type;
		sv[j].len = vals[i]->len;
		sv[j].value = xmalloc(vals[i]->len + 1);
		if (vals[i]->len)
			memcpy(sv[j].value, vals[i]->data, vals[i]->len);
	}
	errno = 0;
	if (hivex_node_set_values(hv->h, node, k, sv, 0) == -1) {
		tlsh_seterr("%s: cannot set %s\\%s%s: %s", hv->path, key,
		    names[0], n > 1 ? " and the other values" : "",
		    strerror(errno ? errno : EINVAL));
		goto fail;
	}
	r = 0;
fail:
	free_values(sv, k < have ? have : k);
out:
	sm_free(at);
	return r;
}

int
hive_set(struct hive *hv, const char *key, const char *name,
    const struct regval *val)
{
	return hive_set_values(hv, key, 1, &name, &val);
}

int
hive_delete_value(struct hive *hv, const char *key, const char *name)
{
	hive_set_value *sv;
	hive_node_h node;
	size_t n, k = 0, found = 0;
	int r;

	if ((r = lookup(hv, key, 0, &node)) <= 0)
		return r;
	if ((sv = node_values(hv, node, key, &n)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (sv[i].key == NULL || sv[i].value == NULL) {
			free_values(sv, n);
			return -1;
		}
		if (strcasecmp(sv[i].key, name) == 0) {
			free(sv[i].key);
			free(sv[i].value);
			found = 1;
			continue;
		}
		sv[k++] = sv[i];
	}
	r = 0;
	errno = 0;
	if (found && hivex_node_set_values(hv->h, node, k, sv, 0) == -1) {
		tlsh_seterr("%s: cannot delete %s\\%s: %s", hv->path, key, name,
		    strerror(errno ? errno : EINVAL));
		r = -1;
	}
	free_values(sv, k);
	return r;
}

static int
walk(struct hive *hv, hive_node_h node, const char *path, hive_walk_fn fn,
    void *ctx)
{
	hive_set_value *sv;
	hive_node_h *kids;
	size_t n;
	int r;

	if ((r = fn(ctx, path, NULL, NULL)) != 0)
		return r;
	if ((sv = node_values(hv, node, path, &n)) == NULL)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct regval v;

		if (sv[i].key == NULL || sv[i].value == NULL) {
			r = -1;
			break;
		}
		v.type = (uint32_t)sv[i].t;
		v.len = sv[i].len;
		v.data = (unsigned char *)sv[i].value;
		r = fn(ctx, path, sv[i].key, &v);
	}
	free_values(sv, n);
	if (r != 0)
		return r;
	errno = 0;
	if ((kids = hivex_node_children(hv->h, node)) == NULL) {
		tlsh_seterr("%s: cannot list %s: %s", hv->path, path,
		    strerror(errno ? errno : EINVAL));
		return -1;
	}
	for (size_t i = 0; kids[i] && r == 0; i++) {
		char *name = hivex_node_name(hv->h, kids[i]), *sub;

		if (name == NULL) {
			tlsh_seterr("%s: cannot read a key name under %s",
			    hv->path, path);
			r = -1;
			break;
		}
		sub = *path ? xasprintf("%s\\%s", path, name) : xstrdup(name);
		r = walk(hv, kids[i], sub, fn, ctx);
		free(sub);
		free(name);
	}
	free(kids);
	return r;
}

/* A key's path as the hive spells it (lookups match names case-blind). */
static char *
spelling(struct hive *hv, hive_node_h node)
{
	hive_node_h root = hivex_root(hv->h);
	char *path = xstrdup("");

	for (int depth = 0; node != root; depth++) {
		char *name, *longer;
		if (depth > 512 || (name = hivex_node_name(hv->h, node)) ==
		    NULL || (node = hivex_node_parent(hv->h, node)) == 0) {
			tlsh_seterr("%s: cannot read the path of a key",
			    hv->path);
			free(path);
			return NULL;
		}
		longer = xasprintf("%s%s%s", name, *path ? "\\" : "", path);
		free(name);
		free(path);
		path = longer;
	}
	return path;
}

int
hive_walk(struct hive *hv, const char *key, hive_walk_fn fn, void *ctx)
{
	hive_node_h node;
	char *spelt;
	int r;

	if ((r = lookup(hv, key, 0, &node)) <= 0) {
		if (r == 0)
			tlsh_seterr("%s: no key %s", hv->path, key);
		return -1;
	}
	if ((spelt = spelling(hv, node)) == NULL)
		return -1;
	r = walk(hv, node, spelt, fn, ctx);
	free(spelt);
	return r;
}

int
hive_subkeys_dword(struct hive *hv, const char *key, const char *value,
    char ***names, uint32_t **vals, unsigned char **have, size_t *n)
{
	hive_node_h node, *kids;
	size_t i;
	int r;

	*n = 0;
	if ((r = lookup(hv, key, 0, &node)) != 1) {
		if (r == 0)
			tlsh_seterr("%s: no key %s", hv->path, key);
		return -1;
	}
	errno = 0;
	if ((kids = hivex_node_children(hv->h, node)) == NULL) {
		tlsh_seterr("%s: cannot list %s: %s", hv->path, key,
		    strerror(errno ? errno : EINVAL));
		return -1;
	}
	for (i = 0; kids[i]; i++)
		;
	*names = xcalloc(i + 1, sizeof(**names));
	*vals = xcalloc(i + 1, sizeof(**vals));
	*have = xcalloc(i + 1, 1);
	for (i = 0; kids[i]; i++) {
		hive_value_h v;
		hive_type t;
		size_t len;

		if (((*names)[i] = hivex_node_name(hv->h, kids[i])) == NULL) {
			tlsh_seterr("%s: cannot read a key name under %s",
			    hv->path, key);
			strv_free(*names, i);
			free(*vals);
			free(*have);
			free(kids);
			return -1;
		}
		errno = 0;
		v = hivex_node_get_value(hv->h, kids[i], value);
		if (v != 0 && hivex_value_type(hv->h, v, &t, &len) == 0 &&
		    t == hive_t_REG_DWORD && len == 4) {
			(*vals)[i] = (uint32_t)hivex_value_dword(hv->h, v);
			(*have)[i] = 1;
		}
	}
	*n = i;
	free(kids);
	return 0;
}

static int
verify(const char *path, const struct hive_expect *ex, size_t n)
{
	struct hive *t = hive_open(path, 0);
	int ok = 0;

	if (t == NULL)
		return -1;
	for (size_t i = 0; i < n && ok == 0; i++) {
		struct regval got;
		int r, want = ex[i].val != NULL;

		if (ex[i].name == NULL) {
			if ((r = hive_key_exists(t, ex[i].key)) != want)
				ok = -1;
			if (r >= 0 && ok)
				tlsh_seterr("%s: written hive %s key %s", path,
				    want ? "lacks" : "still has", ex[i].key);
			continue;
		}
		r = hive_get(t, ex[i].key, ex[i].name, &got);
		if (r == 1) {
			int same = want && regval_equal(&got, ex[i].val);
			regval_free(&got);
			r = same;
		} else if (r == 0)
			r = !want;
		if (r != 1) {
			if (r == 0)
				tlsh_seterr("%s: written hive does not hold "
				    "%s\\%s as planned", path, ex[i].key,
				    ex[i].name);
			ok = -1;
		}
	}
	if (ok == 0 && hive_header(t)->dirty) {
		tlsh_seterr("%s: written hive is not marked clean", path);
		ok = -1;
	}
	hive_close(t);
	return ok;
}

/*
 * A new file beside target, for a rename over it, with the mode and owner
 * of like (when given and present).  A target that is a symbolic link is
 * refused: rename(2) would replace the link, not the hive it points to.
 * Returns the descriptor and sets *tmp, or -1 with nothing left behind.
 */
static int
temp_beside(const char *target, const char *like, char **tmp)
{
	char *d = xstrdup(target), *b = xstrdup(target);
	struct stat st;
	int fd;

	*tmp = xasprintf("%s/.%s.tlshive-XXXXXX", dirname(d), basename(b));
	free(d);
	free(b);
	if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode)) {
		tlsh_seterr("%s: is a symbolic link; give the hive file itself",
		    target);
		goto fail;
	}
	if ((fd = mkstemp(*tmp)) == -1) {
		tlsh_seterr("%s: cannot create a temporary file beside it: %s",
		    target, strerror(errno));
		goto fail;
	}
	if (like && stat(like, &st) == 0 && (fchmod(fd, st.st_mode & 07777) ==
	    -1 || (fchown(fd, st.st_uid, st.st_gid) == -1 &&
	    (st.st_uid != geteuid() || errno != EPERM)))) {
		tlsh_seterr("%s: cannot give the new file the original's mode "
		    "and owner: %s", *tmp, strerror(errno));
		close(fd);
		unlink(*tmp);
		goto fail;
	}
	return fd;
fail:
	free(*tmp);
	*tmp = NULL;
	return -1;
}

int
hive_stage(struct hive *hv, const struct hive_expect *ex, size_t n)
{
	int e;

	hive_unstage(hv);
	if ((hv->tmpfd = temp_beside(hv->path, hv->path, &hv->tmp)) == -1)
		return -1;
	errno = 0;
	if (hivex_commit(hv->h, hv->tmp, 0) == -1) {
		tlsh_seterr("%s: cannot write the new hive: %s", hv->tmp,
		    strerror(errno ? errno : EIO));
		goto fail;
	}
	if (verify(hv->tmp, ex, n) == -1)
		goto fail;
	if (fsync(hv->tmpfd) == -1) {
		tlsh_seterr("%s: fsync: %s", hv->tmp, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	e = errno;
	hive_unstage(hv);
	errno = e;
	return -1;
}

static int
fsync_dir(const char *path)
{
	char *d = xstrdup(path);
	int fd, r;

	fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(d);
	if (fd == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
hive_publish(struct hive *hv)
{
	if (hv->tmp == NULL)
		return 0;
	/* A second name for the original, so a failed apply can put it
	 * back; file systems without hard links get no way back. */
	free(hv->backup);
	hv->backup = xasprintf("%s-old", hv->tmp);
	if (link(hv->path, hv->backup) == -1) {
		free(hv->backup);
		hv->backup = NULL;
	}
	if (rename(hv->tmp, hv->path) == -1) {
		tlsh_seterr("%s: cannot replace it with %s: %s", hv->path,
		    hv->tmp, strerror(errno));
		hive_unstage(hv);
		hive_done(hv);
		return -1;
	}
	free(hv->tmp);
	hv->tmp = NULL;
	close(hv->tmpfd);
	hv->tmpfd = -1;
	if (fsync_dir(hv->path) == -1) {
		tlsh_seterr("%s: syncing its directory after the rename failed: "
		    "%s", hv->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
hive_rollback(struct hive *hv)
{
	if (hv->backup == NULL) {
		tlsh_seterr("%s: no copy of the original to put back (the file "
		    "system has no hard links)", hv->path);
		return -1;
	}
	if (rename(hv->backup, hv->path) == -1 || fsync_dir(hv->path) == -1) {
		tlsh_seterr("%s: cannot put the original back from %s: %s",
		    hv->path, hv->backup, strerror(errno));
		return -1;
	}
	free(hv->backup);
	hv->backup = NULL;
	return 0;
}

void
hive_done(struct hive *hv)
{
	if (hv->backup) {
		unlink(hv->backup);
		free(hv->backup);
		hv->backup = NULL;
	}
}

void
hive_unstage(struct hive *hv)
{
	if (hv->tmp) {
		unlink(hv->tmp);
		free(hv->tmp);
		hv->tmp = NULL;
	}
	if (hv->tmpfd != -1) {
		close(hv->tmpfd);
		hv->tmpfd = -1;
	}
}

int
hive_write_file(const char *target, const unsigned char *data, size_t len,
    const char *like)
{
	struct hive *check;
	char *tmp;
	int fd, e;

	if ((fd = temp_beside(target, like, &tmp)) == -1)
		return -1;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w <= 0) {
			tlsh_seterr("%s: cannot write the new hive: %s", tmp,
			    strerror(w == 0 ? EIO : errno));
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1) {
		tlsh_seterr("%s: fsync: %s", tmp, strerror(errno));
		goto fail;
	}
	if ((check = hive_open(tmp, 0)) == NULL)
		goto fail;
	hive_close(check);
	if (rename(tmp, target) == -1) {
		tlsh_seterr("%s: cannot put the new hive in place: %s", target,
		    strerror(errno));
		goto fail;
	}
	close(fd);
	free(tmp);
	if (fsync_dir(target) == -1) {
		tlsh_seterr("%s: the new hive is in place, but syncing its "
		    "directory failed: %s", target, strerror(errno));
		return -1;
	}
	return 0;
fail:
	e = errno;
	close(fd);
	unlink(tmp);
	free(tmp);
	errno = e;
	return -1;
}
