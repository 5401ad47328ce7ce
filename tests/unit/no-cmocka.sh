# Stands for the unit tests in a build configured without cmocka, which
# configure reported: SKIP, with the way to get them, or FAIL where every
# tool is required (CI), so that they are never missed unseen.
. "$srcdir/tests/cli/lib.sh"
[ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] &&
	fail "configured without cmocka: the unit tests were not built"
skip "configured without cmocka: the unit tests (tests/unit) were not built; apt-get install libcmocka-dev, then ./configure again"
