#!/bin/sh
# Prints the settings list of tlshive-profile(5) from the settings table
# ("tlshive settings"); make update-man splices it between the markers.
set -eu
"${1:-./tlshive}" settings | awk -F'\t' '{
	path = $3; gsub(/\\/, "\\e\\:", path)
	printf ".It Cm %s\n\\&%s.\nValues: %s.\n%s\n.Pa %s\n", $1, $5, $4, $2, path
}'
