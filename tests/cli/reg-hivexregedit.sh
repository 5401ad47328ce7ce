# Cross-implementation: the same .reg through tlshive and through
# hivexregedit --merge gives the same keys and values.
. "$srcdir/tests/cli/lib.sh"
need_tool hivexregedit
need_tool iconv

# hivexregedit gets each hive's sections as it takes them
# (tests/tools/reg-for-hivex.sh).
n=0
"$TLSHIVE" export -p strict --os 2019 > strict.reg
"$TLSHIVE" export -p pci-dss --os 2019 > pci.reg
set -- strict.reg pci.reg
# Many values per key, some set again later under another case: apply
# writes each key's values in one go, hivexregedit one at a time.
awk 'BEGIN { print "Windows Registry Editor Version 5.00"; print ""
	for (k = 0; k < 30; k++) {
		print "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Many\\K" k "]"
		for (v = 0; v < 40; v++)
			printf "\"Val%d\"=dword:%08x\n\"Str%d\"=\"s%d-%d\"\n", v, k * 100 + v, v, k, v
		print "" }
	for (k = 0; k < 30; k += 3) {
		print "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Many\\k" k "]"
		printf "\"VAL%d\"=hex:01,02,03\n\"str1\"=-\n\n", k
	} }' > many.reg
set -- "$@" many.reg
have_shared examples/officescan-pci.reg "hivexregedit on the OfficeScan .reg" &&
	{ cp "$SHARED/examples/officescan-pci.reg" office.reg; set -- "$@" office.reg; }
for r in "$@"; do
	rm -rf a b; "$MKIMAGE" 2019 a; "$MKIMAGE" 2019 b		# one control set
	"$TLSHIVE" apply --reg "$r" a > /dev/null
	for h in SYSTEM SOFTWARE; do
		sh "$srcdir/tests/tools/reg-for-hivex.sh" "$h" "$r" > "$r.$h"
		hivexregedit --merge --prefix "HKEY_LOCAL_MACHINE\\$h" "b/Windows/System32/config/$h" "$r.$h" \
			|| fail "hivexregedit refused $r ($h)"
		dump "a/Windows/System32/config/$h" > a.d
		dump "b/Windows/System32/config/$h" > b.d
		diff -u b.d a.d || fail "$r $h: tlshive and hivexregedit disagree"
		n=$((n + 1))
	done
done
[ "$n" -ge 6 ] || fail "compared only $n hives"
