# redis.sh - private Redis servers and Sentinels for the integration tests
#
# SYNOPSIS
#	#!/bin/bash
#	. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
#	h_require redis-server redis-cli
#	rd_start primary "$RD_PORT1"
#	rd_replica_start replica "$RD_PORT2" "$RD_PORT1"
#	rd_sentinel_start s1 "$RD_PORT3" iso "$RD_PORT1" 2
#	rd_cli "$RD_PORT1" SET k v
#	rd_kill primary
#	port=$(rd_wait_master "$RD_PORT3" iso "$RD_PORT1" 30)
#
# DESCRIPTION
#	t/lib/harness.sh sources this file; the harness picks the ports
#	RD_PORT1 ... RD_PORT5 for it and its exit trap stops every server
#	started here, each by its own pid. Each server NAME gets the folder
#	H_DIR/redis-NAME: its log ("log"; early errors in "out"), its pid
#	("pid"), its working directory; a Sentinel's "sentinel.conf" too.
#	Every server listens on 127.0.0.1 only and keeps nothing on disk
#	(no RDB snapshots, no AOF). Servers run in the foreground as
#	background jobs of the test script: call these functions from the
#	script itself, not from a subshell such as $(...), or the pids are
#	lost (rd_cli, rd_info, rd_wait_* are fine in $(...)).
#
#	rd_start NAME PORT [REDIS-SERVER-ARG...]  start redis-server on
#		127.0.0.1:PORT with --save '' --appendonly no, no wait
#		before a full sync (--repl-diskless-sync-delay 0; Redis
#		waits 5 s by default for more replicas) and a replica
#		loading it without a dump.rdb (--repl-diskless-load
#		on-empty-db), then the given arguments (e.g. --requirepass
#		s3cret), which override; a server of that NAME still
#		running is stopped first. Waits up to 10 s for PONG (from
#		this very process: INFO's process_id), else shows the log
#		tail and stops the test (99).
#	rd_replica_start NAME PORT PRIMARY_PORT [ARG...]  rd_start as a
#		replica of 127.0.0.1:PRIMARY_PORT; waits up to 10 s until
#		INFO replication says master_link_status:up.
#	rd_sentinel_start NAME PORT MASTER_NAME PRIMARY_PORT QUORUM
#		write H_DIR/redis-NAME/sentinel.conf (monitor MASTER_NAME at
#		127.0.0.1:PRIMARY_PORT with QUORUM; down-after 1 s,
#		failover-timeout 5 s, resolve-hostnames no) and start a
#		Sentinel with it (redis-sentinel, else redis-server
#		--sentinel); waits up to 10 s for PONG. Sentinel rewrites
#		the file as it learns (replicas, other Sentinels, a new
#		primary).
#	rd_stop NAME  SIGTERM by pid, SIGKILL after 5 s; waits for the exit.
#	rd_kill NAME  SIGKILL at once (a crash); waits for the exit.
#	rd_cli PORT [ARG...]  redis-cli -h 127.0.0.1 -p PORT
#		--no-auth-warning ARG... (at most 10 s); replies one per
#		line, raw (nil is an empty line). Without ARG, redis-cli
#		runs the commands of its stdin, one a line, on ONE
#		connection: what WAIT needs, since it waits for the writes
#		of its own connection only (a WAIT in a redis-cli of its
#		own returns at once):
#		printf 'SET k v\nWAIT 1 2000\n' | rd_cli "$RD_PORT1"
#	rd_info PORT FIELD  print FIELD of INFO (e.g. role,
#		master_link_status, connected_slaves), or fail.
#	rd_wait_sentinels SENTINEL_PORT MASTER_NAME OTHERS REPLICAS SECS
#		wait up to SECS until the Sentinel knows at least OTHERS
#		other Sentinels and REPLICAS replicas of MASTER_NAME (a
#		failover needs both); fail on timeout.
#	rd_wait_master SENTINEL_PORT MASTER_NAME NOT_PORT SECS  wait up to
#		SECS until the Sentinel names a primary whose port is not
#		NOT_PORT (a failover happened); print that port, or fail.
#	rd_stop_all  rd_stop every server still running (the exit trap).
#
#	RD_PID[NAME] holds the pid of each running server.
#
# ENVIRONMENT
#	RD_SERVER_BIN, RD_SENTINEL_BIN  the programs (default: redis-server;
#		redis-sentinel when installed, else empty: redis-server
#		--sentinel is used).
#	RD_TIMEOUT  seconds to wait for a start (default 10).
#
# NOTES
#	Seen with Redis 7.0 on loopback: three Sentinels find each other
#	(hello messages every 2 s) about 2 s after they start; a failover
#	after SIGKILL of the primary takes about 2.5 s (1 s down-after, a
#	vote, the promotion). A Sentinel that loses the vote waits twice
#	failover-timeout (10 s) before it tries a failover of its own.
#	Sentinel keeps a killed primary as a known replica: restarted on
#	its port, it is a primary again, taking writes, until the
#	Sentinels' next INFO poll (up to 10 s) turns it into a replica of
#	the new primary. Sentinel's config rewrite adds "protected-mode
#	no"; the "bind 127.0.0.1" keeps it on loopback.
#
# DIAGNOSTICS
#	A missing redis-server or redis-cli skips the test (77; 99 with
#	ISO_REQUIRE_INTEGRATION=1) through h_require; a test should call
#	"h_require redis-server redis-cli" before its first result.
#	A server that does not start stops the test (99) with its log tail.

declare -gA RD_PID=()
RD_SERVER_BIN=${RD_SERVER_BIN:-redis-server}
RD_SENTINEL_BIN=${RD_SENTINEL_BIN-$(command -v redis-sentinel)}
RD_TIMEOUT=${RD_TIMEOUT:-10}

# rd__usage - stop the test on a bad call of function $1
rd__usage() {
	h_bail "usage: $*"
}

# rd__name - succeed when $1 may name a server (and its folder)
rd__name() {
	[[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]]
}

# rd__port - succeed when $1 is a TCP port number
rd__port() {
	[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}

# rd__mkdir - make H_DIR/redis-NAME, or stop the test
rd__mkdir() {
	mkdir -p "$H_DIR/redis-$1" || h_bail "redis.sh: cannot make $H_DIR/redis-$1"
}

# rd__show_log - print the tail of server NAME's output and log as comments
rd__show_log() {
	local d=$H_DIR/redis-$1 f
	for f in "$d/out" "$d/log"; do
		[ -s "$f" ] || continue
		echo "# --- $f (tail)"
		tail -n 15 "$f" | sed 's/^/#   /'
	done
}

# rd__wait_pong - wait up to RD_TIMEOUT s until NAME answers PING on PORT
rd__wait_pong() {
	local name=$1 port=$2 pid=${RD_PID[$1]} i
	for ((i = 0; i < RD_TIMEOUT * 10; i++)); do
		# The PONG must come from our process, not from a server
		# that took the port meanwhile (ours then fails to bind).
		if [ "$(rd_cli "$port" PING 2>/dev/null </dev/null)" = PONG ] &&
		    [ "$(rd_info "$port" process_id)" = "$pid" ]; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "# redis $name did not answer PING on 127.0.0.1:$port"
	rd__show_log "$name"
	h_bail "redis $name did not start"
}

# rd__launch - run "$@" in the background as server NAME (pid in RD_PID)
rd__launch() {
	local name=$1 d=$H_DIR/redis-$1
	shift
	rd__mkdir "$name"
	echo "--- t/lib/redis.sh: $*" >>"$d/out"
	"$@" </dev/null >>"$d/out" 2>&1 &
	RD_PID[$name]=$!
	echo "$!" >"$d/pid"
}

# rd__check_start - common checks of rd_start and rd_sentinel_start
rd__check_start() {
	local name=$1 port=$2
	h_require "$RD_SERVER_BIN" redis-cli timeout
	rd_stop "$name"
	h__port_free "$port" ||
		h_bail "redis $name: 127.0.0.1:$port in use: $(ss -Hltnp "sport = :$port" | awk '{print $NF}')"
}

# rd_start - start redis-server NAME on 127.0.0.1:PORT; wait for PONG
rd_start() {
	local name=${1-} port=${2-} d=$H_DIR/redis-${1-}
	if ! rd__name "$name" || ! rd__port "$port"; then
		rd__usage "rd_start NAME PORT [ARG...]"
	fi
	shift 2
	rd__check_start "$name" "$port"
	rd__launch "$name" "$RD_SERVER_BIN" --port "$port" --bind 127.0.0.1 \
		--save '' --appendonly no --dir "$d" --logfile "$d/log" \
		--daemonize no --repl-diskless-sync-delay 0 \
		--repl-diskless-load on-empty-db "$@"
	rd__wait_pong "$name" "$port"
}

# rd_replica_start - start NAME as a replica of 127.0.0.1:PRIMARY_PORT
rd_replica_start() {
	local name=${1-} port=${2-} primary=${3-} i
	if ! rd__name "$name" || ! rd__port "$port" || ! rd__port "$primary"; then
		rd__usage "rd_replica_start NAME PORT PRIMARY_PORT [ARG...]"
	fi
	shift 3
	rd_start "$name" "$port" --replicaof 127.0.0.1 "$primary" "$@"
	for ((i = 0; i < RD_TIMEOUT * 10; i++)); do
		[ "$(rd_info "$port" master_link_status)" = up ] && return 0
		sleep 0.1
	done
	echo "# redis $name: no link to 127.0.0.1:$primary after ${RD_TIMEOUT}s"
	rd__show_log "$name"
	h_bail "redis replica $name did not sync"
}

# rd_sentinel_start - write sentinel.conf and start Sentinel NAME on PORT
rd_sentinel_start() {
	local name=${1-} port=${2-} master=${3-} primary=${4-} quorum=${5-}
	local d=$H_DIR/redis-${1-}
	if ! rd__name "$name" || ! rd__port "$port" || ! rd__name "$master" ||
	    ! rd__port "$primary" || ! [[ $quorum =~ ^[1-9][0-9]*$ ]]; then
		rd__usage "rd_sentinel_start NAME PORT MASTER_NAME PRIMARY_PORT QUORUM"
	fi
	rd__check_start "$name" "$port"
	rd__mkdir "$name"
	# Sentinel rewrites this file (its id, the replicas and Sentinels
	# it found, the primary after a failover): it must stay writable.
	cat >"$d/sentinel.conf" <<EOF
# written by t/lib/redis.sh
port $port
bind 127.0.0.1
daemonize no
dir $d
logfile $d/log
sentinel resolve-hostnames no
sentinel monitor $master 127.0.0.1 $primary $quorum
sentinel down-after-milliseconds $master 1000
sentinel failover-timeout $master 5000
EOF
	if [ -n "$RD_SENTINEL_BIN" ]; then
		rd__launch "$name" "$RD_SENTINEL_BIN" "$d/sentinel.conf"
	else
		rd__launch "$name" "$RD_SERVER_BIN" "$d/sentinel.conf" --sentinel
	fi
	rd__wait_pong "$name" "$port"
}

# rd_stop - stop server NAME by its pid (SIGTERM, SIGKILL after 5 s)
rd_stop() {
	local name=$1
	[ -n "${RD_PID[$name]:-}" ] || return 0
	h_stop_pid "${RD_PID[$name]}"
	unset "RD_PID[$name]"
	rm -f "$H_DIR/redis-$name/pid"
}

# rd_kill - kill server NAME at once (SIGKILL), as a crash would
rd_kill() {
	local name=$1 pid=${RD_PID[$1]:-}
	[ -n "$pid" ] || h_bail "rd_kill: no redis server '$name' running"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "RD_PID[$name]"
	rm -f "$H_DIR/redis-$name/pid"
}

# rd_stop_all - stop every server still running
rd_stop_all() {
	local name
	for name in "${!RD_PID[@]}"; do
		rd_stop "$name"
	done
}

# rd_cli - run redis-cli against 127.0.0.1:PORT with the other arguments
# (none: the commands of stdin, on one connection)
rd_cli() {
	local port=$1
	shift
	timeout 10 redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning "$@"
}

# rd_info - print FIELD of the INFO of the server on PORT, or fail
rd_info() {
	rd_cli "$1" INFO 2>/dev/null </dev/null | tr -d '\r' |
		awk -F: -v f="$2" '$1 == f { sub(/^[^:]*:/, ""); print; found = 1; exit }
			END { exit !found }'
}

# rd__master_field - print FIELD of "SENTINEL MASTER NAME" from a Sentinel
rd__master_field() {
	rd_cli "$1" SENTINEL MASTER "$2" 2>/dev/null </dev/null | tr -d '\r' |
		awk -v f="$3" 'NR % 2 == 1 { k = $0; next }
			k == f { print; found = 1; exit }
			END { exit !found }'
}

# rd_wait_sentinels - wait until a Sentinel knows OTHERS Sentinels and
# REPLICAS replicas of MASTER_NAME
rd_wait_sentinels() {
	local port=$1 master=$2 others=$3 replicas=$4 secs=$5 i o r
	for ((i = 0; i < secs * 10; i++)); do
		o=$(rd__master_field "$port" "$master" num-other-sentinels)
		r=$(rd__master_field "$port" "$master" num-slaves)
		[ "${o:-0}" -ge "$others" ] && [ "${r:-0}" -ge "$replicas" ] && return 0
		sleep 0.1
	done
	echo "# sentinel on $port: $o other sentinels, $r replicas of $master after ${secs}s"
	return 1
}

# rd_wait_master - wait until the Sentinel on SENTINEL_PORT names a primary
# of MASTER_NAME on another port than NOT_PORT; print that port
rd_wait_master() {
	local port=$1 master=$2 not=$3 secs=$4 i addr p
	for ((i = 0; i < secs * 10; i++)); do
		addr=$(rd_cli "$port" SENTINEL GET-MASTER-ADDR-BY-NAME "$master" \
			2>/dev/null </dev/null | tr -d '\r')
		p=$(sed -n 2p <<<"$addr")
		if rd__port "$p" && [ "$p" != "$not" ]; then
			echo "$p"
			return 0
		fi
		sleep 0.1
	done
	return 1
}
