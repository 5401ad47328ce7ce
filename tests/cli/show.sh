# show: OS facts and every setting, as text (golden) and JSON.
. "$srcdir/tests/cli/lib.sh"

"$MKIMAGE" 2022 img
"$TLSHIVE" show img > out
golden show-2022.out out
# the columns stay aligned under their headings, long names included
awk '/^SETTING/ { w = index($0, "WHERE"); e = index($0, "EFFECTIVE"); next }
	w && /^\(/ { exit }
	w && NF { if (substr($0, w - 1, 2) !~ /^ [^ ]$/ || substr($0, e - 1, 2) !~ /^ [^ ]$/) { print; bad = 1 } }
	END { exit bad }' out || fail "show columns not aligned"
grep -q '^Multi-Protocol Unified Hello server  ControlSet' out || fail "the longest name sets the column"

"$TLSHIVE" show --json img > out.json
need_tool jq
[ "$(jq '.os.build' out.json)" = 20348 ] || fail "os.build"
[ "$(jq -r '.os.product' out.json)" = "Windows Server 2022 Datacenter" ] || fail "os.product"
[ "$(jq -r '.os.type' out.json)" = server ] || fail "os.type"
[ "$(jq -r '.os.control_sets.written | join(" ")' out.json)" = "ControlSet002 ControlSet001" ] || fail "control sets"
[ "$(jq '[.settings[] | select(.name and .hive and .path and .value)] | length' out.json)" = \
  "$(jq '.settings | length' out.json)" ] || fail "every setting has name, hive, path, value"
[ "$(jq -r '.settings[] | select(.name == "event logging" and .where == "ControlSet002") | .value' out.json)" = 1 ] \
	|| fail "event logging read"
[ "$(jq -r '[.settings[] | select(.name == "winhttp")] | map(.where) | join(" ")' out.json)" = "64-bit 32-bit" ] \
	|| fail "winhttp in both views"

# JSON is versioned, and has the same keys in every mode: one image, one
# of several, hive files alone, an error; null where one does not apply.
jtrue '.schema_version == 2 and .outcome == "ok" and .exit == 0 and .error == null' < out.json || fail "schema_version, outcome"
jtrue 'has("disk") and .disk == null and has("wim") and .wim == null and has("user_profile") and .profile == null' < out.json \
	|| fail "disk, wim, user_profile, profile keys in a single-image document"
"$MKIMAGE" 2022 img2
"$TLSHIVE" show --quiet --json img img2 > batch.json
"$TLSHIVE" show --json --system "$(sys img)" > sys.json
keys() { jq -c '[paths(true) | map(select(type == "string")) | join(".")] | unique' "$1"; }
jq -c '.' batch.json | head -n 1 > b1.json
[ "$(keys out.json)" = "$(keys b1.json)" ] || { keys out.json; keys b1.json; fail "a batch line's keys differ from a single image's"; }
jq -c 'keys' out.json > k1; jq -c 'keys' sys.json > k2
cmp -s k1 k2 || { cat k1 k2; fail "--system: top-level keys differ"; }
jq -c '.os | keys' out.json > k1; jq -c '.os | keys' sys.json > k2
cmp -s k1 k2 || { cat k1 k2; fail "--system: os keys differ"; }
jtrue '.os | has("version") and .version == null and has("hibernated") and .hibernated == null' < sys.json || fail "--system: os.version, os.hibernated"
jtrue '.os.hibernated == false and .os.version == "10.0"' < out.json || fail "ROOT: os.version, os.hibernated"
must_exit 2 "$TLSHIVE" show --json /nonexistent > err.json 2> /dev/null
jtrue '.schema_version == 2 and .outcome == "error"' < err.json || fail "an error document has no schema_version"

# Only the SYSTEM hive: SOFTWARE settings are skipped, and the output says so.
"$TLSHIVE" show --system "$(sys img)" > out
grep -q '^SOFTWARE     not given$' out || fail "missing SOFTWARE reported"
grep -q '^note: SOFTWARE hive not given: its settings are not shown$' out || fail "note"
if grep -q winhttp out; then fail "SOFTWARE settings shown without SOFTWARE"; fi

# Any casing of the path inside ROOT.
mv img/Windows img/WINDOWS
mv img/WINDOWS/System32 img/WINDOWS/system32
mv img/WINDOWS/system32/config/SYSTEM img/WINDOWS/system32/config/system
"$TLSHIVE" show img > out2
grep -q 'img/WINDOWS/system32/config/system (clean)' out2 || fail "case-insensitive ROOT"

# Fast Startup came with Windows 8: no line for an older Windows.
"$MKIMAGE" win7-x86 w7
if "$TLSHIVE" show w7 | grep -q '^fast startup'; then fail "fast startup line for Windows 7"; fi
"$MKIMAGE" 2012r2 w12
"$TLSHIVE" show w12 | grep -q '^fast startup not set' || fail "no fast startup line for 2012 R2"

# settings: the table as text and JSON, the same rows in both
"$TLSHIVE" settings > set.txt
"$TLSHIVE" settings --json > set.json
jtrue '.schema_version == 2' < set.json || fail "settings --json: no schema_version"
[ "$(jq '.settings | length' set.json)" = "$(wc -l < set.txt)" ] || fail "settings: text and JSON differ in rows"
[ "$(jq -r '.settings[] | "\(.name)\t\(.hive)\t\(.path)\t\(.states)\t\(.help)"' set.json)" = "$(cat set.txt)" ] || fail "settings: text and JSON differ"
jtrue '.settings[] | select(.name == "TLS 1.3 server") | .min_build == 20348' < set.json || fail "settings --json: min_build"
