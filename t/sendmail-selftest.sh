#!/bin/bash
# sendmail-selftest.sh - check the private Sendmail of t/lib/sendmail.sh
#
# SYNOPSIS
#	t/sendmail-selftest.sh
#
# DESCRIPTION
#	Builds and starts the test Sendmail without the milter and checks,
#	with swaks from a loopback client address, the behaviour the
#	integration tests build on: the MTA takes mail for example.net and
#	refuses relaying; the MSA demands AUTH and, once authenticated,
#	relays anywhere. Prints "N passed, N failed"; exits 1 on a failure.
#	Everything started is stopped, the work folder removed.
#
# ENVIRONMENT
#	ISO_CACHE	see t/lib/sendmail.sh.
#	KEEP=1	keeps the work folder (its maillog) for a look.

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=t/lib/sendmail.sh
. "$here/lib/sendmail.sh"

passed=0
failed=0
work=$(mktemp -d /tmp/sendmail-selftest.XXXXXX) || exit 1

# cleanup - stop Sendmail, remove the work folder
cleanup() {
	sm_stop "$work"
	if [ -n "$KEEP" ]; then
		echo "kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# free_port - print a TCP port that nothing listens on
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	echo "$port"
}

# expect NAME PATTERN SWAKS-ARGS... - run swaks, want PATTERN in its dialogue
expect() {
	local name=$1 pattern=$2 out line
	shift 2
	out=$(swaks --server 127.0.0.1 --local-interface 127.0.0.9 \
		--helo client.outside.test --timeout 20 "$@" 2>&1)
	if grep -qE "$pattern" <<<"$out"; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name: wanted /$pattern/"
		while IFS= read -r line; do
			echo "#   $line"
		done <<<"$out"
		failed=$((failed + 1))
	fi
}

sm_setup "$work" || exit 1
mta=$(free_port)
msa=$(free_port)
while [ "$msa" = "$mta" ]; do msa=$(free_port); done
sm_start "$work" "$mta" "$msa" none || exit 1

expect "MTA accepts mail for example.net" \
	'^<-  250 2\.0\.0 .* Message accepted' \
	--port "$mta" --from someone@outside.test --to bob@example.net
expect "MTA refuses to relay" \
	'^<\*\* 550 5\.7\.1 .*Relaying denied' \
	--port "$mta" --from someone@outside.test --to someone@other.test
expect "MSA refuses MAIL without AUTH" \
	'^<\*\* 530 ' \
	--port "$msa" --from alice@example.net --to someone@other.test
expect "MSA relays for alice (AUTH PLAIN)" \
	'^<-  250 2\.0\.0 .* Message accepted' \
	--port "$msa" --from alice@example.net --to someone@other.test \
	--auth PLAIN --auth-user alice@example.net --auth-password alice-secret
expect "MSA relays for carol (AUTH LOGIN, bare login)" \
	'^<-  250 2\.0\.0 .* Message accepted' \
	--port "$msa" --from carol@example.net --to someone@other.test \
	--auth LOGIN --auth-user carol --auth-password carol-secret
expect "MSA refuses a wrong password" \
	'^<\*\* 535 ' \
	--port "$msa" --from alice@example.net --to someone@other.test \
	--auth PLAIN --auth-user alice@example.net --auth-password wrong

# Queue-only: the three accepted messages wait in the private queue.
n=$(find "$work/queue" -name 'qf*' | wc -l)
if [ "$n" -eq 3 ]; then
	echo "ok - accepted mail stays queued"
	passed=$((passed + 1))
else
	echo "not ok - accepted mail stays queued: $n qf files, wanted 3"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
