# A hive put back into a WIM keeps what the WIM recorded for it: its
# creation, last-write and last-access times, and no security descriptor
# when the image was captured without them (from a Linux directory), not
# the scratch NTFS volume's default (Everyone, full control, inherited).
. "$srcdir/tests/cli/lib.sh"
for t in mkntfs wimcapture wimdir; do
	need_tool "$t"
done

cfg=Windows/System32/config
meta() {	# meta WIM HIVE: what wimdir records for the hive
	wimdir "$1" 1 --path="/$cfg" --detailed 2>/dev/null |
		awk -v p="/$cfg/$2" '$0 ~ "^Full Path" { on = index($0, "\"" p "\"") > 0 } on && /^(Attributes|Security Descriptor|Creation Time|Last Write Time|Last Access Time)/'
}

"$MKIMAGE" 2019 src
touch -d '2015-06-01 12:00:00 UTC' "src/$cfg/SYSTEM" "src/$cfg/SOFTWARE"
touch -a -d '2016-02-03 04:05:06 UTC' "src/$cfg/SYSTEM"
wimcapture src t.wim "plain" > /dev/null 2>&1 || fail "wimcapture"
for h in SYSTEM SOFTWARE; do
	meta t.wim "$h" > "$h.before"
	grep -q 'Last Write Time *= Mon Jun 01 12:00:00 2015 UTC' "$h.before" || { cat "$h.before"; fail "the test WIM lacks the times"; }
	grep -q 'Security Descriptor' "$h.before" && fail "the test WIM has a descriptor"
done
grep -q 'Last Access Time *= Wed Feb 03 04:05:06 2016 UTC' SYSTEM.before || fail "the test WIM lacks the access time"
"$TLSHIVE" apply t.wim > out || { cat out; fail "apply to a WIM"; }
grep -q '^wrote t.wim: 1 image changed' out || { cat out; fail "nothing written"; }
"$TLSHIVE" check t.wim > /dev/null || fail "not compliant after apply"
for h in SYSTEM SOFTWARE; do
	meta t.wim "$h" > "$h.after"
	diff "$h.before" "$h.after" || fail "$h: times or descriptor not kept"
done
# no staging directory is left in the image
if wimdir t.wim 1 | grep tlshive; then fail "a staging directory left in the WIM"; fi
