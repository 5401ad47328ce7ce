# strict: TLS 1.2 and 1.3 only, AEAD suites with ECDHE only, no SHA-1
#
# For servers whose clients are all current.  Older clients and anything
# that needs RSA key exchange, CBC suites or SHA-1 MACs will fail to
# connect.  DTLS 1.2 is left as it is.

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
SHA = off
Diffie-Hellman min bits = 2048
insecure renegotiation = off

# ECDHE-RSA with GCM exists from Windows 10 1507 (and Server 2016) on;
# before, only ECDSA certificates can use this list.  Vista and Server 2008
# have no AEAD suite: there the list is left as it is, and with SHA and MD5
# off none of their suites is left (tlshive warns).
cipher-suites = TLS_AES_256_GCM_SHA384 if supported, TLS_AES_128_GCM_SHA256 if supported, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 if supported, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 if supported, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 if supported, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 if supported
ecc-curves = curve25519 if supported, NistP384, NistP256

winhttp = TLS 1.2, TLS 1.3 if supported
dotnet strong crypto = on
dotnet system default tls = on
