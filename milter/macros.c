/*
 * NAME
 *	macros 3
 * SUMMARY
 *	the MTA macros the milter asks for, and reading them
 * SYNOPSIS
 *	#include "macros.h"
 * DESCRIPTION
 *	One list per protocol stage, of the macros callbacks.c reads there
 *	and nothing more, so that the MTA sends no macro that nobody reads.
 *	At connect: {daemon_name} and {daemon_port} decide the role,
 *	{daemon_addr} (the address the client connected to) and "j" (the
 *	MTA's own host name) are ours for inbound.helo_impersonation, "v"
 *	tells Postfix from Sendmail (only Sendmail xtext-encodes
 *	{auth_authen}). At MAIL: {auth_authen}, the login, which the MTA
 *	knows from MAIL on. At MAIL, RCPT and end of message: "i", the
 *	queue id of the decision lines, asked for at each of them because
 *	an MTA may assign it late (Postfix, by default, once it has
 *	accepted a recipient). Macros of the HELO stage are not asked for:
 *	none is read.
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
	{SMFIM_CONNECT, "j v {daemon_name} {daemon_port} {daemon_addr}"},
	{SMFIM_ENVFROM, "i {auth_authen}"},
	{SMFIM_ENVRCPT, "i"},
	{SMFIM_EOM, "i"},
};

/* macros_request - ask for the macros read, per stage; 0 ok, -1 refused */
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
