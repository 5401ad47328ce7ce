# stig-iis10: DISA IIS 10.0 Server STIG, its TLS rule V-218821 (CAT I)
#
# A benchmark profile: check judges each rule as the STIG's check reads it,
# and an absent value is a finding (see tlshive-profile(5)).  The rule's
# number, STIG ID and category are DISA's (a public work); the mapping onto
# tlshive's settings and these words are ours.  Verify them against the
# release you are audited to.
#
# V-218821 reads the Server keys: TLS 1.2 enabled (Enabled 1,
# DisabledByDefault 0); TLS 1.0, TLS 1.1 and SSL 3.0 disabled (Enabled 0,
# DisabledByDefault 1).  A missing TLS 1.0, TLS 1.1 or TLS 1.2 value is a
# finding; SSL 3.0's may be missing.  Schannel's protocol pairs are written
# 1/0 and 0/1 as the check reads them.  The rule applies where IIS is
# installed (SOFTWARE\Microsoft\InetStp).

@benchmark stig-iis10 stigid=IIS_10-0_Server_STIG title="IIS 10.0 Server STIG, TLS"
@rule V-218821 severity=high ver=IIST-SV-000153 applies=iis title="the server offers TLS 1.2 and no older protocol"

TLS 1.2 server = on | rule V-218821
TLS 1.1 server = off | rule V-218821
TLS 1.0 server = off | rule V-218821
SSL 3.0 server = off | rule V-218821 | absent ok
