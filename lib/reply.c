/*
 * NAME
 *	reply 3
 * SUMMARY
 *	SMTP reply sanitising
 * SYNOPSIS
 *	#include "reply.h"
 * DESCRIPTION
 *	See reply.h.
 */
#include "config.h"

#include "reply.h"

/* reply_sanitise - printable ASCII only, '%' doubled, bounded */
size_t
reply_sanitise(const char *text, char *buf, size_t len)
{
	size_t out = 0, limit;
	const unsigned char *p;

	if (len == 0)
		return 0;
	limit = len - 1 < REPLY_TEXT_MAX ? len - 1 : REPLY_TEXT_MAX;
	for (p = (const unsigned char *)(text ? text : ""); *p; p++) {
		if (*p == '%') {
			if (out + 2 > limit)
				break;
			buf[out++] = '%';
			buf[out++] = '%';
			continue;
		}
		if (out + 1 > limit)
			break;
		if (*p < 0x20 || *p == 0x7f)
			buf[out++] = ' ';
		else if (*p >= 0x80)
			buf[out++] = '?';
		else
			buf[out++] = (char)*p;
	}
	buf[out] = '\0';
	return out;
}
