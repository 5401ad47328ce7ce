# Key times follow Windows: a key created, a key whose value is set or
# deleted, and the parent of a key created or deleted get the time of the
# change (one per run, SOURCE_DATE_EPOCH here); every other key keeps its own.
. "$srcdir/tests/cli/lib.sh"
need_tool reglookup
TZ=UTC; export TZ

"$MKIMAGE" 2019 img
S=$(sys img)
P=/ControlSet001/Control/SecurityProviders/SCHANNEL
# PATH TIME: the key's LastWriteTime as reglookup reads it
key_time() {
	reglookup -H -t KEY -p "$1" "$S" | awk -F, -v k="$1" '$1 == k { print $4 }'
}
is() {
	[ "$(key_time "$1")" = "$2" ] || fail "$1: $(key_time "$1"), expected $2"
}
old=$(key_time "$P/Protocols/SSL 2.0")
[ -n "$old" ] || fail "no SSL 2.0 key in the image"
[ "$(key_time "$P")" = "$old" ] || fail "the image's keys differ in time"

R='[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
	"$R\\Protocols\\SSL 2.0\\Client]" '"Enabled"=dword:00000000' \
	"$R\\Protocols\\TLS 1.2\\Server]" '"Enabled"=dword:00000001' > one.reg
SOURCE_DATE_EPOCH=1700000000 "$TLSHIVE" apply --reg one.reg img > /dev/null
t1='2023-11-14 22:13:20'
is "$P/Protocols/SSL 2.0/Client" "$t1"	# a value set
is "$P/Protocols/TLS 1.2" "$t1"		# created
is "$P/Protocols/TLS 1.2/Server" "$t1"	# created
is "$P/Protocols" "$t1"			# a subkey created
is "$P/Protocols/SSL 2.0" "$old"
is "$P" "$old"
is /Select "$old"

printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
	"$R]" '"EventLogging"=-' \
	"[-${R#[}\\Protocols\\SSL 2.0\\Client]" > two.reg
SOURCE_DATE_EPOCH=1710000000 "$TLSHIVE" apply --reg two.reg img > /dev/null
t2='2024-03-09 16:00:00'
is "$P" "$t2"				# a value deleted
is "$P/Protocols/SSL 2.0" "$t2"		# a subkey deleted
is "$P/Protocols" "$t1"
is "$P/Protocols/TLS 1.2/Server" "$t1"
