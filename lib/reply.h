/*
 * NAME
 *	reply 3h
 * SUMMARY
 *	SMTP reply text that is safe to hand to the MTA
 * SYNOPSIS
 *	#include "reply.h"
 *
 *	size_t reply_sanitise(const char *text, char *buf, size_t len);
 * DESCRIPTION
 *	Replies never echo unsanitised client text: CR, LF and every other
 *	control byte become a space, bytes outside ASCII become '?', and '%'
 *	is doubled because the MTA formats the text. The result is cut at a
 *	character boundary to fit len (and at most REPLY_TEXT_MAX octets, to
 *	keep the whole reply line under RFC 5321's 512). Returns the length
 *	written; buf is always terminated when len > 0.
 */
#ifndef ISO_REPLY_H
#define ISO_REPLY_H

#include <stddef.h>

#define REPLY_TEXT_MAX	400

size_t	reply_sanitise(const char *text, char *buf, size_t len);

#endif
