# show, check, apply and export give the same warnings about the same
# image and profile, in the same words: check and apply in their report,
# export on standard error (its standard output is the .reg) and as
# "; warning:" lines at the top of the .reg file.  show lists the updates
# the build lacks, which the built-in profiles (they touch WinHTTP, .NET,
# Diffie-Hellman and TLS 1.x) all need.
. "$srcdir/tests/cli/lib.sh"

# The warnings' texts in a run's output, without "tlshive: IMAGE: ".
warnings() { sed -n 's/^\(tlshive: [^:]*: \)\{0,1\}warning: //p' "$@" | sort -u; }

# run NAME CMD...: its output in NAME, failing on an error (exit 2)
run() {
	out=$1; shift
	set +e; "$@" > "$out" 2>&1; rc=$?; set -e
	[ "$rc" -lt 2 ] || { cat "$out"; fail "exit $rc: $*"; }
}

cbs='SOFTWARE|Microsoft\Windows\CurrentVersion\Component Based Servicing\Packages'
cv='SOFTWARE|Microsoft\Windows NT\CurrentVersion'
: > none.extra
printf '%s\\Package_for_KB4019276~31bf3856ad364e35~x86~~6.0.1.2|CurrentState|dword|0x70\n' "$cbs" > kb.extra
# Windows 10 1511: .NET 3.5 needs KB3156421 there
printf '%s|CurrentBuild|sz|10586\n%s|CurrentBuildNumber|sz|10586\n' "$cv" "$cv" > w1511.extra
printf 'SOFTWARE|Microsoft\\ExchangeServer\\v15\\Setup|MsiProductMajor|dword|0xf\n' > ex.extra

# LAYOUT EXTRA WARNED: WARNED 1 where the profiles must raise a warning
while read -r layout extra warned; do
	rm -rf i; "$MKIMAGE" --extra "$extra.extra" "$layout" i
	run show.out "$TLSHIVE" show i
	warnings show.out > show.w
	for p in recommended pci-dss strict; do
		set -- -p "$p"
		# Exchange: TLS 1.3 on only with --force, and a warning
		[ "$extra" != ex ] || set -- -p "$p" --set 'TLS 1.3 = on' --force
		run check.out "$TLSHIVE" check "$@" i
		run apply.out "$TLSHIVE" apply -n "$@" i
		run export.err "$TLSHIVE" export --utf8 -o e.reg "$@" i
		warnings check.out > check.w
		warnings apply.out > apply.w
		warnings export.err > export.w
		sed -n 's/^; warning: //p' e.reg | sort -u > reg.w
		what="$layout+$extra, $p"
		diff -u check.w apply.w || fail "$what: apply's warnings differ from check's"
		diff -u check.w export.w || fail "$what: export's warnings (standard error) differ from check's"
		diff -u check.w reg.w || fail "$what: the .reg's warning lines differ from check's"
		[ -z "$(comm -23 show.w check.w)" ] || { comm -23 show.w check.w; fail "$what: show warns of what check does not"; }
		[ "$warned" = 0 ] || [ -s check.w ] || fail "$what: no warning"
	done
done <<'L'
2008sp2-x86 none 1
2008sp2-x86 kb 1
win7-x86 none 1
2008r2 none 1
2012 none 1
2012r2 none 1
2016 none 0
2019 none 0
2022 none 0
2022 ex 1
2025 none 0
win10 none 0
win10 w1511 1
win11 none 0
L

# export --os reads no image: the same warnings, each saying its update
# could not be checked, on standard error and in the .reg alike
"$TLSHIVE" export --utf8 -o e.reg -p recommended --os win7 2> export.err
warnings export.err > export.w
sed -n 's/^; warning: //p' e.reg | sort -u > reg.w
diff -u export.w reg.w || fail "--os win7: standard error and the .reg differ"
grep -qx 'WinHTTP reads DefaultSecureProtocols on Windows 7, Server 2008 R2 and Server 2012 only with KB3140245; KB3140245 could not be checked: no image was read' export.w \
	|| { cat export.w; fail "--os win7: KB3140245"; }
if grep -q 'not installed' export.w; then fail "--os: not installed, though no image was read"; fi
# neither an image nor --os: the checks it could not make, said once
"$TLSHIVE" export --utf8 -o e.reg --set 'TLS 1.0 = off' 2> export.err
grep -q '^tlshive: e.reg: warning: no image and no --os, so the Windows version and its updates are unknown; prerequisite checks not made: .*KB3080079' export.err \
	|| { cat export.err; fail "export without an image: unchecked prerequisites"; }
grep -q '^; warning: prerequisite checks not made (the Windows version and its updates are unknown): .*KB3080079' e.reg || fail "the .reg: unchecked prerequisites"
