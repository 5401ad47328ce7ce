# json-wrapper.sh TLSHIVE DIR PRELOAD ARGS...: tlshive ARGS, as the
# end-to-end tests run it (tests/cli/lib.sh), with LD_PRELOAD set again as
# PRELOAD says ("set:VALUE" or "unset"): the wrapper itself runs without.  A run with --json has its standard
# output kept in a new file under DIR (its command line in FILE.argv) for
# the schema check at the test's end; it reaches the caller once the run
# has ended, so a reader that stops early (grep -q) cannot cut the kept
# copy short.  The exit status is tlshive's, exactly: a death by a signal
# is died again.  Any other run is tlshive itself, exec'd.
real=$1 dir=$2 preload=$3
shift 3
j=
for a do [ "$a" = --json ] && j=1; done
if [ -z "$j" ]; then
	[ "$preload" = unset ] || { LD_PRELOAD=${preload#set:}; export LD_PRELOAD; }
	exec "$real" "$@"
fi
f=$(mktemp "$dir/XXXXXX") || exit 2
printf 'tlshive %s\n' "$*" > "$f.argv"
if [ "$preload" = unset ]; then
	"$real" "$@" > "$f"
else
	LD_PRELOAD=${preload#set:} "$real" "$@" > "$f"
fi
rc=$?
cat "$f" || :
if [ "$rc" -gt 128 ]; then
	ulimit -c 0
	trap - "$((rc - 128))"
	kill -"$((rc - 128))" $$
fi
exit "$rc"
