#!/bin/bash
# redis-selftest.sh - check t/lib/redis.sh and node 2 of t/lib/harness.sh
#
# SYNOPSIS
#	t/redis-selftest.sh
#
# DESCRIPTION
#	Exercises t/lib/redis.sh through t/lib/harness.sh: a primary, a
#	replica and three Sentinels (quorum 2) on loopback; a write to the
#	primary is read on the replica, which refuses writes; every Sentinel
#	names the primary and finds the other Sentinels and the replica;
#	after the primary is killed (SIGKILL) the Sentinels promote the
#	replica within 30 s, and it takes writes and kept the old data;
#	rd_stop closes a port. Then two nodes side by side, each a milter
#	and a private Postfix (h_milter_start + h_postfix_start, and
#	h_node2_start): one MX scenario on each, node 2's submission ports
#	count as submission ports, and neither milter sees the other's
#	sessions. No Redis line in either milter's configuration.
#	Root only; exits 77 (skip) when a prerequisite is missing.
#
# ENVIRONMENT
#	See t/lib/harness.sh and t/lib/redis.sh (ISO_KEEP=1 keeps the work
#	folder, with each server's log in H_DIR/redis-NAME/).

# shellcheck disable=SC2317 # the helpers below run through h_check()
# shellcheck disable=SC2031 # harness.sh sets PF_* in a subshell for node 2 only
# shellcheck disable=SC2119 # h_milter_start and h_node2_start take no arguments here

# shellcheck source=t/lib/harness.sh
. "$(cd "$(dirname "$0")" && pwd)/lib/harness.sh"
h_require redis-server redis-cli

MASTER=iso
ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)
SENTINELS=("$RD_PORT3" "$RD_PORT4" "$RD_PORT5")

# cli - rd_cli with the replies on one line, separated by "|"
cli() {
	rd_cli "$@" 2>&1 | tr -d '\r' | paste -sd '|'
}

# ms_since - print the milliseconds since EPOCHREALTIME value $1
ms_since() {
	echo $(((${EPOCHREALTIME/./} - ${1/./}) / 1000))
}

# only_loopback - what listens on port $1 is bound to 127.0.0.1 only
only_loopback() {
	local got
	got=$(ss -Hltn "sport = :$1" | awk '{ print $4 }' | sort -u)
	h_is "127.0.0.1:$1" "$got"
}

# gone - server NAME was on PORT: no pid left, nothing listening
gone() {
	[ -z "${RD_PID[$1]:-}" ] && [ ! -e "$H_DIR/redis-$1/pid" ] && h__port_free "$2"
}

# node2_gone - node 2's milter has no pid, none of its ports listens
node2_gone() {
	local p
	[ -z "$H_MILTER2_PID" ] || return 1
	for p in "$H_MILTER2_PORT" "$PF2_MX_PORT" "$PF2_SUB_PORT" "$PF2_SUBS_PORT" \
	    "$PF2_OUT_PORT"; do
		h__port_free "$p" || { echo "#   port $p still listens"; return 1; }
	done
}

t0=$EPOCHREALTIME
rd_start primary "$RD_PORT1"
rd_replica_start replica "$RD_PORT2" "$RD_PORT1"
echo "# primary and replica up in $(ms_since "$t0") ms"

h_check "primary: role master" h_is master "$(rd_info "$RD_PORT1" role)"
h_check "primary: listens on 127.0.0.1 only" only_loopback "$RD_PORT1"
h_check "primary: no RDB snapshots, no AOF" \
	h_is "save||appendonly|no" \
	"$(cli "$RD_PORT1" CONFIG GET save)|$(cli "$RD_PORT1" CONFIG GET appendonly)"
h_check "primary: pid file and RD_PID agree" \
	h_is "${RD_PID[primary]}" "$(cat "$H_DIR/redis-primary/pid")"
h_check "replica: role slave of the primary, link up" \
	h_is "slave $RD_PORT1 up" \
	"$(rd_info "$RD_PORT2" role) $(rd_info "$RD_PORT2" master_port) $(rd_info "$RD_PORT2" master_link_status)"
# WAIT on the connection of the write: the replica has applied it.
h_check "SET on the primary, the replica acknowledges it (WAIT 1)" \
	h_is "OK|1" "$(printf 'SET selftest:key before-failover\nWAIT 1 2000\n' | cli "$RD_PORT1")"
h_check "the replica reads it" h_is before-failover "$(cli "$RD_PORT2" GET selftest:key)"
h_check "the replica refuses writes" \
	h_is READONLY "$(cli "$RD_PORT2" SET selftest:key x | cut -d' ' -f1)"

t0=$EPOCHREALTIME
for i in 1 2 3; do
	rd_sentinel_start "sentinel$i" "${SENTINELS[i - 1]}" "$MASTER" "$RD_PORT1" 2
done
echo "# three sentinels up in $(ms_since "$t0") ms"
for i in 1 2 3; do
	h_check "sentinel$i names the primary" \
		h_is "127.0.0.1|$RD_PORT1" \
		"$(cli "${SENTINELS[i - 1]}" SENTINEL GET-MASTER-ADDR-BY-NAME "$MASTER")"
done
t0=$EPOCHREALTIME
for i in 1 2 3; do
	h_check "sentinel$i finds the 2 other sentinels and the replica" \
		rd_wait_sentinels "${SENTINELS[i - 1]}" "$MASTER" 2 1 15
done
echo "# sentinels found each other in $(ms_since "$t0") ms"
h_check "sentinel1 listens on 127.0.0.1 only" only_loopback "$RD_PORT3"

# A crash of the primary: the Sentinels promote the replica.
rd_kill primary
t0=$EPOCHREALTIME
h_check "rd_kill: the primary is gone" gone primary "$RD_PORT1"
new=$(rd_wait_master "$RD_PORT3" "$MASTER" "$RD_PORT1" 30)
echo "# failover: sentinel1 named port '$new' $(ms_since "$t0") ms after the kill"
h_check "failover within 30 s: the replica is the new primary" h_is "$RD_PORT2" "$new"
h_check "the new primary has role master" h_is master "$(rd_info "$RD_PORT2" role)"
h_check "the new primary accepts a SET" h_is OK "$(cli "$RD_PORT2" SET selftest:key after-failover)"
h_check "... and reads it back" h_is after-failover "$(cli "$RD_PORT2" GET selftest:key)"
h_check "sentinel2 names the new primary" \
	h_is "$RD_PORT2" "$(rd_wait_master "$RD_PORT4" "$MASTER" "$RD_PORT1" 10)"
h_check "sentinel3 names the new primary" \
	h_is "$RD_PORT2" "$(rd_wait_master "$RD_PORT5" "$MASTER" "$RD_PORT1" 10)"

rd_stop sentinel3
h_check "rd_stop: sentinel3 stopped, its port closed" gone sentinel3 "$RD_PORT5"

# Two nodes side by side, without Redis.
t0=$EPOCHREALTIME
h_milter_start
h_postfix_start
h_node2_start
echo "# two nodes up in $(ms_since "$t0") ms"
h_check "milter2.conf: node 2's socket" \
	grep -qx "Socket inet:$H_MILTER2_PORT@127.0.0.1" "$H_DIR/milter2.conf"
h_check "milter2.conf: both nodes' submission ports" \
	grep -qx "SubmissionPorts $PF_SUB_PORT $PF_SUBS_PORT $SM_MSA_PORT $PF2_SUB_PORT $PF2_SUBS_PORT" \
	"$H_DIR/milter2.conf"
h_check "milter.conf: the same base, node 1's socket and state file" \
	h_is "< Socket inet:$H_MILTER_PORT@127.0.0.1
> Socket inet:$H_MILTER2_PORT@127.0.0.1
< StateFile $H_STATE_DIR/milter.lmdb
> StateFile $H_STATE_DIR/milter2.lmdb" \
	"$(diff "$H_DIR/milter.conf" "$H_DIR/milter2.conf" | grep '^[<>]')"
h_check "no Redis in either configuration" \
	test -z "$(grep -i redis "$H_DIR/milter.conf" "$H_DIR/milter2.conf")"

H_LOG=$H_DIR/milter2.log
h_expect "node 2 MX refuses a customer" "550 5.7.1" 'rule=inbound\.customer_direct' \
	-- pf2-mx 127.0.2.50 --from bot@spam.test --to bob@example.net
h_expect "node 2 submission without AUTH is refused (a submission port)" "530 5.7.0" \
	'role=outbound .*rule=outbound\.auth_required action=reject ip=127\.0\.3\.20 ' \
	-- pf2-sub 127.0.3.20 --from alice@example.net --to friend@other.test
h_expect "node 2 submissions: alice sends" 250 \
	'role=outbound .*action=accept ip=127\.0\.3\.21 .*auth=alice@example\.net ' \
	-- pf2-subs 127.0.3.21 --from alice@example.net --to friend@other.test "${ALICE[@]}"
# shellcheck disable=SC2034 # read by h_expect
H_LOG=$H_DIR/milter.log
h_check "node 1's milter saw none of node 2's sessions" \
	test -z "$(grep -E 'ip=127\.0\.(2\.50|3\.2[01]) ' "$H_DIR/milter.log")"
h_expect "node 1 MX refuses a customer" "550 5.7.1" 'rule=inbound\.customer_direct' \
	-- pf-mx "$H_IP_CUSTOMER" --from bot@spam.test --to bob@example.net
h_expect "node 1 submission without AUTH is refused" "530 5.7.0" \
	'role=outbound .*rule=outbound\.auth_required .*ip=127\.0\.3\.22 ' \
	-- pf-sub 127.0.3.22 --from alice@example.net --to friend@other.test
h_check "node 2's milter saw none of node 1's sessions" \
	test -z "$(grep -E 'ip=127\.0\.(2\.10|3\.22) ' "$H_DIR/milter2.log")"

h_node2_stop
h_check "h_node2_stop: node 2's milter and Postfix are gone" node2_gone
h_expect "node 1 still answers" "550 5.7.1" 'rule=inbound\.customer_direct' \
	-- pf-mx "$H_IP_CUSTOMER" --from bot@spam.test --to bob@example.net

h_done
