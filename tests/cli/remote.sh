# Images read where they lie: show and check on a qcow2 and a raw disk
# image over HTTP, over HTTPS (a certificate the system does not trust
# refused) and on an NBD export, from servers this test starts on
# the loopback address (tests/tools/loopback.py), give what the same image
# gives as a local file, reading a small part of it; apply and recover on
# a URL are refused with the recipe, before anything is fetched, and the
# recipe (a local overlay patched with --base) works; a backing
# file or external data file a remote qcow2 names is refused and never
# fetched; a missing file and a server that is gone fail clearly (75 where
# a retry may succeed); nothing is left behind (socket, directory,
# qemu-nbd).
. "$srcdir/tests/cli/lib.sh"
for t in mkntfs ntfs-3g qemu-img qemu-nbd sfdisk setpriv unshare openssl python3 jq; do
	need_tool "$t"
done
[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root and /dev/fuse to build the test volumes"; skip "needs root and /dev/fuse to build the test volumes"; }
need_images
. "$srcdir/tests/cli/imglib.sh"
LOOPBACK="$srcdir/tests/tools/loopback.py"
servers=
stop_servers() {
	for p in $servers; do kill "$p" 2>/dev/null || true; done
	for p in $servers; do wait "$p" 2>/dev/null || true; done
	servers=
}
trap 'at_exit stop_servers_cleanup' EXIT
stop_servers_cleanup() { stop_servers; cleanup; }
# the transport's socket directory goes here: what a run leaves is seen
TMPDIR=$T/tmp; export TMPDIR; mkdir "$TMPDIR"

# A Windows Server 2022 volume with 40 MiB of incompressible data beside
# the hives (a page file's worth, as real images have far more), in a GPT
# disk, as raw and qcow2.
vol v.ntfs 2022
ntfs-3g v.ntfs "$M"
dd if=/dev/urandom of="$M/pagefile.sys" bs=1M count=40 status=none
umount "$M"
disk d.raw gpt v.ntfs
mkdir pub
qemu-img convert -f raw -O qcow2 d.raw pub/w.qcow2
cp d.raw pub/w.raw
cp pub/w.qcow2 pub/applied.qcow2
"$TLSHIVE" apply pub/applied.qcow2 > /dev/null || fail "apply on the local copy"
qemu-img convert -f raw -O vhdx d.raw pub/w.vhdx
# one that names a backing file on the same server, and one whose name
# leads nowhere but would show in the server's log if it were asked
qemu-img create -q -f qcow2 -u -b "http://127.0.0.1:1/../w.qcow2" -F qcow2 pub/over.qcow2 200M
qemu-img create -q -f qcow2 -o data_file="$T/d.raw",data_file_raw=on pub/ext.qcow2 200M
"$TLSHIVE" show pub/w.qcow2 > local.out || fail "show on the local qcow2"

python3 "$LOOPBACK" http pub port http.log &
servers="$servers $!"
wait_for 60 "the HTTP server's port" test -s port
U=http://127.0.0.1:$(cat port)
served() { awk -v p="$1" '$2 == p { s += $4 } END { print s + 0 }' http.log; }
asked() { grep -c " $1 " http.log || true; }

# show over HTTP gives what show gives on the local file, with its URL
"$TLSHIVE" show "$U/w.qcow2" > url.out || { cat url.out; fail "show on a qcow2 over HTTP"; }
sed "s|pub/w.qcow2|$U/w.qcow2|" local.out | diff - url.out || fail "show over HTTP differs from show on the file"
grep -q '^disk image   qcow2, gpt partition 1$' url.out || fail "the disk line"
# ... reading a part of it: the hives' cells on the settings' paths and the
# NTFS metadata that leads to them, not the page file
size=$(wc -c < pub/w.qcow2)
got=$(served /w.qcow2)
[ "$got" -gt 0 ] || fail "nothing was read over HTTP"
[ "$got" -lt $((size / 4)) ] || fail "show read $got bytes of a $size-byte qcow2 over HTTP"
echo "show over HTTP: $got bytes of $size read"
"$TLSHIVE" show "$U/w.raw" > raw.out || { cat raw.out; fail "show on a raw image over HTTP"; }
sed "s|pub/w.qcow2|$U/w.raw|; s|^disk image   qcow2|disk image   raw|" local.out | diff - raw.out || fail "show on the raw image over HTTP differs"
got=$(served /w.raw)
[ "$got" -lt $(($(wc -c < pub/w.raw) / 4)) ] || fail "show read $got bytes of the raw image"

# check: not compliant as made, compliant once applied (to a local copy)
must_exit 1 "$TLSHIVE" check "$U/w.qcow2" > /dev/null
"$TLSHIVE" check --json "$U/w.qcow2" > c.json && fail "check --json: compliant"
jtrue '.compliant == false and .disk.format == "qcow2" and .image == "'"$U"'/w.qcow2"' < c.json || fail "check --json over HTTP"
"$TLSHIVE" check "$U/applied.qcow2" > /dev/null || fail "not compliant over HTTP after apply"
"$TLSHIVE" check --json "$U/applied.qcow2" | jtrue '.compliant == true' || fail "check --json after apply"

# several URLs in one run, each read by a worker with its own transport
"$TLSHIVE" check --json "$U/w.qcow2" "$U/applied.qcow2" > batch.json && fail "a batch with a non-compliant image: exit 0"
[ "$(jq -r '.outcome' < batch.json | tr '\n' ' ')" = "noncompliant ok " ] || { cat batch.json; fail "check of two URLs in one run"; }

# HTTPS: the server's certificate is checked against the system's
# authorities; trusted (in a mount namespace of this test's, where the
# system's bundle is the test's own certificate) it reads as HTTP does
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2> /dev/null || fail "openssl: a certificate"
python3 "$LOOPBACK" https pub sport https.log cert.pem key.pem &
servers="$servers $!"
wait_for 60 "the HTTPS server's port" test -s sport
S=https://127.0.0.1:$(cat sport)
must_exit 2 "$TLSHIVE" show "$S/w.qcow2" 2> err
grep -q "^tlshive: $S/w.qcow2: cannot read it: .*certificate verification failed" err || { cat err; fail "a certificate nobody vouches for"; }
[ -f /etc/ssl/certs/ca-certificates.crt ] || fail "no system certificate bundle to stand in for"
unshare -m sh -c 'mount --bind "$1" /etc/ssl/certs/ca-certificates.crt && exec "$2" show "$3"' sh \
	cert.pem "$TLSHIVE" "$S/w.qcow2" > https.out || { cat https.out; fail "show over HTTPS with a trusted certificate"; }
sed "s|pub/w.qcow2|$S/w.qcow2|" local.out | diff - https.out || fail "show over HTTPS differs from show on the file"

# NBD: an export qemu-nbd serves on the loopback address (the disk's
# bytes, as NBD exports are)
python3 "$LOOPBACK" activate nport -- qemu-nbd --read-only --format=qcow2 --persistent pub/w.qcow2 &
servers="$servers $!"
wait_for 60 "the NBD server's port" test -s nport
N=nbd://127.0.0.1:$(cat nport)
"$TLSHIVE" show "$N" > nbd.out || { cat nbd.out; fail "show on an NBD export"; }
sed "s|pub/w.qcow2|$N|; s|^disk image   qcow2|disk image   raw|" local.out | diff - nbd.out || fail "show on the NBD export differs"
must_exit 1 "$TLSHIVE" check "$N" > /dev/null

# apply and recover are refused before anything is fetched, with the recipe
n=$(wc -l < http.log)
must_exit 2 "$TLSHIVE" apply "$U/w.qcow2" 2> err
grep -q "^tlshive: $U/w.qcow2: a URL is read-only" err || { cat err; fail "apply on a URL: message"; }
"$TLSHIVE" apply --json "$U/w.qcow2" 2> /dev/null | jtrue '.error.code == "usage"' || fail "apply --json on a URL"
must_exit 2 "$TLSHIVE" recover "$U/w.qcow2" 2> /dev/null
[ "$(wc -l < http.log)" = "$n" ] || fail "a refused apply fetched from the server"
# ... and the recipe works as it is printed: a local overlay, patched
# with --base (the base read over HTTP, never written), then named
sed -n 's/^  \(qemu-img .*\)   (.*$/\1/p; s/^  \(qemu-img [^(]*\)$/\1/p; s/^  \(tlshive .*\)$/\1/p' err > recipe
[ "$(wc -l < recipe)" = 3 ] || { cat err; fail "the recipe has three commands"; }
vsize=$(qemu-img info --output=json "$U/w.qcow2" | jq '.["virtual-size"]')
base_sum=$(cksum < pub/w.qcow2)
while IFS= read -r line; do
	line=$(printf '%s\n' "$line" | sed "s/ SIZE\$/ $vsize/; s/^tlshive /\"\$TLSHIVE\" /")
	eval "$line" > recipe.out 2>&1 || { cat recipe.out; fail "the recipe's step failed: $line"; }
done < recipe
[ "$(cksum < pub/w.qcow2)" = "$base_sum" ] || fail "the base changed"
osize=$(wc -c < overlay.qcow2)
[ "$osize" -lt $((size / 8)) ] || fail "the overlay holds $osize bytes, the base $size"
echo "overlay after apply: $osize bytes over a $size-byte base"
qemu-img info --output=json overlay.qcow2 | jtrue '."backing-filename" == "'"$U"'/w.qcow2"' || fail "the recipe's rebase names the base"
# the overlay and its base, made one image by qemu, are compliant (the
# base by its local name: qemu-img convert's parallel reads stall qemu's
# curl driver on this server)
cp overlay.qcow2 local-overlay.qcow2
qemu-img rebase -u -F qcow2 -b "$PWD/pub/w.qcow2" local-overlay.qcow2
qemu-img convert -O raw local-overlay.qcow2 merged.raw
"$TLSHIVE" check merged.raw > /dev/null || fail "overlay and base, merged: not compliant"
# an overlay without its name reads as it did under apply
qemu-img create -q -f qcow2 o2.qcow2 "$vsize"
"$TLSHIVE" apply --base "$U/w.qcow2" o2.qcow2 > /dev/null || fail "apply --base"
"$TLSHIVE" check --base "$U/w.qcow2" o2.qcow2 > /dev/null || fail "check --base after apply --base"
"$TLSHIVE" show --base "$U/w.qcow2" o2.qcow2 | grep -q "^disk image   qcow2, gpt partition 1; backing $U/w.qcow2 (qcow2)\$" || fail "show --base names the base"
# what --base refuses: a named overlay (qemu would open the name), one
# of another size, a base that is no URL, a URL as the overlay, a raw file
must_exit 2 "$TLSHIVE" check --base "$U/w.qcow2" overlay.qcow2 2> err
grep -q "header names a backing file, \"$U/w.qcow2\": with --base the overlay names none" err || { cat err; fail "--base on a named overlay"; }
qemu-img create -q -f qcow2 small.qcow2 100M
must_exit 2 "$TLSHIVE" check --base "$U/w.qcow2" small.qcow2 2> err
grep -q "small.qcow2: a disk of 104857600 bytes over a base of $vsize" err || { cat err; fail "--base on an overlay of another size"; }
must_exit 2 "$TLSHIVE" check --base pub/w.qcow2 o2.qcow2 2> err
grep -q "^tlshive: --base pub/w.qcow2: not an http://, https:// or nbd:// URL" err || { cat err; fail "--base with a file"; }
must_exit 2 "$TLSHIVE" check --base "$U/w.qcow2" "$U/w.qcow2" 2> /dev/null
must_exit 2 "$TLSHIVE" check --base "$U/w.qcow2" pub/w.raw 2> /dev/null

# apply -n reads, and writes nothing
"$TLSHIVE" apply -n "$U/w.qcow2" > dry.out || fail "apply -n on a URL"
grep -q '^dry run: 42 settings to change, from recommended; no file written$' dry.out || { cat dry.out; fail "apply -n on a URL says what it would do"; }

# what a remote qcow2 names is never opened
must_exit 2 "$TLSHIVE" show "$U/over.qcow2" 2> err
grep -q "^tlshive: $U/over.qcow2: its qcow2 header names a backing file" err || { cat err; fail "a backing file over HTTP"; }
must_exit 2 "$TLSHIVE" show "$U/ext.qcow2" 2> err
grep -q "^tlshive: $U/ext.qcow2: its qcow2 header names an external data file" err || { cat err; fail "an external data file over HTTP"; }
if grep -v '^[A-Z]* /\(w\|applied\|over\|ext\)\.\(qcow2\|raw\) ' http.log; then fail "the server was asked for a file no command named"; fi
must_exit 2 "$TLSHIVE" show "$U/w.vhdx" 2> err
grep -q "a vhdx image: over a URL tlshive reads raw and qcow2 images" err || { cat err; fail "VHDX over HTTP"; }

# a missing file: not found, no retry; a server that is gone: 75
must_exit 2 "$TLSHIVE" show "$U/none.qcow2" 2> err
grep -q "^tlshive: $U/none.qcow2: cannot read it: .*404" err || { cat err; fail "a missing file over HTTP"; }
"$TLSHIVE" show --json "$U/none.qcow2" 2> /dev/null | jtrue '.error.code == "not-found"' || fail "a missing file: its code"
must_exit 2 "$TLSHIVE" show "http://127.0.0.1:1/w qcow2" 2> err
grep -q "not a URL tlshive reads" err || { cat err; fail "a URL with a space"; }
stop_servers
must_exit 75 "$TLSHIVE" check "$U/w.qcow2" 2> err
grep -q "^tlshive: $U/w.qcow2: cannot read it: .*Couldn.t connect to server" err || { cat err; fail "a server that is gone"; }

must_exit 75 "$TLSHIVE" show "$N" 2> err
grep -q "^tlshive: $N: cannot read it: .*Connection refused" err || { cat err; fail "an NBD server that is gone"; }

# nothing left: the socket's directory, or a qemu-nbd reading the URL
[ -z "$(ls "$TMPDIR")" ] || { ls -l "$TMPDIR"; fail "a run left its transport's directory"; }
for f in /proc/[0-9]*/cmdline; do
	if tr '\0' ' ' < "$f" 2>/dev/null | grep -q "qemu-nbd.*$U"; then fail "a qemu-nbd still reads $U: $f"; fi
done
exit 0
