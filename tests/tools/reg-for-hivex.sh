# reg-for-hivex.sh HIVE FILE.reg: FILE's sections under HKEY_LOCAL_MACHINE\HIVE
# in the form hivexregedit --merge takes.  hivexregedit takes one hive at a
# time, does not map CurrentControlSet and does not create missing parent
# keys: ControlSet001 stands for it and every parent gets a section of its
# own.  A UTF-16 file (regedit's own export) comes out as UTF-8: its hex(7)
# data stays UTF-16, which is what regedit reads from such a file.
# Used by the tests and the benchmark to run the same changes through it.
set -eu
if [ "$(head -c 2 "$2" | od -An -tx1 | tr -d ' ')" = fffe ]; then
	iconv -f UTF-16 -t UTF-8 "$2"
else
	cat "$2"
fi | tr -d '\r' | grep -v '^[#;]' | sed 's/\\CurrentControlSet\\/\\ControlSet001\\/' |
# the prefix holds a backslash: through the environment, since awk -v
# would read it as an escape (gawk drops it, mawk keeps it)
pfx="HKEY_LOCAL_MACHINE\\$1" awk '
	BEGIN { pfx = ENVIRON["pfx"] }
	/^Windows Registry/ { print; print ""; next }
	/^\[/ { key = substr($0, 2, length($0) - 2)
		keep = index(key, pfx "\\") == 1
		if (keep) {
			n = split(substr(key, length(pfx) + 2), parts, "\\")
			path = pfx
			for (i = 1; i < n; i++) {
				path = path "\\" parts[i]
				if (!(path in seen)) { print "[" path "]"; print ""; seen[path] = 1 }
			}
			print; seen[key] = 1
		}
		next }
	keep { print }'
