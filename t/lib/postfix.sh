# postfix.sh - run a private Postfix instance for the integration tests
#
# SYNOPSIS
#	. t/lib/postfix.sh
#	pf_start DIR MILTER_SOCKET
#	pf_stop DIR
#
# DESCRIPTION
#	pf_start builds a complete Postfix instance in DIR (configuration,
#	queue, data, SASL users, a self-signed certificate, the log) from
#	etc/postfix/main.cf and etc/postfix/master.cf of this tree, and
#	starts it with "postfix -c DIR start". Every service listens on
#	127.0.0.1 only; every transport is discard:, so nothing leaves.
#	MILTER_SOCKET (Postfix syntax, e.g. inet:127.0.0.1:8895) replaces
#	the smtpd_milters value of the snippet; empty runs without milter.
#	pf_start returns when all four smtpd ports listen, or fails.
#
#	Services, from the master.cf snippet:
#	127.0.0.1:$PF_MX_PORT	smtp (MX), daemon name INBOUND
#	127.0.0.1:$PF_SUB_PORT	submission, STARTTLS + AUTH, ORIGINATING
#	127.0.0.1:$PF_SUBS_PORT	submissions, TLS wrapper + AUTH, ORIGINATING
#	127.0.0.1:$PF_OUT_PORT	the snippet's commented-out outbound port 25
#				service (ORIGINATING, AUTH offered), enabled
#
#	SASL users (sasldb, PLAIN and LOGIN): alice@example.net/alice-secret,
#	bob@example.net/bob-secret, and the bare login carol/carol-secret.
#
#	pf_stop stops the instance with "postfix -c DIR stop" and waits for
#	its master process to exit. DIR itself is left for the caller.
#
# ENVIRONMENT
#	PF_MX_PORT, PF_SUB_PORT, PF_SUBS_PORT, PF_OUT_PORT
#		ports (defaults 11025, 11587, 11465, 11026).
#	PF_ETC	folder holding the main.cf and master.cf snippets
#		(default: etc/postfix of the tree this file is in).
#	PF_MX_OPTS
#		extra "-o name=value" words for the MX service, e.g.
#		"-o smtpd_sasl_auth_enable=yes" to offer AUTH on the MX.
#	PF_MAIN_EXTRA
#		extra main.cf lines, appended last (they override).
#	PF_MASTER_EXTRA
#		extra master.cf lines, appended last: e.g. an smtp client
#		("smtp unix - - n - - smtp") for a test that delivers to
#		an smtp-sink through default_transport in PF_MAIN_EXTRA.
#	PF_TIMEOUT
#		seconds to wait for start and stop (default 20).
#
# DIAGNOSTICS
#	Messages go to stderr, prefixed with the function name. Postfix
#	logs to syslog before its own log is open, and there is no syslog
#	here: pf_start runs "postfix start" (which first runs the checks of
#	"postfix check") under a pseudo-terminal to see those errors, prints
#	its warnings, and shows DIR/maillog when the ports do not come up.

PF_MX_PORT=${PF_MX_PORT:-11025}
PF_SUB_PORT=${PF_SUB_PORT:-11587}
PF_SUBS_PORT=${PF_SUBS_PORT:-11465}
PF_OUT_PORT=${PF_OUT_PORT:-11026}
PF_ETC=${PF_ETC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../etc/postfix" 2>/dev/null && pwd)}
PF_TIMEOUT=${PF_TIMEOUT:-20}

# pf__err - print an error of function $1
pf__err() {
	local fn=$1; shift
	echo "$fn: $*" >&2
}

# pf__tty - run a command of instance DIR under a pseudo-terminal, so
# Postfix shows its errors; drop the warnings that DIR's layout causes
pf__tty() {
	local dir=$1 cmd=$2 out rc
	out=$(timeout "$PF_TIMEOUT" script -qec "$cmd" /dev/null </dev/null 2>&1)
	rc=$?
	# postfix-script checks config_directory/. for root ownership, and
	# the queue and data directories are inside it here.
	printf '%s\n' "$out" | tr -d '\r' |
		grep -v -e ": $dir/\./queue/" -e ": $dir/\./data\$" -e '^$'
	return $rc
}

# pf__main_cf - write DIR/main.cf: the test settings, then the snippet
pf__main_cf() {
	local dir=$1 sock=$2
	{
		cat <<EOF
# Private test instance, written by t/lib/postfix.sh. Do not edit.
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.test
mydomain = example.test
mydestination =
mynetworks = 127.0.0.1/32
relay_domains = example.net
# Nothing leaves: every address class ends in discard.
default_transport = discard:
relay_transport = discard:
local_transport = discard:
virtual_transport = discard:
# An open test service: the milter is what decides.
smtpd_relay_restrictions = check_client_access static:OK, reject
# No penalty delays for refused commands; no flow control.
smtpd_error_sleep_time = 0
in_flow_delay = 0
cyrus_sasl_config_path = $dir/sasl
smtpd_tls_security_level = may
smtpd_tls_cert_file = $dir/tls/cert.pem
smtpd_tls_key_file = $dir/tls/key.pem

# ---- etc/postfix/main.cf ----
EOF
		sed "s|^smtpd_milters[[:space:]]*=.*|smtpd_milters = $sock|" "$PF_ETC/main.cf"
	} >"$dir/main.cf"
	grep -q "^smtpd_milters = $sock\$" "$dir/main.cf" || {
		pf__err pf_start "no smtpd_milters line in $PF_ETC/main.cf"
		return 1
	}
	# postconf -e replaces a setting in place: no duplicate entries.
	local line
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		postconf -c "$dir" -e "$line" || {
			pf__err pf_start "PF_MAIN_EXTRA: cannot set '$line'"
			return 1
		}
	done <<<"${PF_MAIN_EXTRA:-}"
}

# pf__master_cf - write DIR/master.cf: internal services, then the snippet
pf__master_cf() {
	local dir=$1
	# The internal services a Postfix needs to receive and discard mail,
	# none chrooted (the queue is private). No smtp/lmtp client: nothing
	# can be delivered anywhere.
	cat >"$dir/master.cf" <<'EOF'
# Private test instance, written by t/lib/postfix.sh. Do not edit.
pickup     unix  n  -  n  60     1  pickup
cleanup    unix  n  -  n  -      0  cleanup
qmgr       unix  n  -  n  300    1  qmgr
tlsmgr     unix  -  -  n  1000?  1  tlsmgr
rewrite    unix  -  -  n  -      -  trivial-rewrite
bounce     unix  -  -  n  -      0  bounce
defer      unix  -  -  n  -      0  bounce
trace      unix  -  -  n  -      0  bounce
verify     unix  -  -  n  -      1  verify
flush      unix  n  -  n  1000?  0  flush
proxymap   unix  -  -  n  -      -  proxymap
proxywrite unix  -  -  n  -      1  proxymap
showq      unix  n  -  n  -      -  showq
error      unix  -  -  n  -      -  error
retry      unix  -  -  n  -      -  error
discard    unix  -  -  n  -      -  discard
anvil      unix  -  -  n  -      1  anvil
scache     unix  -  -  n  -      1  scache
postlog    unix-dgram n - n  -   1  postlogd

# ---- etc/postfix/master.cf, services moved to 127.0.0.1 ----
EOF
	# Field 1 names the service, field 5 is chroot; the commented-out
	# "#smtp" entry and its "#  -o" lines are the outbound port 25 service.
	awk -v mx="$PF_MX_PORT" -v sub_="$PF_SUB_PORT" \
	    -v subs="$PF_SUBS_PORT" -v out="$PF_OUT_PORT" \
	    -v mxopts="${PF_MX_OPTS:-}" '
		# PF_MX_OPTS go last in the MX entry, so that they override.
		pending && !/^#?[ \t]+-o[ \t]/ { print "  " mxopts; pending = 0 }
		/^#smtp[ \t]+inet[ \t]/ { $0 = substr($0, 2); outsvc = 1 }
		outsvc && /^#[ \t]+-o[ \t]/ { $0 = substr($0, 2) }
		/^[^# \t]/ {
			if ($1 == "smtp" && outsvc) port = out
			else if ($1 == "smtp") port = mx
			else if ($1 == "submission") port = sub_
			else if ($1 == "submissions") port = subs
			else { print "unknown service " $1 > "/dev/stderr"; bad = 1 }
			$1 = "127.0.0.1:" port
			$5 = "n"
			seen[port] = 1
			print
			pending = (port == mx && !outsvc && mxopts != "")
			next
		}
		!/^#[ \t]+-o[ \t]/ && !/^[ \t]/ { outsvc = 0 }
		{ print }
		END {
			if (pending) print "  " mxopts
			if (bad || !(mx in seen) || !(sub_ in seen) ||
			    !(subs in seen) || !(out in seen)) {
				print "expected smtp, submission, submissions " \
				    "and a commented-out outbound smtp service" \
				    > "/dev/stderr"
				exit 1
			}
		}' "$PF_ETC/master.cf" >>"$dir/master.cf" || {
		pf__err pf_start "cannot use $PF_ETC/master.cf"
		return 1
	}
	[ -z "${PF_MASTER_EXTRA:-}" ] || printf '%s\n' "$PF_MASTER_EXTRA" >>"$dir/master.cf"
}

# pf__sasl - write the Cyrus SASL config and the sasldb users into DIR/sasl
pf__sasl() {
	local dir=$1 db=$1/sasl/sasldb2 u
	cat >"$dir/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $db
mech_list: PLAIN LOGIN
EOF
	# "user@domain" logins are split by Cyrus into user and realm; a bare
	# login gets the server's realm, which is myhostname here. Postfix
	# passes a login to the milter as it is: dave+2Bx@example.net must
	# reach it with "+2B" in it, never decoded as xtext. "l" 250 times
	# @example.net is a login longer than the milter keeps (255 octets).
	for u in alice:example.net bob:example.net carol:mx.example.test \
	    dave+2Bx:example.net "$(printf 'l%.0s' {1..250}):example.net"; do
		printf '%s-secret' "${u%%:*}" |
			saslpasswd2 -p -c -f "$db" -u "${u#*:}" "${u%%:*}" || {
			pf__err pf_start "saslpasswd2 failed for ${u%%:*}"
			return 1
		}
	done
	chgrp postfix "$db" && chmod 640 "$db"
}

# pf__tls - make a self-signed certificate for mx.example.test in DIR/tls
pf__tls() {
	local dir=$1 out
	out=$(openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 7 -subj /CN=mx.example.test \
		-keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" 2>&1) || {
		pf__err pf_start "openssl: $out"
		return 1
	}
	chmod 600 "$dir/tls/key.pem"
}

# pf__master_pid - print the pid of DIR's running master, or fail
pf__master_pid() {
	local pid
	pid=$(tr -d ' \n' 2>/dev/null <"$1/queue/pid/master.pid") || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# pf__listening - succeed when every given 127.0.0.1 TCP port listens
pf__listening() {
	local p
	for p; do
		[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] || return 1
	done
}

# pf_start - build and start a private Postfix in DIR using MILTER_SOCKET
pf_start() {
	local dir=$1 sock=${2-} out i
	[ -n "$dir" ] || { pf__err pf_start "usage: pf_start DIR MILTER_SOCKET"; return 2; }
	if [ ! -f "$PF_ETC/main.cf" ] || [ ! -f "$PF_ETC/master.cf" ]; then
		pf__err pf_start "no snippets in PF_ETC=$PF_ETC"
		return 1
	fi
	pf__master_pid "$dir" >/dev/null && pf_stop "$dir"
	rm -rf "$dir" && mkdir -p "$dir/queue" "$dir/data" "$dir/sasl" "$dir/tls" || return 1
	dir=$(cd "$dir" && pwd)
	# Postfix's unprivileged daemons must reach the queue, sasldb and log.
	chmod 755 "$dir" "$dir/sasl" && chown postfix "$dir/data" || return 1
	pf__main_cf "$dir" "$sock" && pf__master_cf "$dir" &&
		pf__sasl "$dir" && pf__tls "$dir" || return 1

	# master reports a failed bind only to syslog, which is missing here.
	for i in "$PF_MX_PORT" "$PF_SUB_PORT" "$PF_SUBS_PORT" "$PF_OUT_PORT"; do
		pf__listening "$i" || continue
		pf__err pf_start "127.0.0.1:$i already in use:" \
			"$(ss -Hltnp "sport = :$i" | awk '{print $NF}')"
		return 1
	done
	# "postfix start" runs the checks of "postfix check" (postfix-script
	# check-fatal and check-warn) first; running them before it as well
	# cost a second or more per start.
	if ! out=$(pf__tty "$dir" "postfix -c '$dir' start"); then
		pf__err pf_start "postfix start failed:"; printf '%s\n' "$out" >&2
		return 1
	fi
	out=$(printf '%s\n' "$out" | grep -v 'starting the Postfix mail system')
	[ -n "$out" ] && printf 'pf_start: postfix start: %s\n' "$out" >&2
	for ((i = 0; i < PF_TIMEOUT * 10; i++)); do
		pf__listening "$PF_MX_PORT" "$PF_SUB_PORT" "$PF_SUBS_PORT" "$PF_OUT_PORT" &&
			return 0
		sleep 0.1
	done
	pf__err pf_start "ports $PF_MX_PORT $PF_SUB_PORT $PF_SUBS_PORT $PF_OUT_PORT" \
		"not listening after ${PF_TIMEOUT}s; $dir/maillog:"
	tail -n 20 "$dir/maillog" >&2 2>/dev/null
	return 1
}

# pf_stop - stop the private Postfix in DIR and wait for its master to exit
pf_stop() {
	local dir=$1 pid out i
	pid=$(pf__master_pid "$dir") || return 0
	out=$(pf__tty "$dir" "postfix -c '$dir' stop") ||
		{ pf__err pf_stop "postfix stop: $out"; }
	for ((i = 0; i < PF_TIMEOUT * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	pf__err pf_stop "master $pid still running after ${PF_TIMEOUT}s"
	return 1
}
