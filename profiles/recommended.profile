# recommended: TLS 1.2 (and 1.3 where the build has it), nothing older, no weak ciphers
#
# The default profile.  Safe for Windows 7 / Server 2008 R2 and later:
# legacy protocols and ciphers off, TLS 1.2 on, TLS 1.3 on from build 20348
# (Windows 11, Server 2022) and left alone below, and the WinHTTP and .NET
# switches that make applications use what Schannel allows.

SSL 2.0 = off
SSL 3.0 = off
PCT 1.0 = off
Multi-Protocol Unified Hello = off
TLS 1.0 = off
TLS 1.1 = off
DTLS 1.0 = off
TLS 1.2 = on
TLS 1.3 = auto

NULL = off
DES 56/56 = off
RC2 40/128 = off
RC2 56/128 = off
RC2 128/128 = off
RC4 40/128 = off
RC4 56/128 = off
RC4 64/128 = off
RC4 128/128 = off
Triple DES 168 = off
AES 128/128 = on
AES 256/256 = on

MD5 = off
Diffie-Hellman min bits = 2048
insecure renegotiation = off

# Forward-secret AEAD suites first, RSA key exchange last; no SHA-1, no DHE.
# Each Windows gets what it has: TLS 1.3 suites from build 20348,
# ECDHE-RSA with GCM from Windows 10 1507, _P256/_P384 names before Windows
# 10; Vista and Server 2008 have none of these suites and keep their list.
cipher-suites = TLS_AES_256_GCM_SHA384 if supported, TLS_AES_128_GCM_SHA256 if supported, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 if supported, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 if supported, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 if supported, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 if supported, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 if supported, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 if supported, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 if supported, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 if supported, TLS_RSA_WITH_AES_256_GCM_SHA384 if supported, TLS_RSA_WITH_AES_128_GCM_SHA256 if supported
ecc-curves = curve25519 if supported, NistP256, NistP384

winhttp = TLS 1.2, TLS 1.3 if supported
dotnet strong crypto = on
dotnet system default tls = on
