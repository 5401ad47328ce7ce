# stig-dotnet4: DISA .NET Framework 4.0 STIG, its TLS rule V-225238
#
# A benchmark profile (see stig-iis10 and tlshive-profile(5)): absent values
# are findings.  The rule's number and STIG ID are DISA's; the category, the
# mapping and these words are ours.  Verify them against your release.
#
# V-225238 reads SchUseStrongCrypto and SystemDefaultTlsVersions, both 1,
# under .NETFramework\v4.0.30319 and, on 64-bit Windows, its Wow6432Node
# twin: the rows below are judged in both views.

@benchmark stig-dotnet4 stigid=MS_Dot_Net_Framework title=".NET Framework 4.0 STIG, TLS"
@rule V-225238 severity=medium ver=APPNET0075 title=".NET 4 applications use strong cryptography and the system's TLS versions"

dotnet v4 strong crypto = on | rule V-225238
dotnet v4 system default tls = on | rule V-225238
