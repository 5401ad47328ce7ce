# a profile with mistakes
TLS 1.0 = off
TLS 1.0 sever = off
TLS 1.2 = yes please
RC4 128/128 off
cipher-suites = TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA348, TLS_FAKE
winhttp = TLS 1.2, TLS 2.0
