# dovecot.sh - run a private Dovecot submission service for the integration tests
#
# SYNOPSIS
#	. t/lib/dovecot.sh
#	dv_start DIR PORT RELAY_PORT
#	dv_stop
#
# DESCRIPTION
#	dv_start builds a Dovecot instance in DIR whose only protocol is
#	submission, from contrib/dovecot-submission/submission.conf of this
#	tree (included as it is), and starts it in the foreground of a
#	background job ("dovecot -F -c DIR/dovecot.conf"). It listens on
#	127.0.0.1:PORT with STARTTLS (a self-signed certificate made in
#	DIR/tls; AUTH only after STARTTLS) and relays to Postfix on
#	127.0.0.1:RELAY_PORT; those two numbers are all it changes of the
#	snippet. base_dir, state_dir and the log (DIR/dovecot.log) are in
#	DIR; every relay session is recorded in DIR/rawlog (what Dovecot
#	sends to Postfix, XCLIENT included: the *.out files).
#	dv_start returns when PORT listens, or fails; the master's pid is
#	in DV_PID. A Dovecot it started before is stopped first.
#
#	Users (passwd-file DIR/users, SHA512-CRYPT, no system users): the
#	mailbox alice@example.net with password alice-mailbox; the mail
#	processes run as nobody.
#
#	dv_stop stops the instance by the pid of its master, DV_PID (SIGTERM,
#	then SIGKILL), and waits until it is gone. DIR is left for the caller.
#
# ENVIRONMENT
#	DV_CONTRIB  folder holding submission.conf (default:
#		contrib/dovecot-submission of the tree this file is in).
#	DV_CONF_EXTRA  settings appended to DIR/dovecot.conf (they override).
#	DV_TIMEOUT  seconds to wait for start and stop (default 15).
#
# DIAGNOSTICS
#	Messages go to stderr, prefixed with the function name; when the
#	port does not come up, the tail of DIR/dovecot.log follows.
#	Dovecot needs its users dovecot and dovenull (package dovecot-core).

# shellcheck shell=bash
DV_CONTRIB=${DV_CONTRIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../contrib/dovecot-submission" 2>/dev/null && pwd)}
DV_TIMEOUT=${DV_TIMEOUT:-15}
DV_PID=

# dv__err - print an error of function $1
dv__err() {
	local fn=$1; shift
	echo "$fn: $*" >&2
}

# dv__listening - succeed when 127.0.0.1 TCP port $1 listens
dv__listening() {
	[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

# dv__conf - write DIR/dovecot.conf: the private settings, then the snippet
dv__conf() {
	local dir=$1 port=$2 relay=$3
	cat >"$dir/dovecot.conf" <<EOF
# Private test instance, written by t/lib/dovecot.sh. Do not edit.
instance_name = iso-test
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
listen = 127.0.0.1
protocols =
hostname = smtp.example.test
default_internal_user = dovecot
default_login_user = dovenull
ssl = required
ssl_cert = <$dir/tls/cert.pem
ssl_key = <$dir/tls/key.pem
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $dir/users
}
userdb {
  driver = passwd-file
  args = $dir/users
}
# submission opens the user's mail storage (BURL): a site has its own
mail_location = maildir:~/Maildir
submission_relay_rawlog_dir = $dir/rawlog

# ---- contrib/dovecot-submission/submission.conf ----
!include $DV_CONTRIB/submission.conf

# ---- the test's ports, and DV_CONF_EXTRA ----
submission_relay_port = $relay
service submission-login {
  inet_listener submission {
    port = $port
  }
}
${DV_CONF_EXTRA:-}
EOF
}

# dv__users - write DIR/users: alice@example.net, running as nobody
dv__users() {
	local dir=$1 hash
	hash=$(openssl passwd -6 alice-mailbox) || return 1
	printf 'alice@example.net:{SHA512-CRYPT}%s:%s:%s::%s::\n' "$hash" \
		"$(id -u nobody)" "$(id -g nobody)" "$dir/home/alice" >"$dir/users"
	# the auth process reads it as the user dovecot
	chgrp dovecot "$dir/users" && chmod 640 "$dir/users" || return 1
	mkdir -p "$dir/home/alice" && chown nobody: "$dir/home/alice" "$dir/rawlog"
}

# dv__tls - make a self-signed certificate for smtp.example.test in DIR/tls
dv__tls() {
	local dir=$1 out
	out=$(openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 7 -subj /CN=smtp.example.test \
		-keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>&1) || {
		dv__err dv_start "openssl: $out"
		return 1
	}
	chmod 600 "$dir/tls/key.pem"
}

# dv_start - build and start a private Dovecot in DIR on PORT, relaying to RELAY_PORT
dv_start() {
	local dir=$1 port=$2 relay=$3 out i
	if [ -z "$dir" ] || [ -z "$port" ] || [ -z "$relay" ]; then
		dv__err dv_start "usage: dv_start DIR PORT RELAY_PORT"
		return 2
	fi
	[ -f "$DV_CONTRIB/submission.conf" ] || {
		dv__err dv_start "no submission.conf in DV_CONTRIB=$DV_CONTRIB"
		return 1
	}
	dv_stop
	rm -rf "$dir" && mkdir -p "$dir/run" "$dir/state" "$dir/tls" "$dir/rawlog" || return 1
	dir=$(cd "$dir" && pwd)
	# dovenull's login processes and nobody's submission processes work below DIR.
	chmod 755 "$dir" || return 1
	dv__conf "$dir" "$port" "$relay" && dv__users "$dir" && dv__tls "$dir" || return 1
	if ! out=$(timeout "$DV_TIMEOUT" doveconf -c "$dir/dovecot.conf" -n 2>&1 >/dev/null); then
		dv__err dv_start "doveconf: $out"
		return 1
	fi
	if dv__listening "$port"; then
		dv__err dv_start "127.0.0.1:$port already in use"
		return 1
	fi
	dovecot -F -c "$dir/dovecot.conf" </dev/null >>"$dir/dovecot.log" 2>&1 &
	DV_PID=$!
	for ((i = 0; i < DV_TIMEOUT * 10; i++)); do
		dv__listening "$port" && return 0
		kill -0 "$DV_PID" 2>/dev/null || break
		sleep 0.1
	done
	dv__err dv_start "127.0.0.1:$port not listening; $dir/dovecot.log:"
	tail -n 20 "$dir/dovecot.log" >&2 2>/dev/null
	return 1
}

# dv_stop - stop the private Dovecot by its master's pid, DV_PID
dv_stop() {
	local pid=$DV_PID i
	[ -n "$pid" ] || return 0
	DV_PID=
	kill "$pid" 2>/dev/null
	for ((i = 0; i < DV_TIMEOUT * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		dv__err dv_stop "master $pid still running after ${DV_TIMEOUT}s; killing it"
		kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}
