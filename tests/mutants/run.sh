#!/bin/sh
# tests/mutants/run.sh [-n] [ID...]: mutation testing (make mutants; not part
# of make check).  Each row of tests/mutants/table is a one-line change a
# test ought to notice: it is applied to a copy of the source tree, built,
# and its tests run; a test that fails kills it.  A mutant no test kills
# marks a promise the suite does not check.
#
# Outcomes, each on a line of its own:
#   KILLED        a named test failed (or hung) with the mutant in place
#   SURVIVED      every named test passed with it
#   MISSING-TEST  a named test is not in the tree yet, and the ones that
#                 are (if any) did not kill it
#   STALE         the pattern no longer occurs exactly once in its file:
#                 the code moved on, and the row must follow it
#   BROKEN        the mutant does not build: the row is wrong
# Exit 0 only when every mutant run was killed; 1 otherwise; 2 when the
# run itself could not be made (a bad table, a failed build, a test that
# fails without any mutant).
#
# -n checks the table against the source tree (STALE, MISSING-TEST) and
# builds nothing.
# Knobs (environment):
#   MUTANTS_TABLE     the table (default: tests/mutants/table)
#   MUTANTS_DIR       a work directory kept after the run and reused by the
#                     next one (no new configure and full build); default a
#                     temporary one, removed
#   MUTANTS_JOBS      make -j for the builds (default 1)
#   MUTANTS_TIMEOUT   seconds one test may take before it counts as a hang,
#                     which kills the mutant (default 1200)
#   MUTANTS_TESTS     run these tests for every row instead of the row's own
#                     (to see what the suite of today makes of a row whose
#                     test is still to come)
#   MUTANTS_BASELINE  no: skip the run of the tests without a mutant
set -u
LC_ALL=C; export LC_ALL

# A mutants run started by make must not hand the outer make's flags (-n,
# -k, TESTS=... or MUTANTS=... from its command line) to the makes below.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS
MAKE=${MAKE:-make}
case $MAKE in *' '*|'') MAKE=make ;; esac

say() { printf 'mutants: %s\n' "$*"; }
die() { printf 'mutants: %s\n' "$*" >&2; exit 2; }

dry=0
if [ "${1:-}" = -n ]; then dry=1; shift; fi

here=$(cd "$(dirname "$0")" && pwd) || exit 2
srcdir=$(cd "$here/../.." && pwd) || exit 2
builddir=$(pwd)
[ -f "$builddir/config.status" ] || builddir=$srcdir
table=${MUTANTS_TABLE:-$srcdir/tests/mutants/table}
jobs=${MUTANTS_JOBS:-1}
limit=${MUTANTS_TIMEOUT:-1200}
[ -f "$table" ] || die "no table at $table"
case $jobs in ''|*[!0-9]*|0) die "MUTANTS_JOBS must be a positive number" ;; esac
case $limit in ''|*[!0-9]*|0) die "MUTANTS_TIMEOUT must be a positive number" ;; esac

# The table is read by awk, never by read: a tab is IFS white space, so
# read would merge an empty field (a deletion) with its neighbours.
bad=$(awk 'BEGIN { FS = "\t" }
	/^#/ || /^[[:space:]]*$/ { next }
	{
		where = "table line " NR
		if (NF != 6) { print where ": " NF " fields, 6 expected (tab-separated)"; next }
		if ($1 !~ /^[A-Za-z0-9_.-]+$/) print where ": bad ID \"" $1 "\""
		else if ($1 in seen) print where ": ID " $1 " again (line " seen[$1] ")"
		seen[$1] = NR
		if ($2 == "" || $3 == "" || $5 == "" || $6 == "")
			print where ": file, pattern, tests and why must not be empty"
		if ($3 == $4) print where ": the replacement is the pattern"
	}' "$table")
[ -z "$bad" ] || { echo "$bad" | sed 's/^/mutants: /' >&2; exit 2; }

field() {	# field LINE N: the table's field N on line LINE, as written
	awk -v l="$1" -v n="$2" 'BEGIN { FS = "\t" } NR == l { print $n; exit }' "$table"
}

# The rows asked for, by line number: all, or the IDs given, in table order.
rows=$(awk 'BEGIN { FS = "\t" } !/^#/ && !/^[[:space:]]*$/ { print NR "\t" $1 }' "$table")
if [ $# -gt 0 ]; then
	sel=
	for id in "$@"; do
		l=$(printf '%s\n' "$rows" | awk -v id="$id" 'BEGIN { FS = "\t" } $2 == id { print $1 }')
		[ -n "$l" ] || die "no mutant $id in $table"
		sel="$sel $l"
	done
	lines=$(for l in $sel; do echo "$l"; done | sort -n | uniq)
else
	lines=$(printf '%s\n' "$rows" | cut -f1)
fi
total=$(echo $lines | wc -w)

# count FILE PATTERN: how often PATTERN occurs in FILE, as a fixed string
# (index, not a regular expression; ENVIRON, as -v would expand backslashes)
count() {
	PAT=$2 awk 'BEGIN { p = ENVIRON["PAT"]; n = 0 }
	{ s = $0; while ((i = index(s, p)) > 0) { n++; s = substr(s, i + length(p)) } }
	END { print n }' "$1"
}

# mutate FILE PATTERN REPLACEMENT: the one occurrence replaced, in place
mutate() {
	PAT=$2 REP=$3 awk 'BEGIN { p = ENVIRON["PAT"]; r = ENVIRON["REP"] }
	(i = index($0, p)) > 0 { $0 = substr($0, 1, i - 1) r substr($0, i + length(p)) }
	{ print }' "$1" > "$1.mutant" && cat "$1.mutant" > "$1" && rm -f "$1.mutant"
}

# exists TREE TEST: the test is there to run.  A script is its file; a
# program needs its source (a name automake has no rule for would make
# make check fail, which would look like a kill).
exists() {
	case $2 in
	*.sh) [ -f "$1/$2" ] ;;
	*) [ -f "$1/$2.c" ] ;;
	esac
}

# The pre-check on the tree as it is, with nothing built: rows that cannot
# run are reported without a build.
n_killed=0 n_survived=0 n_missing=0 n_stale=0 n_broken=0
report() {	# report ID OUTCOME DETAIL
	printf 'mutants: %-6s %-12s %s\n' "$1" "$2" "$3"
	case $2 in
	KILLED) n_killed=$((n_killed + 1)) ;;
	SURVIVED) n_survived=$((n_survived + 1)) ;;
	MISSING-TEST) n_missing=$((n_missing + 1)) ;;
	STALE) n_stale=$((n_stale + 1)) ;;
	BROKEN) n_broken=$((n_broken + 1)) ;;
	esac
}

# stale TREE FILE PATTERN: a reason, or nothing when it occurs once
stale() {
	[ -f "$1/$2" ] || { echo "$2 is gone"; return; }
	c=$(count "$1/$2" "$3")
	[ "$c" = 1 ] || echo "the pattern occurs $c times in $2, 1 expected"
}

summary() {
	say "summary: $total rows: $n_killed killed, $n_survived survived," \
	    "$n_missing missing a test, $n_stale stale, $n_broken broken"
	[ $((n_survived + n_missing + n_stale + n_broken)) = 0 ]
}

if [ "$dry" = 1 ]; then
	for l in $lines; do
		id=$(field "$l" 1); file=$(field "$l" 2); pat=$(field "$l" 3)
		tests=${MUTANTS_TESTS:-$(field "$l" 5)}
		why=$(stale "$srcdir" "$file" "$pat")
		if [ -n "$why" ]; then report "$id" STALE "$why"; continue; fi
		run= gone=
		for t in $tests; do
			if exists "$srcdir" "$t"; then run="$run $t"; else gone="$gone $t"; fi
		done
		if [ -z "$run" ]; then
			report "$id" MISSING-TEST "not in the tree:$gone"
		elif [ -n "$gone" ]; then
			printf 'mutants: %-6s %-12s %s\n' "$id" ready "$run (not yet:$gone)"
		else
			printf 'mutants: %-6s %-12s %s\n' "$id" ready "$tests"
		fi
	done
	[ $((n_missing + n_stale)) = 0 ]
	exit
fi

# The scratch tree: the user's sources as they are now (committed or not),
# never the user's working tree itself, which stays untouched.
if [ -n "${MUTANTS_DIR:-}" ]; then
	work=$MUTANTS_DIR; keep=1
	mkdir -p "$work" || die "cannot make $work"
	work=$(cd "$work" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/tlshive-mutants-XXXXXX") || exit 2
	keep=0
fi
tree=$work/tree
cur=	# the file now mutated, to put back if the run is stopped
cleanup() {
	[ -n "$cur" ] && [ -f "$work/orig" ] && cat "$work/orig" > "$tree/$cur"
	[ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say "work directory $work"
mkdir -p "$tree"
# The generated autotools files come along when the source tree has them,
# so the copy needs no autoreconf; tar keeps their times in order.
gen=
for g in configure Makefile.in aclocal.m4 config.h.in build-aux; do
	[ -e "$srcdir/$g" ] && gen="$gen $g"
done
if git -C "$srcdir" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	{ git -C "$srcdir" ls-files --cached --others --exclude-standard |
		while IFS= read -r p; do [ -f "$srcdir/$p" ] && echo "$p"; done
	  for g in $gen; do echo "$g"; done; } |
		(cd "$srcdir" && tar -cf - -T -) | (cd "$tree" && tar -xf -) ||
		die "cannot copy the sources to $tree"
else
	# a release tree: all of it, and a build made in it cleaned away
	(cd "$srcdir" && tar -cf - .) | (cd "$tree" && tar -xf -) ||
		die "cannot copy the sources to $tree"
	if [ -f "$tree/Makefile" ] && [ ! -f "$work/configured" ]; then
		(cd "$tree" && $MAKE distclean) > /dev/null 2>&1
	fi
fi
# Whatever a stopped run left built from a mutant is rebuilt: every file
# the table names is newer than its objects.
awk 'BEGIN { FS = "\t" } !/^#/ && NF == 6 { print $2 }' "$table" | sort -u |
	while IFS= read -r f; do [ -f "$tree/$f" ] && touch "$tree/$f"; done

# The tests read reference data beside the source tree by default
# (SHARED_DIR); the copy lies elsewhere, so the user's setting is passed on.
if [ -z "${SHARED:-}" ] && [ -f "$builddir/Makefile" ]; then
	SHARED=$(sed -n 's/^SHARED_DIR = //p' "$builddir/Makefile" |
	    sed "s|\$(abs_top_srcdir)|$srcdir|")
	export SHARED
fi

build() {	# build LOG: make all, quietly
	(cd "$tree" && nice $MAKE -j"$jobs" > "$1" 2>&1)
}

if [ ! -f "$work/configured" ]; then
	if [ ! -x "$tree/configure" ]; then
		say "autoreconf"
		(cd "$tree" && autoreconf -fi > "$work/autoreconf.log" 2>&1) ||
			die "autoreconf failed: see $work/autoreconf.log"
	fi
	# configure as the user's build was
	args=
	[ -x "$builddir/config.status" ] && args=$("$builddir/config.status" --config)
	say "configure $args"
	(cd "$tree" && eval "./configure $args" > "$work/configure.log" 2>&1) ||
		die "configure failed: see $work/configure.log"
	: > "$work/configured"
fi
say "building without a mutant"
t0=$(date +%s)
build "$work/build.log" || { tail -n 20 "$work/build.log" >&2; die "the tree does not build"; }
say "built in $(($(date +%s) - t0)) s"

# The tests the tree's make check knows, to tell a missing test apart.
known=$(cd "$tree" && printf 'mutants-tests:\n\t@echo $(TESTS)\n' |
    $MAKE -s -f Makefile -f - mutants-tests 2>/dev/null)
[ -n "$known" ] || die "cannot read TESTS from $tree/Makefile"
present() {
	case " $known " in *" $1 "*) exists "$tree" "$1" ;; *) return 1 ;; esac
}

# check TEST: 0 passed, 1 failed, 2 skipped, 3 hung, 4 could not run
check() {
	log=$work/check-$(echo "$1" | tr / _).log
	base=${1%.sh}
	rm -f "$tree/$base.trs"
	(cd "$tree" && timeout -k 30 "$limit" nice $MAKE -j"$jobs" check TESTS="$1" > "$log" 2>&1)
	rc=$?
	[ "$rc" = 124 ] || [ "$rc" = 137 ] && return 3
	res=$(sed -n 's/^:test-result: //p' "$tree/$base.trs" 2>/dev/null)
	case $res in
	PASS) return 0 ;;
	SKIP) return 2 ;;
	FAIL|XPASS|ERROR) return 1 ;;
	esac
	return 4
}

# Without a mutant, every test to run must pass: a test that fails anyway
# would kill every mutant and prove nothing.
if [ "${MUTANTS_BASELINE:-yes}" != no ]; then
	all=
	for l in $lines; do
		for t in ${MUTANTS_TESTS:-$(field "$l" 5)}; do
			present "$t" || continue
			case " $all " in *" $t "*) ;; *) all="$all $t" ;; esac
		done
	done
	for t in $all; do
		say "baseline: $t"
		check "$t"
		case $? in
		0) ;;
		2) say "baseline: $t skips here; a mutant it should kill will survive" ;;
		*) die "baseline: $t does not pass without a mutant: see $log" ;;
		esac
	done
fi

i=0
for l in $lines; do
	i=$((i + 1))
	id=$(field "$l" 1); file=$(field "$l" 2); pat=$(field "$l" 3)
	rep=$(field "$l" 4); tests=${MUTANTS_TESTS:-$(field "$l" 5)}
	say "[$i/$total] $id: $(field "$l" 6)"
	why=$(stale "$tree" "$file" "$pat")
	if [ -n "$why" ]; then report "$id" STALE "$why"; continue; fi
	run= gone=
	for t in $tests; do
		if present "$t"; then run="$run $t"; else gone="$gone $t"; fi
	done
	if [ -z "$run" ]; then report "$id" MISSING-TEST "not in the tree:$gone"; continue; fi

	t0=$(date +%s)
	cp "$tree/$file" "$work/orig"
	cur=$file
	mutate "$tree/$file" "$pat" "$rep"
	# exactly one line changed, or the row did not do what it says
	if [ "$(diff "$work/orig" "$tree/$file" | grep -c '^>')" != 1 ]; then
		cat "$work/orig" > "$tree/$file"; cur=
		report "$id" STALE "the mutant did not change exactly one line"
		continue
	fi
	say "$id: building"
	if ! build "$work/build-$id.log"; then
		out=BROKEN detail="does not build: see $work/build-$id.log"
		[ "$keep" = 1 ] || detail="does not build: $(grep -m1 'error' "$work/build-$id.log")"
	else
		out=SURVIVED detail="by none of:$run" skipped=
		for t in $run; do
			say "$id: $t"
			check "$t"
			case $? in
			0) ;;
			1) out=KILLED detail="by $t"; break ;;
			3) out=KILLED detail="by $t (hung, stopped after $limit s)"; break ;;
			2) skipped="$skipped $t" ;;
			*) out=BROKEN detail="$t could not run: see $log"; break ;;
			esac
		done
		if [ "$out" = SURVIVED ]; then
			[ -n "$gone" ] && out=MISSING-TEST detail="survived$run; not in the tree:$gone"
			[ -n "$skipped" ] && detail="$detail (skipped:$skipped)"
		fi
	fi
	# put back; the copy's new time makes the next build recompile it
	cat "$work/orig" > "$tree/$file"
	cur=
	report "$id" "$out" "$detail ($(($(date +%s) - t0)) s)"
done
summary
