#!/bin/sh
# fuzz-smoke.sh - each libFuzzer target for a few seconds
#
# SYNOPSIS
#	t/fuzz-smoke.sh	(make check sets srcdir and top_builddir)
#
# DESCRIPTION
#	Builds the targets of t/fuzz with clang (t/fuzz/build) and runs
#	each from its seed corpus for FUZZ_SMOKE_SECONDS (default 3): a
#	parser change that crashes on its own seeds, or on what a few
#	seconds of mutation find, fails the suite. Longer runs: make fuzz.
#
# DIAGNOSTICS
#	Exit 77 (skipped) when clang or its libFuzzer is missing
#	(contrib/install-deps test installs them); 1 on a crash, with the
#	end of the target's log.
src=${srcdir:-.}
bld=${top_builddir:-.}

if ! command -v "${CC_FUZZ:-clang}" >/dev/null 2>&1; then
	echo "fuzz-smoke: no ${CC_FUZZ:-clang}: skipped"
	exit 77
fi
sh "$src/t/fuzz/build" "$src" "$bld" || exit $?
exec sh "$src/t/fuzz/run" "$src" "$bld" "${FUZZ_SMOKE_SECONDS:-3}"
