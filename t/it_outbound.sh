#!/bin/bash
# it_outbound - who may send as whom, on real Postfix and real Sendmail
#
# Postfix's submission service (STARTTLS + SASL) and Sendmail's MSA (AUTH)
# in front of one milter whose SenderLoginMap gives alice@example.net her
# own address, an alias and a shared address, and the bare login carol
# hers. Each scenario runs on both MTAs: the milter must be the same
# gatekeeper behind either. The login dave+2Bx (Postfix) and dave+x
# (Sendmail, xtext-encoded on the wire) tell whether {auth_authen} is
# decoded only for Sendmail. Submission clients come from 127.0.4.x
# (outside the customer ranges), port-25 customers from 127.0.2.x.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

ALICE=(--auth PLAIN --auth-user alice@example.net --auth-password alice-secret)
ALICE_DIALOG=(--auth alice@example.net:alice-secret)
MAY_ALICE='may send as alice@example\.net, alias@example\.net, sales@example\.net'

cat >"$H_DIR/sender_login" <<'EOF'
# address                 logins
alice@example.net         alice@example.net
alias@example.net         alice@example.net
sales@example.net         alice@example.net, carol
carol@example.net         carol
EOF
printf 'From: Alice <alice@example.net>\nTo: friend@other.test\nSubject: one\n\nfirst\n' \
	>"$H_DIR/alice.eml"
printf 'From: Bob <bob@example.net>\nTo: friend@other.test\nSubject: two\n\nforged\n' \
	>"$H_DIR/bob.eml"

# Each scenario stands alone: refusals do not add up to a quarantine of
# the login here (LoginQuarantine has its own scenario below).
h_milter_start "LoginQuarantine off"
h_postfix_start
h_sendmail_start

n=0
for svc in pf-sub sm-msa; do
	n=$((n + 1))
	ip() { echo "127.0.4.$((n * 40 + $1))"; }

	# Accepted: herself, her alias, +tag, other letter case, <>.
	h_expect "$svc: alice as herself" 250 \
		"stage=eom rule=- action=accept ip=$(ip 1) .*auth=alice@example\\.net from=<alice@example\\.net>( |$)" \
		-- "$svc" "$(ip 1)" --from alice@example.net --to friend@other.test "${ALICE[@]}"
	h_expect "$svc: alice as her alias" 250 "action=accept ip=$(ip 2) " \
		-- "$svc" "$(ip 2)" --from alias@example.net --to friend@other.test "${ALICE[@]}" \
		--header "From: alias@example.net"
	h_expect "$svc: alice as alice+lists (subaddress)" 250 "action=accept ip=$(ip 3) " \
		-- "$svc" "$(ip 3)" --from alice+lists@example.net --to friend@other.test "${ALICE[@]}" \
		--header "From: Alice <alice+lists@example.net>"
	h_expect "$svc: alice as ALICE@Example.NET (letter case)" 250 "action=accept ip=$(ip 4) " \
		-- "$svc" "$(ip 4)" --from ALICE@Example.NET --to friend@other.test "${ALICE[@]}" \
		--header "From: ALICE@Example.NET"
	h_expect_dialog "$svc: alice sends a bounce as <>" 250 "stage=eom rule=- action=accept ip=$(ip 5) .*from=<>( |$)" \
		-- "$svc" "$(ip 5)" "${ALICE_DIALOG[@]}" "MAIL FROM:<>" \
		"RCPT TO:<friend@other.test>" "DATA:$H_DIR/alice.eml"
	h_expect "$svc: carol (a bare login) as the shared address" 250 "action=accept ip=$(ip 6) .*auth=carol " \
		-- "$svc" "$(ip 6)" --from sales@example.net --to friend@other.test \
		--auth LOGIN --auth-user carol --auth-password carol-secret \
		--header "From: Sales <sales@example.net>"

	# Refused: someone else, in any disguise, and the reply says who she is.
	h_expect "$svc: alice as bob is refused with 5.7.1" "553 5.7.1" \
		"stage=mail rule=outbound\\.sender_mismatch action=reject ip=$(ip 7) .*reason=\"553 5\\.7\\.1 sender address not owned" \
		-- "$svc" "$(ip 7)" --from bob@example.net --to friend@other.test "${ALICE[@]}"
	h_expect_reply "$svc: the refusal names the addresses alice may use" \
		"553.5\\.7\\.1 .*bob@example\\.net is not yours; login alice@example\\.net $MAY_ALICE"
	i=8
	for disguise in 'alice@example.net.evil.test' '"alice@example.net"@evil.test' \
	    'alice@evil-example.net' 'alice%evil.test@example.net' 'bob+alice@example.net'; do
		h_expect_dialog "$svc: alice as <$disguise> is refused" "553 5.7.1" \
			"rule=outbound\\.sender_mismatch action=reject ip=$(ip $i) " \
			-- "$svc" "$(ip $i)" "${ALICE_DIALOG[@]}" "MAIL FROM:<$disguise>"
		i=$((i + 1))
	done
	h_expect "$svc: carol as alice is refused" "553 5.7.1" \
		"rule=outbound\\.sender_mismatch .*ip=$(ip 13) .*auth=carol " \
		-- "$svc" "$(ip 13)" --from alice@example.net --to friend@other.test \
		--auth LOGIN --auth-user carol --auth-password carol-secret
	h_expect_reply "$svc: ... and told the addresses carol may use" \
		'553.5\.7\.1 .*login carol may send as sales@example\.net, carol@example\.net'

	# The From: header: every address of every From:, and Sender:.
	h_expect "$svc: a forged From: header is refused at end of data" "550 5.7.1" \
		"stage=eom rule=outbound\\.header_from_mismatch action=reject ip=$(ip 14) .*reason=\"550 5\\.7\\.1 From: header address not owned.*From: bob@example\\.net is not yours" \
		-- "$svc" "$(ip 14)" --from alice@example.net --to friend@other.test "${ALICE[@]}" \
		--header "From: Bob <bob@example.net>"
	h_expect "$svc: a display name that shows alice does not hide bob" "550 5.7.1" \
		"rule=outbound\\.header_from_mismatch .*ip=$(ip 15) " \
		-- "$svc" "$(ip 15)" --from alice@example.net --to friend@other.test "${ALICE[@]}" \
		--header 'From: "alice@example.net" <bob@example.net>'
	h_expect "$svc: a second From: address is checked too" "550 5.7.1" \
		"rule=outbound\\.header_from_mismatch .*ip=$(ip 16) .*bob@example\\.net is not yours" \
		-- "$svc" "$(ip 16)" --from alice@example.net --to friend@other.test "${ALICE[@]}" \
		--header "From: alice@example.net, bob@example.net"
	h_expect "$svc: a forged Sender: header is refused" "550 5.7.1" \
		"rule=outbound\\.header_from_mismatch .*ip=$(ip 17) .*Sender: bob@example\\.net is not yours" \
		-- "$svc" "$(ip 17)" --from alice@example.net --to friend@other.test "${ALICE[@]}" \
		--header "From: alice@example.net" --add-header "Sender: bob@example.net"

	# Every transaction is checked: after RSET, and after a delivered message.
	h_expect_dialog "$svc: after RSET, a second MAIL FROM as bob is refused" "553 5.7.1" \
		"stage=mail rule=outbound\\.sender_mismatch .*ip=$(ip 18) .*from=<bob@example\\.net>( |$)" \
		-- "$svc" "$(ip 18)" "${ALICE_DIALOG[@]}" "MAIL FROM:<alice@example.net>" RSET \
		"MAIL FROM:<bob@example.net>"
	h_expect_reply "$svc: ... while the first transaction was accepted" \
		'^MAIL FROM:<alice@example\.net> => 250 '
	h_expect_dialog "$svc: after a delivered message, the next as bob is refused" "553 5.7.1" \
		"stage=mail rule=outbound\\.sender_mismatch .*ip=$(ip 19) " \
		-- "$svc" "$(ip 19)" "${ALICE_DIALOG[@]}" "MAIL FROM:<alice@example.net>" \
		"RCPT TO:<friend@other.test>" "DATA:$H_DIR/alice.eml" "MAIL FROM:<bob@example.net>"
	h_expect_dialog "$svc: a second message with a forged From: is refused" "550 5.7.1" \
		"stage=eom rule=outbound\\.header_from_mismatch .*ip=$(ip 20) " \
		-- "$svc" "$(ip 20)" "${ALICE_DIALOG[@]}" "MAIL FROM:<alice@example.net>" \
		"RCPT TO:<friend@other.test>" "DATA:$H_DIR/alice.eml" \
		"MAIL FROM:<alice@example.net>" "RCPT TO:<friend@other.test>" "DATA:$H_DIR/bob.eml"

	# No login, no submission (Sendmail's M=a answers before the milter).
	h_expect "$svc: unauthenticated submission is refused" 530 "" \
		-- "$svc" "$(ip 21)" --from alice@example.net --to friend@other.test
done

# {auth_authen} is xtext only from Sendmail (its "v" is a bare version):
# Postfix passes the login as it is, "+2B" and all; Sendmail encodes the
# "+" of dave+x and the milter decodes it.
DAVE_PF=(--auth PLAIN --auth-user dave+2Bx@example.net --auth-password dave+2Bx-secret)
h_expect "pf-sub: the Postfix login dave+2Bx is not decoded" 250 \
	'stage=eom rule=- action=accept ip=127\.0\.4\.121 .*auth=dave\+2Bx@example\.net from=<dave\+2Bx@example\.net>( |$)' \
	-- pf-sub 127.0.4.121 --from dave+2Bx@example.net --to friend@other.test "${DAVE_PF[@]}" \
	--header "From: dave+2Bx@example.net"
h_expect "pf-sub: ... so dave+2Bx may not send as dave+x" "553 5.7.1" \
	'stage=mail rule=outbound\.sender_mismatch action=reject ip=127\.0\.4\.122 .*auth=dave\+2Bx@example\.net from=<dave\+x@example\.net>' \
	-- pf-sub 127.0.4.122 --from dave+x@example.net --to friend@other.test "${DAVE_PF[@]}"
h_expect_log "pf-sub: Postfix is not taken for Sendmail" \
	'session=[0-9a-f]+ connect ip=127\.0\.4\.122 .*mta=other'
h_expect "sm-msa: the Sendmail login dave+x is decoded" 250 \
	'stage=eom rule=- action=accept ip=127\.0\.4\.123 .*auth=dave\+x@example\.net from=<dave\+x@example\.net>( |$)' \
	-- sm-msa 127.0.4.123 --from dave+x@example.net --to friend@other.test \
	--auth PLAIN --auth-user dave+x@example.net --auth-password dave-secret \
	--header "From: dave+x@example.net"
h_expect_log "sm-msa: Sendmail is known by its v macro" \
	'session=[0-9a-f]+ connect ip=127\.0\.4\.123 .*mta=sendmail'

# A login that keeps sending as others is quarantined (LoginQuarantine).
h_milter_start "LoginQuarantine 3/1h"
for i in 1 2; do
	h_expect "LoginQuarantine: strike $i (alice as bob)" "553 5.7.1" \
		"rule=outbound\\.sender_mismatch .*ip=127\\.0\\.4\\.9$i " \
		-- pf-sub "127.0.4.9$i" --from bob@example.net --to friend@other.test "${ALICE[@]}"
done
h_expect "LoginQuarantine: the 3rd strike (a forged From:) quarantines the login" "550 5.7.1" \
	'quarantine login=alice@example\.net rule=outbound\.header_from_mismatch hits=1 .*reason="3 refusals within 3600s' \
	-- pf-sub 127.0.4.93 --from alice@example.net --to friend@other.test "${ALICE[@]}" \
	--header "From: bob@example.net"
h_expect "LoginQuarantine: alice, even as herself and from elsewhere, is refused" "550 5.7.1" \
	'rule=outbound\.quarantined action=reject ip=127\.0\.4\.94 .*auth=alice@example\.net ' \
	-- sm-msa 127.0.4.94 --from alice@example.net --to friend@other.test "${ALICE[@]}"
h_expect "LoginQuarantine: other logins are not affected" 250 'action=accept ip=127\.0\.4\.95 ' \
	-- pf-sub 127.0.4.95 --from carol@example.net --to friend@other.test \
	--auth LOGIN --auth-user carol --auth-password carol-secret
h_milter_stop
CTL=${H_CTL_BIN:-$top_builddir/milter/isolationctl}
if "$CTL" -c "$H_DIR/milter.conf" release login alice@example.net >"$H_DIR/ctl.out" 2>&1 &&
	grep -q '^login alice@example.net released$' "$H_DIR/ctl.out"; then
	h_ok "LoginQuarantine: the quarantine outlives the milter; isolationctl releases it"
else
	h_not_ok "LoginQuarantine: isolationctl releases the login" "$(cat "$H_DIR/ctl.out")"
fi

# NullSender reject; a changed map on SIGHUP; a broken map refused.
h_milter_start "NullSender reject"
h_expect_dialog "NullSender reject: <> is refused" "553 5.7.1" \
	'rule=outbound\.sender_mismatch .*ip=127\.0\.4\.101 .*null sender' \
	-- pf-sub 127.0.4.101 "${ALICE_DIALOG[@]}" "MAIL FROM:<>"
echo "bob@example.net alice@example.net" >>"$H_DIR/sender_login"
h_mark
h_milter_reload
h_expect_log "SIGHUP rereads the sender map" 'reloaded configuration from'
h_expect "after reload: alice may send as bob" 250 'action=accept ip=127\.0\.4\.102 ' \
	-- pf-sub 127.0.4.102 --from bob@example.net --to friend@other.test "${ALICE[@]}" \
	--header "From: bob@example.net"
echo "broken@example.net" >>"$H_DIR/sender_login"
h_mark
h_milter_reload
h_expect_log "a broken map is refused on reload, with file and line" \
	'reload: .*sender_login:[0-9]+: .*'
h_expect "the running map is kept" 250 'action=accept ip=127\.0\.4\.103 ' \
	-- pf-sub 127.0.4.103 --from bob@example.net --to friend@other.test "${ALICE[@]}" \
	--header "From: bob@example.net"
if "$H_MILTER_BIN" -n -c "$H_DIR/milter.conf" >"$H_DIR/check.txt" 2>&1; then
	h_not_ok "-n refuses the broken map" "$(cat "$H_DIR/check.txt")"
elif grep -Eq 'sender_login:[0-9]+: ' "$H_DIR/check.txt"; then
	h_ok "-n refuses the broken map"
else
	h_not_ok "-n refuses the broken map" "$(cat "$H_DIR/check.txt")"
fi
sed -i '$d' "$H_DIR/sender_login"

# Port 25 of the outbound server: customers per CustomerPort25.
h_expect "port 25, CustomerPort25 auth: a customer without AUTH is refused" "530 5.7.0" \
	'rule=outbound\.auth_required .*ip=127\.0\.2\.40 ' \
	-- pf-out 127.0.2.40 --from alice@example.net --to friend@other.test
h_expect "port 25: a customer with AUTH as someone else is refused" "553 5.7.1" \
	'rule=outbound\.sender_mismatch .*ip=127\.0\.2\.41 ' \
	-- pf-out 127.0.2.41 --from carol@example.net --to friend@other.test "${ALICE[@]}"
h_milter_start "CustomerPort25 open"
h_expect "port 25, CustomerPort25 open: a customer without AUTH sends" 250 \
	'rule=- action=accept ip=127\.0\.2\.42 .*auth=- ' \
	-- pf-out 127.0.2.42 --from anyone@example.net --to friend@other.test
h_expect "port 25, CustomerPort25 open: an outsider is still refused" "550 5.7.1" \
	'rule=outbound\.outsider_port25 .*ip=127\.0\.1\.40 ' \
	-- pf-out 127.0.1.40 --from x@outside.test --to friend@other.test
h_expect "port 25, CustomerPort25 open: submission still needs AUTH" "530 5.7.0" \
	'rule=outbound\.auth_required .*ip=127\.0\.2\.43 ' \
	-- pf-sub 127.0.2.43 --from alice@example.net --to friend@other.test
h_milter_start "DaemonRoles MTA=outbound"
h_expect "Sendmail port 25 as outbound: an outsider is refused" "550 5.7.1" \
	'role=outbound .*rule=outbound\.outsider_port25 .*ip=127\.0\.1\.41 ' \
	-- sm-mta 127.0.1.41 --from x@outside.test --to friend@other.test
h_expect "Sendmail port 25 as outbound: a customer without AUTH is refused" "530 5.7.0" \
	'rule=outbound\.auth_required .*ip=127\.0\.2\.44 ' \
	-- sm-mta 127.0.2.44 --from alice@example.net --to friend@other.test

h_done
