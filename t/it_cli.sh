#!/bin/bash
# it_cli - the daemon's command line, sockets, pid file, privileges, signals
#
# No MTA: these are the operator's first contacts with the program.
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
expect_run "-h prints the usage" 0 '^usage: isolation-milter \[-c file\] \[-f\] \[-n\] \[-V\] \[-h\]' -- "$BIN" -h
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
for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
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

h_done
