# enable-tls12: TLS 1.1 and 1.2 on and WinHTTP's default set to them, nothing else
#
# A vendor's "TLS 1.2 as the default secure protocol" requirement, as given:
# TLS 1.1 and 1.2 enabled for client and server (the keys do not exist on
# Windows 7 / 2008 R2 / 2008 SP2, where both are off by default), and
# WinHTTP DefaultSecureProtocols = 0xA00 in every view the image has.

TLS 1.1 = on
TLS 1.2 = on
winhttp = TLS 1.1, TLS 1.2, TLS 1.3 if supported
