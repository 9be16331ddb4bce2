# harness.sh - common core of the integration tests (t/it_*.sh)
#
# SYNOPSIS
#	#!/bin/bash
#	. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
#	h_milter_start 'Action.inbound.auth report'
#	h_postfix_start
#	h_expect "bot on the MX is refused" "550 5.7.1" 'rule=inbound\.customer_direct' \
#		-- pf-mx "$H_IP_CUSTOMER" --from x@outside.test --to bob@example.net
#	h_done
#
# DESCRIPTION
#	Sourcing this file checks that the tests can run here (root, the
#	commands they start), makes a private folder H_DIR, picks free
#	loopback ports, and installs a trap that, on any exit, stops the
#	milters, Postfixes, Sendmail and Redis servers started from H_DIR
#	(each by its own pid) and removes H_DIR.
#	When something is missing the script exits 77 (automake's SKIP), or
#	99 (hard error) when ISO_REQUIRE_INTEGRATION=1.
#
#	h_milter_start [LINE...]  write H_DIR/milter.conf (the base below,
#		then each LINE) and start the milter in the foreground
#		with its output in H_DIR/milter.log; waits until it listens.
#		Base: Socket inet:$H_MILTER_PORT@127.0.0.1, LogLevel debug,
#		CustomerNetworks 127.0.2.0/24, TrustedNetworks 127.0.0.0/30
#		::1/128, LocalDomains example.net, SubmissionPorts the
#		test ports of submission, submissions and Sendmail's MSA
#		and those of node 2's submission and submissions (either
#		node's milter gives both nodes' ports the outbound role),
#		SenderLoginMap H_DIR/sender_login (written with the line
#		"carol@example.net carol" unless the test wrote it first),
#		UserID nobody (the daemon refuses to run as root without
#		one), StateFile H_STATE_DIR/milter.lmdb (milter2.lmdb for
#		node 2; H_STATE_DIR is H_DIR/state, owned by nobody; let
#		the milter create the file: one that isolationctl, run as
#		root, created first would be root's, closed to nobody);
#		without H_DNS=1 also SPF no, Action.inbound.dynamic_ip off.
#		Nothing about Redis: a test gives e.g. the LINE
#		"RedisServer 127.0.0.1:$RD_PORT1".
#	h_milter_stop, h_milter_reload (SIGHUP)
#	h_stop_pid PID [SOCKET]  stop a process this test started: SIGTERM,
#		SIGKILL after 5 s. With SOCKET (a milter's, as its Socket
#		key: inet:PORT@HOST, inet6:…, unix:PATH) it is knocked on
#		every 0.1 s meanwhile: libmilter's listener notices a
#		stop only when its poll ends, after 5 s or at a connection.
#	h_postfix_start, h_postfix_stop  a private Postfix (t/lib/postfix.sh)
#		in H_DIR/postfix whose smtpd_milters is H_PF_MILTER
#		(default inet:127.0.0.1:$H_MILTER_PORT; set it empty for
#		a Postfix without milter).
#	h_sendmail_start, h_sendmail_stop  a private Sendmail
#		(t/lib/sendmail.sh) in H_DIR/sendmail.
#	h_node2_start [LINE...]  a second node: a second milter (same
#		binary) with H_DIR/milter2.conf (the base above, but
#		Socket inet:$H_MILTER2_PORT@127.0.0.1, then each LINE),
#		output in H_DIR/milter2.log, pid in H_MILTER2_PID; waits
#		until it listens. Then, unless it runs already, a second
#		private Postfix in H_DIR/postfix2 on the ports PF2_*, whose
#		smtpd_milters is H_PF2_MILTER (default
#		inet:127.0.0.1:$H_MILTER2_PORT). Calling it again restarts
#		the milter only (h_node2_stop first for a new Postfix too).
#		Services pf2-mx, pf2-sub, pf2-subs, pf2-out. Point H_LOG
#		at H_DIR/milter2.log to check node 2's log lines.
#	h_node2_stop  stop node 2's milter and Postfix.
#	h_node2_reload  make node 2's milter re-read milter2.conf (SIGHUP).
#	rd_start, rd_replica_start, rd_sentinel_start, rd_stop, rd_kill,
#	rd_cli, rd_info, rd_wait_sentinels, rd_wait_master  private Redis
#		servers and Sentinels on RD_PORT1..RD_PORT5 (t/lib/redis.sh).
#	h_smtp SERVICE CLIENT_IP [SWAKS-ARG...]  one SMTP session with
#		swaks from CLIENT_IP; sets H_CODE (e.g. 550) and H_REPLY
#		(e.g. "550 5.7.1 text") to the reply where the transaction
#		ended: the first error reply, else the last reply before
#		QUIT (the one to the final "." on success); "000 *** ..."
#		when swaks gave up on its own (no connection, no AUTH
#		offered). Transcript in H_DIR/last.txt. SERVICE: pf-mx,
#		pf-sub (STARTTLS), pf-subs (TLS wrapper), pf-out (STARTTLS),
#		sm-mta, sm-msa; node 2's pf2-mx, pf2-sub, pf2-subs, pf2-out
#		(TLS as node 1's). HELO defaults to client.outside.test; a
#		--tls* argument, or H_SMTP_TLS set (even empty, for
#		plaintext), replaces the service's TLS option.
#	h_expect NAME CODE [LOG_REGEX] -- SERVICE CLIENT_IP [SWAKS-ARG...]
#		one test: marks the log, runs h_smtp, wants the reply to
#		start with CODE ("4", "550", "550 5.7.1"; a CODE of the
#		form x.y.z is matched against the enhanced status code)
#		and, when LOG_REGEX is given, a new line of the log
#		matching it (grep -E, waited for up to H_LOG_WAIT s).
#	h_dialog SERVICE CLIENT_IP [--auth USER:PASSWORD] COMMAND...  a
#		scripted session (t/lib/smtpdialog.py): after EHLO, TLS
#		and AUTH, each COMMAND is sent as it is ("DATA:FILE"
#		sends FILE as the message); one "COMMAND => REPLY" line
#		each in H_DIR/last.txt; H_REPLY/H_CODE: the last reply.
#	h_expect_dialog NAME CODE [LOG_REGEX] -- SERVICE CLIENT_IP ARG...
#		h_expect with h_dialog instead of swaks.
#	h_expect_reply NAME REGEX  a line of the last session's transcript
#		(H_DIR/last.txt) matches REGEX (grep -E).
#	h_expect_log NAME REGEX, h_expect_no_log NAME REGEX  a line
#		matching REGEX did (did not) appear since the last mark.
#	h_ok NAME, h_not_ok NAME WHY  record a result of a test's own.
#	h_check NAME CMD...  one test: ok when CMD succeeds, else not ok
#		(CMD may be "eval '...'" for a compound condition).
#	h_is WANT GOT  succeed when the strings are equal, else say both.
#	h_has FILE REGEX  succeed when a line of FILE matches REGEX (grep
#		-E), else say so with FILE's last lines. Both are meant as
#		h_check's CMD.
#	h_mark  remember the size of H_LOG; h_log_since  print what came after.
#	h_require CMD...  skip unless the commands exist.
#	h_dns_start RECORD..., h_dns_add, h_dns_query  a private DNS server
#		that every process of the test uses (t/lib/dns.sh); set
#		H_DNS=1 before sourcing this file to opt in.
#	h_done  print "1..N" and "N passed, N failed"; exit 0 only if
#		at least one test ran and none failed.
#
#	Results are printed as TAP ("ok N - NAME", "not ok N - NAME"),
#	failures followed by the transcript tail and the new log lines.
#
# ENVIRONMENT
#	srcdir, top_builddir  as automake sets them (source tree and build
#		tree; default: the tree this file is in).
#	ISO_KEEP=1  keep H_DIR after the test, for a look.
#	ISO_REQUIRE_INTEGRATION=1  a missing prerequisite is an error.
#	H_MILTER_BIN  default $top_builddir/milter/isolation-milter.
#	H_MILTER_PORT, PF_MX_PORT, PF_SUB_PORT, PF_SUBS_PORT, PF_OUT_PORT,
#	SM_MTA_PORT, SM_MSA_PORT, H_MILTER2_PORT, PF2_MX_PORT, PF2_SUB_PORT,
#	PF2_SUBS_PORT, PF2_OUT_PORT, RD_PORT1 ... RD_PORT5  ports; each one
#		not set is picked free, from one block of consecutive ports
#		below the kernel's ephemeral range when there is room.
#	H_LOG  the log that marks and LOG_REGEX look at (default
#		H_DIR/milter.log; H_DIR/postfix/maillog is Postfix's;
#		H_DIR/milter2.log and H_DIR/postfix2/maillog node 2's).
#	H_LOG_WAIT  seconds to wait for an expected log line (default 2).
#
#	Client addresses (loopback, bound with --local-interface):
#	H_IP_TRUSTED 127.0.0.2, H_IP_CUSTOMER 127.0.2.10 (one per test
#	script is best: the milter flags customers caught on the MX),
#	H_IP_OUTSIDER 127.0.1.10.

# shellcheck disable=SC2034 # variables for the test scripts
H_IP_TRUSTED=127.0.0.2
H_IP_CUSTOMER=127.0.2.10
H_IP_OUTSIDER=127.0.1.10
H_LOG_WAIT=${H_LOG_WAIT:-2}
H_N=0
H_FAILED=0
H_MARK=0
H_MILTER_PID=
H_MILTER2_PID=
H_CODE=
H_REPLY=

# h_skip - give up on a missing prerequisite: SKIP (77), or 99 when required
h_skip() {
	if [ "${ISO_REQUIRE_INTEGRATION:-0}" = 1 ]; then
		echo "Bail out! $*"
		exit 99
	fi
	echo "1..0 # SKIP $*"
	exit 77
}

# h_bail - stop the test on a broken setup (hard error, 99)
h_bail() {
	echo "Bail out! $*"
	exit 99
}

# h_require - skip unless every named command exists
h_require() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 || h_skip "$c not found (contrib/install-deps test)"
	done
}

# h__abs - print the absolute form of directory $1, or fail
h__abs() {
	(cd "$1" 2>/dev/null && pwd)
}

# h__port_free - succeed when nothing listens on 127.0.0.1 TCP port $1
h__port_free() {
	[ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

# h__pick_ports - give every unset port variable a free port of one block
h__pick_ports() {
	# The order is kept: a port's place in the block never changes.
	local vars=(H_MILTER_PORT PF_MX_PORT PF_SUB_PORT PF_SUBS_PORT PF_OUT_PORT
	    SM_MTA_PORT SM_MSA_PORT
	    H_MILTER2_PORT PF2_MX_PORT PF2_SUB_PORT PF2_SUBS_PORT PF2_OUT_PORT
	    RD_PORT1 RD_PORT2 RD_PORT3 RD_PORT4 RD_PORT5)
	local n=${#vars[@]} eph=32768 blocks base try p v ok
	# Below the ephemeral range, no outgoing connection (Redis replicas
	# and Sentinels make many) holds a port of the block; else, as
	# before, anywhere from 20000 on.
	read -r eph _ 2>/dev/null </proc/sys/net/ipv4/ip_local_port_range
	blocks=$(((${eph:-32768} - 20000) / 20))
	[ "$blocks" -ge 100 ] || blocks=2000
	for ((try = 0; try < 50; try++)); do
		base=$((20000 + RANDOM % blocks * 20))
		ok=1
		for ((p = base; p < base + n; p++)); do
			h__port_free "$p" || { ok=0; break; }
		done
		[ "$ok" = 1 ] && break
	done
	[ "$ok" = 1 ] || h_bail "no free block of loopback ports"
	p=$base
	for v in "${vars[@]}"; do
		[ -n "${!v:-}" ] || printf -v "$v" '%s' "$p"
		p=$((p + 1))
	done
}

[ -n "${BASH_VERSION:-}" ] || { echo "harness.sh needs bash"; exit 99; }
[ "$(id -u)" = 0 ] || h_skip "integration tests need root"
h_require swaks timeout ss awk mktemp postfix postconf saslpasswd2 openssl script python3
id postfix >/dev/null 2>&1 || h_skip "no postfix user (contrib/install-deps test)"

# srcdir may be the tree itself or its t/ folder; else use where we are.
for H_SRCDIR in "${srcdir:-}" "${srcdir:-}/.." "${BASH_SOURCE[0]%/*}/../.." \
    "$(dirname "$0")/.."; do
	[ -f "$H_SRCDIR/t/lib/harness.sh" ] && [ -d "$H_SRCDIR/etc/postfix" ] && break
done
H_SRCDIR=$(h__abs "$H_SRCDIR") || h_bail "cannot find the source tree"
srcdir=${srcdir:-$H_SRCDIR}
top_builddir=$(h__abs "${top_builddir:-$H_SRCDIR}") || h_bail "no top_builddir"
H_MILTER_BIN=${H_MILTER_BIN:-$top_builddir/milter/isolation-milter}
# H_DNS=1: re-executes the script in its own mount namespace, first thing.
# shellcheck source=t/lib/dns.sh
if [ "${H_DNS:-0}" = 1 ]; then . "$H_SRCDIR/t/lib/dns.sh"; fi

h__pick_ports
PF_ETC=$H_SRCDIR/etc/postfix
# shellcheck source=t/lib/postfix.sh
. "$H_SRCDIR/t/lib/postfix.sh"
# shellcheck source=t/lib/sendmail.sh
[ -f "$H_SRCDIR/t/lib/sendmail.sh" ] && . "$H_SRCDIR/t/lib/sendmail.sh"
# shellcheck source=t/lib/redis.sh
. "$H_SRCDIR/t/lib/redis.sh"

H_DIR=$(mktemp -d "${TMPDIR:-/tmp}/iso-it.XXXXXX") || h_bail "mktemp failed"
# Postfix's and Sendmail's unprivileged processes work below H_DIR.
chmod 711 "$H_DIR"
# the milters' StateFiles: the daemon opens them as UserID nobody
H_STATE_DIR=$H_DIR/state
if ! mkdir -m 700 "$H_STATE_DIR" || ! chown nobody: "$H_STATE_DIR"; then
	h_bail "cannot make $H_STATE_DIR"
fi
H_LOG=${H_LOG:-$H_DIR/milter.log}
: >"$H_DIR/milter.log"

# h__cleanup - on exit: stop all we started, remove H_DIR, keep the status
h__cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	h_milter_stop
	pf_stop "$H_DIR/postfix" >&2
	h_node2_stop >&2
	rd_stop_all
	declare -F h_dns_stop >/dev/null && h_dns_stop
	if declare -F sm_stop >/dev/null && [ -d "$H_DIR/sendmail" ]; then
		sm_stop "$H_DIR/sendmail" >&2
	fi
	if [ "${ISO_KEEP:-0}" = 1 ]; then
		echo "# kept $H_DIR"
	else
		rm -rf "$H_DIR"
	fi
	exit "$rc"
}
trap h__cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ "${H_DNS:-0}" = 1 ]; then h__dns_setup; fi

# h__wait_listen - wait up to $2 s until port $1 listens; fail early if pid $3 dies
h__wait_listen() {
	local port=$1 secs=$2 pid=${3:-} i
	for ((i = 0; i < secs * 10; i++)); do
		h__port_free "$port" || return 0
		[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && return 1
		sleep 0.1
	done
	return 1
}

# h__milter_conf - write milter config FILE: the base with Socket on
# 127.0.0.1:PORT, then each LINE; write H_DIR/sender_login if missing
# shellcheck disable=SC2153 # PF2_* come from h__pick_ports
h__milter_conf() {
	local file=$1 port=$2 line base
	shift 2
	base=${file##*/}
	base=${base%.conf}
	[ -f "$H_DIR/sender_login" ] ||
		echo "carol@example.net carol" >"$H_DIR/sender_login"
	{
		echo "# written by t/lib/harness.sh"
		echo "Socket inet:$port@127.0.0.1"
		echo "LogLevel debug"
		echo "CustomerNetworks 127.0.2.0/24"
		echo "TrustedNetworks 127.0.0.0/30 ::1/128"
		echo "LocalDomains example.net"
		# the test services' ports stand for 587 and 465, on both nodes
		echo "SubmissionPorts $PF_SUB_PORT $PF_SUBS_PORT $SM_MSA_PORT" \
			"$PF2_SUB_PORT $PF2_SUBS_PORT"
		echo "SenderLoginMap $H_DIR/sender_login"
		echo "UserID nobody"
		# each milter its own embedded store, named after its config
		echo "StateFile $H_STATE_DIR/$base.lmdb"
		# without the private DNS server the host's DNS is not asked
		if [ "${H_DNS:-0}" != 1 ]; then
			echo "SPF no"
			echo "Action.inbound.dynamic_ip off"
		fi
		for line; do
			printf '%s\n' "$line"
		done
	} >"$file" || h_bail "cannot write $file"
}

# h__milter_run - start the milter with CONF, output to LOG, listening on
# PORT; set variable PIDVAR to its pid; wait until it listens
h__milter_run() {
	local conf=$1 log=$2 port=$3 pidvar=$4
	[ -x "$H_MILTER_BIN" ] || h_skip "milter not built: $H_MILTER_BIN"
	"$H_MILTER_BIN" -f -c "$conf" >>"$log" 2>&1 </dev/null &
	printf -v "$pidvar" '%s' "$!"
	if ! h__wait_listen "$port" 10 "$!"; then
		echo "# milter did not listen on 127.0.0.1:$port; ${log##*/}:"
		tail -n 20 "$log" | sed 's/^/#   /'
		h_bail "milter (${conf##*/}) did not start"
	fi
}

# h_milter_start - write milter.conf (base + arguments) and start the milter
h_milter_start() {
	[ -x "$H_MILTER_BIN" ] || h_skip "milter not built: $H_MILTER_BIN"
	h_milter_stop
	h__milter_conf "$H_DIR/milter.conf" "$H_MILTER_PORT" "$@"
	h__milter_run "$H_DIR/milter.conf" "$H_DIR/milter.log" "$H_MILTER_PORT" H_MILTER_PID
}

# h__knock - open and close a connection to milter socket $1 (the Socket
# key's inet:PORT@HOST, inet6:PORT@HOST or unix:PATH), quietly
h__knock() {
	local spec=$1 rest host
	case $spec in
	inet:* | inet6:*)
		rest=${spec#*:}
		host=${rest#*@} host=${host#[} host=${host%]}
		(exec 3<>"/dev/tcp/$host/${rest%%@*}") 2>/dev/null ;;
	unix:* | local:*)
		python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(1)
s.connect(sys.argv[1])' "${spec#*:}" 2>/dev/null ;;
	esac
	return 0
}

# h__conf_socket - print the Socket of milter configuration file $1
h__conf_socket() {
	awk 'tolower($1) == "socket" { s = $2 } END { print s }' "$1" 2>/dev/null
}

# h_stop_pid - stop a process we started (SIGTERM, SIGKILL after 5 s);
# with SOCKET, a milter's, knock on it while waiting
h_stop_pid() {
	local pid=$1 sock=${2:-} i
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		# libmilter's listener sees the stop only when its poll ends:
		# after 5 s, or at once when a connection comes
		[ -n "$sock" ] && h__knock "$sock"
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# h_milter_stop - stop the milter by its pid
h_milter_stop() {
	h_stop_pid "$H_MILTER_PID" "$(h__conf_socket "$H_DIR/milter.conf")"
	H_MILTER_PID=
}

# h_milter_reload - make the milter re-read milter.conf (SIGHUP)
h_milter_reload() {
	[ -n "$H_MILTER_PID" ] || h_bail "h_milter_reload: milter not running"
	kill -HUP "$H_MILTER_PID"
}

# h_postfix_start - start the private Postfix of H_DIR/postfix
h_postfix_start() {
	pf_start "$H_DIR/postfix" "${H_PF_MILTER-inet:127.0.0.1:$H_MILTER_PORT}" ||
		h_bail "Postfix did not start"
}

# h_postfix_stop - stop the private Postfix
h_postfix_stop() {
	pf_stop "$H_DIR/postfix"
}

# h_node2_start - node 2: write milter2.conf (base + arguments), start the
# second milter, and the second Postfix unless it runs
# shellcheck disable=SC2153 # PF2_* come from h__pick_ports
h_node2_start() {
	[ -x "$H_MILTER_BIN" ] || h_skip "milter not built: $H_MILTER_BIN"
	h__milter2_stop
	h__milter_conf "$H_DIR/milter2.conf" "$H_MILTER2_PORT" "$@"
	h__milter_run "$H_DIR/milter2.conf" "$H_DIR/milter2.log" "$H_MILTER2_PORT" \
		H_MILTER2_PID
	pf__master_pid "$H_DIR/postfix2" >/dev/null && return 0
	# shellcheck disable=SC2030,SC2031 # node 2's ports, for pf_start only
	(
		PF_MX_PORT=$PF2_MX_PORT PF_SUB_PORT=$PF2_SUB_PORT
		PF_SUBS_PORT=$PF2_SUBS_PORT PF_OUT_PORT=$PF2_OUT_PORT
		pf_start "$H_DIR/postfix2" "${H_PF2_MILTER-inet:127.0.0.1:$H_MILTER2_PORT}"
	) || h_bail "Postfix of node 2 did not start"
}

# h__milter2_stop - stop node 2's milter by its pid
h__milter2_stop() {
	h_stop_pid "$H_MILTER2_PID" "$(h__conf_socket "$H_DIR/milter2.conf")"
	H_MILTER2_PID=
}

# h_node2_stop - stop node 2: its Postfix, then its milter
h_node2_stop() {
	pf_stop "$H_DIR/postfix2"
	h__milter2_stop
}

# h_node2_reload - make node 2's milter re-read milter2.conf (SIGHUP)
h_node2_reload() {
	[ -n "$H_MILTER2_PID" ] || h_bail "h_node2_reload: milter of node 2 not running"
	kill -HUP "$H_MILTER2_PID"
}

# h_sendmail_start - set up and start the private Sendmail of H_DIR/sendmail
h_sendmail_start() {
	declare -F sm_start >/dev/null || h_skip "t/lib/sendmail.sh is missing"
	sm_setup "$H_DIR/sendmail" || h_bail "Sendmail setup failed"
	sm_start "$H_DIR/sendmail" "$SM_MTA_PORT" "$SM_MSA_PORT" \
		"inet:$H_MILTER_PORT@127.0.0.1" || h_bail "Sendmail did not start"
}

# h_sendmail_stop - stop the private Sendmail
h_sendmail_stop() {
	sm_stop "$H_DIR/sendmail"
}

# h__parse_reply - set H_CODE and H_REPLY from the transcript H_DIR/last.txt
h__parse_reply() {
	# swaks: "<- " reply, "<** " error reply, "<~ "/"<~* " the same
	# under TLS; " -> "/" ~> " commands; "*** " its own errors.
	H_REPLY=$(awk '
		/^<(\*\*|~\*) / { sub(/^<(\*\*|~\*) /, ""); err = $0; exit }
		/^ [-~]> QUIT/ { quit = 1 }
		/^<[-~]  / && !quit { sub(/^<[-~]  /, ""); last = $0 }
		/^\*\*\* / && !quit && own == "" { own = $0 }
		END {
			if (err != "") print err
			else if (own != "") print "000 " own
			else if (last != "") print last
			else print "000 no reply"
		}' "$H_DIR/last.txt")
	# A continuation line "550-5.7.1 ..." stands for its reply.
	H_REPLY=$(printf '%s' "$H_REPLY" | sed -E 's/^([0-9]{3})-/\1 /')
	# shellcheck disable=SC2034 # for the test scripts
	H_CODE=${H_REPLY%% *}
}

# h__service - set H__PORT and H__TLS (swaks's option) for SERVICE $1
# shellcheck disable=SC2031 # h_node2_start sets PF_* in a subshell only
h__service() {
	H__TLS=
	case $1 in
	pf-mx)	H__PORT=$PF_MX_PORT ;;
	pf-sub)	H__PORT=$PF_SUB_PORT H__TLS=--tls ;;
	pf-subs) H__PORT=$PF_SUBS_PORT H__TLS=--tlsc ;;
	pf-out)	H__PORT=$PF_OUT_PORT H__TLS=--tls ;;
	pf2-mx)	H__PORT=$PF2_MX_PORT ;;
	pf2-sub) H__PORT=$PF2_SUB_PORT H__TLS=--tls ;;
	pf2-subs) H__PORT=$PF2_SUBS_PORT H__TLS=--tlsc ;;
	pf2-out) H__PORT=$PF2_OUT_PORT H__TLS=--tls ;;
	sm-mta)	H__PORT=$SM_MTA_PORT ;;
	sm-msa)	H__PORT=$SM_MSA_PORT ;;
	*)	h_bail "unknown SMTP service '$1'" ;;
	esac
	[ -n "${H_SMTP_TLS+set}" ] && H__TLS=$H_SMTP_TLS
	return 0
}

# h_smtp - one SMTP session from CLIENT_IP to SERVICE; sets H_CODE, H_REPLY
h_smtp() {
	local svc=$1 ip=$2 port tls helo=1 a
	shift 2
	h__service "$svc"
	port=$H__PORT tls=$H__TLS
	for a; do
		case $a in
		-h | -h=* | --helo* | -helo* | --ehlo* | -ehlo* | --lhlo* | -lhlo*) helo= ;;
		--tls* | -tls*) tls= ;;
		esac
	done
	timeout 120 swaks --server 127.0.0.1 --port "$port" --local-interface "$ip" \
		${helo:+--helo client.outside.test} --timeout 20 ${tls:+"$tls"} "$@" \
		</dev/null >"$H_DIR/last.txt" 2>&1
	h__parse_reply
}

# h_dialog - a scripted session (t/lib/smtpdialog.py) from CLIENT_IP to
# SERVICE: [--auth USER:PASSWORD] COMMAND...; H_REPLY is the last reply
h_dialog() {
	local svc=$1 ip=$2 tls=
	shift 2
	h__service "$svc"
	case $H__TLS in
	--tls)	tls=--tls=starttls ;;
	--tlsc)	tls=--tls=wrapper ;;
	esac
	timeout 120 python3 "$H_SRCDIR/t/lib/smtpdialog.py" --port "$H__PORT" \
		--bind "$ip" $tls "$@" </dev/null >"$H_DIR/last.txt" 2>&1
	H_REPLY=$(sed -n 's/^\*\*\* /000 /p; s/^.* => //p' "$H_DIR/last.txt" | tail -n 1)
	H_REPLY=${H_REPLY:-000 no reply}
	# shellcheck disable=SC2034 # for the test scripts
	H_CODE=${H_REPLY%% *}
}

# h_mark - remember where H_LOG ends now
h_mark() {
	H_MARK=$(stat -c %s "$H_LOG" 2>/dev/null || echo 0)
}

# h_log_since - print the lines H_LOG got since the last mark
h_log_since() {
	tail -c "+$((H_MARK + 1))" "$H_LOG" 2>/dev/null
}

# h__log_wait - wait up to H_LOG_WAIT s for a new log line matching $1
h__log_wait() {
	local i
	for ((i = 0; i <= H_LOG_WAIT * 10; i++)); do
		h_log_since | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# h_ok - record a passed test
h_ok() {
	H_N=$((H_N + 1))
	echo "ok $H_N - $1"
}

# h_not_ok - record a failed test, with why and the evidence
h_not_ok() {
	H_N=$((H_N + 1))
	H_FAILED=$((H_FAILED + 1))
	echo "not ok $H_N - $1"
	echo "#   $2"
	if [ -s "$H_DIR/last.txt" ]; then
		echo "#   --- last SMTP session (tail)"
		tail -n 12 "$H_DIR/last.txt" | sed 's/^/#   /'
	fi
	echo "#   --- new lines of $H_LOG"
	h_log_since | tail -n 20 | sed 's/^/#   /'
}

# h_check - one test: ok when the command succeeds
h_check() {
	local name=$1
	shift
	if "$@"; then
		h_ok "$name"
	else
		h_not_ok "$name" "failed: $*"
	fi
}

# h_is - equal strings, saying both when not
h_is() {
	[ "$1" = "$2" ] && return 0
	echo "#   wanted '$1', got '$2'"
	return 1
}

# h_has - a line of FILE matches REGEX (grep -E), else its tail is shown
h_has() {
	grep -Eq -- "$2" "$1" && return 0
	echo "#   no line /$2/ in ${1##*/}:"
	tail -n 8 "$1" | sed 's/^/#     /'
	return 1
}

# h__code_matches - does the last reply match the wanted code $1?
h__code_matches() {
	local want=$1
	case $want in
	[0-9].[0-9]*.[0-9]*)	# enhanced status code only
		local rest=${H_REPLY#* }
		[[ "${rest%% *} " == "$want "* ]] ;;
	*)	[[ "$H_REPLY" == "$want"* ]] ;;
	esac
}

# h_expect - one scenario: an SMTP session, its reply code, a log line
h_expect() {
	h__expect h_smtp "$@"
}

# h_expect_dialog - h_expect with h_dialog's session (COMMAND... after IP)
h_expect_dialog() {
	h__expect h_dialog "$@"
}

# h__expect - run session $1, then check code and log line as h_expect says
h__expect() {
	local run=$1 name=$2 want=$3 re=
	shift 3
	if [ "${1-}" != -- ]; then
		re=$1
		shift
	fi
	[ "${1-}" = -- ] || h_bail "h_expect '$name': want NAME CODE [REGEX] -- SERVICE IP ..."
	shift
	h_mark
	"$run" "$@"
	if ! h__code_matches "$want"; then
		h_not_ok "$name" "reply '$H_REPLY', wanted '$want'"
	elif [ -n "$re" ] && ! h__log_wait "$re"; then
		h_not_ok "$name" "no new line matching /$re/ in $H_LOG"
	else
		h_ok "$name"
	fi
}

# h_expect_reply - the last session's transcript has a line matching REGEX
h_expect_reply() {
	if grep -Eq -- "$2" "$H_DIR/last.txt"; then
		h_ok "$1"
	else
		h_not_ok "$1" "no line matching /$2/ in the session"
	fi
}

# h_expect_log - a line matching REGEX appeared since the last mark
h_expect_log() {
	if h__log_wait "$2"; then
		h_ok "$1"
	else
		h_not_ok "$1" "no new line matching /$2/ in $H_LOG"
	fi
}

# h_expect_no_log - no line matching REGEX appeared since the last mark
h_expect_no_log() {
	# The milter logs a decision before it replies, so the line would be
	# there by now; no wait.
	if h_log_since | grep -Eq -- "$2"; then
		h_not_ok "$1" "unwanted line matching /$2/ in $H_LOG"
	else
		h_ok "$1"
	fi
}

# h_done - print the plan and the summary; exit 0 only if all passed
h_done() {
	echo "1..$H_N"
	echo "$((H_N - H_FAILED)) passed, $H_FAILED failed"
	[ "$H_N" -gt 0 ] && [ "$H_FAILED" = 0 ] && exit 0
	exit 1
}
