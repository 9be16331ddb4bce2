#!/bin/bash
# it_redis_tls - the Redis link through stunnel with mutual TLS
#
# The recipe of contrib/redis-tls, on loopback: a private CA, a Redis
# that listens on loopback with a password, a stunnel in front of it that
# takes TLS only from certificates of the CA, a stunnel client on the
# milter's side, and the milter with RedisServer on the client's plain
# end and its password read from a file (RedisPassword file:). A bot
# caught on the MX is quarantined in that Redis; plain text to the TLS
# port, and TLS without a client certificate, get nothing from Redis.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"
h_require redis-server redis-cli stunnel openssl

TLS=$H_DIR/tls
ST_SRV_PID=
ST_CLI_PID=
mkdir -p "$TLS"

# it_cleanup - stop both stunnels, then the harness's own cleanup
it_cleanup() {
	local rc=$?
	h_stop_pid "$ST_CLI_PID"
	h_stop_pid "$ST_SRV_PID"
	(exit "$rc")
	h__cleanup
}
trap it_cleanup EXIT

# cert NAME CN [SAN] - a key and a certificate signed by the test CA
cert() {
	local ext=$TLS/$1.ext
	printf 'basicConstraints=CA:FALSE\n%s\n' "${3:+subjectAltName=$3}" >"$ext"
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$2" \
		-keyout "$TLS/$1.key" -out "$TLS/$1.csr" 2>/dev/null &&
	openssl x509 -req -in "$TLS/$1.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" \
		-CAcreateserial -days 2 -extfile "$ext" -out "$TLS/$1.pem" 2>/dev/null
}
openssl req -x509 -new -newkey rsa:2048 -nodes -subj "/CN=test cluster CA" \
	-days 2 -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>/dev/null ||
	h_bail "cannot make the test CA"
cert server redis.example.net DNS:redis.example.net || h_bail "no server certificate"
cert node mx1.example.net || h_bail "no client certificate"
chmod 600 "$TLS"/*.key

# Redis on loopback with a password; the milter reads it from a file.
printf 'redis-secret\n' >"$H_DIR/redis.pw"
chmod 600 "$H_DIR/redis.pw"
# redis-cli (and the harness's rd_cli) take the password from here
REDISCLI_AUTH=redis-secret
export REDISCLI_AUTH
rd_start main "$RD_PORT1" --requirepass redis-secret
TLS_PORT=$RD_PORT2
PLAIN_PORT=$RD_PORT3

cat >"$TLS/server.conf" <<EOF
foreground = yes
pid =
[redis-tls]
accept = 127.0.0.1:$TLS_PORT
connect = 127.0.0.1:$RD_PORT1
cert = $TLS/server.pem
key = $TLS/server.key
CAfile = $TLS/ca.pem
verifyChain = yes
requireCert = yes
sslVersionMin = TLSv1.2
EOF
cat >"$TLS/client.conf" <<EOF
foreground = yes
pid =
[redis]
client = yes
accept = 127.0.0.1:$PLAIN_PORT
connect = 127.0.0.1:$TLS_PORT
cert = $TLS/node.pem
key = $TLS/node.key
CAfile = $TLS/ca.pem
verifyChain = yes
checkHost = redis.example.net
sslVersionMin = TLSv1.2
EOF
stunnel "$TLS/server.conf" >"$H_DIR/stunnel-server.log" 2>&1 </dev/null &
ST_SRV_PID=$!
stunnel "$TLS/client.conf" >"$H_DIR/stunnel-client.log" 2>&1 </dev/null &
ST_CLI_PID=$!
h__wait_listen "$TLS_PORT" 10 "$ST_SRV_PID" || h_bail "stunnel (server) did not start: $(tail -n 5 "$H_DIR/stunnel-server.log")"
h__wait_listen "$PLAIN_PORT" 10 "$ST_CLI_PID" || h_bail "stunnel (client) did not start: $(tail -n 5 "$H_DIR/stunnel-client.log")"

h_milter_start "RedisServer 127.0.0.1:$PLAIN_PORT" "RedisPassword file:$H_DIR/redis.pw" \
	"RedisTimeout 2s"
h_postfix_start

h_expect "a bot on the MX, quarantined through the TLS link" "550 5.7.1" \
	'quarantine ip=127\.0\.2\.66 rule=inbound\.customer_direct hits=1' \
	-- pf-mx 127.0.2.66 --from bot@spam.test --to bob@example.net
got=$(redis-cli -p "$RD_PORT1" --no-auth-warning HGET iso:q:ip:127.0.2.66 rule | tr -d '\r')
[ "$got" = inbound.customer_direct ] && h_ok "the record is in Redis behind stunnel" ||
	h_not_ok "the record is in Redis behind stunnel" "HGET: '$got'"
h_expect "the quarantine is read back through the link" "550 5.7.1" \
	'rule=outbound\.quarantined action=reject' \
	-- pf-sub 127.0.2.66 --from alice@example.net --to friend@other.test \
	--auth PLAIN --auth-user alice@example.net --auth-password alice-secret
if grep -q 'state store redis failed' "$H_DIR/milter.log"; then
	h_not_ok "no store error since the start" "$(grep 'state store' "$H_DIR/milter.log" | head -n 3)"
else
	h_ok "no store error since the start"
fi

# Plain text to the TLS port gets no Redis answer.
got=$(timeout 5 redis-cli -p "$TLS_PORT" --no-auth-warning PING 2>&1 | tr -d '\r')
[ "$got" != PONG ] && h_ok "plain text to the TLS port: no answer from Redis ($got)" ||
	h_not_ok "plain text to the TLS port gets nothing" "got PONG"
# TLS without a client certificate is turned away before Redis.
got=$(printf 'PING\r\n' | timeout 5 openssl s_client -quiet -connect "127.0.0.1:$TLS_PORT" \
	-CAfile "$TLS/ca.pem" 2>/dev/null | tr -d '\r' | head -c 200)
[[ "$got" != *PONG* && "$got" != *NOAUTH* ]] && h_ok "TLS without a client certificate: refused" ||
	h_not_ok "TLS without a client certificate is refused" "got '$got'"
# ... and with one, Redis answers (the recipe is what lets the milter in).
got=$(printf 'PING\r\n' | timeout 5 openssl s_client -quiet -connect "127.0.0.1:$TLS_PORT" \
	-CAfile "$TLS/ca.pem" -cert "$TLS/node.pem" -key "$TLS/node.key" 2>/dev/null |
	tr -d '\r' | head -c 200)
[[ "$got" == *NOAUTH* ]] && h_ok "TLS with the node's certificate reaches Redis, which asks for the password" ||
	h_not_ok "TLS with a node certificate reaches Redis" "got '$got'"

h_done
