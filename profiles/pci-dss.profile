# pci-dss: the OfficeScan PCI DSS script's settings, plus the weak ciphers it leaves out
#
# Everything officescan-pci.reg sets, to the same values (SSL 2.0, SSL 3.0
# and TLS 1.0 off; TLS 1.1 and 1.2 on; RC4 128/128 and Triple DES 168 off),
# and the other legacy protocols, ciphers and hashes that a PCI scan flags.

SSL 2.0 = off
SSL 3.0 = off
TLS 1.0 = off
TLS 1.1 = on
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

winhttp = TLS 1.1, TLS 1.2, TLS 1.3 if supported
dotnet strong crypto = on
dotnet system default tls = on
