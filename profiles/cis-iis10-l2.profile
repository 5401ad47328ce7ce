# cis-iis10-l2: CIS Microsoft IIS 10 Benchmark, section 7 (TLS), Level 2
#
# A benchmark profile (see tlshive-profile(5)): absent values are findings.
# Only the recommendation numbers are CIS's; their text is CIS's and
# licensed, so the mapping onto tlshive's settings and every word here are
# ours.  Verify them against the benchmark release you are audited to.  CIS
# gives no severity; "medium" stands in where checklists need one.
#
# 7.2 to 7.5 read the Server and the Client keys of SSL 2.0, SSL 3.0,
# TLS 1.0 and TLS 1.1 (disabled); 7.6 TLS 1.2's Server keys (enabled).
# 7.7 to 7.10 turn NULL, DES 56/56, the RC4 ciphers and AES 128/128 off.
# 7.11 audits AES 256/256 as Enabled = 1, where Microsoft's samples and
# tlshive's other profiles write 0xffffffff: written as 1 here, and only 1
# passes.  With recommended (AES 128/128 on) this profile conflicts, and
# check says so.  The rules apply where IIS is installed.
#
# Level 2 adds 7.12: the cipher-suite order policy (the REG_SZ Functions
# value) holds exactly the ECDHE AES-GCM suites, strongest first.

@benchmark cis-iis10-l2 stigid=CIS_Microsoft_IIS_10_Benchmark title="CIS Microsoft IIS 10, TLS, Level 2"
@rule 7.2 severity=medium applies=iis title="SSL 2.0 disabled"
@rule 7.3 severity=medium applies=iis title="SSL 3.0 disabled"
@rule 7.4 severity=medium applies=iis title="TLS 1.0 disabled"
@rule 7.5 severity=medium applies=iis title="TLS 1.1 disabled"
@rule 7.6 severity=medium applies=iis title="TLS 1.2 enabled"
@rule 7.7 severity=medium applies=iis title="NULL cipher disabled"
@rule 7.8 severity=medium applies=iis title="DES 56/56 disabled"
@rule 7.9 severity=medium applies=iis title="RC4 disabled"
@rule 7.10 severity=medium applies=iis title="AES 128/128 disabled"
@rule 7.11 severity=medium applies=iis title="AES 256/256 enabled"
@rule 7.12 severity=medium applies=iis title="ECDHE AES-GCM cipher suites only, in order"

SSL 2.0 = off | rule 7.2
SSL 3.0 = off | rule 7.3
TLS 1.0 = off | rule 7.4
TLS 1.1 = off | rule 7.5
TLS 1.2 server = on | rule 7.6
NULL = off | rule 7.7
DES 56/56 = off | rule 7.8
RC4 40/128 = off | rule 7.9
RC4 56/128 = off | rule 7.9
RC4 64/128 = off | rule 7.9
RC4 128/128 = off | rule 7.9
AES 128/128 = off | rule 7.10
AES 256/256 = 1 | rule 7.11
cipher-suites = TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 | rule 7.12
