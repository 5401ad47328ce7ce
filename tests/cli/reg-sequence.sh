# Random sequences of .reg changes (values set, set again under another
# case, deleted; keys made, deleted, made again; across several files):
# tlshive settles them into one plan, hivexregedit --merge applies them one
# section at a time, file after file.  Both must leave the same hive; then
# check passes, a second apply does nothing, and the undo file of a further
# sequence gives the hive back.
. "$srcdir/tests/cli/lib.sh"
need_tool hivexregedit

# gen SEED FILE: one .reg of 12 steps over the keys T, T\A, T\A\C ...
# under SOFTWARE, names in random case.  Every section lists its parents
# first, since hivexregedit does not create them; a section never names a
# value twice, since hivexregedit would then write both.
gen() {
	# the generator is written out (Park and Miller's, exact in awk's
	# doubles): srand and rand give other numbers in mawk and gawk
	awk -v seed="$1" 'function rnd() {
		seed = (16807 * seed) % 2147483647
		return seed / 2147483647
	}
	function rc(s,   i, o, c) {
		o = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			o = o (rnd() < 0.5 ? toupper(c) : tolower(c))
		}
		return o
	}
	BEGIN {
		for (i = 0; i < 4; i++) rnd()	# small seeds start small
		hk = "HKEY_LOCAL_MACHINE\\SOFTWARE"
		print "Windows Registry Editor Version 5.00"; print ""
		split("a b", l1, " "); split("c d", l2, " ")
		for (step = 0; step < 12; step++) {
			depth = 1 + int(rnd() * 3)
			key = rc("t")
			if (depth > 1) key = key "\\" rc(l1[1 + int(rnd() * 2)])
			if (depth > 2) key = key "\\" rc(l2[1 + int(rnd() * 2)])
			if (rnd() < 0.2) { print "[-" hk "\\" key "]"; print ""; continue }
			n = split(key, parts, "\\"); path = hk
			for (i = 1; i < n; i++) {
				path = path "\\" parts[i]; print "[" path "]"; print ""
			}
			print "[" hk "\\" key "]"
			split("", used)
			for (v = int(rnd() * 4); v > 0; v--) {
				name = "v" (1 + int(rnd() * 4))
				if (name in used) continue
				used[name] = 1
				r = rnd()
				if (r < 0.3) printf "\"%s\"=-\n", rc(name)
				else if (r < 0.8) printf "\"%s\"=dword:%08x\n", rc(name), int(rnd() * 65536)
				else printf "\"%s\"=\"s%d\"\n", rc(name), int(rnd() * 100)
			}
			print ""
		}
	}' > "$2"
}

n=0 kept=0
for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
	rm -rf a b; "$MKIMAGE" 2019 a; "$MKIMAGE" 2019 b
	set --
	for f in 1 2 3; do
		gen "$seed$f" "s$f.reg"
		set -- "$@" --reg "s$f.reg"
		hivexregedit --merge --prefix "HKEY_LOCAL_MACHINE\\SOFTWARE" "$(soft b)" "s$f.reg" \
			|| fail "hivexregedit refused s$f.reg (seed $seed)"
	done
	"$TLSHIVE" apply "$@" a > out || fail "apply failed (seed $seed): $(cat out)"
	dump "$(soft a)" > a.d
	dump "$(soft b)" > b.d
	diff -u b.d a.d || fail "seed $seed: tlshive and hivexregedit disagree (s1.reg s2.reg s3.reg)"
	grep -qi '^/t[,/]' a.d && kept=$((kept + 1))
	"$TLSHIVE" check "$@" a > /dev/null || fail "seed $seed: check after apply is not compliant"
	"$TLSHIVE" apply "$@" a | grep -q '^nothing to do' || fail "seed $seed: a second apply changed something"
	# another sequence on top, with an undo file: undoing it gives the
	# hive back (names compared case-blind: a key or value the sequence
	# respells by case alone keeps its new spelling)
	set --
	for f in 1 2; do gen "${seed}9$f" "u$f.reg"; set -- "$@" --reg "u$f.reg"; done
	rm -f undo.reg
	"$TLSHIVE" apply --undo undo.reg "$@" a > /dev/null || fail "seed $seed: apply --undo failed"
	"$TLSHIVE" apply --reg undo.reg a > /dev/null || fail "seed $seed: the undo file does not apply"
	dump "$(soft a)" | tr 'A-Z' 'a-z' | LC_ALL=C sort > undone.d
	tr 'A-Z' 'a-z' < a.d | LC_ALL=C sort > applied.d
	diff -u applied.d undone.d || fail "seed $seed: the undo file did not restore the hive"
	n=$((n + 1))
done
[ "$n" = 12 ] || fail "ran $n sequences"
# a sequence may end by deleting T; most must leave something to compare
[ "$kept" -ge 6 ] || fail "only $kept sequences left keys under T"
