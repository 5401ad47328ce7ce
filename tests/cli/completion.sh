# The bash completion (completion/tlshive): its function, driven as bash's
# programmable completion calls it, offers the commands, a command's own
# options, profile names and files.
. "$srcdir/tests/cli/lib.sh"
need_tool bash

# the program the completed line names: this build's, as "tlshive"
mkdir bin
printf '#!/bin/sh\nexec "%s" "$@"\n' "$TLSHIVE" > bin/tlshive
chmod +x bin/tlshive
mkdir images images/win2022
: > images/sample.qcow2
: > undo.reg

# offers WORD...: what Tab offers after the words, one a line, sorted
offers() {
	PATH="$T/bin:$PATH" bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_tlshive tlshive "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || exit 1
		complete -p tlshive > /dev/null || exit 1
		for w in "${COMPREPLY[@]}"; do printf "%s\n" "$w"; done' \
		completion "$srcdir/completion/tlshive" "$@" | sort
}

# the commands: every one --help lists, and only those a prefix starts
offers tlshive '' > got
"$TLSHIVE" --help | awk '$1 == "usage:" { print $3 } $1 == "tlshive" { print $2 }' | sort > want
[ "$(wc -l < want)" = 8 ] || { cat want; fail "--help does not list eight commands"; }
diff -u want got || fail "the commands offered"
[ "$(offers tlshive ch)" = check ] || fail "ch: not check"
[ "$(offers tlshive help ap)" = apply ] || fail "help ap: not apply"

# check's options: each long option check --help lists, none of apply's own
offers tlshive check --e > got
printf '%s\n' --exit-zero --explicit > want
diff -u want got || fail "check --e"
offers tlshive check -- > got
"$TLSHIVE" check --help | grep -o '^  \(-[a-z], \|    \)--[a-z0-9-]*' | sed 's/.*--/--/' | sort > want
[ "$(wc -l < want)" -gt 20 ] || fail "check --help lists too few options"
diff -u want got || fail "check's options"
grep -qx -- --checklist got && grep -qx -- --findings got || fail "check's own options missing"
! grep -qx -e --undo -e --dry-run -e --utf8 -e --wait got || fail "another command's options offered for check"
offers tlshive apply --u > got
printf '%s\n' --undo --user --users > want
diff -u want got || fail "apply --u"

# profile names after -p, from tlshive profiles
offers tlshive check -p stig- > got
"$TLSHIVE" profiles | awk '$1 ~ /^stig-/ { print $1 }' | sort > want
[ "$(wc -l < want)" -ge 2 ] || fail "fewer than two stig- profiles"
diff -u want got || fail "profile names for -p stig-"
[ "$(offers tlshive apply --profile cis-iis10-l)" = "$(printf 'cis-iis10-l1\ncis-iis10-l2')" ] ||
	fail "profile names for --profile"
[ "$(offers tlshive profiles recomm)" = recommended ] || fail "tlshive profiles NAME"
[ "$(offers tlshive check --users a)" = all ] || fail "--users a"

# files: the IMAGE operand, --reg's and --undo's values (also as --undo=)
[ "$(offers tlshive show images/s)" = images/sample.qcow2 ] || fail "IMAGE file"
[ "$(offers tlshive show images/w)" = images/win2022 ] || fail "IMAGE directory"
[ "$(offers tlshive apply -u und)" = undo.reg ] || fail "--undo file"
[ "$(offers tlshive apply --undo = und)" = undo.reg ] || fail "--undo=file"
[ "$(offers tlshive check --reg images/s)" = images/sample.qcow2 ] || fail "--reg file"
# a value that names neither: nothing, not the options
[ -z "$(offers tlshive show -j '')" ] || fail "-j N offered something"
