# pci-dss: TLS 1.2 or later, and the weak ciphers and hashes a PCI scan flags
#
# PCI DSS v4.0.1 asks for "strong cryptography" by industry standards, and
# NIST SP 800-52r2 for TLS 1.2 or later; IIS Crypto's PCI template turns
# TLS 1.1 off too.  Everything the OfficeScan PCI script sets, to its
# values, but TLS 1.1, which is off here (the vendor's own file still
# applies as written with --reg).  DTLS 1.0 goes with TLS 1.0 (RFC 8996),
# and the PCI glossary's strong cryptography names D-H of 2048 bits and
# higher: Windows before 10 offers 1024-bit DHE unless the Diffie-Hellman
# minimum is set (tls-registry-settings, advisory 3174644).

SSL 2.0 = off
SSL 3.0 = off
TLS 1.0 = off
TLS 1.1 = off
DTLS 1.0 = off
TLS 1.2 = on
PCT 1.0 = off
Multi-Protocol Unified Hello = off

RC4 128/128 = off
Triple DES 168 = off
NULL = off
DES 56/56 = off
RC2 40/128 = off
RC2 56/128 = off
RC2 128/128 = off
RC4 40/128 = off
RC4 56/128 = off
RC4 64/128 = off

MD5 = off
Diffie-Hellman min bits = 2048
insecure renegotiation = off

winhttp = TLS 1.2, TLS 1.3 if supported
dotnet strong crypto = on
dotnet system default tls = on
