/*
 * NAME
 *	policy_text 3h
 * SUMMARY
 *	the words of the policy engine (private to lib/policy*.c)
 * SYNOPSIS
 *	#include "policy_text.h"
 *
 *	void policy_help_detail(const struct conf *c, char *buf, size_t len);
 *	void policy_not_yours(const struct conf *c, const char *login,
 *	    const char *what, char *buf, size_t len);
 *	void policy_span(unsigned long ms, char *buf, size_t len);
 * DESCRIPTION
 *	policy_help_detail() writes where a quarantined customer's mail still
 *	goes (AlwaysAllowRecipients, SupportContact); policy_not_yours() what
 *	a login tried and what it may send as instead; policy_span() a
 *	duration rounded up for people ("45 s", "12 min", "3 h").
 *	policy_needs_format() is declared in policy.h.
 */
#ifndef ISO_POLICY_TEXT_H
#define ISO_POLICY_TEXT_H

#include <stddef.h>

#include "conf.h"

void	policy_help_detail(const struct conf *c, char *buf, size_t len);
void	policy_not_yours(const struct conf *c, const char *login,
	    const char *what, char *buf, size_t len);
void	policy_span(unsigned long ms, char *buf, size_t len);

#endif
