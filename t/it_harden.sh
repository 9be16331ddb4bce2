#!/bin/bash
# it_harden - the daemon's own defences: whom it runs as, its socket, its
# pid file, and the files that others could change
#
# No MTA: real daemons started as root, as a package's init would, and
# looked at from outside (stat, /proc/PID/status, ss), plus a small
# milter-protocol client (t/lib/milterclient.py) run as the user nobody
# for "a local user who can reach the socket".
# shellcheck disable=SC2317 # the helpers below run through h_check()
# shellcheck disable=SC2016 # h_check's "eval '...'" expands when it runs
# shellcheck source=t/lib/harness.sh
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

BIN=$H_MILTER_BIN
[ -x "$BIN" ] || h_skip "milter not built: $BIN"
h_require runuser stat
CLIENT=(python3 "$H_SRCDIR/t/lib/milterclient.py")
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
POSTFIX_GID=$(getent group postfix | cut -d: -f3)
[ -n "$POSTFIX_GID" ] || h_skip "no postfix group (contrib/install-deps test)"

# Sockets and pid files in a folder of the daemon's user, as
# /run/isolation-milter would be (RuntimeDirectory= of the unit); the
# client, as nobody, must be able to reach into it.
RUN=$H_DIR/run
if ! mkdir -m 755 "$RUN" || ! chown nobody: "$RUN"; then
	h_bail "cannot make $RUN"
fi
HD_PIDS=()
HD_PID=
declare -A HD_SOCK=()

# hd__cleanup - on exit: stop the daemons of this script, then the harness's
hd__cleanup() {
	local rc=$? p
	for p in "${HD_PIDS[@]}"; do
		h_stop_pid "$p" "${HD_SOCK[$p]:-}"
	done
	(exit "$rc")
	h__cleanup
}
trap hd__cleanup EXIT

# hd_conf NAME [LINE...] - write H_DIR/NAME.conf: the base, then each LINE
hd_conf() {
	local name=$1 line
	shift
	{
		echo "Syslog no"
		echo "LogLevel debug"
		echo "StateFile $H_STATE_DIR/$name.lmdb"
		for line; do
			printf '%s\n' "$line"
		done
	} >"$H_DIR/$name.conf"
}

# hd_start NAME [LINE...] - write NAME.conf and start a daemon (-f) with
# its output in NAME.log; HD_PID its pid; fail unless it says "started on"
hd_start() {
	local name=$1 i
	shift
	hd_conf "$name" "$@"
	: >"$H_DIR/$name.log"
	"$BIN" -f -c "$H_DIR/$name.conf" >>"$H_DIR/$name.log" 2>&1 </dev/null &
	HD_PID=$!
	HD_PIDS+=("$HD_PID")
	HD_SOCK[$HD_PID]=$(h__conf_socket "$H_DIR/$name.conf")
	for ((i = 0; i < 100; i++)); do
		grep -q 'started on' "$H_DIR/$name.log" && return 0
		kill -0 "$HD_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# hd_stop PID - SIGTERM, wait for the exit (15 s at most), knocking on
# the daemon's socket (see h_stop_pid); status in HD_RC
hd_stop() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		h__knock "${HD_SOCK[$pid]:-}"
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	HD_RC=$?
}

# hd_refused NAME [LINE...] - write NAME.conf, run the daemon (-f) and
# expect it to exit by itself; status in HD_RC, output in NAME.log
hd_refused() {
	local name=$1
	shift
	hd_conf "$name" "$@"
	timeout 20 "$BIN" -f -c "$H_DIR/$name.conf" >"$H_DIR/$name.log" 2>&1 </dev/null
	HD_RC=$?
}

# status_field PID FIELD - a line of /proc/PID/status, without its name
status_field() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ +/, ""); sub(/ +$/, ""); print }' \
		"/proc/$1/status"
}

# listener PID SOCKET - ss shows PID listening on unix:PATH or inet:PORT@HOST
listener() {
	local pid=$1 spec=$2 out port
	case $spec in
	unix:*)	out=$(ss -Hxlp src "${spec#unix:}") ;;
	inet:*)	port=${spec#inet:}
		out=$(ss -Hltnp "sport = :${port%@*}" | grep -F " ${spec##*@}:") ;;
	esac
	grep -q "pid=$pid," <<<"$out" && return 0
	echo "#   listener of $spec: $out (wanted pid $pid)"
	return 1
}

# answers SOCKET - a milter answers a negotiation there
answers() {
	"${CLIENT[@]}" "$1" optneg | grep -qx 'optneg: ok'
}

# --- whom the daemon runs as -----------------------------------------------

hd_start ids "Socket unix:$RUN/ids.sock" "UserID nobody" ||
	h_bail "the daemon did not start: $(tail -n 3 "$H_DIR/ids.log")"
pid=$HD_PID
h_check "UserID nobody: real, effective, saved and fs uid are nobody's" \
	h_is "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID" "$(status_field "$pid" Uid | tr -s '\t ' ' ')"
h_check "UserID nobody: every gid is nobody's group" \
	h_is "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID" "$(status_field "$pid" Gid | tr -s '\t ' ' ')"
h_check "supplementary groups: only the target group (root's are gone)" \
	h_is "$NOBODY_GID" "$(status_field "$pid" Groups)"
h_check "NoNewPrivs: 1" h_is 1 "$(status_field "$pid" NoNewPrivs)"
# A process that is not dumpable has its /proc/PID files owned by root.
h_check "not dumpable (CoreDumps no): /proc/PID/status belongs to root" \
	h_is 0 "$(stat -c %u "/proc/$pid/status")"
h_check "no core files: RLIMIT_CORE is 0" \
	h_has "/proc/$pid/limits" '^Max core file size +0 +0 '
hd_stop "$pid"

hd_start idsg "Socket unix:$RUN/idsg.sock" "UserID nobody:postfix" "CoreDumps yes" ||
	h_bail "the daemon did not start: $(tail -n 3 "$H_DIR/idsg.log")"
h_check "UserID nobody:postfix: the gid is postfix's" \
	h_is "$POSTFIX_GID $POSTFIX_GID $POSTFIX_GID $POSTFIX_GID" "$(status_field "$HD_PID" Gid | tr -s '\t ' ' ')"
h_check "UserID nobody:postfix: the only group is postfix" \
	h_is "$POSTFIX_GID" "$(status_field "$HD_PID" Groups)"
h_check "CoreDumps yes: dumpable (/proc/PID/status belongs to nobody)" \
	h_is "$NOBODY_UID" "$(stat -c %u "/proc/$HD_PID/status")"
hd_stop "$HD_PID"

ROOT_MSG='running as root: set UserID to an unprivileged user \(useradd --system isolation-milter\), or UserID root to stay root'
if id isolation-milter >/dev/null 2>&1; then
	hd_start nouser "Socket unix:$RUN/nouser.sock"
	h_check "no UserID, the user isolation-milter exists: it runs as isolation-milter" \
		h_is "$(id -u isolation-milter)" "$(status_field "$HD_PID" Uid | awk '{print $1}')"
	hd_stop "$HD_PID"
else
	hd_refused nouser "Socket unix:$RUN/nouser.sock"
	h_check "as root, no UserID, no user isolation-milter: refuses to start (exit 1)" \
		h_is 1 "$HD_RC"
	h_check "... and says what to do" h_has "$H_DIR/nouser.log" "$ROOT_MSG"
	h_check "... before opening the socket" test ! -e "$RUN/nouser.sock"
	# as a daemon (no -f) the line goes to stderr as well as to syslog
	hd_conf nouserd "Socket unix:$RUN/nouserd.sock"
	sed -i "s/^Syslog no$/Syslog yes/" "$H_DIR/nouserd.conf"
	timeout 20 "$BIN" -c "$H_DIR/nouserd.conf" >"$H_DIR/nouserd.log" 2>&1 </dev/null
	HD_RC=$?
	h_check "... also without -f: exit 1 and the message on stderr" \
		eval '[ "$HD_RC" = 1 ] && h_has "$H_DIR/nouserd.log" "$ROOT_MSG"'
fi

hd_start root "Socket unix:$RUN/root.sock" "UserID root" ||
	h_bail "UserID root did not start: $(tail -n 3 "$H_DIR/root.log")"
h_check "UserID root: starts, and stays root" h_is 0 "$(status_field "$HD_PID" Uid | awk '{print $1}')"
h_check "UserID root: warned about at start" \
	h_has "$H_DIR/root.log" 'warning: UserID root: the milter runs as root'
h_check "UserID root: still no new privileges" h_is 1 "$(status_field "$HD_PID" NoNewPrivs)"
hd_stop "$HD_PID"

# Started as an unprivileged user, it cannot become another one.
hd_conf other "Socket unix:$RUN/other.sock" "UserID daemon"
runuser -u nobody -- timeout 20 "$BIN" -f -c "$H_DIR/other.conf" >"$H_DIR/other.log" 2>&1 </dev/null
HD_RC=$?
h_check "started as nobody with UserID daemon: refused (exit 1), says why" \
	eval '[ "$HD_RC" = 1 ] && h_has "$H_DIR/other.log" "UserID daemon: only root can become another user"'

# --- the socket --------------------------------------------------------------

hd_start m007 "Socket unix:$RUN/m007.sock" "UserID nobody"
h_check "UMask 007 (the default): the unix socket is mode 770" \
	h_is 770 "$(stat -c %a "$RUN/m007.sock")"
h_check "without SocketGroup the socket's group is UserID's group" \
	h_is "$NOBODY_GID" "$(stat -c %g "$RUN/m007.sock")"
hd_stop "$HD_PID"
hd_start m027 "Socket unix:$RUN/m027.sock" "UserID nobody" "UMask 027"
h_check "UMask 027: the unix socket is mode 750" h_is 750 "$(stat -c %a "$RUN/m027.sock")"
hd_stop "$HD_PID"
hd_start grp "Socket unix:$RUN/grp.sock" "UserID nobody" "SocketGroup postfix"
h_check "SocketGroup postfix: the socket belongs to group postfix" \
	h_is postfix "$(stat -c %G "$RUN/grp.sock")"
h_check "SocketGroup postfix: mode 770" h_is 770 "$(stat -c %a "$RUN/grp.sock")"
h_check "SocketGroup postfix: a member of the group gets in" \
	eval 'runuser -u postfix -- "${CLIENT[@]}" "unix:$RUN/grp.sock" optneg | grep -qx "optneg: ok"'

# A local user outside the group cannot play the MTA: the malformed macro
# packet (an odd number of strings) never reaches libmilter.
out=$(runuser -u nobody -- "${CLIENT[@]}" "unix:$RUN/grp.sock" malformed 2>&1)
rc=$?
h_check "a local user outside SocketGroup: connect fails with EACCES" \
	eval '[ "$rc" = 3 ] && grep -qx "connect: EACCES" <<<"$out"'
h_check "... and the daemon keeps serving" eval 'kill -0 "$HD_PID" && answers "unix:$RUN/grp.sock"'
hd_stop "$HD_PID"

# The same client on a socket open to it (UMask 000): what happens is
# libmilter's business (smfi_getsymval reads past the macro array); it is
# recorded here, not asserted, so the README can say why the mode matters.
hd_start open "Socket unix:$RUN/open.sock" "UserID nobody" "UMask 000"
pid=$HD_PID
out=$(runuser -u nobody -- "${CLIENT[@]}" "unix:$RUN/open.sock" malformed 2>&1)
h_check "UMask 000: the same user gets in (it was the mode that kept it out)" \
	grep -qx "connect: ok" <<<"$out"
sleep 1
while IFS= read -r line; do
	echo "# observed, socket open: $line"
done <<<"$out"
if kill -0 "$pid" 2>/dev/null; then
	echo "# observed, socket open: the daemon survived the malformed macro packet"
	hd_stop "$pid"
else
	wait "$pid"
	rc=$?
	[ "$rc" -gt 128 ] && rc="$rc, SIG$(kill -l "$((rc - 128))")"
	echo "# observed, socket open: the daemon died (exit $rc)" \
		"$(grep -m1 -E 'ERROR: AddressSanitizer' "$H_DIR/open.log")"
	grep -m1 -E '#[0-9]+ .* in smfi_getsymval' "$H_DIR/open.log" | sed 's/^ */# observed, socket open: /'
fi

hd_start wild "Socket inet:$H_MILTER2_PORT@0.0.0.0" "UserID nobody"
h_check "an inet socket on 0.0.0.0 starts, with a warning" \
	h_has "$H_DIR/wild.log" "warning: inet:$H_MILTER2_PORT@0\\.0\\.0\\.0 is not a loopback address"
hd_stop "$HD_PID"
hd_start lo "Socket inet:$H_MILTER2_PORT@127.0.0.1" "UserID nobody"
h_check "... on loopback, no such warning" eval '! grep -q "not a loopback" "$H_DIR/lo.log"'
hd_stop "$HD_PID"

# --- never take over a live socket, remove a stale one ------------------------

hd_start first "Socket unix:$RUN/live.sock" "UserID nobody" "PidFile $RUN/first.pid"
first=$HD_PID
hd_refused second "Socket unix:$RUN/live.sock" "UserID nobody" "PidFile $RUN/second.pid"
h_check "a second instance on the same unix socket: refused (exit 1)" h_is 1 "$HD_RC"
h_check "... saying another instance answers" \
	h_has "$H_DIR/second.log" "another instance answers on unix:$RUN/live\\.sock: not taking it over"
h_check "... the first still listens on it (ss)" listener "$first" "unix:$RUN/live.sock"
h_check "... and answers a negotiation" answers "unix:$RUN/live.sock"
h_check "... the refused one left no pid file" test ! -e "$RUN/second.pid"

hd_refused third "Socket unix:$RUN/third.sock" "UserID nobody" "PidFile $RUN/first.pid"
h_check "only the pid file shared: the second instance is refused (exit 1)" h_is 1 "$HD_RC"
h_check "... saying who holds it" \
	h_has "$H_DIR/third.log" "another instance \\(pid $first\\) holds the pid file $RUN/first\\.pid"
h_check "... the pid file still holds the first's pid" h_is "$first" "$(cat "$RUN/first.pid")"
h_check "... and the first is alive" kill -0 "$first"
h_check "the pid file is locked (flock) by the first" \
	eval '! flock -n "$RUN/first.pid" true'
h_check "the pid file holds the daemon's pid" h_is "$first" "$(cat "$RUN/first.pid")"
hd_stop "$first"
h_check "SIGTERM: exit 0" h_is 0 "$HD_RC"
h_check "the pid file is removed at stop, after the privilege drop" test ! -e "$RUN/first.pid"
h_check "libmilter removes the socket at stop (its folder is nobody's)" test ! -e "$RUN/live.sock"

hd_start ifirst "Socket inet:$H_MILTER_PORT@127.0.0.1" "UserID nobody"
first=$HD_PID
hd_refused isecond "Socket inet:$H_MILTER_PORT@127.0.0.1" "UserID nobody"
h_check "a second instance on the same inet port: refused (exit 1)" h_is 1 "$HD_RC"
h_check "... saying another instance answers" \
	h_has "$H_DIR/isecond.log" "another instance answers on inet:$H_MILTER_PORT@127\\.0\\.0\\.1"
h_check "... the first still listens on it (ss)" listener "$first" "inet:$H_MILTER_PORT@127.0.0.1"
h_check "... and answers a negotiation" answers "inet:$H_MILTER_PORT@127.0.0.1"
hd_stop "$first"

# A socket file nothing listens on (a daemon killed with -9) is stale.
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$RUN/stale.sock"
echo 999999 >"$RUN/stale.pid"
h_check "(set-up) a stale socket file" test -S "$RUN/stale.sock"
if hd_start stale "Socket unix:$RUN/stale.sock" "UserID nobody" "PidFile $RUN/stale.pid"; then
	h_ok "a stale socket and a stale pid file: the daemon starts"
else
	h_not_ok "a stale socket and a stale pid file: the daemon starts" \
		"$(tail -n 3 "$H_DIR/stale.log")"
fi
h_check "... saying it removed the stale socket" \
	h_has "$H_DIR/stale.log" "removing the stale socket $RUN/stale\\.sock"
h_check "... and answers on it" answers "unix:$RUN/stale.sock"
h_check "... the pid file now holds its pid" h_is "$HD_PID" "$(cat "$RUN/stale.pid")"
hd_stop "$HD_PID"

echo "not a socket" >"$RUN/plain.sock"
hd_refused plain "Socket unix:$RUN/plain.sock" "UserID nobody"
h_check "a file that is not a socket at the socket's path: refused, kept" \
	eval '[ "$HD_RC" = 1 ] && h_has "$H_DIR/plain.log" "exists and is not a socket" && [ -s "$RUN/plain.sock" ]'

ln -s /etc/passwd "$RUN/link.pid"
hd_refused link "Socket unix:$RUN/link.sock" "UserID nobody" "PidFile $RUN/link.pid"
h_check "a pid file that is a symbolic link: refused, its target untouched" \
	eval '[ "$HD_RC" = 1 ] && h_has "$H_DIR/link.log" "pid file .*symbolic link" && grep -q "^root:" /etc/passwd'

# A pid file in a folder the daemon's user cannot write: it cannot be
# removed after the drop; the daemon says so at start and empties it.
mkdir -m 755 "$H_DIR/rootrun"
hd_start rootpid "Socket unix:$RUN/rootpid.sock" "UserID nobody" "PidFile $H_DIR/rootrun/p.pid"
h_check "a pid file's folder nobody cannot write: warned at start" \
	h_has "$H_DIR/rootpid.log" "the pid file's folder $H_DIR/rootrun is not writable by nobody"
hd_stop "$HD_PID"
h_check "... and the file is emptied at stop" eval '[ -e "$H_DIR/rootrun/p.pid" ] && [ ! -s "$H_DIR/rootrun/p.pid" ]'
hd_start rootpid2 "Socket unix:$RUN/rootpid.sock" "UserID nobody" "PidFile $H_DIR/rootrun/p.pid"
h_check "... which does not block the next start" h_is "$HD_PID" "$(cat "$H_DIR/rootrun/p.pid")"
hd_stop "$HD_PID"

# --- files others could change -----------------------------------------------

echo "carol@example.net carol" >"$H_DIR/map"
chmod 664 "$H_DIR/map"
hd_conf wconf "Socket unix:$RUN/wconf.sock" "UserID nobody" "SenderLoginMap $H_DIR/map"
chmod 646 "$H_DIR/wconf.conf"
: >"$H_DIR/wconf.log"
"$BIN" -f -c "$H_DIR/wconf.conf" >>"$H_DIR/wconf.log" 2>&1 </dev/null &
HD_PID=$!
HD_PIDS+=("$HD_PID")
HD_SOCK[$HD_PID]="unix:$RUN/wconf.sock"
for ((i = 0; i < 100; i++)); do grep -q 'started on' "$H_DIR/wconf.log" && break; sleep 0.1; done
h_check "a configuration file writable by others: a warning at start" \
	h_has "$H_DIR/wconf.log" "warning: the configuration file $H_DIR/wconf\\.conf is writable by others"
h_check "a SenderLoginMap writable by its group: a warning at start" \
	h_has "$H_DIR/wconf.log" "warning: SenderLoginMap $H_DIR/map is writable by its group"
chmod 644 "$H_DIR/wconf.conf"
chmod 666 "$H_DIR/map"
H_LOG=$H_DIR/wconf.log
h_mark
kill -HUP "$HD_PID"
h_expect_log "at reload: the map, now writable by its group and others" \
	"reload: SenderLoginMap $H_DIR/map is writable by its group and by others"
h_expect_no_log "at reload: the configuration file, fixed, no longer" 'configuration file .* is writable'
hd_stop "$HD_PID"

h_done
