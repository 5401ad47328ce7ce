# The man pages lint clean and list every setting of the table.
. "$srcdir/tests/cli/lib.sh"
need_tool mandoc

mandoc -Tlint -W warning "$builddir/man/tlshive.8" "$builddir/man/tlshive-profile.5" || fail "mandoc -Tlint"
"$TLSHIVE" settings | cut -f1 > table
sed -n '/^\.\\" settings-begin/,/^\.\\" settings-end/p' "$builddir/man/tlshive-profile.5" |
	sed -n 's/^\.It Cm //p' > man
diff -u table man || fail "tlshive-profile(5) does not list the settings table"
for p in $("$TLSHIVE" profiles | cut -d' ' -f1); do
	grep -q "^\.It Cm $p\$" "$builddir/man/tlshive-profile.5" || fail "profile $p not in tlshive-profile(5)"
done
