# stig-windows: DISA Windows STIGs' TLS rules: ECC curve order, FIPS, IE11 protocols
#
# A benchmark profile (see stig-iis10 and tlshive-profile(5)): absent values
# are findings.  The rule numbers and STIG IDs are DISA's; the categories
# where the rule does not carry one here, the mapping and these words are
# ours.  Verify them against your release.  Each OS rule applies to its own
# Windows (applies=); an image of another is not applicable.
#
# V-220805 (Windows 10) and V-253363 (Windows 11): the policy curve order is
# NistP384 then NistP256, compared as the list it is, order included.
# V-220942 (Windows 10), V-253466 (Windows 11), V-254480 (Server 2022):
# FipsAlgorithmPolicy Enabled = 1.  Microsoft itself advises against FIPS
# mode outside regulated settings: it turns off what the FIPS list lacks.
# V-250540 (Internet Explorer 11): the machine policy SecureProtocols is
# 2048 (0x800, TLS 1.2 only).

@benchmark stig-windows stigid=MS_Windows_STIGs title="Windows STIGs, TLS"
@rule V-220805 severity=medium ver=WN10-CC-000052 applies=win10 title="ECC curves in the order NistP384, NistP256"
@rule V-253363 severity=medium ver=WN11-CC-000052 applies=win11 title="ECC curves in the order NistP384, NistP256"
@rule V-220942 severity=medium ver=WN10-SO-000230 applies=win10 title="FIPS-compliant algorithms"
@rule V-253466 severity=medium ver=WN11-SO-000230 applies=win11 title="FIPS-compliant algorithms"
@rule V-254480 severity=medium applies=server2022 title="FIPS-compliant algorithms"
@rule V-250540 severity=medium title="Internet Explorer offers TLS 1.2 only"

ecc-curves = NistP384, NistP256 | rule V-220805, V-253363
FIPS = on | rule V-220942, V-253466, V-254480
wininet policy = 2048 | rule V-250540
