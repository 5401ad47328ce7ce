#!/bin/sh
# Usage: sh tests/tools/layers.sh SRCDIR BUILDDIR
#
# Checks that arrows between modules point down the layers of src/
# (cli 4 -> policy 3 -> regf 2 -> io 1 -> base 0, the files directly in
# src/), that modules make no circles, and that the store kinds (disk
# images, WIM, the block layer, partitions) are not seen outside src/io/.
# A module is a path under src/ without .c/.h.  Arrows come from two
# sources because each misses some: an include shows the use of types,
# macros and inline functions, which leave no symbol; nm of the objects shows
# a call to a function declared in another module's header (say(), declared
# in cmdint.h, defined in cmd.c), which no include line names.
# Exit 0 when clean, 1 when something points the wrong way, 2 on errors.

# Paths go through word splitting (the tree has no blanks in names), never
# through globbing (set -f).
# shellcheck disable=SC2046,SC2086
set -f
# The C locale: the same sort order and awk comparisons whatever awk runs.
LC_ALL=C
export LC_ALL
me=layers.sh
die() { echo "$me: $*" >&2; exit 2; }

[ $# -eq 2 ] || die "usage: sh tests/tools/layers.sh SRCDIR BUILDDIR"
[ -d "$1/src" ] || die "$1/src: no such directory"
[ -d "$2/src" ] || die "$2/src: no such directory (build first)"
top=$(cd "$1" && pwd) && build=$(cd "$2" && pwd) || exit 2

# Records for the checker, one a line, paths relative to src/:
#   F file, I file line target (a quoted include), W file line (WITH_IMAGES).
# The build dir is scanned too: a generated source (profiles.c) lives
# there in a VPATH build and belongs to the folder it is in.
scan() {
	(cd "$1" || exit 2
	set -- $(find . -type f \( -name '*.c' -o -name '*.h' \) |
	    sed 's#^\./##' | sort)
	[ $# -gt 0 ] || exit 0
	printf 'F %s\n' "$@"
	awk '/^[ \t]*#[ \t]*include[ \t]*"/ {
		t = $0; sub(/^[^"]*"/, "", t); sub(/".*/, "", t)
		print "I", FILENAME, FNR, t
	}
	/WITH_IMAGES/ { print "W", FILENAME, FNR }' "$@") ||
	    echo "E cannot read the sources in $1"
}

# Objects by their path under BUILDDIR/src; automake prefixes a target's
# name (libtlshive_a-, tlshive-) only when the target has flags of its own.
objs=$(cd "$build/src" && find . -name '*.o' | sed 's#^\./##' | sort)
[ -n "$objs" ] || die "no object files under $build/src: build first (make)"

{
	scan "$top/src"
	[ "$build" = "$top" ] || scan "$build/src"
	printf 'O %s\n' $objs
	# Global symbols only: a static function is no arrow between modules.
	(cd "$build/src" && nm -P -g -A $objs) ||
	    echo "E nm failed on the objects in $build/src"
} | awk '
function err(m) { print "'"$me"': " m | "cat 1>&2"; bad = 1 }
function mod(p) { sub(/\.[cho]$/, "", p); return p }
function base(p) { sub(/.*\//, "", p); return p }
function dir(p) { return p ~ /\// ? substr(p, 1, length(p) - length(base(p)) - 1) : "" }
function layer(m,   d) {
	if (m !~ /\//) return 0
	d = m; sub(/\/.*/, "", d)
	return d == "cli" ? 4 : d == "policy" ? 3 : d == "regf" ? 2 : d == "io" ? 1 : -1
}
# dir/../x and ./x spelled as a plain path, to look it up among the files
function norm(p,   part, n, i, k, out) {
	n = split(p, part, "/"); k = 0
	for (i = 1; i <= n; i++)
		if (part[i] == ".." && k > 0 && stk[k] != "..") k--
		else if (part[i] != "." && part[i] != "") stk[++k] = part[i]
	out = k ? stk[1] : ""
	for (i = 2; i <= k; i++) out = out "/" stk[i]
	return out
}
function arrow(a, b) { if (a != b && !((a, b) in edge)) { edge[a, b] = 1; narrows++ } }
function store(line) { storeline[++nstore] = line }
# Tarjan: components finish sinks first, which the floors count relies on.
function strong(v,   i, w) {
	idx[v] = low[v] = ++counter; stack[++sp] = v; on[v] = 1
	for (i = 1; i <= deg[v]; i++) {
		w = adj[v, i]
		if (!(w in idx)) { strong(w); if (low[w] < low[v]) low[v] = low[w] }
		else if (on[w] && idx[w] < low[v]) low[v] = idx[w]
	}
	if (low[v] == idx[v]) {
		ncomp++
		do { w = stack[sp--]; on[w] = 0; comp[w] = ncomp; size[ncomp]++ } while (w != v)
	}
}
function why(a, b,   s) {
	s = ((a, b) in inc) ? "include in " inc[a, b] : ""
	if ((a, b) in calls) s = s (s == "" ? "" : ", ") "call" calls[a, b]
	return a " -> " b " (" s ")"
}
$1 == "E" { sub(/^E /, ""); err($0) }
$1 == "F" {
	isfile[$2] = 1; m = mod($2)
	if (!(m in ismod)) { ismod[m] = 1; name[++n] = m }
	if ($2 ~ /\.c$/) wantobj[m] = $2
}
$1 == "I" && $4 != "config.h" {
	ni++; ifile[ni] = $2; iline[ni] = $3; itarget[ni] = $4
	if ($2 !~ /^io\// && base($4) ~ /^(diskimg|wim|blk|blkfile|parts)\.h$/)
		store("src/" $2 ":" $3 ": include \"" $4 "\"")
}
$1 == "W" && $2 !~ /^io\// { store("src/" $2 ":" $3 ": WITH_IMAGES") }
$1 == "O" {
	b = base($2); sub(/^(libtlshive_a|libtlshive_img_a|tlshive)-/, "", b)
	m = mod(dir($2) == "" ? b : dir($2) "/" b)
	if (!(m in ismod)) { print "'"$me"': src/" $2 ": no source, skipped (stale? rebuild)" | "cat 1>&2"; next }
	if (m in objfile) err("src/" $2 " and src/" objfile[m] ": two objects of one module")
	objmod[$2] = m; objfile[m] = $2
}
# nm -P -A: "OBJECT: SYMBOL TYPE [VALUE SIZE]"
$1 ~ /\.o:$/ {
	o = $1; sub(/:$/, "", o)
	if (!(o in objmod)) next
	# hugealloc.c stands in for the C library'"'"'s allocator in the whole
	# program: a module calling malloc calls no module above it
	if ($2 ~ /^(malloc|calloc|realloc)$/) next
	if ($3 == "U") { nu++; umod[nu] = objmod[o]; usym[nu] = $2 }
	else if ($3 ~ /^[BCDGRSTVW]$/) def[$2] = objmod[o]
}
END {
	if (bad) exit 2
	# Modules in order, so that everything below comes out in that order.
	for (i = 2; i <= n; i++) {
		t = name[i]
		for (j = i - 1; j > 0 && name[j] > t; j--) name[j + 1] = name[j]
		name[j + 1] = t
	}
	for (i = 1; i <= n; i++) {
		if (layer(name[i]) < 0) err("src/" name[i] ": not in a known folder (cli, policy, regf, io)")
		if ((name[i] in wantobj) && !(name[i] in objfile))
			print "'"$me"': no object for src/" wantobj[name[i]] ", its calls are not seen" | "cat 1>&2"
	}
	for (i = 1; i <= ni; i++) {
		t = itarget[i]
		if (!(t in isfile)) t = norm(dir(ifile[i]) "/" t)
		if (!(t in isfile)) { err("src/" ifile[i] ":" iline[i] ": \"" itarget[i] "\" not found"); continue }
		a = mod(ifile[i]); b = mod(t); arrow(a, b)
		if (a == b) continue
		if (!((a, b) in inc)) inc[a, b] = ifile[i]
		else if (index(" " inc[a, b] " ", " " ifile[i] " ") == 0) inc[a, b] = inc[a, b] " " ifile[i]
	}
	if (bad) exit 2
	for (i = 1; i <= nu; i++) {
		a = umod[i]
		if (a !~ /^io\// && usym[i] ~ /^(diskimg|wim|blk|parts)_/) storecall[a] = storecall[a] " " usym[i]
		if (!(usym[i] in def)) continue
		b = def[usym[i]]; arrow(a, b)
		if (a != b) calls[a, b] = calls[a, b] " " usym[i]
	}
	# the calls as an arrow lists them, one line a module
	for (i = 1; i <= n; i++)
		if (name[i] in storecall) store("src/" wantobj[name[i]] ": call" storecall[name[i]])
	for (i = 1; i <= n; i++) for (j = 1; j <= n; j++)
		if ((name[i], name[j]) in edge) adj[i, ++deg[i]] = j
	for (i = 1; i <= n; i++) if (!(i in idx)) strong(i)
	for (c = 1; c <= ncomp; c++) floor[c] = 1
	for (i = 1; i <= n; i++) member[comp[i], ++nmember[comp[i]]] = i
	for (c = 1; c <= ncomp; c++) {
		for (k = 1; k <= nmember[c]; k++) {
			v = member[c, k]
			for (i = 1; i <= deg[v]; i++)
				if (comp[adj[v, i]] != c && floor[comp[adj[v, i]]] + 1 > floor[c])
					floor[c] = floor[comp[adj[v, i]]] + 1
		}
		if (floor[c] > floors) floors = floor[c]
	}
	print "modules: " n ", arrows: " narrows ", floors: " floors
	for (i = 1; i <= n; i++) for (k = 1; k <= deg[i]; k++)
		if (layer(name[i]) < layer(name[adj[i, k]])) up[++nup] = why(name[i], name[adj[i, k]])
	print "back up: " nup + 0
	for (i = 1; i <= nup; i++) print "  " up[i]
	for (c = 1; c <= ncomp; c++) if (size[c] > 1) ncircle++
	print "circles: " ncircle + 0
	for (c = 1; c <= ncomp; c++) {
		if (size[c] < 2) continue
		s = " "
		for (k = 1; k <= nmember[c]; k++) s = s " " name[member[c, k]]
		print s
		for (k = 1; k <= nmember[c]; k++) {
			v = member[c, k]
			for (i = 1; i <= deg[v]; i++)
				if (comp[adj[v, i]] == c) print "    " why(name[v], name[adj[v, i]])
		}
	}
	print "store kinds outside io: " nstore + 0
	for (i = 1; i <= nstore; i++) print "  " storeline[i]
	exit (nup + ncircle + nstore > 0)
}'
