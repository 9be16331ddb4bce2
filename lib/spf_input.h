/*
 * NAME
 *	spf_input 3h
 * SUMMARY
 *	what may be handed to libspf2 (private to spf.c)
 * SYNOPSIS
 *	#include "spf_input.h"
 *
 *	const char *spf_identity(const char *helo, const char *sender,
 *	    char *buf, size_t len, char *why, size_t why_len);
 * DESCRIPTION
 *	libspf2 asserts on bad input, so every name is checked here first.
 *	spf_identity() builds the identity to check: local@domain of the
 *	sender, or postmaster@HELO for the null sender (RFC 7208); a local
 *	part unfit for %{l} becomes "postmaster" so that it cannot dodge a
 *	check. Returns buf, or NULL with why (our own text) when there is
 *	nothing usable to check.
 */
#ifndef ISO_SPF_INPUT_H
#define ISO_SPF_INPUT_H

#include <stddef.h>

#define SPF_DOMAIN_MAX	253		/* a domain, without the final dot */
#define SPF_LABEL_MAX	63
#define SPF_HELO_MAX	255
#define SPF_LOCAL_MAX	64

int	spf_helo_usable(const char *helo);
const char *spf_identity(const char *helo, const char *sender, char *buf,
	    size_t len, char *why, size_t why_len);

#endif
