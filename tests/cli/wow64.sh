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
