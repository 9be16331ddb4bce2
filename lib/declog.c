/*
 * NAME
 *	declog 3
 * SUMMARY
 *	the one log line per decision
 * SYNOPSIS
 *	#include "declog.h"
 * DESCRIPTION
 *	See declog.h. The reply text is logged as reason="..." with the same
 *	escaping, so a log line can be pasted into a reply to the customer.
 *	The fields the milter decided come first: a line cut by a syslog
 *	relay, or by a small buffer, still says what was decided.
 */
#include "config.h"

#include <string.h>

#include "declog.h"

struct out {
	char   *buf;
	size_t	len;
	size_t	pos;
};

/* put - append raw text, cutting at the end of the buffer */
static void
put(struct out *o, const char *s)
{
	while (*s && o->pos + 1 < o->len)
		o->buf[o->pos++] = *s++;
	o->buf[o->pos] = '\0';
}

/* plain - is the octet written as it is? */
static int
plain(unsigned char c, int allow_space)
{
	return c > 0x20 ? c < 0x7f && c != '"' && c != '\\' :
	    c == ' ' && allow_space;
}

/* put_escape - append one octet as \xHH */
static void
put_escape(struct out *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[5];

	esc[0] = '\\';
	esc[1] = 'x';
	esc[2] = hex[c >> 4];
	esc[3] = hex[c & 0xf];
	esc[4] = '\0';
	put(o, esc);
}

/* put_escaped - append a value with unsafe bytes as \xHH, at most max
 * octets of it (0: no cap), then DECLOG_CUT if it did not all fit */
static void
put_escaped(struct out *o, const char *s, int allow_space, size_t max)
{
	const unsigned char *p;
	size_t used = 0, n;
	int as_is;

	if (s == NULL || *s == '\0') {
		put(o, "-");
		return;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		as_is = plain(*p, allow_space);
		n = as_is ? 1 : 4;
		if (max > 0 && used + n > max) {
			put(o, DECLOG_CUT);
			return;
		}
		used += n;
		/* an octet as it is, most of a line: written in place, not
		 * through put() */
		if (!as_is)
			put_escape(o, *p);
		else if (o->pos + 1 < o->len)
			o->buf[o->pos++] = (char)*p;
	}
	o->buf[o->pos] = '\0';
}

/* field - append " key=value", the value escaped and capped */
static void
field(struct out *o, const char *key, const char *value, size_t max)
{
	if (o->pos > 0)
		put(o, " ");
	put(o, key);
	put(o, "=");
	put_escaped(o, value, 0, max);
}

/* declog_format - the decision line */
size_t
declog_format(char *buf, size_t len, const struct declog_ctx *ctx,
    const struct verdict *v)
{
	struct out o = {buf, len, 0};

	if (len == 0)
		return 0;
	buf[0] = '\0';
	/* what was decided: never pushed off the line by client text */
	field(&o, "session", ctx->session, DECLOG_FIXED_MAX);
	field(&o, "role", role_name(ctx->role), DECLOG_FIXED_MAX);
	field(&o, "stage", stage_name(ctx->stage), DECLOG_FIXED_MAX);
	field(&o, "rule", rule_name(v->rule), DECLOG_FIXED_MAX);
	field(&o, "action", action_name(v->action), DECLOG_FIXED_MAX);
	if (v->action == ACTION_REPORT)
		field(&o, "would", action_name(v->would), DECLOG_FIXED_MAX);
	/* what the client said, each value capped */
	field(&o, "ip", ctx->ip, DECLOG_VALUE_MAX);
	field(&o, "helo", ctx->helo, DECLOG_VALUE_MAX);
	field(&o, "auth", ctx->auth, DECLOG_VALUE_MAX);
	field(&o, "from", ctx->from, DECLOG_VALUE_MAX);
	if (ctx->rcpt != NULL)
		field(&o, "rcpt", ctx->rcpt, DECLOG_VALUE_MAX);
	if (ctx->queue != NULL && *ctx->queue != '\0')
		field(&o, "queue", ctx->queue, DECLOG_VALUE_MAX);
	if (v->action != ACTION_ACCEPT) {
		put(&o, " reason=\"");
		put_escaped(&o, v->code, 0, DECLOG_FIXED_MAX);
		put(&o, " ");
		put_escaped(&o, v->ecode, 0, DECLOG_FIXED_MAX);
		put(&o, " ");
		put_escaped(&o, v->text, 1, DECLOG_REASON_MAX);
		put(&o, "\"");
	}
	return o.pos;
}

/* declog_escape - one client value, escaped as in the decision line */
const char *
declog_escape(const char *s, int allow_space, char *buf, size_t len)
{
	struct out o = {buf, len, 0};

	buf[0] = '\0';
	put_escaped(&o, s, allow_space, 0);
	return buf;
}
