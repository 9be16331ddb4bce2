#!/bin/bash
# postfix-selftest.sh - check the test Postfix and the harness, without milter
#
# SYNOPSIS
#	t/postfix-selftest.sh
#
# DESCRIPTION
#	Exercises t/lib/postfix.sh and t/lib/harness.sh on their own, with
#	the etc/postfix snippets as a postmaster installs them:
#	1. smtpd_milters pointing at a closed port: Postfix tempfails
#	   (milter_default_action = tempfail) and says why in its log;
#	2. no milter: the MX takes mail for example.net, the submission
#	   services take AUTH (PLAIN, LOGIN; address and bare logins) over
#	   STARTTLS and the TLS wrapper and relay, refuse clients without
#	   AUTH; the outbound port 25 service offers AUTH; all mail is
#	   discarded; pf_stop leaves nothing running.
#	Root only; exits 77 (skip) when a prerequisite is missing.
#
# ENVIRONMENT
#	See t/lib/harness.sh (ISO_KEEP=1 keeps the work folder).

# shellcheck source=t/lib/harness.sh
. "$(cd "$(dirname "$0")" && pwd)/lib/harness.sh"

MAILLOG=$H_DIR/postfix/maillog
ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)

# 1. The milter socket is a closed port (no h_milter_start).
h_postfix_start
H_LOG=$MAILLOG
h_expect "MX tempfails when the milter is down" "451 4.7.1" \
	'milter-reject: .*451 4\.7\.1' \
	-- pf-mx "$H_IP_OUTSIDER" --from someone@outside.test --to bob@example.net
h_expect_log "Postfix logs the unreachable milter" \
	"connect to Milter service inet:127\.0\.0\.1:$H_MILTER_PORT: Connection refused"
h_expect "submission tempfails when the milter is down" 4 \
	-- pf-sub "$H_IP_CUSTOMER" --from alice@example.net --to someone@other.test "${ALICE[@]}"
h_postfix_stop

# 2. Postfix alone.
H_PF_MILTER='' h_postfix_start
h_expect "MX accepts mail for example.net" 250 \
	'postfix/smtp/smtpd\[[0-9]+\]: connect from .*\[127\.0\.1\.10\]' \
	-- pf-mx "$H_IP_OUTSIDER" --from someone@outside.test --to bob@example.net
h_expect_log "accepted mail is discarded, not delivered" \
	'postfix/discard\[[0-9]+\]: .*to=<bob@example\.net>.*status=sent'
h_expect "submission: AUTH PLAIN alice@example.net relays" 250 \
	'postfix/submission/smtpd\[[0-9]+\]: .*sasl_method=PLAIN, sasl_username=alice@example\.net$' \
	-- pf-sub "$H_IP_CUSTOMER" --from alice@example.net --to someone@other.test "${ALICE[@]}"
h_expect "submission: AUTH PLAIN bare login carol relays" 250 \
	'postfix/submission/smtpd\[[0-9]+\]: .*sasl_username=carol$' \
	-- pf-sub "$H_IP_OUTSIDER" --from carol@example.net --to someone@other.test \
	--auth PLAIN --auth-user carol --auth-password carol-secret
h_expect "submission: AUTH LOGIN bob@example.net relays" 250 \
	'sasl_method=LOGIN, sasl_username=bob@example\.net$' \
	-- pf-sub "$H_IP_CUSTOMER" --from bob@example.net --to someone@other.test \
	--auth LOGIN --auth-user bob@example.net --auth-password bob-secret
h_expect "submissions (TLS wrapper): AUTH PLAIN relays" 250 \
	'postfix/submissions/smtpd\[[0-9]+\]: .*sasl_username=alice@example\.net$' \
	-- pf-subs "$H_IP_CUSTOMER" --from alice@example.net --to someone@other.test "${ALICE[@]}"
h_expect "submission refuses a client without AUTH" "554 5.7.1" \
	-- pf-sub "$H_IP_CUSTOMER" --from alice@example.net --to someone@other.test
H_SMTP_TLS='' h_expect "submission refuses plaintext (STARTTLS required)" "530 5.7.0" \
	-- pf-sub "$H_IP_CUSTOMER" --from alice@example.net --to someone@other.test
h_expect "submission refuses a wrong password" 5.7.8 \
	-- pf-sub "$H_IP_CUSTOMER" --from alice@example.net --to someone@other.test \
	--auth PLAIN --auth-user alice@example.net --auth-password wrong
h_expect "outbound port 25 takes mail without AUTH (the milter decides)" 250 \
	'postfix/smtp-out/smtpd\[[0-9]+\]: connect from' \
	-- pf-out "$H_IP_CUSTOMER" --from alice@example.net --to someone@other.test
h_expect "outbound port 25 offers AUTH after STARTTLS" 250 \
	'postfix/smtp-out/smtpd\[[0-9]+\]: .*sasl_username=alice@example\.net$' \
	-- pf-out "$H_IP_CUSTOMER" --from alice@example.net --to someone@other.test "${ALICE[@]}"
h_expect "the MX offers no AUTH" "000 *** Host did not advertise authentication" \
	-- pf-mx "$H_IP_OUTSIDER" --from alice@example.net --to bob@example.net "${ALICE[@]}"

h_postfix_stop
up=
pf__master_pid "$H_DIR/postfix" >/dev/null && up="master still running"
for p in "$PF_MX_PORT" "$PF_SUB_PORT" "$PF_SUBS_PORT" "$PF_OUT_PORT"; do
	h__port_free "$p" || up="$up port $p still listening"
done
if [ -n "$up" ]; then
	h_not_ok "pf_stop stops Postfix" "$up"
else
	h_ok "pf_stop stops Postfix"
fi
h_expect "a stopped service gives code 000" 000 \
	-- pf-mx "$H_IP_OUTSIDER" --from someone@outside.test --to bob@example.net

h_done
