# pci-dss: TLS 1.2 or later, and the weak ciphers and hashes a PCI scan flags
#
# PCI DSS v4.0.1 asks for "strong cryptography" by industry standards, and
# NIST SP 800-52r2 for TLS 1.2 or later; IIS Crypto's PCI template turns
# TLS 1.1 off too.  Everything the OfficeScan PCI script sets, to its
# values, but TLS 1.1, which is off here (the vendor's own file still
# applies as written with --reg).

SSL 2.0 = off
SSL 3.0 = off
TLS 1.0 = off
TLS 1.1 = off
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
insecure renegotiation = off

winhttp = TLS 1.2, TLS 1.3 if supported
dotnet strong crypto = on
dotnet system default tls = on
