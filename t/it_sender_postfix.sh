#!/bin/bash
# it_sender_postfix - the milter's sender ownership side by side with Postfix's
#
# One map file, one table of (login, MAIL FROM) rows (t/sender-cases.txt).
# First a private Postfix checks every row itself, with
# smtpd_sender_login_maps = texthash:MAP and
# reject_authenticated_sender_login_mismatch, and no milter; then the same
# Postfix without that restriction sends every row through the milter
# with SenderLoginMap MAP. Both runs use the same local domain
# (mydestination = LocalDomains = example.net) and the same subaddress
# delimiter (recipient_delimiter = SubaddressDelimiter = +).
#
# A row marked "same" must get the same verdict (accepted, or refused with
# a 5xx at MAIL or RCPT) from both; a row marked "differs KEY" must get
# different verdicts, and the README must explain KEY in its table of
# differences. Any 4xx, or a broken session, fails the row.
. "${srcdir:-$(dirname "$0")/..}/t/lib/harness.sh"

CASES=$H_SRCDIR/t/sender-cases.txt
README=$H_SRCDIR/README
[ -r "$CASES" ] || h_bail "no $CASES"

cat >"$H_DIR/sender_login" <<'EOF'
# the map both sides read
alice@example.net       alice@example.net
alias@example.net       alice@example.net
sales@example.net       alice@example.net, carol
carol@example.net       carol
postmaster              carol
@shop.example.net       carol
Eve@Example.NET         carol
"john.doe"@example.net  bob@example.net
EOF
chmod 644 "$H_DIR/sender_login"

declare -A PASSWORD=([alice@example.net]=alice-secret [bob@example.net]=bob-secret
	[carol]=carol-secret)
LOGINS=() FROMS=() WANTS=()
# trim - print $1 without leading and trailing blanks
trim() {
	local v=$1
	v=${v#"${v%%[![:space:]]*}"}
	printf '%s' "${v%"${v##*[![:space:]]}"}"
}
while IFS='|' read -r login from want; do
	login=$(trim "$login")
	case $login in '' | '#'*) continue ;; esac
	from=$(trim "$from") want=$(trim "$want")
	[ -n "${PASSWORD[$login]:-}" ] || h_bail "$CASES: no password for login '$login'"
	LOGINS+=("$login") FROMS+=("$from") WANTS+=("$want")
done <"$CASES"
[ "${#LOGINS[@]}" -ge 30 ] || h_bail "$CASES: only ${#LOGINS[@]} rows"

COMMON="mydestination = example.net
relay_domains =
recipient_delimiter = +"

# verdicts - send every row; print one verdict per row
verdicts() {
	local i ip reply
	for ((i = 0; i < ${#LOGINS[@]}; i++)); do
		ip=127.0.5.$((i + 10))
		h_dialog pf-sub "$ip" --auth "${LOGINS[i]}:${PASSWORD[${LOGINS[i]}]}" \
			"MAIL FROM:${FROMS[i]}" "RCPT TO:<friend@other.test>"
		# the first reply that is not 2xx decides
		reply=$(sed -n 's/^.* => //p; s/^\*\*\* /000 /p' "$H_DIR/last.txt" |
			grep -v '^2' | head -n 1)
		case $reply in
		'') echo accept ;;
		5*) echo "refuse ${reply%% *}" ;;
		*) echo "error ${reply:-000 no reply}" ;;
		esac
	done
}

PF_MAIN_EXTRA="$COMMON
smtpd_sender_login_maps = texthash:$H_DIR/sender_login
smtpd_sender_restrictions = reject_authenticated_sender_login_mismatch"
H_PF_MILTER='' h_postfix_start
mapfile -t BY_POSTFIX < <(verdicts)
h_postfix_stop

PF_MAIN_EXTRA=$COMMON
# every row stands alone: no login is quarantined by the refusals before it
h_milter_start "LoginQuarantine off"
h_postfix_start
mapfile -t BY_MILTER < <(verdicts)

for ((i = 0; i < ${#LOGINS[@]}; i++)); do
	p=${BY_POSTFIX[i]:-none} m=${BY_MILTER[i]:-none}
	name="${LOGINS[i]} as ${FROMS[i]}: Postfix ${p%% *}, milter ${m%% *}"
	if [[ "$p" == error* || "$m" == error* || "$p" == none || "$m" == none ]]; then
		h_not_ok "$name" "Postfix: $p; milter: $m"
		continue
	fi
	case ${WANTS[i]} in
	same)
		if [ "${p%% *}" = "${m%% *}" ]; then
			h_ok "$name (same)"
		else
			h_not_ok "$name" "the verdicts differ and the row says same"
		fi ;;
	differs\ *)
		key=${WANTS[i]#differs }
		if [ "${p%% *}" = "${m%% *}" ]; then
			h_not_ok "$name" "the row says differs $key, but both agree"
		elif ! grep -q "^| \`$key\` " "$README"; then
			h_not_ok "$name" "README explains no difference \`$key\`"
		else
			h_ok "$name (differs: $key, explained in README)"
		fi ;;
	*)	h_not_ok "$name" "bad expectation '${WANTS[i]}'" ;;
	esac
done
# the milter really judged the rows (not Postfix's own checks)
h_mark
H_MARK=0
h_expect_log "the milter logged its own refusals" 'rule=outbound\.sender_mismatch action=reject'

h_done
