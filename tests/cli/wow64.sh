# 64-bit images get the Wow6432Node twins; 32-bit images get none.
. "$srcdir/tests/cli/lib.sh"

"$MKIMAGE" 2016 x64
"$TLSHIVE" apply x64 > /dev/null
dump "$(soft x64)" > d
for k in '/Wow6432Node/Microsoft/.NETFramework/v4.0.30319/SchUseStrongCrypto,DWORD,0x00000001' \
	 '/Wow6432Node/Microsoft/.NETFramework/v2.0.50727/SystemDefaultTlsVersions,DWORD,0x00000001' \
	 '/Wow6432Node/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000800' \
	 '/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000800'; do
	grep -qxF "$k" d || fail "missing $k"
done
# The siblings the image had are still there.
grep -qxF '/Wow6432Node/Microsoft/.NETFramework/v4.0.30319/InstallPath,SZ,C:\Windows\Microsoft.NET' d || fail "sibling lost"

"$MKIMAGE" win7-x86 x86
"$TLSHIVE" apply x86 > /dev/null
if dump "$(soft x86)" | grep -q Wow6432Node; then fail "Wow6432Node created on x86"; fi
dump "$(soft x86)" | grep -qxF '/Microsoft/Windows/CurrentVersion/Internet Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000800' \
	|| fail "x86 WinHTTP"

# A .reg written for 64-bit Windows (Microsoft's .NET sample) on a 32-bit
# image: Windows 7 x86 never reads Wow6432Node, and the image stays 32-bit
# to tlshive; the next plain apply writes no twins.
"$MKIMAGE" win7-x86 x86reg
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
	'[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319]' \
	'"SystemDefaultTlsVersions"=dword:00000001' '"SchUseStrongCrypto"=dword:00000001' > dotnet.reg
"$TLSHIVE" apply --reg dotnet.reg x86reg > /dev/null 2>&1 || fail "the .NET sample"
need_tool jq
[ "$("$TLSHIVE" show --json x86reg | jq '.os["64bit"]')" = false ] || fail "a .reg made the image 64-bit"
"$TLSHIVE" apply x86reg > /dev/null
dump "$(soft x86reg)" | grep -F 'Wow6432Node' | grep -v '/Wow6432Node/Microsoft/.NETFramework/v4.0.30319/' \
	&& fail "the next apply wrote Wow6432Node twins"

# A .reg that sets the .NET value in one view of a 64-bit image: a note
# says the other kind of program reads the other view; both views, none.
"$MKIMAGE" 2016 net64
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
	'[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\.NETFramework\v4.0.30319]' \
	'"SchUseStrongCrypto"=dword:00000001' > net64.reg
must_exit 1 "$TLSHIVE" check --reg net64.reg net64 > out
grep -qxF 'note: net64.reg:4 sets SchUseStrongCrypto only for 64-bit programs: 32-bit programs read Wow6432Node\Microsoft\.NETFramework\v4.0.30319' out \
	|| fail "no note for the 64-bit view alone"
printf '%s\r\n' '[HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319]' \
	'"SchUseStrongCrypto"=dword:00000001' >> net64.reg
"$TLSHIVE" apply --reg net64.reg net64 > out
if grep -F 'programs read' out; then fail "a note with both views set"; fi
"$TLSHIVE" apply --reg dotnet.reg net64 > out
grep -qxF 'note: dotnet.reg:4 sets SystemDefaultTlsVersions only for 32-bit programs: 64-bit programs read Microsoft\.NETFramework\v4.0.30319' out \
	|| fail "no note for the 32-bit view alone"
true
