# Transaction-log replay: the result Windows itself produced, and refusals.
. "$srcdir/tests/cli/lib.sh"
need_shared hives/dirty "the log replay tests"
H=$SHARED/hives

seqs() { od -An -tu4 -j4 -N8 "$1" | tr -s ' ' | sed 's/^ //'; }

# New format (LOG1 then LOG2) and old format (dirty vector): key for key and
# value for value what Windows 10 and Windows 7 made of the same files.
for t in new-format/NewDirtyHive:RecoveredHive_Windows10 old-format/OldDirtyHive:RecoveredHive_Windows7; do
	src=${t%%:*}; want=${t#*:}; d=$(dirname "$src"); name=$(basename "$src")
	rm -rf w; mkdir w; cp "$H/dirty/$d/"* w/; chmod u+w w/*
	s=$(stamp "w/$name")
	"$TLSHIVE" recover -o w/out "w/$name" > out
	grep -q "^recovered w/$name: " out || fail "$name: report"
	[ "$(stamp "w/$name")" = "$s" ] || fail "$name: recover -o touched the original"
	dump w/out > got; dump "w/$want" > expected
	diff -u expected got || fail "$name: differs from $want"
	set -- $(seqs w/out)
	[ "$1" = "$2" ] || fail "$name: recovered hive is not clean ($1/$2)"
done
# Sequence numbers above every log entry (the new-format logs end at 5).

"$TLSHIVE" recover -o n.out "$H/dirty/new-format/NewDirtyHive" > /dev/null
set -- $(seqs n.out)
[ "$1" -gt 5 ] || fail "sequence number $1 is not above the logs' 5"

# In place: mode kept, logs left, then clean.
rm -rf w; mkdir w; cp "$H/dirty/new-format/"* w/; chmod 640 w/NewDirtyHive
"$TLSHIVE" recover w/NewDirtyHive > /dev/null
[ "$(stat -c %a w/NewDirtyHive)" = 640 ] || fail "mode not kept"
no_temp_files w
# nothing to recover is success, as nothing to apply is, and writes nothing
s=$(stamp w/NewDirtyHive)
"$TLSHIVE" recover w/NewDirtyHive > out || fail "recover on a clean hive"
grep -q '^w/NewDirtyHive: the hive is clean: nothing to recover$' out || fail "clean hive message"
"$TLSHIVE" recover -o w/out.hive w/NewDirtyHive > out || fail "recover -o on a clean hive"
[ ! -e w/out.hive ] || fail "recover -o wrote a clean hive's copy"
[ "$(stamp w/NewDirtyHive)" = "$s" ] || fail "recover touched a clean hive"

# Corrupt or missing logs: refused with a reason, nothing written.
rm -rf c; mkdir c; cp "$H/dirty/new-format/NewDirtyHive" c/; chmod u+w c/*
s=$(stamp c/NewDirtyHive)
must_exit 2 "$TLSHIVE" recover c/NewDirtyHive 2> err
grep -q 'no transaction log beside it' err || fail "no logs"
cp "$H/dirty/new-format/NewDirtyHive.LOG1" "$H/dirty/new-format/NewDirtyHive.LOG2" c/; chmod u+w c/*
printf 'X' | dd of=c/NewDirtyHive.LOG1 bs=1 seek=700 conv=notrunc 2>/dev/null	# inside entry 1
printf 'X' | dd of=c/NewDirtyHive.LOG2 bs=1 seek=700 conv=notrunc 2>/dev/null
must_exit 2 "$TLSHIVE" recover c/NewDirtyHive 2> err
grep -q 'cannot replay the logs: the logs hold no valid entry to apply; nothing written' err || fail "corrupt entries"
[ "$(stamp c/NewDirtyHive)" = "$s" ] || fail "corrupt logs: hive touched"
no_temp_files c

# apply refuses a dirty hive without --replay-logs, naming tlshive recover
# and --replay-logs; show and check, which write nothing, read it with its
# logs replayed in memory and say so once, on standard error (in JSON: the
# hive's logs_replayed), the files untouched.
rm -rf r; mkdir r; cp "$H/real/win10-dirty-logs/"* r/; chmod u+w r/*
s=$(stamp r/SYSTEM); s1=$(stamp r/SYSTEM.LOG1)
must_exit 2 "$TLSHIVE" apply --system r/SYSTEM 2> err
grep -q 'run tlshive recover on the hive to write them into it, or give --replay-logs to replay them first' err || { cat err; fail "apply's message names recover and --replay-logs"; }
must_exit 2 "$TLSHIVE" apply -n --system r/SYSTEM 2> /dev/null
replayed='24 log entries from SYSTEM.LOG1, SYSTEM.LOG2, sequence number 2131'
"$TLSHIVE" show --system r/SYSTEM > out 2> err || fail "show exits non-zero on a dirty hive with its logs"
grep -qx "tlshive: r/SYSTEM: dirty hive, shown with its logs replayed in memory ($replayed); run tlshive recover before writing to it" err || { cat err; fail "show: notice"; }
[ "$(grep -c 'dirty hive' err)" = 1 ] || fail "show: the notice is not said once"
grep -qx "SYSTEM       r/SYSTEM (dirty, logs replayed in memory: $replayed)" out || fail "show: report"
if grep -q 'dirty hive' out; then fail "show: the notice went to standard output"; fi
must_exit 1 "$TLSHIVE" check --system r/SYSTEM > /dev/null 2> err
grep -q '^tlshive: r/SYSTEM: dirty hive, checked with its logs replayed in memory' err || fail "check: notice"
must_exit 1 "$TLSHIVE" check --json --system r/SYSTEM > out 2> err
jtrue ".hives.SYSTEM.state == \"dirty\" and .hives.SYSTEM.logs_replayed == \"$replayed\"" < out || fail "check --json: logs_replayed"
grep -q 'dirty hive, checked with its logs replayed' err || fail "check --json: notice on standard error"
[ "$(stamp r/SYSTEM)" = "$s" ] && [ "$(stamp r/SYSTEM.LOG1)" = "$s1" ] || fail "a read-only command touched the dirty hive or its logs"
# a dirty hive without logs: read as it is, with a warning
cp "$H/real/win10-dirty/SYSTEM" r/NOLOGS
"$TLSHIVE" show --system r/NOLOGS > /dev/null 2> err || fail "show exits non-zero on a dirty hive without logs"
grep -qx 'tlshive: r/NOLOGS: warning: dirty hive, and no .LOG1/.LOG2 beside it to replay: shown as it is, without what Windows last wrote to its logs' err || { cat err; fail "show: no logs warning"; }
must_exit 2 "$TLSHIVE" apply --system r/NOLOGS 2> /dev/null
"$TLSHIVE" show --replay-logs --system r/SYSTEM > out
grep -q '^SYSTEM       r/SYSTEM (dirty, logs replayed in memory: 24 log entries from SYSTEM.LOG1, SYSTEM.LOG2, sequence number 2131)$' out \
	|| fail "show --replay-logs"
must_exit 1 "$TLSHIVE" check --replay-logs --system r/SYSTEM > /dev/null
"$TLSHIVE" apply --replay-logs --system r/SYSTEM > out
grep -qx "replayed r/SYSTEM's logs in memory: 24 log entries from SYSTEM.LOG1, SYSTEM.LOG2, sequence number 2131" out || { cat out; fail "apply --replay-logs does not say what it replayed"; }
"$TLSHIVE" check --system r/SYSTEM > /dev/null || fail "not compliant (or not clean) after apply --replay-logs"
# recover first, then apply, as a rescue system would
rm -rf r2; mkdir r2; cp "$H/real/win10-dirty-logs/"* r2/; chmod u+w r2/*
"$TLSHIVE" recover r2/SYSTEM > /dev/null
"$TLSHIVE" apply --system r2/SYSTEM > /dev/null
"$TLSHIVE" check --system r2/SYSTEM > /dev/null || fail "recover then apply"
# what only the logs held survives the apply
"$TLSHIVE" recover -o r/ref "$H/real/win10-dirty-logs/SYSTEM" > /dev/null
dump r/ref > ref; dump r/SYSTEM > after
[ -z "$(comm -23 ref after | grep -v ',KEY,')" ] || fail "values from the logs lost by apply --replay-logs"
