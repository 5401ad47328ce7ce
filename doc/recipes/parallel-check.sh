#!/bin/sh
# Check many images with GNU parallel, one JSON document an image, then a
# summary; exits with the worst status by tlshive's contract: 2 if an image
# had an error (or gave no document), else 75 if one had a temporary error
# (rerun: parallel --resume-failed with the same --joblog), else 1 if one is
# not compliant, else 0.
#
#   sh parallel-check.sh LIST [OUT]
#
# LIST has one image a line (a ROOT directory, disk image or WIM; no blank
# lines); OUT (default results, which must not exist yet, so that no stale
# document counts) gets, for the image on line N, its document in N and
# what tlshive said on standard error in N.err, and parallel's joblog.  On
# one machine `tlshive check --from LIST --json -j N` does the same in one
# run; parallel adds -S host1,host2 (tlshive and the images at the same
# paths there; --results brings the output back here) and --resume-failed.
# It quotes each image itself: paths may hold spaces and quotes.
# --will-cite: Debian's parallel asks for a citation otherwise.
set -eu
list=$1 out=${2:-results}
mkdir "$out"

parallel --will-cite --jobs "${JOBS:-4}" --joblog "$out/joblog" --results "$out/{#}" tlshive check --json :::: "$list" > /dev/null || true

n=$(grep -c '' "$list")
jq -rs --argjson n "$n" '
	(sort_by(.image)[] | select(.outcome != "ok") |
		"\(.image): \(.outcome)\(if .error then " (\(.error.code))" else "" end)"),
	"\($n) images: \(map(select(.outcome == "ok")) | length) compliant, \(map(select(.outcome == "noncompliant")) | length) not compliant, \(map(select(.outcome == "error")) | length) errors, \($n - length) without a document"
' "$out"/*[0-9]
exit "$(jq -s --argjson n "$n" '
	(map(.exit) + (if length < $n then [2] else [] end)) as $e |
	if any($e[]; . == 2) then 2 elif any($e[]; . == 75) then 75
	elif any($e[]; . == 1) then 1 else 0 end' "$out"/*[0-9])"
