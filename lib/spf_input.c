/*
 * NAME
 *	spf_input 3
 * SUMMARY
 *	what may be handed to libspf2
 * SYNOPSIS
 *	#include "spf_input.h"
 * DESCRIPTION
 *	See spf_input.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "spf_input.h"

/*
 * spf_domain_check - NULL when d (len bytes, no final dot) is a usable
 * DNS name, otherwise why not.
 */
static const char *
spf_domain_check(const char *d, size_t len)
{
	size_t i, label = 0, labels = 1;
	unsigned char c;

	if (len == 0)
		return "is empty";
	for (i = 0; i < len; i++)
		if ((unsigned char)d[i] >= 0x80)
			return "is not ASCII";
	for (i = 0; i < len; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			return "contains control characters";
	if (len > SPF_DOMAIN_MAX)
		return "is too long";
	for (i = 0; i < len; i++) {
		c = (unsigned char)d[i];
		if (c == '.') {
			if (label == 0)
				return "has an empty label";
			label = 0;
			labels++;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return "is not a host name";
		if (++label > SPF_LABEL_MAX)
			return "has a label over 63 characters";
	}
	if (label == 0)
		return "has an empty label";
	if (labels < 2)
		return "is not fully qualified";
	return NULL;
}

/* spf_domain_len - length of d without one final dot */
static size_t
spf_domain_len(const char *d)
{
	size_t len = strlen(d);

	if (len > 1 && d[len - 1] == '.')
		len--;
	return len;
}

/* spf_helo_usable - can HELO be handed to libspf2 (for %{h})? */
int
spf_helo_usable(const char *helo)
{
	const unsigned char *p;

	if (helo == NULL || *helo == '\0' || strlen(helo) > SPF_HELO_MAX)
		return 0;
	for (p = (const unsigned char *)helo; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

/* spf_local_usable - can the local part be used as %{l}? */
static int
spf_local_usable(const char *local, size_t len)
{
	size_t i;

	if (len == 0 || len > SPF_LOCAL_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)local[i] <= 0x20 ||
		    (unsigned char)local[i] >= 0x7f)
			return 0;
	return 1;
}

/* spf_identity - env_from for the check; NULL and why when none */
const char *
spf_identity(const char *helo, const char *sender, char *buf, size_t len,
    char *why, size_t why_len)
{
	const char *at, *domain, *local, *bad;
	size_t dlen, llen;

	if (sender != NULL && *sender != '\0') {
		at = strrchr(sender, '@');
		domain = at ? at + 1 : sender;
		dlen = spf_domain_len(domain);
		if ((bad = spf_domain_check(domain, dlen)) != NULL) {
			snprintf(why, why_len, "sender domain %s", bad);
			return NULL;
		}
		/* %{l} only: a strange local part must not dodge the check */
		local = sender;
		llen = at ? (size_t)(at - sender) : 0;
		if (!spf_local_usable(local, llen)) {
			local = "postmaster";
			llen = strlen(local);
		}
	} else {
		if (!spf_helo_usable(helo)) {
			snprintf(why, why_len,
			    "null sender and no usable HELO");
			return NULL;
		}
		domain = helo;
		dlen = spf_domain_len(domain);
		if ((bad = spf_domain_check(domain, dlen)) != NULL) {
			snprintf(why, why_len, "null sender and HELO %s",
			    bad);
			return NULL;
		}
		local = "postmaster";
		llen = strlen(local);
	}
	snprintf(buf, len, "%.*s@%.*s", (int)llen, local, (int)dlen, domain);
	return buf;
}

