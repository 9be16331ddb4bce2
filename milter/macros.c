/*
 * NAME
 *	macros 3
 * SUMMARY
 *	the MTA macros the milter asks for, and reading them
 * SYNOPSIS
 *	#include "macros.h"
 * DESCRIPTION
 *	One list per protocol stage. "v" tells Postfix from Sendmail (only
 *	Sendmail xtext-encodes {auth_authen}); {daemon_name} and
 *	{daemon_port} decide the role; the auth macros arrive from MAIL on.
 * DIAGNOSTICS
 *	macros_request() returns -1 when the MTA refused a list; the caller
 *	logs it once.
 */
#include "config.h"

#include <stddef.h>

#include "macros.h"

static const struct {
	int	stage;
	const char *list;
} wanted[] = {
	{SMFIM_CONNECT, "j v {daemon_name} {daemon_port} {daemon_addr} {client_name} {client_ptr}"},
	{SMFIM_HELO, "{tls_version} {cipher}"},
	{SMFIM_ENVFROM, "i {auth_authen} {auth_type} {auth_author}"},
	{SMFIM_ENVRCPT, "i {rcpt_mailer}"},
	{SMFIM_EOM, "i"},
};

/* macros_request - ask for every macro, per stage; 0 ok, -1 refused */
int
macros_request(SMFICTX *ctx)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (smfi_setsymlist(ctx, wanted[i].stage,
		    (char *)wanted[i].list) != MI_SUCCESS)
			rc = -1;
	return rc;
}

/* macro_get - a macro's value, or NULL */
const char *
macro_get(SMFICTX *ctx, const char *name)
{
	return smfi_getsymval(ctx, (char *)name);
}
