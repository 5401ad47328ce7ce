# enable-tls12: TLS 1.1 and 1.2 on and WinHTTP's default TLS 1.2 (and 1.3), nothing else
#
# A vendor's "TLS 1.2 as the default secure protocol" requirement: TLS 1.1
# and 1.2 enabled for client and server (the keys do not exist on Windows 7
# / 2008 R2 / 2008 SP2, where both are off by default, and change nothing
# from Windows 8 on, where both are on), and WinHTTP DefaultSecureProtocols
# = 0x800 (TLS 1.2) in every view the image has, 0x2800 (TLS 1.2 and 1.3)
# from build 20348 on.  Not KB3140245's example 0xA00: WinHTTP's own
# default is TLS 1.2 and 1.3 on Windows 11 (WINHTTP_OPTION_SECURE_PROTOCOLS
# in WinHTTP's option flags), and KB5017811 took TLS 1.0 and 1.1 out of it
# from Windows 10 1809 and Server 2019 on: 0xA00 would put TLS 1.1 back
# there, and take TLS 1.3 out.

TLS 1.1 = on
TLS 1.2 = on
winhttp = TLS 1.2, TLS 1.3 if supported
