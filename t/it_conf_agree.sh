#!/bin/bash
# it_conf_agree - isolation-milter -n, -d and the daemon's start refuse the same
#
# Each invalid line of the table below is written into a configuration
# that is otherwise valid (Socket on a test port, UserID nobody, a
# StateFile nobody can write); then "isolation-milter -n -c F", the dump
# "isolation-milter -d -c F" and the daemon's start, "isolation-milter
# -f -c F" and "-F -c F", must all exit 1, with the same "F:LINE:
# message" lines on standard error. The table has a line
# of every kind of value, and every value that was once refused only
# when the daemon started (RedisServer without a port, a unix socket path
# longer than sun_path, RedisUser without RedisPassword, ...). Last, a
# valid file passes -n and the daemon starts on it.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

BIN=$H_MILTER_BIN
[ -x "$BIN" ] || h_skip "milter not built: $BIN"

CONF=$H_DIR/agree.conf
LONG=$(printf '%0120d' 0)

# write_conf LINE... : the lines, then the base keys they do not set
write_conf() {
	local line key base
	{
		for line; do printf '%s\n' "$line"; done
		for base in "Socket inet:$H_MILTER_PORT@127.0.0.1" "UserID nobody" \
		    "StateFile $H_STATE_DIR/agree.lmdb" "SPF no" \
		    "Action.inbound.dynamic_ip off"; do
			key=${base%% *}
			printf '%s\n' "$@" | grep -qi "^${key}[[:space:]]" ||
				printf '%s\n' "$base"
		done
	} >"$CONF"
}

# errors_of TEXT - the "file:line: message" lines of an output
errors_of() {
	grep -E '^/[^:]+(:[0-9]+)?: ' <<<"$1"
}

# same_refusal NAME N_OUT WANT CMD... : CMD exits 1 with the errors of
# -n (N_OUT), one of them matching WANT
same_refusal() {
	local name=$1 n_out=$2 want=$3 out rc
	shift 3
	out=$("$@" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" != 1 ]; then
		h_not_ok "$name" "exit $rc, wanted 1: $out"
	elif [ "$(errors_of "$out")" != "$(errors_of "$n_out")" ]; then
		h_not_ok "$name" "-n said: $(errors_of "$n_out") / this said: $out"
	elif ! grep -Eq -- "$want" <<<"$out"; then
		h_not_ok "$name" "no line matching /$want/: $out"
	else
		h_ok "$name"
	fi
}

# agree NAME LINENO REGEX LINE... : -n and the start refuse LINE alike,
# with "CONF:LINENO: " followed by REGEX (grep -E); LINENO "-" when the
# message names another file, REGEX then being the whole line
agree() {
	local name=$1 lineno=$2 re=$3 want n_out n_rc d_out d_rc
	shift 3
	write_conf "$@"
	if [ "$lineno" = - ]; then
		want="^$re"
	else
		want="^$CONF:$lineno: $re"
	fi
	n_out=$("$BIN" -n -c "$CONF" 2>&1 >/dev/null)
	n_rc=$?
	if [ "$n_rc" != 1 ]; then
		h_not_ok "-n refuses $name" "exit $n_rc, wanted 1: $n_out"
	elif ! grep -Eq -- "$want" <<<"$n_out"; then
		h_not_ok "-n refuses $name" "no line matching /$want/: $n_out"
	else
		h_ok "-n refuses $name"
	fi
	same_refusal "-d refuses $name alike" "$n_out" "$want" "$BIN" -d -c "$CONF"
	same_refusal "the start with -F refuses $name alike" "$n_out" "$want" \
		timeout 20 "$BIN" -F -c "$CONF"
	d_out=$(timeout 20 "$BIN" -f -c "$CONF" 2>&1 </dev/null)
	d_rc=$?
	if [ "$d_rc" != 1 ]; then
		h_not_ok "the start refuses $name alike" "exit $d_rc, wanted 1: $d_out"
	elif [ "$(errors_of "$d_out")" != "$(errors_of "$n_out")" ]; then
		h_not_ok "the start refuses $name alike" \
			"-n said: $(errors_of "$n_out") / the start said: $d_out"
	elif ! grep -Eq -- "$want" <<<"$d_out"; then
		h_not_ok "the start refuses $name alike" "no line matching /$want/: $d_out"
	else
		h_ok "the start refuses $name alike"
	fi
}

# Files some lines name.
printf 'redis-password\n' >"$H_DIR/open.pw"
chmod 644 "$H_DIR/open.pw"
printf 'alice@example.net\n' >"$H_DIR/broken_map"

# One line of each kind of value.
agree "an unknown key" 1 'unknown key "Colour"' "Colour blue"
agree "a string without value" 1 'PidFile: missing value' "PidFile"
agree "a key set twice" 2 'LogLevel is already set at line 1' \
	"LogLevel info" "LogLevel debug"
agree "a bad boolean" 1 'Syslog: "maybe" is not yes or no' "Syslog maybe"
agree "a duration out of range" 1 'QuarantineTTL: 10ms is out of range' \
	"QuarantineTTL 10ms"
agree "a number out of range" 1 'RedisDatabase: "16" is not a number from 0 to 15' \
	"RedisDatabase 16"
agree "a bad choice" 1 'Mode: "strict" is not enforce or report' "Mode strict"
agree "a bad syslog facility" 1 'SyslogFacility: "kern" is not a syslog facility' \
	"SyslogFacility kern"
agree "a bad log level" 1 'LogLevel: "loud" is not error' "LogLevel loud"
agree "a bad role" 1 'Role: "both" is not auto, inbound or outbound' "Role both"
agree "a bad default role" 1 'DefaultRole: "auto" is not inbound or outbound' \
	"DefaultRole auto"
agree "a subaddress delimiter of two characters" 1 \
	'SubaddressDelimiter: one character, or empty to disable' "SubaddressDelimiter +-"
agree "a relative path" 1 'SenderLoginMap: "map" is not an absolute path' \
	"SenderLoginMap map"
agree "a bad octal mask" 1 'UMask: "0800" is not an octal mask' "UMask 0800"
agree "a bad size" 1 'StateFileSize: "10K" is not a size from 1M to 1T' \
	"StateFileSize 10K"
agree "a bad N/window" 1 'LoginQuarantine: "10" is not N/window' "LoginQuarantine 10"
agree "a SupportContact too long" 1 'SupportContact: longer than 200 characters' \
	"SupportContact $LONG$LONG"
agree "a bad escalation" 1 'QuarantineEscalation: expected off or' \
	"QuarantineEscalation double"
agree "a command without absolute path" 1 \
	'AlertSendmail: "sendmail -t" does not start with an absolute path' \
	"AlertSendmail sendmail -t"
agree "a secret in the file itself" 1 'ReleaseSecret: expected file:/absolute/path' \
	"ReleaseSecret s3cret"
agree "a password file others may read" 1 \
	"RedisPassword: $H_DIR/open.pw is readable or writable by others" \
	"RedisPassword file:$H_DIR/open.pw"
agree "a bad NAME=role" 1 'DaemonRoles: "MSA" is not NAME=inbound or NAME=outbound' \
	"DaemonRoles MSA"
agree "a bad port" 1 'SubmissionPorts: "seventy" is not a port number' \
	"SubmissionPorts 587 seventy"
agree "a bad domain" 1 'LocalDomains: "mple..net" is not a domain name' \
	"LocalDomains mple..net"
agree "a network with host bits" 1 'CustomerNetworks: "10.0.0.1/8" has host bits set' \
	"CustomerNetworks 10.0.0.1/8"
agree "a bad DynamicIPChecks word" 1 'DynamicIPChecks: "rbl" is not dnsbl' \
	"DynamicIPChecks rbl"
agree "a bad AlwaysAllowRecipients entry" 1 \
	'AlwaysAllowRecipients: "abuse" is not local@ or local@domain' \
	"AlwaysAllowRecipients abuse"
agree "a bad RateLimit" 1 'RateLimit: "user" is not ip or login' \
	"RateLimit user messages 5/1h"
agree "a bad DNSBL zone" 1 'DNSBL: "bad..zone" is not a zone name' "DNSBL bad..zone"
agree "a bad SPFAction" 1 'SPFAction: the action for fail is Action.inbound.spf_fail' \
	"SPFAction fail reject"
agree "a bad rule action" 1 'Action.inbound.auth: "maybe" is not reject' \
	"Action.inbound.auth maybe"
agree "a missing file: list" 1 'LocalDomains: /nonexistent/domains: cannot open' \
	"LocalDomains file:/nonexistent/domains"
agree "a broken SenderLoginMap" - "$H_DIR/broken_map:1: " \
	"SenderLoginMap $H_DIR/broken_map"
agree "RedisSentinels without RedisMasterName" 1 'RedisSentinels needs RedisMasterName' \
	"RedisSentinels 127.0.0.1:26379"

# Values the daemon once refused only when it started.
agree "RedisServer without a port" 1 \
	'RedisServer: "localhost" is not HOST:PORT \(port 1-65535\) or unix:/path' \
	"RedisServer localhost"
agree "RedisServer with port 0" 1 'RedisServer: "127.0.0.1:0" is not HOST:PORT' \
	"RedisServer 127.0.0.1:0"
agree "RedisServer on a relative unix path" 1 \
	'RedisServer: "unix:redis.sock" is not unix:/absolute/path' "RedisServer unix:redis.sock"
agree "RedisSentinels with an empty host" 1 'RedisSentinels: "\[\]:26379" is not HOST:PORT' \
	"RedisSentinels []:26379" "RedisMasterName m"
agree "RedisUser without RedisPassword" 2 'RedisUser needs RedisPassword' \
	"RedisServer 127.0.0.1:6379" "RedisUser milter"
agree "a unix Socket path longer than sun_path" 1 \
	'Socket: "unix:/tmp/0+": the path of a unix socket is too long' \
	"Socket unix:/tmp/$LONG"
agree "a Socket port too long for the daemon" 1 \
	'Socket: "inet:000008895@127.0.0.1": bad port number' \
	"Socket inet:000008895@127.0.0.1"
agree "a Socket without host" 1 'Socket: "inet6:8895@\[\]": the host is empty' \
	"Socket inet6:8895@[]"
agree "UserID with a group that does not exist" 1 \
	'UserID: no such group "no-such-group-here"' "UserID nobody:no-such-group-here"
agree "UserID that does not exist" 1 'UserID: no such user "no-such-user-here"' \
	"UserID no-such-user-here"
agree "SocketGroup that does not exist" 1 'SocketGroup: no such group "no-such-group-here"' \
	"SocketGroup no-such-group-here"
agree "a StateFile path too long" 1 'StateFile: the path is longer than [0-9]+ octets' \
	"StateFile /tmp/$(printf '%05000d' 0)"

# A valid file passes -n, -d and the start.
write_conf "LocalDomains example.net" "SubaddressDelimiter" "UMask 027"
if out=$("$BIN" -n -c "$CONF" 2>&1) && [ "$out" = "configuration OK" ]; then
	h_ok "-n accepts the valid file"
else
	h_not_ok "-n accepts the valid file" "$out"
fi
if out=$("$BIN" -d -c "$CONF" 2>&1) &&
    grep -q "^UMask 027 *# $CONF:[0-9]*\$" <<<"$out"; then
	h_ok "-d prints the valid file"
else
	h_not_ok "-d prints the valid file" "$out"
fi
"$BIN" -f -c "$CONF" >"$H_DIR/agree.log" 2>&1 </dev/null &
pid=$!
for ((i = 0; i < 100; i++)); do
	[ -n "$(ss -Hltn "sport = :$H_MILTER_PORT" 2>/dev/null)" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [ -n "$(ss -Hltn "sport = :$H_MILTER_PORT" 2>/dev/null)" ]; then
	h_ok "the daemon starts on the valid file"
else
	h_not_ok "the daemon starts on the valid file" "$(cat "$H_DIR/agree.log")"
fi
h_stop_pid "$pid" "$(h__conf_socket "$CONF")"

h_done
