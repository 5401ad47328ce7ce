# Real hives from ../shared/hives: apply and check where clean, refuse the rest.
. "$srcdir/tests/cli/lib.sh"
need_shared hives "the real-hive tests"
H=$SHARED/hives

# Windows 7 SP1 x86: Current 1, LastKnownGood 2.
cp "$H/real/win7-x86/SYSTEM" w7; chmod u+w w7
must_exit 1 "$TLSHIVE" check --system w7 > out
grep -q '^note: SOFTWARE hive not given' out || fail "note on missing SOFTWARE"
"$TLSHIVE" show --system w7 > out
grep -q '^arch         x86, 32-bit$' out || fail "win7 arch"
grep -q '^SSL 2.0 client \{2,\}ControlSet001 \{2,\}disabled \{2,\}Enabled=absent, DisabledByDefault=0x00000001 (1)$' out || fail "win7 SSL 2.0"
dump w7 > before
"$TLSHIVE" apply -v --system w7 > out
grep -q 'ControlSet002.*TLS 1.2.Server.Enabled: absent -> 0x00000001 (1)' out || fail "win7 LKG written"
"$TLSHIVE" check --system w7 > /dev/null || fail "win7 not compliant after apply"
dump w7 > after
[ -z "$(comm -23 before after | grep -v ',KEY,')" ] || fail "win7: existing values changed or lost"
if comm -13 before after | grep -v '/Control/SecurityProviders/SCHANNEL/' | grep -q .; then
	fail "win7: values added outside SCHANNEL"
fi
s=$(stamp w7); "$TLSHIVE" apply --system w7 > /dev/null; [ "$(stamp w7)" = "$s" ] || fail "win7 second apply wrote"

# Dirty hives are refused by apply and left alone (check reads them:
# logs.sh).
for d in real/win10-dirty real/win10-dirty-logs; do
	s=$(stamp "$H/$d/SYSTEM")
	must_exit 2 "$TLSHIVE" apply -n --system "$H/$d/SYSTEM" 2> err
	if [ -e "$H/$d/SYSTEM.LOG1" ] || [ -e "$H/$d/SYSTEM.LOG2" ]; then
		grep -q 'not shut down cleanly.*give --replay-logs' err || fail "$d: message"
	else
		grep -q 'and no .LOG1/.LOG2 beside it to replay: .*--discard-logs' err || fail "$d: message"
	fi
	[ "$(stamp "$H/$d/SYSTEM")" = "$s" ] || fail "$d touched"
done
grep -q '(SYSTEM.LOG1, SYSTEM.LOG2)' err || fail "logs named"

# Broken files: a clean error (exit 2, no crash), nothing written.
for f in "$H"/broken/*; do
	cp "$f" b; chmod u+w b; s=$(stamp b)
	must_exit 2 "$TLSHIVE" apply --system b 2> err
	grep -q '^tlshive: b: ' err || fail "$(basename "$f"): message does not name the file"
	[ "$(stamp b)" = "$s" ] || fail "$(basename "$f") touched"
	no_temp_files .
done

# NT 4.0: read, reported, and refused for apply.
"$TLSHIVE" show --system "$H/real/nt4/SYSTEM" --software "$H/real/nt4/SOFTWARE" > out
grep -q '^build        1381$' out || fail "nt4 build"
if grep -q '^fast startup' out; then fail "a Fast Startup line for NT 4.0"; fi
cp "$H/real/nt4/SYSTEM" n4s; cp "$H/real/nt4/SOFTWARE" n4w; chmod u+w n4s n4w
must_exit 2 "$TLSHIVE" apply --system n4s --software n4w 2> err
grep -q 'build 1381 is older than Vista' err || fail "nt4 refused"
must_exit 2 "$TLSHIVE" show --system "$H/real/nt4/SOFTWARE" 2> err
grep -q 'looks like a SOFTWARE hive' err || fail "nt4 mix-up"
