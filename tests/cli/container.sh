# The Containerfile against what tlshive needs, without building it (make
# check-container builds and runs it: tests/cli/container-run.sh): its
# build stage installs every Build-Depends of debian/control; its run stage
# installs the package of every library the binary and its image module
# link (their NEEDED entries, asked of dpkg) and of every program src/io
# spawns, unless Debian's base holds it (Essential, required or what those
# depend on); it runs as a
# user other than root, with tlshive as its entry point.  The README's
# container command gives no privilege (no --privileged, --device,
# --cap-add, no seccomp or AppArmor profile off) and only real tlshive
# options.  Then the one thing a container changes for the sandbox: with
# part of /proc mounted over (as podman and docker mask it), an
# unprivileged run is refused with the option that fixes it.
bin=${TLSHIVE:?run through make check}
. "$srcdir/tests/cli/lib.sh"
need_tool dpkg-query
need_tool objdump
CF=$srcdir/Containerfile
[ -f "$CF" ] || fail "no Containerfile"

# stage CF build|run: a stage's instructions, continuation lines joined
stage() {
	awk -v want="$2" '
		/^[ \t]*#/ { next }
		{ line = line $0 }
		/\\$/ { sub(/\\$/, " ", line); next }
		{ l = line; line = "" }
		l ~ /^FROM / { n++; s = (l ~ / AS build$/) ? "build" : "run" }
		n && s == want { print l }' "$1"
}
# pkgs: the packages of the apt-get install lines of a stage (stdin)
pkgs() {
	grep 'apt-get install' | sed 's/.*apt-get install//; s/&&.*//' |
		tr ' \t' '\n\n' | grep -v '^-' | grep -v '^$' | sort -u
}
# field CONTROL NAME: a relation field's package names, one a line
field() {
	awk -v f="$2:" 'b && /^[ \t]/ { print; next } { b = 0 }
		index($0, f) == 1 { b = 1; print substr($0, length(f) + 1) }' "$1" |
		tr ',|' '\n\n' | sed 's/[[(<].*//; s/^[ \t]*//; s/[ \t]*$//' | grep -v '^$' | sort -u
}
# owner FILE-OR-PATTERN: the package that installed it, not a -dev one
owner() { dpkg-query -S "$1" 2> /dev/null | grep -v -- '-dev[:,]' | sed -n '1s/[:,].*//p'; }
# base: what every Debian holds, so debian:12-slim too: the Essential and
# required packages and what those depend on (libc6 is optional itself)
dpkg-query -W -f='${Package} ${Essential} ${Priority}\n${Pre-Depends}, ${Depends}\n' |
	awk 'NR % 2 { b = ($2 == "yes" || $3 == "required"); if (b) print $1; next }
		b { gsub(/\([^)]*\)|:any/, ""); n = split($0, d, /[,|]/)
			for (i = 1; i <= n; i++) { gsub(/[ \t]/, "", d[i]); if (d[i] != "") print d[i] } }' |
	sort -u > base
grep -qx libc6 base && grep -qx util-linux base || fail "the base packages were not read"
required() { grep -qx "$1" base; }

# what the run stage must hold: the libraries' and the spawned programs'
: > needs
for f in "$bin" "$(dirname "$bin")/tlshive-images.so"; do
	[ -f "$f" ] || fail "$f is not built"
	objdump -p "$f" | awk '$1 == "NEEDED" { print $2 }'
done | sort -u > needed
grep -q '^libhivex' needed && grep -q '^libnbd' needed || { cat needed; fail "the NEEDED entries were not read"; }
while read -r lib; do
	p=$(owner "*/$lib") && [ -n "$p" ] || fail "no package owns $lib"
	echo "$p $lib" >> needs
done < needed
for t in qemu-nbd qemu-img setpriv; do
	grep -q "\"$t\"" "$srcdir"/src/io/*.c || fail "src/io no longer spawns $t: update this test"
	p=$(owner "$(command -v "$t")") && [ -n "$p" ] || fail "no package owns $t (need_tool: install it)"
	echo "$p $t" >> needs
done

# lacks CF: what the Containerfile CF lacks, one problem a line
lacks() {
	stage "$1" build > b.stage
	stage "$1" run > r.stage
	[ -s b.stage ] || echo "no build stage (FROM ... AS build)"
	[ -s r.stage ] || echo "no run stage"
	grep '^FROM ' b.stage r.stage | grep -v ':FROM debian:12-slim\( AS build\)\{0,1\}$' |
		sed 's/^/not Debian 12 slim: /'
	pkgs < b.stage > b.pkgs
	pkgs < r.stage > r.pkgs
	for p in $(field "$srcdir/debian/control" Build-Depends | grep -v '^debhelper-compat$'); do
		grep -qx "$p" b.pkgs || echo "build stage lacks Build-Depends $p"
	done
	while read -r p what; do
		grep -qx "$p" r.pkgs || required "$p" || echo "run stage lacks $p ($what)"
	done < needs
	u=$(sed -n 's/^USER[ \t]*//p' r.stage | tail -1)
	case ${u%%:*} in
	'') echo "no USER: the container runs as root" ;;
	root|0) echo "USER $u is root" ;;
	esac
	grep -qx 'ENTRYPOINT \["tlshive"\]' r.stage || echo "the entry point is not tlshive"
	grep -iE -e '--privileged|--device|--cap-add|setcap|chmod [ugo]*\+s|chmod [0-7]*[4-7][0-7][0-7][0-7] ' r.stage |
		sed 's/^/a privilege given: /'
}
lacks "$CF" > problems
[ ! -s problems ] || { cat problems; fail "the Containerfile lacks what tlshive needs"; }
# the check notices a Build-Depends, a library and the user left out
sed 's/ libwim-dev / /' "$CF" > cf.nowim
sed 's/ libnbd0 / /' "$CF" > cf.nonbd
sed 's/^USER .*/USER root/' "$CF" > cf.root
for m in nowim:'build stage lacks Build-Depends libwim-dev' nonbd:'run stage lacks libnbd0 (libnbd.so.0)' root:'USER root is root'; do
	! cmp -s "cf.${m%%:*}" "$CF" || fail "cf.${m%%:*}: nothing cut from the Containerfile"
	lacks "cf.${m%%:*}" > problems
	grep -qxF "${m#*:}" problems || { cat problems; fail "cf.${m%%:*} passed"; }
done

# the README's container command: no privilege, real tlshive options
awk '/^## / { c = ($0 == "## Container") } c && /^```sh$/ { b = 1; next }
	c && b && /^```$/ { b = 0; next } c && b' "$srcdir/README.md" > readme.cmds
grep '^podman run ' readme.cmds > run.cmd || { cat readme.cmds; fail "README's Container section has no podman run command"; }
[ "$(wc -l < run.cmd)" = 1 ] || fail "README's Container section has more than one podman run"
cmd=$(cat run.cmd)
set -f
set -- $cmd
set +f
shift 2
while [ $# -gt 0 ] && [ "$1" != tlshive ]; do
	case $1 in
	--privileged*|--device*|--cap-add*|--userns=host|--pid=host|--ipc=host|--network=host)
		fail "README's container command gives a privilege: $1" ;;
	--security-opt)
		case $2 in
		"'unmask=/proc/*'") ;;
		*) fail "README's container command loosens more than /proc: $2" ;;
		esac
		shift ;;
	-v|--user|--network) shift ;;
	--rm|--network=none) ;;
	*) fail "README's container command has an option this test does not know: $1" ;;
	esac
	shift
done
[ "${1:-}" = tlshive ] || fail "README's container command runs no image called tlshive"
shift
c=$1; shift
"$bin" "$c" --help > help.txt 2>&1 || fail "README's container command: tlshive has no command $c"
for a; do
	case $a in
	-*) grep -qE "(^|[ ,])${a%%=*}([ ,=]|$)" help.txt || fail "README's container command: $c has no option $a" ;;
	esac
done
# the fix README names is the one tlshive names when /proc is masked
grep -q 'unmask=/proc/\*' "$srcdir/src/io/sandbox.c" || fail "tlshive's message does not name unmask=/proc/*"

# a masked /proc, as a container has it: an unprivileged run is refused,
# naming the mount and the fix; the same run without the mask reads
[ "$(id -u)" = 0 ] || { [ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "needs root"; skip "the masked /proc needs root (a mount namespace, a run as nobody)"; }
need_tool unshare
need_tool setpriv
mkdir pub
"$MKIMAGE" 2022 pub/img
chmod -R a+rX pub
chmod a+rx "$T" "$TMPDIR"
cd pub
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
must_exit 0 nobody "$bin" show img > out 2> err || { cat err; fail "show as nobody"; }
grep -q '^windows *Windows Server 2022$' out || { cat out err; fail "show as nobody read nothing"; }
# every proc mount of the namespace covered: the kernel grants a new one
# if any is whole (a chroot's bound /proc would do)
cat > mask.sh <<'EOF'
awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "proc") print $5 }' /proc/self/mountinfo > procs
[ -s procs ] || exit 3
while read -r p; do mount --bind /dev/null "$p/uptime" || exit 3; done < procs
exec "$@"
EOF
must_exit 2 unshare -m --propagation private sh mask.sh \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" show img > out 2> err
[ ! -s out ] || { cat out; fail "a run with a masked /proc printed a result"; }
grep -q '^tlshive: sandbox: /proc: /proc/uptime is mounted over, .* --security-opt unmask=/proc/\* (podman)' err ||
	{ cat err; fail "a masked /proc: not the message that names the fix"; }
cd ..
