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
 */
#include "config.h"

#include <stdio.h>
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

/* put_escaped - append client text with unsafe bytes as \xHH */
static void
put_escaped(struct out *o, const char *s, int allow_space)
{
	const unsigned char *p;
	char hex[5];

	if (s == NULL || *s == '\0') {
		put(o, "-");
		return;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' ||
		    (*p == ' ' && !allow_space)) {
			snprintf(hex, sizeof(hex), "\\x%02x", *p);
			put(o, hex);
		} else {
			char c[2] = {(char)*p, '\0'};

			put(o, c);
		}
	}
}

/* field - append " key=value" with value escaped */
static void
field(struct out *o, const char *key, const char *value)
{
	if (o->pos > 0)
		put(o, " ");
	put(o, key);
	put(o, "=");
	put_escaped(o, value, 0);
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
	field(&o, "session", ctx->session);
	field(&o, "role", role_name(ctx->role));
	field(&o, "ip", ctx->ip);
	field(&o, "helo", ctx->helo);
	field(&o, "auth", ctx->auth);
	field(&o, "from", ctx->from);
	if (ctx->rcpt != NULL)
		field(&o, "rcpt", ctx->rcpt);
	field(&o, "stage", stage_name(ctx->stage));
	field(&o, "rule", rule_name(v->rule));
	field(&o, "action", action_name(v->action));
	if (v->action == ACTION_REPORT)
		field(&o, "would", action_name(v->would));
	if (v->action != ACTION_ACCEPT) {
		put(&o, " reason=\"");
		put(&o, v->code);
		put(&o, " ");
		put(&o, v->ecode);
		put(&o, " ");
		put_escaped(&o, v->text, 1);
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
	put_escaped(&o, s, allow_space);
	return buf;
}
