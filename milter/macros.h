/*
 * NAME
 *	macros 3h
 * SUMMARY
 *	the MTA macros the milter asks for, and reading them
 * SYNOPSIS
 *	#include "macros.h"
 *
 *	int macros_request(SMFICTX *ctx);
 *	const char *macro_get(SMFICTX *ctx, const char *name);
 * DESCRIPTION
 *	macros_request() asks the MTA, during option negotiation, for the
 *	macros the milter reads at each stage (smfi_setsymlist), so that a
 *	stock Postfix or Sendmail needs no macro configuration.
 *	macro_get() is the only caller of smfi_getsymval(): NULL when the
 *	MTA did not send the macro.
 * DIAGNOSTICS
 *	macros_request() returns 0, or -1 when the MTA refused a stage's
 *	list (the others are asked for all the same).
 */
#ifndef ISO_MACROS_H
#define ISO_MACROS_H

#include <libmilter/mfapi.h>

int	macros_request(SMFICTX *ctx);
const char *macro_get(SMFICTX *ctx, const char *name);

#endif
