# stig-sql2022: DISA SQL Server 2022 Instance STIG, its TLS rule V-271310 (CAT I)
#
# A benchmark profile (see stig-iis10 and tlshive-profile(5)): absent values
# are findings.  The rule's number, STIG ID and category are DISA's; the
# mapping and these words are ours.  Verify them against your release.
#
# V-271310 reads the Client and the Server keys: TLS 1.2 enabled; TLS 1.0,
# TLS 1.1, SSL 3.0 and SSL 2.0 disabled.  As in IIS 10's rule, SSL 3.0's
# values may be missing; SSL 2.0's may not, though Windows from 1607 on
# lacks SSL 2.0 altogether: auditors count the value, not the build.  The
# rule applies where a SQL Server database engine instance is installed
# (SOFTWARE\Microsoft\Microsoft SQL Server\Instance Names\SQL).

@benchmark stig-sql2022 stigid=MS_SQL_Server_2022_Instance_STIG title="SQL Server 2022 Instance STIG, TLS"
@rule V-271310 severity=high ver=SQLI-22-008300 applies=sql title="the instance's Windows offers TLS 1.2 and no older protocol"

TLS 1.2 = on | rule V-271310
TLS 1.1 = off | rule V-271310
TLS 1.0 = off | rule V-271310
SSL 3.0 = off | rule V-271310 | absent ok
SSL 2.0 = off | rule V-271310
