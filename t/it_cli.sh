#!/bin/bash
# it_cli - the daemon's command line, sockets, pid file, privileges, signals
#
# No MTA: these are the operator's first contacts with the program.
# -d: the dump of a file loads again (-n), dumps the same but for the
# origin comments, shows each line of the file with its file:line and
# the rest as "# default". -F: the daemon stays in the foreground and
# logs to syslog; there is no syslogd here, so it runs in a mount
# namespace whose /dev/log is a datagram socket of the test's own, and
# the lines received must carry facility mail, the ident and its pid.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

BIN=$H_MILTER_BIN
[ -x "$BIN" ] || h_skip "milter not built: $BIN"

# expect_run NAME WANT_STATUS WANT_REGEX -- CMD... : status and output
expect_run() {
	local name=$1 want=$2 re=$3 out status
	shift 4
	out=$("$@" 2>&1)
	status=$?
	if [ "$status" != "$want" ]; then
		h_not_ok "$name" "exit $status, wanted $want; output: $out"
	elif ! grep -Eq -- "$re" <<<"$out"; then
		h_not_ok "$name" "output does not match /$re/: $out"
	else
		h_ok "$name"
	fi
}

expect_run "-n accepts the annotated sample config" 0 '^configuration OK$' \
	-- "$BIN" -n -c "$srcdir/etc/isolation-milter.conf"

cat >"$H_DIR/bad.conf" <<'CONF'
# three mistakes
LocalDomains example.net
Mode enforce
Colour blue
CustomerNetworks 10.0.0.1/8
Action.inbound.auth maybe
CONF
expect_run "-n reports every error as file:line: message" 1 \
	"^$H_DIR/bad.conf:4: unknown key \"Colour\"" -- "$BIN" -n -c "$H_DIR/bad.conf"
expect_run "-n: the network with host bits set" 1 "^$H_DIR/bad.conf:5: CustomerNetworks: " \
	-- "$BIN" -n -c "$H_DIR/bad.conf"
expect_run "-n: the bad action" 1 \
	"^$H_DIR/bad.conf:6: Action.inbound.auth: \"maybe\" is not reject, tempfail, report or off" \
	-- "$BIN" -n -c "$H_DIR/bad.conf"
expect_run "a missing file is an error" 1 "^$H_DIR/none.conf: cannot open: No such file" \
	-- "$BIN" -n -c "$H_DIR/none.conf"
expect_run "the daemon refuses to start on a bad file" 1 "bad.conf:4: unknown key" \
	-- "$BIN" -f -c "$H_DIR/bad.conf"
expect_run "... and without -f, before it detaches" 1 "^$H_DIR/bad.conf:4: unknown key" \
	-- "$BIN" -c "$H_DIR/bad.conf"
expect_run "-V prints the version" 0 '^isolation-milter [0-9]+\.[0-9]+\.[0-9]+ \(libmilter' -- "$BIN" -V
expect_run "-h prints the usage" 0 \
	'^usage: isolation-milter \[-c file\] \[-f \| -F\] \[-n \| -d\] \[-V\] \[-h\]' -- "$BIN" -h
expect_run "-f and -F exclude each other" 2 '^usage:' -- "$BIN" -f -F -n
expect_run "-n and -d exclude each other" 2 '^usage:' -- "$BIN" -n -d
expect_run "an unknown option is a usage error" 2 '^usage:' -- "$BIN" -x
printf 'Socket inet:%s@127.0.0.1\nUserID nobody\nStateFile %s/no/such/dir/state.lmdb\n' \
	"$H_MILTER_PORT" "$H_DIR" >"$H_DIR/nostate.conf"
expect_run "a StateFile in a missing folder: the daemon says so and stops" 1 \
	"state store: .*no/such/dir" -- "$BIN" -f -c "$H_DIR/nostate.conf"
# The StateFile is opened after the drop to UserID: a root-only folder fails.
mkdir -m 700 "$H_DIR/rootonly"
printf 'Socket inet:%s@127.0.0.1\nUserID nobody\nStateFile %s/rootonly/state.lmdb\n' \
	"$H_MILTER_PORT" "$H_DIR" >"$H_DIR/rootonly.conf"
expect_run "a StateFile in a folder UserID cannot write: the daemon says so and stops" 1 \
	"state store: .*rootonly/state\\.lmdb: Permission denied \\(the file, its lock file and its folder must be writable by uid $(id -u nobody)" \
	-- "$BIN" -f -c "$H_DIR/rootonly.conf"

# -d: the configuration in effect, as a configuration file.
printf 'example.com\n# more\nexample.info\n' >"$H_DIR/domains"
cat >"$H_DIR/dump.conf" <<CONF
# every kind of value
LocalDomains example.net
LocalDomains Example.ORG. file:$H_DIR/domains   # and the file's
CustomerNetworks 10.0.0.0/8, 2001:db8::/32
TrustedNetworks
DaemonRoles SUB=outbound MX=inbound
SubaddressDelimiter
RateLimit login recipients 500/1h
RateLimit ip messages 100/10m
DNSBL zen.spamhaus.org=127.0.0.[10..11]
SPFAction softfail reject
DNSTimeout 1500ms
QuarantineTTL 2d
QuarantineEscalation 2x up to 7d
SupportContact "our desk": call \#5 or https://help.example.net/#q
RedisPassword pa#ss word
Socket inet6:$H_MILTER_PORT@[::1]
UserID nobody
Action.inbound.spf_fail report
action.OUTBOUND.RATE off
CONF
expect_run "-d prints the configuration" 0 '^DNSTimeout 1500ms +# ' \
	-- "$BIN" -d -c "$H_DIR/dump.conf"
"$BIN" -d -c "$H_DIR/dump.conf" >"$H_DIR/dump1.conf" 2>&1
expect_run "-d: a key of the file shows its file:line" 0 \
	"^LocalDomains Example.ORG. file:$H_DIR/domains +# $H_DIR/dump.conf:3\$" \
	-- cat "$H_DIR/dump1.conf"
expect_run "-d: a list key given twice shows each line" 0 \
	"^LocalDomains example.net +# $H_DIR/dump.conf:2\$" -- cat "$H_DIR/dump1.conf"
expect_run "-d: an untouched key shows # default" 0 '^Mode enforce +# default$' \
	-- cat "$H_DIR/dump1.conf"
expect_run "-d: a key without default is commented out" 0 \
	'^#PidFile +# default: not set$' -- cat "$H_DIR/dump1.conf"
expect_run "-d: an Action.* key keeps its line" 0 \
	"^Action.outbound.rate off +# $H_DIR/dump.conf:20\$" -- cat "$H_DIR/dump1.conf"
expect_run "-d: a # after white space in a value is written \\#" 0 \
	"^SupportContact \"our desk\": call \\\\#5 or https://help.example.net/#q +# " \
	-- cat "$H_DIR/dump1.conf"
expect_run "the dump loads again" 0 '^configuration OK$' -- "$BIN" -n -c "$H_DIR/dump1.conf"
"$BIN" -d -c "$H_DIR/dump1.conf" >"$H_DIR/dump2.conf" 2>&1
# strip_origins FILE - the dump without its origin comments
strip_origins() {
	sed -E 's/[[:space:]]+# [^#]*$//' "$1"
}
if [ "$(strip_origins "$H_DIR/dump1.conf")" = "$(strip_origins "$H_DIR/dump2.conf")" ]; then
	h_ok "-d of the dump: the same but for the origins"
else
	h_not_ok "-d of the dump: the same but for the origins" \
		"$(diff <(strip_origins "$H_DIR/dump1.conf") <(strip_origins "$H_DIR/dump2.conf"))"
fi
changed=$(grep -v '# default' "$H_DIR/dump1.conf" | sed -E 's/[[:space:]]+# [^#]*$//')
want=$(grep -Ev '^(#|$)' "$H_DIR/dump.conf" | sed -E 's/[[:space:]]+# .*$//; s/^action.OUTBOUND.RATE/Action.outbound.rate/' |
	sort)
if [ "$(sort <<<"$changed")" = "$want" ]; then
	h_ok "-d | grep -v '# default': the lines of the file"
else
	h_not_ok "-d | grep -v '# default': the lines of the file" \
		"$(diff <(echo "$want") <(sort <<<"$changed"))"
fi
expect_run "-d refuses an invalid file as -n does" 1 "^$H_DIR/bad.conf:4: unknown key \"Colour\"" \
	-- "$BIN" -d -c "$H_DIR/bad.conf"

# A unix socket for UserID's group (UMask 007; t/it_harden.sh checks
# SocketGroup and the rest), a pid file, and privileges dropped to
# UserID after binding.
h_mark
cat >"$H_DIR/unix.conf" <<CONF
Socket unix:$H_DIR/milter.sock
PidFile $H_DIR/milter.pid
UserID nobody
Syslog no
StateFile $H_STATE_DIR/state.lmdb
CONF
chmod 755 "$H_DIR"
"$BIN" -f -c "$H_DIR/unix.conf" >>"$H_DIR/milter.log" 2>&1 </dev/null &
pid=$!
for ((i = 0; i < 50; i++)); do [ -S "$H_DIR/milter.sock" ] && break; sleep 0.1; done
if [ "$(stat -c %a:%g "$H_DIR/milter.sock" 2>/dev/null)" = "770:$(id -g nobody)" ]; then
	h_ok "unix socket created with mode 0770, group of UserID"
else
	h_not_ok "unix socket created with mode 0770, group of UserID" "$(ls -l "$H_DIR/milter.sock" 2>&1)"
fi
if [ "$(cat "$H_DIR/milter.pid" 2>/dev/null)" = "$pid" ]; then
	h_ok "PidFile holds the daemon's pid"
else
	h_not_ok "PidFile holds the daemon's pid" "pid $pid, file: $(cat "$H_DIR/milter.pid" 2>&1)"
fi
uid=$(awk '/^Uid:/ {print $2}' /proc/$pid/status 2>/dev/null)
if [ -n "$uid" ] && [ "$uid" = "$(id -u nobody)" ]; then
	h_ok "UserID: running as nobody after binding"
else
	h_not_ok "UserID: running as nobody after binding" "uid '$uid'"
fi
h_expect_log "start is logged" 'isolation-milter [0-9.]+ started on unix:'
h_mark
kill -TERM "$pid"
# knocking on the socket ends libmilter's poll at once (h_stop_pid)
for ((i = 0; i < 150; i++)); do
	kill -0 "$pid" 2>/dev/null || break
	h__knock "unix:$H_DIR/milter.sock"
	sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
	h_not_ok "SIGTERM stops the daemon" "still running after 15 s"
	kill -9 "$pid"
else
	wait "$pid"
	status=$?
	if [ "$status" = 0 ]; then h_ok "SIGTERM stops the daemon, exit 0"
	else h_not_ok "SIGTERM stops the daemon, exit 0" "exit $status"; fi
fi
h_expect_log "the stop is logged" 'stopping on signal 15'

# Reload: a valid change is taken, an invalid file keeps the running one.
h_milter_start "Mode enforce"
h_mark
sed -i "s/^Mode enforce$/Mode report/" "$H_DIR/milter.conf"
h_milter_reload
h_expect_log "SIGHUP: a valid file replaces the running configuration" \
	'reloaded configuration from'
h_mark
echo "SubmissionPorts 587 seventy" >>"$H_DIR/milter.conf"
h_milter_reload
h_expect_log "SIGHUP: an invalid file is refused with file:line" \
	"reload: $H_DIR/milter.conf:[0-9]+: SubmissionPorts: \"seventy\" is not a port number"
h_expect_log "SIGHUP: ... and the running configuration kept" \
	'keeping the running configuration'
if kill -0 "$H_MILTER_PID" 2>/dev/null; then
	h_ok "the daemon survives a bad reload"
else
	h_not_ok "the daemon survives a bad reload" "it exited"
fi
h_milter_stop

# -F: in the foreground, the log to syslog (facility mail, the ident, the
# pid). /dev/log is the socket of a listener of the test's own, bound over
# /dev in a mount namespace of the daemon's own.
h_require unshare mount
printf 'Socket inet:%s@127.0.0.1\nUserID nobody\nSyslog no\n' "$H_MILTER_PORT" \
	>"$H_DIR/nosyslog.conf"
expect_run "-F with Syslog no is refused" 1 'Syslog no without -f' \
	-- "$BIN" -F -c "$H_DIR/nosyslog.conf"
mkdir -p "$H_DIR/dev" "$H_DIR/run"
chown nobody: "$H_DIR/run"
for n in null zero random urandom log; do : >"$H_DIR/dev/$n"; done
: >"$H_DIR/syslog.txt"
H_LOG=$H_DIR/syslog.txt H_LOG_WAIT=5
h_mark
timeout 120 python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
' "$H_DIR/devlog.sock" "$H_DIR/syslog.txt" &
listener=$!
# systemd's NOTIFY_SOCKET (Type=notify), played the same way
: >"$H_DIR/notify.txt"
timeout 120 python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(4096) + b"\n")
' "$H_DIR/notify.sock" "$H_DIR/notify.txt" &
notifier=$!
for ((i = 0; i < 50; i++)); do
	[ -S "$H_DIR/devlog.sock" ] && [ -S "$H_DIR/notify.sock" ] && break
	sleep 0.1
done
cat >"$H_DIR/fg.conf" <<CONF
Socket inet:$H_MILTER_PORT@127.0.0.1
PidFile $H_DIR/run/milter.pid
UserID nobody
StateFile $H_STATE_DIR/fg.lmdb
CustomerNetworks 127.0.2.0/24
TrustedNetworks 127.0.0.0/30
SPF no
Action.inbound.dynamic_ip off
CONF
# shellcheck disable=SC2016 # expanded by the inner shell
unshare -m sh -c '
	set -e
	for n in null zero random urandom; do mount --bind "/dev/$n" "$1/dev/$n"; done
	mount --bind "$1/devlog.sock" "$1/dev/log"
	mount --rbind "$1/dev" /dev
	shift
	exec "$@"' sh "$H_DIR" env NOTIFY_SOCKET="$H_DIR/notify.sock" \
	"$BIN" -F -c "$H_DIR/fg.conf" \
	>"$H_DIR/fg.out" 2>"$H_DIR/fg.err" </dev/null &
H_MILTER_PID=$!
pid=$H_MILTER_PID
for ((i = 0; i < 100; i++)); do
	[ -n "$(ss -Hltn "sport = :$H_MILTER_PORT" 2>/dev/null)" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$pid" 2>/dev/null &&
    [ "$(awk '/^PPid:/ {print $2}' /proc/"$pid"/status)" = "$$" ]; then
	h_ok "-F: the process started is the daemon, still in the foreground"
else
	h_not_ok "-F: the process started is the daemon, still in the foreground" \
		"pid $pid: $(cat "$H_DIR/fg.err")"
fi
for ((i = 0; i < 50; i++)); do grep -q '^READY=1' "$H_DIR/notify.txt" && break; sleep 0.1; done
if grep -q '^READY=1' "$H_DIR/notify.txt"; then
	h_ok "-F: READY=1 to NOTIFY_SOCKET once it listens (systemd Type=notify)"
else
	h_not_ok "-F: READY=1 to NOTIFY_SOCKET" "got: $(cat "$H_DIR/notify.txt")"
fi
if [ "$(cat "$H_DIR/run/milter.pid" 2>/dev/null)" = "$pid" ]; then
	h_ok "-F: PidFile holds its pid"
else
	h_not_ok "-F: PidFile holds its pid" "pid $pid, file: $(cat "$H_DIR/run/milter.pid" 2>&1)"
fi
# one decision: a customer's address talks to the MX (refused at MAIL)
decision=$(python3 - "inet:$H_MILTER_PORT@127.0.0.1" "$H_SRCDIR/t/lib" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[2])
import milterclient as m
s = m.open_socket(sys.argv[1])
if m.negotiate(s):
    m.send(s, b"C", b"bot.example.test\0" + b"4" + struct.pack(">H", 4711) +
           b"127.0.2.99\0")
    print("reply to connect: " + m.outcome(m.recv(s)))
    m.send(s, b"M", b"<bot@spam.test>\0")
    print("reply to mail: " + m.outcome(m.recv(s)))
PY
)
expect_run "-F: a customer talking to the MX is refused" 0 '^reply to mail: y .*550' \
	-- echo "$decision"
# mail.notice is <21>, mail.info <22>: facility mail (2) times 8 plus the level
h_expect_log "-F: the start goes to syslog: facility mail, ident, pid" \
	"^<21>.* isolation-milter\\[$pid\\]: isolation-milter [0-9.]+ started on inet:"
h_expect_log "-F: the decision goes to syslog too" \
	"^<2[0-2]>.* isolation-milter\\[$pid\\]: .*rule=inbound\\.customer_direct"
if grep -Eq 'started on|rule=' "$H_DIR/fg.err" "$H_DIR/fg.out"; then
	h_not_ok "-F: nothing on stderr once started" "$(cat "$H_DIR/fg.err")"
else
	h_ok "-F: nothing on stderr once started"
fi
kill -TERM "$pid"
for ((i = 0; i < 150; i++)); do
	kill -0 "$pid" 2>/dev/null || break
	h__knock "inet:$H_MILTER_PORT@127.0.0.1"
	sleep 0.1
done
wait "$pid"
status=$?
H_MILTER_PID=
if [ "$status" = 0 ]; then h_ok "-F: SIGTERM stops it, exit 0"
else h_not_ok "-F: SIGTERM stops it, exit 0" "exit $status"; fi
h_expect_log "-F: the stop goes to syslog" \
	"^<21>.* isolation-milter\\[$pid\\]: stopping on signal 15"
kill "$listener" "$notifier" 2>/dev/null
wait "$listener" "$notifier" 2>/dev/null

h_done
